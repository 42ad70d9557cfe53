"""One runner's screening page from the study's screening model."""

from pathlib import Path

from runrisk import scriptio
from runrisk.screening.screen import screen


def main(snakemake):
    screen(
        Path(snakemake.input.model), Path(snakemake.input.runner), Path(snakemake.output.page), snakemake.params.lang
    )


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
