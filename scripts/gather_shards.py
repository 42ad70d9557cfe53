"""Concatenate shard tables into one table, in a fixed row order."""

from runrisk import scriptio
from runrisk.tables import gather_tables

SORT_KEYS = {
    "stances": ["participant_id", "trial", "plate"],
    "trials": ["participant_id", "trial"],
    "quarantine": ["stage", "participant_id", "file", "row"],
    "activities": ["participant_id", "start_utc", "activity", "log_id"],
}


def main(snakemake):
    (name,) = snakemake.output.keys()
    gather_tables(list(snakemake.input), snakemake.output[0], SORT_KEYS[name])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
