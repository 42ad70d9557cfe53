"""The study model with weekly km against the same model with each other weekly exposure, on the same
participants: likelihood ratio, AIC and the C-statistic difference with its bootstrap interval."""

import logging

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.stats.comparison import compare_exposures, unfitted_comparison
from runrisk.stats.fittable import REPORT_INSTEAD, UnfittableModel
from runrisk.stats.settings import ExposureComparison
from runrisk.stats.terms import terms_of


def main(snakemake):
    params = snakemake.params
    terms = terms_of(params.terms)
    settings = ExposureComparison.of(params.comparison)
    analysis = read_table(snakemake.input.analysis)
    try:
        table = compare_exposures(analysis, terms, settings, params.seed)
    except UnfittableModel as exc:
        if params.on_unfittable != "report":
            raise UnfittableModel(exc.model, exc.summary, f"{exc.reason}; {REPORT_INSTEAD}") from exc
        logging.warning("%s", exc)
        table = unfitted_comparison(terms, settings, f"{exc.summary}: {exc.reason}")
    logging.info("exposure comparison\n%s", table.to_string(index=False))
    write_table(table, snakemake.output.table)
    table.to_csv(snakemake.output.csv, index=False, float_format="%.6g")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
