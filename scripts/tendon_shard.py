"""One shard of participants' baseline tendon MRI: a row per scan, and the shard's bad MRI set aside."""

import logging

from runrisk import scriptio
from runrisk.cohort.shards import shard_participants
from runrisk.io.quarantine import quarantine_for, records_frame
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.tendon.study import TendonSettings, shard_tendon


def main(snakemake):
    settings = TendonSettings.of(snakemake.params.settings)
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    members = shard_participants(snakemake.input.participants, snakemake.params.members, quarantine)
    table = shard_tendon(members, snakemake.params.raw_dir, settings, quarantine)
    logging.info("%d scans of %d participants", len(table), table["participant_id"].nunique())
    write_table(table, snakemake.output.tendon, sort_by=SORT_KEYS["tendon"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=SORT_KEYS["quarantine"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
