"""One participant's weekly running volume with injury reports and diagnoses overlaid."""

import pandas as pd

from runrisk import scriptio
from runrisk.cohort.exposure import follow_up_week
from runrisk.cohort.outcomes import QUARANTINE_BOXES
from runrisk.ids import pseudonymise
from runrisk.io.tables import read_table
from runrisk.report.figures import not_drawn, save, weekly_volume_figure


def chosen_participant(outcomes, raw_id):
    """The configured participant, else the first case (a case shows what the figure is for), else the
    first participant not excluded, else anyone who was not set aside; None when nobody is left."""
    if raw_id:
        return pseudonymise(raw_id)
    for status in (["case"], ["case", "control"]):
        chosen = outcomes.loc[outcomes["status"].isin(status), "participant_id"]
        if len(chosen):
            return chosen.sort_values().iloc[0]
    kept = outcomes.loc[~outcomes["box"].isin(QUARANTINE_BOXES.values()), "participant_id"]
    return kept.sort_values().iloc[0] if len(kept) else None


def enrolment_of(rows, enrolment):
    """The participant's enrolment date on each row (a date column even when there is no row)."""
    return pd.Series(pd.Timestamp(enrolment), index=rows.index, dtype="datetime64[ns]")


def main(snakemake):
    outcomes = read_table(snakemake.input.outcomes)
    pid = chosen_participant(outcomes, snakemake.params.raw_id)
    participants = read_table(snakemake.input.participants).set_index("participant_id")
    if pid not in participants.index:  # nobody left, or the configured participant was set aside
        figure = not_drawn("Weekly running volume: not drawn", "the participant is not among the enrolled and readable")
        save(figure, snakemake.output.png, snakemake.output.svg)
        return
    enrolment = participants.at[pid, "enrolment_date"]
    mine = [("participant_id", "==", pid)]  # one participant's rows, not the cohort's
    weekly = read_table(snakemake.input.weekly, filters=mine)
    reports = read_table(snakemake.input.reports, filters=mine)
    reports = reports.assign(week=follow_up_week(reports["report_date"], enrolment_of(reports, enrolment)))
    diagnoses = read_table(snakemake.input.diagnoses, filters=mine)
    diagnoses = diagnoses.assign(week=follow_up_week(diagnoses["diagnosis_date"], enrolment_of(diagnoses, enrolment)))
    status = outcomes.set_index("participant_id").at[pid, "status"]
    fig = weekly_volume_figure(
        weekly, reports, diagnoses, tuple(snakemake.params.regions), f"participant {pid} ({status})"
    )
    save(fig, snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
