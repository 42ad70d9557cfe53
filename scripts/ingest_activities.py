"""One shard of participants: wearable exports -> one row per activity, and its weekly volume."""

from pathlib import Path

from runrisk import scriptio
from runrisk.exposure import weekly_volume
from runrisk.pipeline import shard_activities, shard_participants
from runrisk.quarantine import quarantine_for, records_frame
from runrisk.tables import write_table


def main(snakemake):
    csv, shard, size = snakemake.input.participants, int(snakemake.wildcards.shard), snakemake.params.shard_size
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    members = shard_participants(csv, shard, size, quarantine)
    activities = shard_activities(
        csv, Path(csv).parent, shard, size, snakemake.params.timezone, snakemake.params.settings, quarantine, members
    )
    write_table(activities, snakemake.output.activities, sort_by=["participant_id", "start_utc", "activity", "log_id"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=["participant_id", "file"])
    # weekly volume per shard, so no job ever holds every activity of a large cohort
    cfg = snakemake.params.exposure
    weekly = weekly_volume(
        activities, members.reset_index(), cfg["follow_up_weeks"], cfg["min_worn_days_per_week"], cfg["min_prior_weeks"]
    )
    write_table(weekly, snakemake.output.weekly, sort_by=["participant_id", "week"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
