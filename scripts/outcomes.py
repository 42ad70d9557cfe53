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
    modalities_used,
)
from runrisk.cohort.reasons import (
    FlowRules,
    closing_summary,
    flow_reasons,
    participant_reasons,
    set_aside_only,
    stance_qc,
)
from runrisk.io.layout import MRI
from runrisk.io.quarantine import set_aside_by_modality
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
    quarantined = set_aside_by_modality(quarantine)
    biomechanics = read_table(snakemake.input.biomechanics)
    exposures = with_tendon_load(read_table(snakemake.input.exposure), snakemake.input.tendon_exposure)
    # only reported complaints bear on the outcome: weeks without one are most of a large cohort's rows
    reports = read_table(snakemake.input.reports, filters=[("severity", ">", 0)])
    diagnoses = read_table(snakemake.input.diagnoses)
    tendon = tendon_covariates(read_table(snakemake.input.tendon[0]), abnormal) if snakemake.input.tendon else None

    def frame_under(rules_variant):
        exposure = exposure_under(exposures, rules_variant.exposure_window)
        if "km" not in params.measures:  # the study's exposure is not km: no model may take it as a term
            exposure = exposure.drop(columns="mean_weekly_km")
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
        mri_quarantine_box=MRI in modalities_used(rules),
    )
    logging.info("flow:\n%s", flow.to_string(index=False))
    write_reasons(snakemake, outcomes, flow, quarantine, rules, side, set_aside_only(outcomes, quarantined))
    write_table(outcomes, snakemake.output.outcomes, sort_by=SORT_KEYS["outcomes"])
    write_table(flow, snakemake.output.flow, sort_by=SORT_KEYS["flow"])
    write_table(analysis, snakemake.output.analysis, sort_by=SORT_KEYS["analysis"])
    frames = [frame_under(vary(rules))[1].assign(variant=name) for name, vary in SENSITIVITY_VARIANTS.items()]
    write_table(
        pd.concat(frames, ignore_index=True),
        snakemake.output.sensitivity_frames,
        sort_by=SORT_KEYS["analysis_sensitivity"],
    )


def with_tendon_load(exposures: pd.DataFrame, tendon_exposure: list[str]) -> pd.DataFrame:
    """The exposure table with the weekly tendon load's windows beside km's, when the study computes it."""
    if not tendon_exposure:
        return exposures
    return exposures.merge(read_table(tendon_exposure[0]), on="participant_id", how="left")


def write_reasons(snakemake, outcomes, flow, quarantine, rules, side, kept_despite) -> None:
    """The flow and why each participant was excluded, as CSV and as the text the run ends with."""
    stances = read_table(snakemake.input.stances, columns=["participant_id", "side", "qc_reason"])
    trials = read_table(snakemake.input.trials, columns=["participant_id", "model_source"])
    people = participant_reasons(
        outcomes, stances, trials, quarantine, FlowRules(side, rules.min_valid_stances, rules.min_worn_weeks)
    )
    flow.to_csv(snakemake.output.flow_csv, index=False, float_format="%.6g")
    people.to_csv(snakemake.output.exclusions, index=False)
    stance_qc(stances).to_csv(snakemake.output.stance_qc, index=False)
    summary = closing_summary(snakemake.params.study, flow, flow_reasons(people), set_aside_only=kept_despite)
    with open(snakemake.output.summary, "w", encoding="utf-8") as out:
        out.write(summary)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
