"""Weekly running volume of every shard -> one table, and the per-participant exposure."""

import pandas as pd

from runrisk import scriptio
from runrisk.exposure import exposure_summary
from runrisk.tables import gather_tables, read_table, write_table


def main(snakemake):
    shards = list(snakemake.input)
    gather_tables(shards, snakemake.output.weekly, ["participant_id", "week"])
    # exposure is per participant, so per shard: no job holds every participant-week at once
    exposure = pd.concat([exposure_summary(read_table(shard)) for shard in shards], ignore_index=True)
    write_table(exposure, snakemake.output.exposure, sort_by=["participant_id"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
