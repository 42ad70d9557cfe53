"""participants.csv -> participants table (pseudonymous ids, validated fields)."""

from runrisk import scriptio
from runrisk.surveillance import read_participants
from runrisk.tables import write_table


def main(snakemake):
    participants = read_participants(snakemake.input.participants).drop(columns=["raw_id"])
    write_table(participants, snakemake.output.participants, sort_by=["participant_id"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
