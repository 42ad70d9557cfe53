"""Weekly OSTRC-O2 reports and physician diagnoses -> validated tables."""

from runrisk import scriptio
from runrisk.surveillance import read_diagnoses, read_participants, read_weekly_reports
from runrisk.tables import write_table


def main(snakemake):
    participants = read_participants(snakemake.input.participants)
    reports = read_weekly_reports(snakemake.input.reports, participants)
    write_table(reports, snakemake.output.reports, sort_by=["participant_id", "report_date"])
    diagnoses = read_diagnoses(snakemake.input.diagnoses, participants)
    write_table(diagnoses, snakemake.output.diagnoses, sort_by=["participant_id", "diagnosis_date", "icd10"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
