"""Kaplan-Meier curves by tertile of weekly running volume."""

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.report.figures import km_by_volume_group, not_drawn, save
from runrisk.stats.fittable import ModelData, fitted_or_reported


def main(snakemake):
    analysis = read_table(snakemake.input.analysis)
    figure = fitted_or_reported(
        ModelData.of("km_plot", analysis, []),
        lambda: km_by_volume_group(analysis),
        snakemake.params.on_unfittable,
        lambda exc: not_drawn("Kaplan-Meier by running volume: not drawn", f"{exc.summary}: {exc.reason}"),
        needs_cases_and_controls=False,  # curves without an event are still curves
    )
    save(figure, snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
