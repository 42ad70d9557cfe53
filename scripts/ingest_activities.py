"""One shard of participants: wearable exports -> one row per activity, and its weekly volume."""

from runrisk import scriptio
from runrisk.cohort.exposure import WeekCounting, weekly_volume
from runrisk.cohort.shards import shard_activities, shard_participants
from runrisk.io.quarantine import quarantine_for, records_frame
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.io.wearables import WearableSettings


def main(snakemake):
    params = snakemake.params
    settings, weeks = WearableSettings.of(params.settings), WeekCounting.of(params.weeks)
    quarantine = quarantine_for(params.on_bad_input)
    members = shard_participants(snakemake.input.participants, params.members, quarantine)
    activities = shard_activities(members, params.raw_dir, params.timezone, settings, quarantine)
    write_table(activities, snakemake.output.activities, sort_by=SORT_KEYS["activities"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=SORT_KEYS["quarantine"])
    # weekly volume per shard, so no job ever holds every activity of a large cohort
    weekly = weekly_volume(
        activities, members.reset_index(), weeks.follow_up_weeks, weeks.min_worn_days_per_week, weeks.min_prior_weeks
    )
    write_table(weekly, snakemake.output.weekly, sort_by=SORT_KEYS["weekly_volume"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
