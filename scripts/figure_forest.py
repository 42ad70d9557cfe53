"""Forest plot of logistic ORs and Cox HRs."""

import pandas as pd

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.report.figures import forest_plot, save


def main(snakemake):
    coefficients = pd.concat([read_table(path) for path in snakemake.input], ignore_index=True)
    save(forest_plot(coefficients), snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
