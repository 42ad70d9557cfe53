"""Sensitivity analyses of the Firth logistic model: lenient controls, runners only, and complete case
against multiple imputation of missing biomechanics."""

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.report.figures import forest_plot, save
from runrisk.stats.sensitivity import sensitivity_tables
from runrisk.stats.settings import SensitivitySettings
from runrisk.stats.terms import terms_of


def main(snakemake):
    terms = terms_of(snakemake.params.terms)
    table = sensitivity_tables(
        read_table(snakemake.input.analysis),
        read_table(snakemake.input.frames),
        terms,
        SensitivitySettings.of(snakemake.params.sensitivity),
        snakemake.params.on_unfittable,
    )
    write_table(table, snakemake.output.table)
    save(forest_plot(table.assign(model=table["analysis"])), snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
