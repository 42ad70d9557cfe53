"""Weekly running volume of every shard -> one table, and each participant's exposure before onset and
over the whole follow-up."""

import pandas as pd

from runrisk import scriptio
from runrisk.cohort.exposure import exposure_summary
from runrisk.cohort.outcomes import Censoring, OutcomeRules, OutcomeSettings, onset_weeks
from runrisk.io.quarantine import set_aside
from runrisk.io.tables import SORT_KEYS, gather_tables, read_table, write_table


def main(snakemake):
    shards = list(snakemake.input.shards)
    leave_out = set_aside(read_table(snakemake.input.quarantine))
    gather_tables(shards, snakemake.output.weekly, SORT_KEYS["weekly_volume"], leave_out)
    rules = OutcomeRules.of(
        OutcomeSettings.of(snakemake.params.outcomes), Censoring.of(snakemake.params.exposure), term_columns=()
    )
    onset = onset_weeks(
        read_table(snakemake.input.participants),
        read_table(snakemake.input.reports, filters=[("severity", ">", 0)]),
        read_table(snakemake.input.diagnoses),
        rules,
    )
    # exposure is per participant, so per shard: no job holds every participant-week at once
    exposure = pd.concat(
        [exposure_summary(read_table(shard), window_end=onset - 1) for shard in shards], ignore_index=True
    )
    exposure = exposure[~exposure["participant_id"].isin(leave_out)]
    write_table(exposure, snakemake.output.exposure, sort_by=SORT_KEYS["exposure"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
