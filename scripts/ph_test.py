"""Proportional-hazards check of the Cox model (scaled Schoenfeld residuals)."""

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.stats.fittable import ModelData, fitted_or_reported
from runrisk.stats.models import schoenfeld_tests, unfitted_ph_tests
from runrisk.stats.terms import terms_of


def main(snakemake):
    terms = terms_of(snakemake.params.terms)
    analysis = read_table(snakemake.input.analysis)
    data = ModelData.of("ph_test", analysis, terms)
    tests = fitted_or_reported(
        data,
        lambda: schoenfeld_tests(analysis, terms),
        snakemake.params.on_unfittable,
        lambda exc: unfitted_ph_tests(terms, f"{exc.summary}: {exc.reason}"),
        separation_matters=True,
    )
    write_table(tests, snakemake.output.tests)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
