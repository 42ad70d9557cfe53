"""Cases, strict controls and exclusions; the participant flow; the analysis frames."""

import dataclasses
import logging

import pandas as pd

from runrisk import scriptio
from runrisk.outcomes import OutcomeRules, analysis_frame, classify, enrolled_with_quarantined, flow_table
from runrisk.tables import read_table, write_table


def main(snakemake):
    cfg = snakemake.params.outcomes
    rules = OutcomeRules(
        follow_up_weeks=snakemake.params.follow_up_weeks,
        case_icd10=tuple(cfg["case_icd10"]),
        complaint_regions=tuple(cfg["complaint_regions"]),
        min_valid_stances=cfg["min_valid_stances"],
        min_worn_weeks=snakemake.params.min_worn_weeks,
        strict_controls=cfg["strict_controls"],
    )
    side = snakemake.params.primary_limb
    quarantine = read_table(snakemake.input.quarantine)
    participants = enrolled_with_quarantined(read_table(snakemake.input.participants), quarantine)
    quarantined = frozenset(quarantine.loc[quarantine["enrolled"], "participant_id"])
    biomechanics = read_table(snakemake.input.biomechanics)
    exposure = read_table(snakemake.input.exposure)
    # only reported complaints bear on the outcome: weeks without one are most of a large cohort's rows
    reports = read_table(snakemake.input.reports, filters=[("severity", ">", 0)])
    diagnoses = read_table(snakemake.input.diagnoses)

    def frame_under(rules_variant):
        outcomes = classify(
            participants,
            biomechanics[biomechanics["side"] == side],
            exposure,
            reports,
            diagnoses,
            rules_variant,
            quarantined,
        )
        return outcomes, analysis_frame(participants, biomechanics, exposure, outcomes, side)

    outcomes, analysis = frame_under(rules)
    flow = flow_table(outcomes, unknown_records=int((~quarantine["enrolled"]).sum()))
    logging.info("flow:\n%s", flow.to_string(index=False))
    write_table(outcomes, snakemake.output.outcomes, sort_by=["participant_id"])
    write_table(flow, snakemake.output.flow, sort_by=["step"])
    write_table(analysis, snakemake.output.analysis, sort_by=["participant_id"])
    # Sensitivity analysis sets: no strict control exclusion; participants without biomechanics kept
    variants = {
        "lenient_controls": dataclasses.replace(rules, strict_controls=False),
        "with_missing_biomechanics": dataclasses.replace(rules, min_valid_stances=0),
    }
    frames = [frame_under(variant)[1].assign(variant=name) for name, variant in variants.items()]
    write_table(
        pd.concat(frames, ignore_index=True), snakemake.output.sensitivity_frames, sort_by=["variant", "participant_id"]
    )


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
