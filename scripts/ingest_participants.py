"""participants.csv -> participants table (pseudonymous ids, validated fields) and its quarantine."""

from runrisk import scriptio
from runrisk.io.quarantine import quarantine_for, records_frame
from runrisk.io.surveillance import read_participants
from runrisk.io.tables import SORT_KEYS, write_table


def main(snakemake):
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine).drop(columns=["raw_id"])
    write_table(participants, snakemake.output.participants, sort_by=SORT_KEYS["participants"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=SORT_KEYS["quarantine"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
