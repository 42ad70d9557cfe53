"""Stances -> one row per participant and limb (trial means over valid stances)."""

from runrisk import scriptio
from runrisk.biomech.stances import summarise_participants
from runrisk.io.tables import SORT_KEYS, read_table, write_table


def main(snakemake):
    summary = summarise_participants(read_table(snakemake.input.stances))
    write_table(summary, snakemake.output.biomechanics, sort_by=SORT_KEYS["biomechanics"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
