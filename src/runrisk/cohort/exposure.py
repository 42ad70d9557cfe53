"""Weekly running volume per participant, its week-to-week change, and the models' exposure.

A week with no wearable data is missing (NA), never zero: only worn weeks say how much was run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    "ratio_to_prior_4wk",
]


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
    """% change from the previous week, and ratio to the mean of the previous four weeks that were worn
    (at least min_prior_weeks of them); NA where the comparison weeks were not worn or had no running."""
    km = weekly.groupby("participant_id")["running_km"]
    previous = km.shift(1)
    prior = km.transform(lambda s: s.shift(1).rolling(4, min_periods=min_prior_weeks).mean())
    weekly["change_pct"] = (100 * (weekly["running_km"] - previous) / previous).where(previous > 0)
    weekly["ratio_to_prior_4wk"] = (weekly["running_km"] / prior).where(prior > 0)
    return weekly


def exposure_summary(weekly: pd.DataFrame) -> pd.DataFrame:
    """Mean weekly km over follow-up weeks worn, how many were worn, and the last worn week."""
    follow = weekly[weekly["week"] >= 1]
    worn = follow[follow["worn"]]
    summary = pd.DataFrame(index=pd.Index(sorted(weekly["participant_id"].unique()), name="participant_id"))
    summary["weeks_worn"] = worn.groupby("participant_id").size().reindex(summary.index).fillna(0).astype(int)
    summary["mean_weekly_km"] = worn.groupby("participant_id")["running_km"].mean().reindex(summary.index)
    summary["last_worn_week"] = (
        worn.groupby("participant_id")["week"].max().reindex(summary.index).fillna(0).astype(int)
    )
    return summary.reset_index()
