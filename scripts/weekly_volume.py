"""Activities -> weekly running volume and the per-participant exposure."""

from runrisk import scriptio
from runrisk.exposure import exposure_summary, weekly_volume
from runrisk.tables import read_table, write_table


def main(snakemake):
    cfg = snakemake.params.exposure
    weekly = weekly_volume(
        read_table(snakemake.input.activities),
        read_table(snakemake.input.participants),
        cfg["follow_up_weeks"],
        cfg["min_worn_days_per_week"],
        cfg["min_prior_weeks"],
    )
    write_table(weekly, snakemake.output.weekly, sort_by=["participant_id", "week"])
    write_table(exposure_summary(weekly), snakemake.output.exposure, sort_by=["participant_id"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
