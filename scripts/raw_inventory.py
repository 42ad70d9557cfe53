"""One shard's inventory of a modality's raw files: the jobs that read those files depend on it."""

from pathlib import Path

from runrisk import scriptio
from runrisk.io.layout import inventory


def main(snakemake):
    lines = inventory(snakemake.params.raw_dir, snakemake.params.members, snakemake.wildcards.modality)
    Path(snakemake.output.inventory).write_text("\n".join(lines) + "\n")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
