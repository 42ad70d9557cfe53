"""Concatenate shard tables into one table, in a fixed row order."""

import pandas as pd

from runrisk import scriptio
from runrisk.tables import read_table, write_table

SORT_KEYS = {
    "stances": ["participant_id", "trial", "plate"],
    "trials": ["participant_id", "trial"],
    "quarantine": ["stage", "participant_id", "file", "row"],
    "activities": ["participant_id", "start_utc", "activity", "log_id"],
}


def main(snakemake):
    (name,) = snakemake.output.keys()
    frames = [read_table(path) for path in snakemake.input]
    write_table(pd.concat(frames, ignore_index=True), snakemake.output[0], sort_by=SORT_KEYS[name])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
