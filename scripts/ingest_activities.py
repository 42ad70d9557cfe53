"""One shard of participants: wearable exports -> one row per activity."""

from pathlib import Path

from runrisk import scriptio
from runrisk.pipeline import shard_activities
from runrisk.quarantine import quarantine_for, records_frame
from runrisk.tables import write_table


def main(snakemake):
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    activities = shard_activities(
        snakemake.input.participants,
        Path(snakemake.input.participants).parent,
        int(snakemake.wildcards.shard),
        snakemake.params.shard_size,
        snakemake.params.timezone,
        snakemake.params.settings,
        quarantine,
    )
    write_table(activities, snakemake.output.activities, sort_by=["participant_id", "start_utc", "activity", "log_id"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=["participant_id", "file"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
