"""Kaplan-Meier curves by tertile of weekly running volume."""

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.report.figures import km_by_tertile, save


def main(snakemake):
    save(km_by_tertile(read_table(snakemake.input.analysis)), snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
