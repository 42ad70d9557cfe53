"""Participant-flow diagram."""

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.report.figures import flow_diagram, save


def main(snakemake):
    save(flow_diagram(read_table(snakemake.input.flow)), snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
