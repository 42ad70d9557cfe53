"""participants.csv -> participants table (pseudonymous ids, validated fields) and its quarantine."""

from runrisk import scriptio
from runrisk.quarantine import quarantine_for, records_frame
from runrisk.surveillance import read_participants
from runrisk.tables import write_table


def main(snakemake):
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine).drop(columns=["raw_id"])
    write_table(participants, snakemake.output.participants, sort_by=["participant_id"])
    write_table(records_frame(quarantine), snakemake.output.quarantine)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
