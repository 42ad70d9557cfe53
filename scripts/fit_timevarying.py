"""Time-varying Cox model: weekly running km and its change, lagged, with baseline covariates."""

import logging

from runrisk import scriptio
from runrisk.models import Term, fit_cox_timevarying
from runrisk.tables import read_table, write_table
from runrisk.timevarying import weekly_intervals


def main(snakemake):
    cfg = snakemake.params.timevarying
    intervals = weekly_intervals(
        read_table(snakemake.input.analysis), read_table(snakemake.input.weekly), cfg["lag_weeks"]
    )
    coefficients = fit_cox_timevarying(intervals, [Term.from_config(t) for t in cfg["terms"]])
    coefficients["lag_weeks"] = cfg["lag_weeks"]
    logging.info("%d intervals\n%s", len(intervals), coefficients.to_string(index=False))
    write_table(coefficients, snakemake.output.coefficients)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
