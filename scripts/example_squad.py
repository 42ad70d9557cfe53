"""An example squad for `snakemake monitor`: a dozen runners of the synthetic cohort as a coach's folder."""

from pathlib import Path

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.simulate.squad_writer import write_squad


def main(snakemake):
    write_squad(
        read_table(snakemake.input.truth),
        read_table(snakemake.input.weekly),
        Path(snakemake.params.raw_dir),
        Path(snakemake.output.folder),
        snakemake.params.seed,
    )


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
