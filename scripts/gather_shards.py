"""Concatenate shard tables into one table, in the table's declared row order, without the rows of
participants the quarantine set aside."""

from runrisk import scriptio
from runrisk.io.quarantine import LAB_TRIALS, WEARABLE, set_aside
from runrisk.io.tables import SORT_KEYS, gather_tables, read_table

# the modality whose quarantine leaves a participant out of the table (besides a quarantine of the whole)
MODALITY_OF_TABLE = {"stances": LAB_TRIALS, "trials": LAB_TRIALS, "activities": WEARABLE}


def main(snakemake):
    quarantine = snakemake.input.get("quarantine")
    table = snakemake.params.table
    leave_out = set_aside(read_table(quarantine), MODALITY_OF_TABLE.get(table)) if quarantine else frozenset()
    gather_tables(list(snakemake.input.shards), snakemake.output.table, SORT_KEYS[table], leave_out)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
