"""Weekly running volume per participant and the exposure the models use."""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEKLY_COLUMNS = ["participant_id", "week", "week_start", "worn", "n_records", "runs", "running_km", "running_s"]


def follow_up_week(local_date: pd.Series, enrolment: pd.Series) -> pd.Series:
    """Week 1 starts on the enrolment date; the baseline week before it is week 0."""
    days = (local_date - enrolment).dt.days
    return np.floor_divide(days, 7) + 1


def weekly_volume(
    activities: pd.DataFrame, participants: pd.DataFrame, follow_up_weeks: int, min_records_per_worn_week: int
) -> pd.DataFrame:
    """Participant x week (0..W): running km where the device was worn, NA where it was not."""
    enrol = participants.set_index("participant_id")["enrolment_date"]
    acts = activities.copy()
    acts["week"] = follow_up_week(acts["local_date"], acts["participant_id"].map(enrol))
    acts = acts[(acts["week"] >= 0) & (acts["week"] <= follow_up_weeks)]
    acts["run_km"] = np.where(acts["is_run"], acts["distance_km"].fillna(0.0), 0.0)
    acts["run_s"] = np.where(acts["is_run"], acts["duration_s"], 0.0)
    per_week = acts.groupby(["participant_id", "week"]).agg(
        n_records=("activity", "size"), runs=("is_run", "sum"), running_km=("run_km", "sum"), running_s=("run_s", "sum")
    )
    grid = pd.MultiIndex.from_product(
        [sorted(participants["participant_id"]), range(follow_up_weeks + 1)], names=["participant_id", "week"]
    )
    weekly = per_week.reindex(grid).reset_index()
    weekly["n_records"] = weekly["n_records"].fillna(0).astype(int)
    weekly["worn"] = weekly["n_records"] >= min_records_per_worn_week
    for column in ("runs", "running_km", "running_s"):
        weekly[column] = weekly[column].where(weekly["worn"])
    weekly["runs"] = weekly["runs"].astype("Int64")
    weekly["week_start"] = weekly["participant_id"].map(enrol) + pd.to_timedelta(7 * (weekly["week"] - 1), unit="D")
    return weekly[WEEKLY_COLUMNS]


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
