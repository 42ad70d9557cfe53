"""Cases, strict controls and exclusions; the participant flow; the analysis frames."""

import logging

import pandas as pd

from runrisk import scriptio
from runrisk.cohort.exposure import exposure_under
from runrisk.cohort.outcomes import (
    SENSITIVITY_VARIANTS,
    Censoring,
    OutcomeRules,
    OutcomeSettings,
    analysis_frame,
    classify,
    enrolled_with_quarantined,
    flow_table,
)
from runrisk.io.tables import SORT_KEYS, read_table, write_table
from runrisk.tendon.study import AbnormalTendon, tendon_covariates


def main(snakemake):
    params = snakemake.params
    abnormal = AbnormalTendon.of(params.abnormal_tendon)
    rules = OutcomeRules.of(
        OutcomeSettings.of(params.outcomes), Censoring.of(params.exposure), params.term_columns, abnormal.exclude
    )
    side = params.primary_limb
    quarantine = read_table(snakemake.input.quarantine)
    participants = enrolled_with_quarantined(read_table(snakemake.input.participants), quarantine)
    quarantined = frozenset(quarantine.loc[quarantine["enrolled"], "participant_id"])
    biomechanics = read_table(snakemake.input.biomechanics)
    exposures = read_table(snakemake.input.exposure)
    # only reported complaints bear on the outcome: weeks without one are most of a large cohort's rows
    reports = read_table(snakemake.input.reports, filters=[("severity", ">", 0)])
    diagnoses = read_table(snakemake.input.diagnoses)
    tendon = tendon_covariates(read_table(snakemake.input.tendon[0]), abnormal) if snakemake.input.tendon else None

    def frame_under(rules_variant):
        exposure = exposure_under(exposures, rules_variant.exposure_window)
        outcomes = classify(
            participants,
            biomechanics[biomechanics["side"] == side],
            exposure,
            reports,
            diagnoses,
            rules_variant,
            quarantined,
            tendon,
        )
        return outcomes, analysis_frame(participants, biomechanics, exposure, outcomes, side, tendon=tendon)

    outcomes, analysis = frame_under(rules)
    unenrolled = read_table(snakemake.input.unenrolled)
    flow = flow_table(
        outcomes,
        unknown_records=int((~quarantine["enrolled"]).sum()),
        unenrolled_folders=unenrolled["participant_id"].nunique(),
        abnormal_tendon_box=rules.exclude_abnormal_tendon,
    )
    logging.info("flow:\n%s", flow.to_string(index=False))
    write_table(outcomes, snakemake.output.outcomes, sort_by=SORT_KEYS["outcomes"])
    write_table(flow, snakemake.output.flow, sort_by=SORT_KEYS["flow"])
    write_table(analysis, snakemake.output.analysis, sort_by=SORT_KEYS["analysis"])
    frames = [frame_under(vary(rules))[1].assign(variant=name) for name, vary in SENSITIVITY_VARIANTS.items()]
    write_table(
        pd.concat(frames, ignore_index=True),
        snakemake.output.sensitivity_frames,
        sort_by=SORT_KEYS["analysis_sensitivity"],
    )


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
