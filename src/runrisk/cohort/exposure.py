"""Weekly running volume per participant, its week-to-week change, and the models' exposure.

A week with no wearable data is missing (NA), never zero: only worn weeks say how much was run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from runrisk.config import Section

WEEKLY_COLUMNS = [
    "participant_id",
    "week",
    "week_start",
    "worn_days",
    "worn",
    "runs",
    "running_km",
    "running_s",
    "pace_s_per_km",
    "change_pct",
    "prior_4wk_km",
    "ratio_to_prior_4wk",
]


@dataclass(frozen=True)
class WeekCounting(Section):
    """What weekly volume reads of the exposure section."""

    SECTION = "exposure"

    follow_up_weeks: int
    min_worn_days_per_week: int
    min_prior_weeks: int


@dataclass(frozen=True)
class ScreeningExposure(WeekCounting):
    """What one runner's screening reads of the exposure section: the study's week counting and how many worn
    weeks give a running volume."""

    min_worn_weeks: int


def follow_up_week(local_date: pd.Series, enrolment: pd.Series) -> pd.Series:
    """Week 1 starts on the enrolment date; the baseline week before it is week 0."""
    days = (local_date - enrolment).dt.days
    return np.floor_divide(days, 7) + 1


def weekly_volume(
    activities: pd.DataFrame,
    participants: pd.DataFrame,
    follow_up_weeks: int,
    min_worn_days_per_week: int,
    min_prior_weeks: int = 2,
) -> pd.DataFrame:
    """Participant x week (0..W): running km, runs, time and pace where worn; NA where not worn.

    A day is worn when any record (counted or not) falls on it; a week is worn with at least
    min_worn_days_per_week worn days. Duplicates and too-short runs (excluded_reason) are not counted.
    """
    enrol = participants.set_index("participant_id")["enrolment_date"]
    acts = activities.assign(week=follow_up_week(activities["local_date"], activities["participant_id"].map(enrol)))
    acts = acts[(acts["week"] >= 0) & (acts["week"] <= follow_up_weeks)]
    counted_run = acts["is_run"] & (acts["excluded_reason"] == "")
    acts = acts.assign(
        run=counted_run.astype(int),
        run_km=np.where(counted_run, acts["distance_km"].fillna(0.0), 0.0),
        run_s=np.where(counted_run, acts["duration_s"], 0.0),
    )
    per_week = acts.groupby(["participant_id", "week"]).agg(
        worn_days=("local_date", "nunique"),
        runs=("run", "sum"),
        running_km=("run_km", "sum"),
        running_s=("run_s", "sum"),
    )
    grid = pd.MultiIndex.from_product(
        [sorted(participants["participant_id"]), range(follow_up_weeks + 1)], names=["participant_id", "week"]
    )
    weekly = per_week.reindex(grid).reset_index()
    weekly["worn_days"] = weekly["worn_days"].fillna(0).astype(int)
    weekly["worn"] = weekly["worn_days"] >= min_worn_days_per_week
    for column in ("runs", "running_km", "running_s"):
        weekly[column] = weekly[column].where(weekly["worn"])
    weekly["runs"] = weekly["runs"].astype("Int64")
    weekly["pace_s_per_km"] = (weekly["running_s"] / weekly["running_km"]).where(weekly["running_km"] > 0)
    weekly["week_start"] = weekly["participant_id"].map(enrol) + pd.to_timedelta(7 * (weekly["week"] - 1), unit="D")
    weekly = add_change(weekly.sort_values(["participant_id", "week"], kind="mergesort"), min_prior_weeks)
    return weekly[WEEKLY_COLUMNS]


def add_change(weekly: pd.DataFrame, min_prior_weeks: int) -> pd.DataFrame:
    """% change from the previous week, the mean km of the previous four weeks that were worn (NA with fewer
    than min_prior_weeks of them) and the week's ratio to it; NA where the comparison weeks were not worn
    or had no running."""
    km = weekly.groupby("participant_id")["running_km"]
    previous = km.shift(1)
    prior = km.transform(lambda s: s.shift(1).rolling(4, min_periods=min_prior_weeks).mean())
    weekly["change_pct"] = (100 * (weekly["running_km"] - previous) / previous).where(previous > 0)
    weekly["prior_4wk_km"] = prior
    weekly["ratio_to_prior_4wk"] = (weekly["running_km"] / prior).where(prior > 0)
    return weekly


# Which worn weeks make a participant's exposure: the weeks before the first sign of the outcome, or (as the
# published analysis did) every follow-up week, including those after a diagnosis when injured runners
# run less.
PRE_ONSET, WHOLE_FOLLOW_UP = EXPOSURE_WINDOWS = ("pre_onset", "whole_follow_up")
EXPOSURE_COLUMNS = ("participant_id", "weeks_worn", "mean_weekly_km", "last_worn_week")  # exposure_under's
SUMMARY_COLUMNS = [
    "participant_id",
    "window_end_week",
    "pre_onset_weeks_worn",
    "pre_onset_mean_weekly_km",
    "whole_follow_up_weeks_worn",
    "whole_follow_up_mean_weekly_km",
    "last_worn_week",
]


def exposure_summary(weekly: pd.DataFrame, window_end: pd.Series | None = None) -> pd.DataFrame:
    """Per participant: worn follow-up weeks and their mean km in the pre-onset window (weeks 1 to
    window_end, indexed by participant; the whole follow-up for whoever has none) and over the whole
    follow-up; the last worn week of the whole follow-up, which marks how long the participant was seen."""
    follow = weekly[weekly["week"] >= 1]
    worn = follow[follow["worn"]]
    ids = pd.Index(sorted(weekly["participant_id"].unique()), name="participant_id")
    ends = (window_end if window_end is not None else pd.Series(dtype=float)).reindex(ids)
    ends = ends.fillna(int(weekly["week"].max()) if len(weekly) else 0)
    before_onset = worn[worn["week"].to_numpy() <= worn["participant_id"].map(ends).to_numpy(float)]
    summary = pd.DataFrame(index=ids)
    summary["window_end_week"] = ends.astype(int)
    for prefix, weeks in ((PRE_ONSET, before_onset), (WHOLE_FOLLOW_UP, worn)):
        per_person = weeks.groupby("participant_id", observed=True)
        summary[f"{prefix}_weeks_worn"] = per_person.size().reindex(ids).fillna(0).astype(int)
        summary[f"{prefix}_mean_weekly_km"] = per_person["running_km"].mean().reindex(ids)
    summary["last_worn_week"] = (
        worn.groupby("participant_id", observed=True)["week"].max().reindex(ids).fillna(0).astype(int)
    )
    return summary.reset_index()[SUMMARY_COLUMNS]


def exposure_under(exposure: pd.DataFrame, window: str) -> pd.DataFrame:
    """The exposure table as the analysis uses it: weeks_worn (the entry rule) and mean_weekly_km (the
    model's term) counted inside the chosen window, and the last worn week."""
    if window not in EXPOSURE_WINDOWS:
        raise ValueError(f"exposure.window must be one of {EXPOSURE_WINDOWS}, not {window!r}")
    # any other weekly exposure the table carries (the tendon load's mean_weekly_at_*) under the same window
    others = [
        column.removeprefix(f"{window}_")
        for column in exposure.columns
        if column.startswith(f"{window}_mean_weekly_") and column != f"{window}_mean_weekly_km"
    ]
    return pd.DataFrame(
        {
            "participant_id": exposure["participant_id"],
            "weeks_worn": exposure[f"{window}_weeks_worn"],
            "mean_weekly_km": exposure[f"{window}_mean_weekly_km"],
            "last_worn_week": exposure["last_worn_week"],
            **{column: exposure[f"{window}_{column}"] for column in others},
        }
    )
