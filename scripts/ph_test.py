"""Proportional-hazards check of the Cox model (scaled Schoenfeld residuals)."""

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.stats.models import schoenfeld_tests
from runrisk.stats.terms import Term


def main(snakemake):
    terms = [Term.from_config(entry) for entry in snakemake.params.terms]
    write_table(schoenfeld_tests(read_table(snakemake.input.analysis), terms), snakemake.output.tests)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
