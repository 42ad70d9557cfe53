"""Time-varying Cox model: weekly running km and its change, lagged, with baseline covariates."""

import logging

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.stats.fittable import ModelData, fit_or_explain, fitted_or_reported, unfitted_coefficients
from runrisk.stats.terms import Timevarying
from runrisk.stats.timevarying import WEEKLY_COLUMNS, fit_cox_timevarying, weekly_intervals

MODEL = "cox_timevarying"


def main(snakemake):
    cfg = Timevarying.of(snakemake.params.timevarying)
    terms = list(cfg.terms)
    analysis = read_table(snakemake.input.analysis)
    weekly = read_table(
        snakemake.input.weekly,
        columns=WEEKLY_COLUMNS,
        filters=[("participant_id", "in", analysis["participant_id"].tolist())],
        categorical=["participant_id"],
    )

    def fit():
        intervals = weekly_intervals(
            analysis, weekly, cfg.lag_weeks, snakemake.params.grace_weeks, covariates=[t.column for t in terms]
        )
        logging.info("%d intervals", len(intervals))
        data = ModelData.of(MODEL, intervals, terms)
        return fit_or_explain(data, lambda: fit_cox_timevarying(intervals, terms), separation_matters=True)

    people = ModelData.of(MODEL, analysis, [])  # cases and controls at all, before any interval is built
    coefficients = fitted_or_reported(
        people, fit, snakemake.params.on_unfittable, lambda exc: unfitted_coefficients(people, terms, exc)
    )
    coefficients["lag_weeks"] = cfg.lag_weeks
    logging.info("%s", coefficients.to_string(index=False))
    write_table(coefficients, snakemake.output.coefficients)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
