"""The analysis's size against Riley's minimum for developing a prediction model (pmsampsize)."""

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.stats.samplesize import SampleSizeSettings, assess


def main(snakemake):
    analysis = read_table(snakemake.input.analysis, columns=["status"])
    events = int((analysis["status"] == "case").sum())
    table = assess(len(analysis), events, len(snakemake.params.terms), SampleSizeSettings.of(snakemake.params.settings))
    write_table(table, snakemake.output.table)
    table.to_csv(snakemake.output.csv, index=False, float_format="%.4g")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
