"""One shard of participants: every trial file -> one row per force-plate stance, one row per trial."""

from pathlib import Path

from runrisk import scriptio
from runrisk.pipeline import shard_stances
from runrisk.tables import write_table


def main(snakemake):
    stances, trials = shard_stances(
        snakemake.input.participants,
        Path(snakemake.input.participants).parent,
        int(snakemake.wildcards.shard),
        snakemake.params.shard_size,
        snakemake.params.settings,
    )
    write_table(stances, snakemake.output.stances, sort_by=["participant_id", "trial", "plate"])
    write_table(trials, snakemake.output.trials, sort_by=["participant_id", "trial"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
