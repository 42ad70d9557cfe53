"""One shard of participants: every trial file -> one row per force-plate stance, one row per trial."""

from pathlib import Path

from runrisk import scriptio
from runrisk.pipeline import shard_stances
from runrisk.quarantine import quarantine_for, records_frame
from runrisk.tables import write_table


def main(snakemake):
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    stances, trials = shard_stances(
        snakemake.input.participants,
        Path(snakemake.input.participants).parent,
        int(snakemake.wildcards.shard),
        snakemake.params.shard_size,
        snakemake.params.settings,
        quarantine,
    )
    write_table(stances, snakemake.output.stances, sort_by=["participant_id", "trial", "plate"])
    write_table(trials, snakemake.output.trials, sort_by=["participant_id", "trial"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=["participant_id", "file"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
