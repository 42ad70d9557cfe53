"""Cases, strict controls and exclusions; the participant flow; the analysis frame."""

import logging

from runrisk import scriptio
from runrisk.models import analysis_frame
from runrisk.outcomes import OutcomeRules, classify, flow_table
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
    participants = read_table(snakemake.input.participants)
    biomechanics = read_table(snakemake.input.biomechanics)
    primary = biomechanics[biomechanics["side"] == snakemake.params.primary_limb]
    exposure = read_table(snakemake.input.exposure)
    outcomes = classify(
        participants,
        primary,
        exposure,
        read_table(snakemake.input.reports),
        read_table(snakemake.input.diagnoses),
        rules,
    )
    flow = flow_table(outcomes)
    logging.info("flow:\n%s", flow.to_string(index=False))
    write_table(outcomes, snakemake.output.outcomes, sort_by=["participant_id"])
    write_table(flow, snakemake.output.flow, sort_by=["step"])
    analysis = analysis_frame(participants, biomechanics, exposure, outcomes, snakemake.params.primary_limb)
    write_table(analysis, snakemake.output.analysis, sort_by=["participant_id"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
