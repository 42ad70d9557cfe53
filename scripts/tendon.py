"""The baseline tendon MRI of every participant with one: results/tables/tendon.parquet."""

import logging

import pandas as pd

from runrisk import scriptio
from runrisk.io.quarantine import Quarantine, attempt, quarantine_for, records_frame
from runrisk.io.surveillance import read_participants
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.tendon.study import EMPTY_COLUMNS, AbnormalTendon, TendonSettings, participant_tendon, tendon_summary


def main(snakemake):
    settings = TendonSettings.of(snakemake.params.settings)
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    # rows of participants.csv are ingest_participants' to quarantine: a private one here, so none counts twice
    participants = read_participants(snakemake.input.participants, Quarantine() if quarantine is not None else None)
    rows = []
    for person in participants.itertuples():
        found = attempt(
            quarantine, "mri", lambda p=person: participant_tendon(snakemake.params.raw_dir, p.raw_id, settings)
        )
        rows += [{"participant_id": person.participant_id, **row} for row in found or []]
    table = pd.DataFrame(rows) if rows else pd.DataFrame(columns=EMPTY_COLUMNS)
    logging.info("%d scans of %d participants", len(table), table["participant_id"].nunique() if len(table) else 0)
    write_table(table, snakemake.output.tendon, sort_by=SORT_KEYS["tendon"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=SORT_KEYS["quarantine"])
    summary = tendon_summary(table, AbnormalTendon.of(snakemake.params.abnormal))
    summary.to_csv(snakemake.output.summary, index=False, float_format="%.6g")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
