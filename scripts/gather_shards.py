"""Concatenate shard tables into one table, in the table's declared row order, without the rows of
participants the quarantine set aside."""

from runrisk import scriptio
from runrisk.io.quarantine import set_aside
from runrisk.io.tables import SORT_KEYS, gather_tables, read_table


def main(snakemake):
    quarantine = snakemake.input.get("quarantine")
    leave_out = set_aside(read_table(quarantine)) if quarantine else frozenset()
    gather_tables(list(snakemake.input.shards), snakemake.output.table, SORT_KEYS[snakemake.params.table], leave_out)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
