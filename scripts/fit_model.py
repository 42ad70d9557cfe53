"""Fit the logistic (ML), Firth or Cox model named by the rule's wildcard."""

import logging

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.stats.models import fit_cox, fit_firth, fit_logistic
from runrisk.stats.terms import Term

FITTERS = {"logistic": fit_logistic, "firth": fit_firth, "cox": fit_cox}


def main(snakemake):
    terms = [Term.from_config(entry) for entry in snakemake.params.terms]
    coefficients = FITTERS[snakemake.wildcards.model](read_table(snakemake.input.analysis), terms)
    logging.info("%s\n%s", snakemake.wildcards.model, coefficients.to_string(index=False))
    write_table(coefficients, snakemake.output.coefficients)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
