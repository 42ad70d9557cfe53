"""Concatenate shard tables into one table, in the table's declared row order."""

from runrisk import scriptio
from runrisk.io.tables import SORT_KEYS, gather_tables


def main(snakemake):
    gather_tables(list(snakemake.input), snakemake.output.table, SORT_KEYS[snakemake.params.table])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
