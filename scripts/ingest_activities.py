"""One shard of participants: Fitbit exercise exports -> one row per activity."""

from pathlib import Path

from runrisk import scriptio
from runrisk.pipeline import shard_activities
from runrisk.tables import write_table


def main(snakemake):
    activities = shard_activities(
        snakemake.input.participants,
        Path(snakemake.input.participants).parent,
        int(snakemake.wildcards.shard),
        snakemake.params.shard_size,
        snakemake.params.timezone,
        snakemake.params.settings,
    )
    write_table(activities, snakemake.output.activities, sort_by=["participant_id", "start_utc", "activity", "log_id"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
