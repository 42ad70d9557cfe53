"""Weekly OSTRC-O2 reports and physician diagnoses -> validated tables, and their quarantine."""

from runrisk import scriptio
from runrisk.quarantine import quarantine_for, records_frame
from runrisk.surveillance import read_diagnoses, read_participants, read_weekly_reports
from runrisk.tables import write_table


def main(snakemake):
    quarantine = quarantine_for(snakemake.params.on_bad_input)
    participants = read_participants(snakemake.input.participants, quarantine)
    already = len(quarantine.records) if quarantine is not None else 0  # written by ingest_participants
    reports = read_weekly_reports(snakemake.input.reports, participants, quarantine)
    diagnoses = read_diagnoses(snakemake.input.diagnoses, participants, quarantine)
    dropped = {r["participant_id"] for r in quarantine.records} if quarantine is not None else set()
    # a participant quarantined by its diagnoses loses its reports too, and the other way round
    reports = reports[~reports["participant_id"].isin(dropped)]
    diagnoses = diagnoses[~diagnoses["participant_id"].isin(dropped)]
    write_table(reports, snakemake.output.reports, sort_by=["participant_id", "report_date"])
    write_table(diagnoses, snakemake.output.diagnoses, sort_by=["participant_id", "diagnosis_date", "icd10"])
    write_table(records_frame(quarantine, since=already), snakemake.output.quarantine)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
