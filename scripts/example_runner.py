"""An example runner's folder for `snakemake screen`: one synthetic participant's trials and Fitbit export
and a runner.yaml, laid out as a coach would hand them over."""

from pathlib import Path

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.simulate.example_runner import write_example_runner


def main(snakemake):
    write_example_runner(
        read_table(snakemake.input.truth), Path(snakemake.params.raw_dir), Path(snakemake.output.folder)
    )


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
