"""One participant's weekly running volume with injury reports and diagnoses overlaid."""

from runrisk import scriptio
from runrisk.cohort.exposure import follow_up_week
from runrisk.ids import pseudonymise
from runrisk.io.tables import read_table
from runrisk.report.figures import save, weekly_volume_figure


def chosen_participant(outcomes, raw_id):
    """The configured participant, else the first case (a case shows what the figure is for)."""
    if raw_id:
        return pseudonymise(raw_id)
    cases = outcomes[outcomes["status"] == "case"]["participant_id"]
    return (cases if len(cases) else outcomes["participant_id"]).sort_values().iloc[0]


def main(snakemake):
    outcomes = read_table(snakemake.input.outcomes)
    pid = chosen_participant(outcomes, snakemake.params.raw_id)
    participants = read_table(snakemake.input.participants).set_index("participant_id")
    enrolment = participants.at[pid, "enrolment_date"]
    mine = [("participant_id", "==", pid)]  # one participant's rows, not the cohort's
    weekly = read_table(snakemake.input.weekly, filters=mine)
    reports = read_table(snakemake.input.reports, filters=mine)
    reports = reports.assign(
        week=follow_up_week(reports["report_date"], reports["participant_id"].map(lambda _: enrolment))
    )
    diagnoses = read_table(snakemake.input.diagnoses, filters=mine)
    diagnoses = diagnoses.assign(
        week=follow_up_week(diagnoses["diagnosis_date"], diagnoses["participant_id"].map(lambda _: enrolment))
    )
    status = outcomes.set_index("participant_id").at[pid, "status"]
    fig = weekly_volume_figure(
        weekly, reports, diagnoses, tuple(snakemake.params.regions), f"participant {pid} ({status})"
    )
    save(fig, snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
