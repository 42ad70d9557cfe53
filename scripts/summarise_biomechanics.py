"""Stances -> one row per participant and limb (trial means over valid stances)."""

from runrisk import scriptio
from runrisk.biomechanics import summarise_participants
from runrisk.tables import read_table, write_table


def main(snakemake):
    summary = summarise_participants(read_table(snakemake.input.stances))
    write_table(summary, snakemake.output.biomechanics, sort_by=["participant_id", "side"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
