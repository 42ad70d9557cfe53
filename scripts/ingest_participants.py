"""participants.csv -> participants table (pseudonymous ids, validated fields) and its quarantine; what
raw_dir holds for people not enrolled, and files two participants share."""

from runrisk import scriptio
from runrisk.cohort.census import shared_contents, unenrolled_folders
from runrisk.io.quarantine import quarantine_for, records_frame
from runrisk.io.surveillance import raw_participant_ids, read_participants
from runrisk.io.tables import SORT_KEYS, write_table


def main(snakemake):
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine)
    raw_ids = raw_participant_ids(snakemake.input.participants)
    for error in shared_contents(snakemake.params.raw_dir, participants["raw_id"]):
        if quarantine is None:
            raise error
        quarantine.add(error, "files")
    write_table(participants.drop(columns=["raw_id"]), snakemake.output.participants, sort_by=SORT_KEYS["participants"])
    write_table(records_frame(quarantine), snakemake.output.quarantine, sort_by=SORT_KEYS["quarantine"])
    unenrolled = unenrolled_folders(snakemake.params.raw_dir, raw_ids)
    write_table(unenrolled, snakemake.output.unenrolled, sort_by=SORT_KEYS["unenrolled"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
