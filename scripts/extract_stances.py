"""One shard of participants: every trial file -> one row per force-plate stance, one row per trial."""

from runrisk import scriptio
from runrisk.cohort.shards import TrialReading, shard_participants, shard_stances
from runrisk.io.quarantine import quarantine_for, records_frame
from runrisk.io.tables import SORT_KEYS, write_table


def main(snakemake):
    settings = TrialReading.of(snakemake.params.settings)
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    members = shard_participants(snakemake.input.participants, snakemake.params.members, quarantine)
    stances, trials = shard_stances(members, snakemake.params.raw_dir, settings, quarantine)
    write_table(stances, snakemake.output.stances, sort_by=SORT_KEYS["stances"])
    write_table(trials, snakemake.output.trials, sort_by=SORT_KEYS["trials"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=SORT_KEYS["quarantine"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
