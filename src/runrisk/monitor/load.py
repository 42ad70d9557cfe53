"""A runner's season week by week, and the load signals of the literature.

- Week-to-week change of running km in the categories of Nielsen et al. 2014 (JOSPT 44:739: novice
  runners progressing more than 30 % a week had more distance-related injuries than those under 10 %).
- Each run against the longest run of the previous 30 days, in the categories of Frandsen et al. 2025
  (BJSM, Garmin-RUNSAFE: a single run longer than the recent longest, by more than 10 %, carried a higher
  injury rate, rising with the size of the jump); the week takes its largest.
- The acute:chronic ratio of daily km by exponentially weighted moving averages (Williams et al. 2017,
  BJSM 51:209: decay 2/(N+1), N = 7 and 28 days), by pandas' ewm; held equal to the `acwr` package in the
  tests. What it does not say (Impellizzeri et al. 2020, IJSPP 15:907): a ratio is not a validated
  injury predictor for one athlete, and a "sweet spot" is not established.

Weeks are ISO weeks (Monday first), in the runner's local dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NIELSEN = ((0.10, "under 10 %"), (0.30, "10-30 %"), (np.inf, "over 30 %"))  # upper bound, label
FRANDSEN = ((0.10, "up to 10 %"), (0.30, "10-30 %"), (1.00, "30-100 %"), (np.inf, "over 100 %"))
LONGEST_DAYS = 30
ACUTE_DAYS, CHRONIC_DAYS = 7, 28
SPIKE_WEEK_CHANGE = 0.30  # Nielsen's top category
SPIKE_RUN_CHANGE = 0.30  # Frandsen's 30-100 % and over
WEEK_COLUMNS = [
    "week_start",
    "runs",
    "km",
    "run_time_min",
    "pace_min_per_km",
    "ascent_m",
    "longest_km",
    "hard_hr_min",
    "srpe_au",
    "change",
    "change_category",
    "longest_run_change",
    "run_category",
    "acwr",
    "pain_max",
    "ostrc_max",
    "substantial",
    "symptom_days",
    "spike",
]


def category(value: float, bounds) -> str:
    if not np.isfinite(value):
        return ""
    return next(label for upper, label in bounds if value <= upper)


def daily_km(runs: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Running km per local day, every day from first to last (0 where none was run)."""
    days = pd.date_range(first, last, freq="D")
    if runs.empty:
        return pd.Series(0.0, index=days)
    return runs.groupby("local_date")["distance_km"].sum().reindex(days, fill_value=0.0).astype(float)


def ewma_acwr(daily: pd.Series) -> pd.Series:
    """Williams et al. 2017's EWMA acute:chronic ratio per day; NaN before 28 days of history, and where
    the chronic load is 0 (a ratio of nothing is no number)."""
    acute = daily.ewm(alpha=2 / (ACUTE_DAYS + 1), adjust=False, min_periods=ACUTE_DAYS).mean()
    chronic = daily.ewm(alpha=2 / (CHRONIC_DAYS + 1), adjust=False, min_periods=CHRONIC_DAYS).mean()
    return (acute / chronic.where(chronic > 0)).rename("acwr")


def run_changes(runs: pd.DataFrame) -> pd.Series:
    """Each run's distance over the longest run of the previous 30 days, minus 1 (NaN without one)."""
    ordered = runs.sort_values("start_utc")
    dates = ordered["local_date"].to_numpy("datetime64[D]")
    km = ordered["distance_km"].to_numpy(float)
    changes = np.full(len(ordered), np.nan)
    for i in range(len(ordered)):
        before = (dates < dates[i]) & (dates >= dates[i] - np.timedelta64(LONGEST_DAYS, "D"))
        if before.any() and km[before].max() > 0:
            changes[i] = km[i] / km[before].max() - 1
    return pd.Series(changes, index=ordered.index).reindex(runs.index)


def season_weeks(runs: pd.DataFrame, symptoms: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp):
    """One row per ISO week from first's week to last's: load, signals and symptoms (WEEK_COLUMNS).
    runs: the runner's counted runs (local_date, start_utc, distance_km, duration_s, ascent_m, hard_hr_s,
    rpe); symptoms: read_symptoms' rows."""
    monday = first - pd.Timedelta(days=first.weekday())
    sunday = last + pd.Timedelta(days=6 - last.weekday())
    daily = daily_km(runs, monday, sunday)
    ratio = ewma_acwr(daily)
    runs = runs.assign(
        week_start=runs["local_date"] - pd.to_timedelta(runs["local_date"].dt.weekday, unit="D"),
        longest_change=run_changes(runs),
        srpe=runs["rpe"] * runs["duration_s"] / 60.0,  # Foster et al. 2001: RPE x minutes, arbitrary units
    )
    weeks = pd.DataFrame({"week_start": pd.date_range(monday, sunday, freq="7D")})
    by_week = runs.groupby("week_start")
    weeks["runs"] = weeks["week_start"].map(by_week.size()).fillna(0).astype(int)
    weeks["km"] = weeks["week_start"].map(by_week["distance_km"].sum()).fillna(0.0)
    weeks["run_time_min"] = weeks["week_start"].map(by_week["duration_s"].sum() / 60.0).fillna(0.0)
    weeks["pace_min_per_km"] = (weeks["run_time_min"] / weeks["km"].where(weeks["km"] > 0)).astype(float)
    weeks["ascent_m"] = weeks["week_start"].map(by_week["ascent_m"].sum(min_count=1))
    weeks["longest_km"] = weeks["week_start"].map(by_week["distance_km"].max()).fillna(0.0)
    weeks["hard_hr_min"] = weeks["week_start"].map(by_week["hard_hr_s"].sum(min_count=1) / 60.0)
    weeks["srpe_au"] = weeks["week_start"].map(by_week["srpe"].sum(min_count=1))
    previous = weeks["km"].shift(1)
    weeks["change"] = (weeks["km"] / previous.where(previous > 0) - 1).astype(float)
    weeks["change_category"] = [category(v, NIELSEN) for v in weeks["change"]]
    weeks["longest_run_change"] = weeks["week_start"].map(by_week["longest_change"].max()).astype(float)
    weeks["run_category"] = [category(v, FRANDSEN) for v in weeks["longest_run_change"]]
    weeks["acwr"] = ratio.reindex(weeks["week_start"] + pd.Timedelta(days=6)).to_numpy()  # the week's last day
    weeks = weeks.join(symptom_weeks(symptoms), on="week_start")
    weeks["substantial"] = weeks["substantial"].astype("boolean").fillna(False).astype(bool)
    weeks["symptom_days"] = pd.to_numeric(weeks["symptom_days"]).fillna(0).astype(int)
    weeks["spike"] = (weeks["change"] > SPIKE_WEEK_CHANGE) | (weeks["longest_run_change"] > SPIKE_RUN_CHANGE)
    return weeks[WEEK_COLUMNS]


def symptom_weeks(symptoms: pd.DataFrame) -> pd.DataFrame:
    if symptoms.empty:
        return pd.DataFrame(
            columns=["pain_max", "ostrc_max", "substantial", "symptom_days"], index=pd.DatetimeIndex([])
        )
    dates = pd.to_datetime(symptoms["date"])
    complaint = (symptoms["pain"] > 0) | (symptoms["ostrc_score"] > 0)  # a logged "pain 0" is no symptom
    frame = symptoms.assign(week_start=dates - pd.to_timedelta(dates.dt.weekday, unit="D"), complaint=complaint)
    grouped = frame.groupby("week_start")
    return pd.DataFrame(
        {
            "pain_max": grouped["pain"].max(),
            "ostrc_max": grouped["ostrc_score"].max(),
            "substantial": grouped["substantial"].any(),
            "symptom_days": frame[frame["complaint"]].groupby("week_start")["date"].nunique(),
        }
    )
