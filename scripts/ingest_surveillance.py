"""Weekly OSTRC-O2 reports and physician diagnoses -> validated tables, and their quarantine."""

from runrisk import scriptio
from runrisk.io import vocabulary
from runrisk.io.quarantine import quarantine_for, records_frame
from runrisk.io.surveillance import read_diagnoses, read_participants, read_weekly_reports
from runrisk.io.tables import SORT_KEYS, write_table


def main(snakemake):
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine)
    already = len(quarantine.records) if quarantine is not None else 0  # written by ingest_participants
    regions = vocabulary.regions(snakemake.params.region_synonyms)
    sides = vocabulary.sides(snakemake.params.side_synonyms)
    reports = read_weekly_reports(snakemake.input.reports, participants, regions, quarantine)
    diagnoses = read_diagnoses(snakemake.input.diagnoses, participants, sides, quarantine)
    dropped = {r["participant_id"] for r in quarantine.records} if quarantine is not None else set()
    # a participant quarantined by its diagnoses loses its reports too, and the other way round
    reports = reports[~reports["participant_id"].isin(dropped)]
    diagnoses = diagnoses[~diagnoses["participant_id"].isin(dropped)]
    write_table(reports, snakemake.output.reports, sort_by=SORT_KEYS["weekly_reports"])
    write_table(diagnoses, snakemake.output.diagnoses, sort_by=SORT_KEYS["diagnoses"])
    write_table(records_frame(quarantine, since=already), snakemake.output.quarantine, sort_by=SORT_KEYS["quarantine"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
