"""Weekly Achilles tendon load of every participant (the primary limb's lab values, each counted run's km and
pace) and its mean in the same exposure windows as weekly km."""

import logging

from runrisk import scriptio
from runrisk.cohort.tendon_load import LIMB_COLUMNS, SpeedRelation, tendon_exposure_summary, weekly_tendon_load
from runrisk.io.tables import SORT_KEYS, read_table, write_table


def main(snakemake):
    relation = SpeedRelation.of(snakemake.params.relation)
    biomechanics = read_table(snakemake.input.biomechanics, columns=["participant_id", "side", *LIMB_COLUMNS])
    limb = biomechanics[biomechanics["side"] == snakemake.params.primary_limb].drop(columns="side")
    activities = read_table(
        snakemake.input.activities,
        columns=["participant_id", "local_date", "is_run", "excluded_reason", "distance_km", "duration_s"],
    )
    weekly = read_table(snakemake.input.weekly, columns=["participant_id", "week", "worn", "runs", "running_km"])
    participants = read_table(snakemake.input.participants, columns=["participant_id", "enrolment_date"])
    load = weekly_tendon_load(activities, participants, limb, weekly, relation)
    exposure = read_table(snakemake.input.exposure, columns=["participant_id", "window_end_week"])
    summary = tendon_exposure_summary(load, exposure.set_index("participant_id")["window_end_week"])
    logging.info(
        "weekly tendon load: %d of %d participants have the primary limb's lab values; %d worn weeks with a run "
        "of unknown pace",
        limb.dropna().shape[0],
        participants.shape[0],
        int((load["runs_unpaced"] > 0).sum()),
    )
    write_table(load, snakemake.output.weekly, sort_by=SORT_KEYS["weekly_tendon_load"])
    write_table(summary, snakemake.output.exposure, sort_by=SORT_KEYS["tendon_exposure"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
