"""Fit the logistic (ML), Firth or Cox model named by the rule's wildcard."""

import logging

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.stats.fittable import ModelData, fitted_or_reported, unfitted_coefficients
from runrisk.stats.models import FITTERS
from runrisk.stats.terms import terms_of


def main(snakemake):
    model = snakemake.wildcards.model
    terms = terms_of(snakemake.params.terms)
    analysis = read_table(snakemake.input.analysis)
    data = ModelData.of(model, analysis, terms)
    coefficients = fitted_or_reported(
        data,
        lambda: FITTERS[model](analysis, terms),
        snakemake.params.on_unfittable,
        lambda exc: unfitted_coefficients(data, terms, exc),
        separation_matters=model != "firth",  # Firth's penalty keeps estimates finite under separation
    )
    logging.info("%s\n%s", model, coefficients.to_string(index=False))
    write_table(coefficients, snakemake.output.coefficients)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
