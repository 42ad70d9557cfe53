"""A runner's season week by week, and the load signals of the literature.

- Change of running km from the week before, a progression in the categories of Nielsen et al. 2014
  (JOSPT 44:739: novice runners progressing more than 30 % a week had more distance-related injuries than
  those under 10 %); the categories are for progression, so a week with fewer km is a reduction.
- Each run against the longest run of the previous 30 days, in the categories of Frandsen et al. 2025
  (BJSM, Garmin-RUNSAFE: a single run longer than the recent longest, by more than 10 %, carried a higher
  injury rate, rising with the size of the jump); the week takes its largest.
- The acute:chronic ratio of daily km by exponentially weighted moving averages (Williams et al. 2017,
  BJSM 51:209: decay 2/(N+1), N = 7 and 28 days), by pandas' ewm; held equal to the `acwr` package in the
  tests. Only on history that exists: a runner's days before their first recorded activity are missing,
  not days of 0 km, so no ratio is given until 28 days of data (`data_days`). What it does not say
  (Impellizzeri et al. 2020, IJSPP 15:907): a ratio is not a validated injury predictor for one athlete,
  and a "sweet spot" is not established.

Weeks are ISO weeks (Monday first), in the runner's local dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NIELSEN = ((0.10, "under 10 %"), (0.30, "10-30 %"), (np.inf, "over 30 %"))  # upper bound, label
REDUCTION = "reduction"  # fewer km than the week before: no progression category
FRANDSEN = ((0.10, "up to 10 %"), (0.30, "10-30 %"), (1.00, "30-100 %"), (np.inf, "over 100 %"))
LONGEST_DAYS = 30
ACUTE_DAYS, CHRONIC_DAYS = 7, 28
SPIKE_WEEK_CHANGE = 0.30  # Nielsen's top category
SPIKE_RUN_CHANGE = 0.30  # Frandsen's 30-100 % and over
# running dynamics as the watch recorded them (runrisk.io.garmin.session_dynamics), weekly by run time
GAIT = ("cadence_spm", "stance_time_ms", "vertical_oscillation_mm", "step_length_mm")
USUAL_SDS = 2.0  # a week outside the runner's own mean +/- 2 SD of their previous weeks is marked
USUAL_WEEKS = 4  # ... once they have this many previous weeks with a value (a spread of fewer is no spread)
RUNNER = "runner"  # the squad's key column: runners are weeks' and signals' groups
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
    "steps",
    "cadence_spm",
    "stance_time_ms",
    "vertical_oscillation_mm",
    "step_length_mm",
    "dynamics_unusual",
    "change",
    "change_category",
    "longest_run_change",
    "run_category",
    "acwr",
    "data_days",
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


def change_category(value: float) -> str:
    """Nielsen's progression category of a change from the week before, or a reduction."""
    return REDUCTION if np.isfinite(value) and value < 0 else category(value, NIELSEN)


def _monday(dates: pd.Series) -> pd.Series:
    return dates - pd.to_timedelta(dates.dt.weekday, unit="D")


def _keyed(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs with their runner's key (runs without one are one runner, "")."""
    return runs if RUNNER in runs else runs.assign(**{RUNNER: ""})


def daily_km(
    runs: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, runners: list | None = None, data_from=None
) -> pd.DataFrame:
    """Running km per local day (rows, every day from first to last, 0 where none was run) and runner
    (columns; runs without a `runner` column are one runner, ""); NaN before the runner's data begins
    (data_from: runner -> first day with a recorded activity; default their first run), for a day the
    watch was not yet worn is not a day of rest."""
    runs = _keyed(runs)
    runners = list(runners) if runners is not None else sorted(runs[RUNNER].unique())
    days = pd.date_range(first, last, freq="D")
    sums = (
        runs.groupby([RUNNER, "local_date"])["distance_km"].sum().unstack(RUNNER)
        if len(runs)
        else pd.DataFrame(index=days, columns=runners, dtype=float)
    )
    daily = sums.reindex(index=days, columns=runners).fillna(0.0).astype(float)
    starts = data_starts(runs, runners, data_from)
    starts = pd.DatetimeIndex([starts[r] for r in runners])
    missing = (days.to_numpy()[:, None] < starts.to_numpy()[None, :]) | starts.isna()[None, :]
    return daily.mask(missing)


def data_starts(runs: pd.DataFrame, runners: list, data_from=None) -> dict:
    """Each runner's first day of data: as given, else their first run (NaT without one)."""
    first_runs = _keyed(runs).groupby(RUNNER)["local_date"].min().to_dict() if len(runs) else {}
    given = dict(data_from or {})
    return {r: pd.Timestamp(given.get(r, first_runs.get(r, pd.NaT))) for r in runners}


def data_days(starts: dict, runners: list, sundays: pd.DatetimeIndex) -> np.ndarray:
    """Days of data up to each week's last day (runner-major, as the weeks' grid), 0 before any."""
    out = []
    for runner in runners:
        start = starts.get(runner, pd.NaT)
        days = (sundays - start).days + 1 if pd.notna(start) else np.zeros(len(sundays))
        out.append(np.clip(np.asarray(days, dtype=float), 0, None))
    return np.concatenate(out).astype(int) if out else np.zeros(0, dtype=int)


def ewma_acwr(daily: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Williams et al. 2017's EWMA acute:chronic ratio per day (of each column); NaN before 28 days of
    history (missing days, NaN, are not history: the averages start on the first day with a value), and
    where the chronic load is 0 (a ratio of nothing is no number)."""
    acute = daily.ewm(alpha=2 / (ACUTE_DAYS + 1), adjust=False, min_periods=ACUTE_DAYS).mean()
    chronic = daily.ewm(alpha=2 / (CHRONIC_DAYS + 1), adjust=False, min_periods=CHRONIC_DAYS).mean()
    ratio = acute / chronic.where(chronic > 0)
    return ratio.rename("acwr") if isinstance(ratio, pd.Series) else ratio


def run_changes(runs: pd.DataFrame) -> pd.Series:
    """Each run's distance over the longest run of its runner's previous 30 days (the 30 days before its
    own, not counting runs of the same day), minus 1; NaN without one."""
    if runs.empty:
        return pd.Series(np.nan, index=runs.index, dtype=float)
    runs = _keyed(runs)
    longest = runs.groupby(["local_date", RUNNER])["distance_km"].max().unstack(RUNNER)
    days = pd.date_range(longest.index.min(), longest.index.max(), freq="D")
    longest = longest.reindex(days).fillna(0.0)
    previous = longest.rolling(LONGEST_DAYS, min_periods=1).max().shift(1)
    before = previous.stack().reindex(pd.MultiIndex.from_arrays([runs["local_date"], runs[RUNNER]])).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        changes = np.where(before > 0, runs["distance_km"].to_numpy(float) / before - 1, np.nan)
    return pd.Series(changes, index=runs.index, dtype=float)


def season_weeks(runs: pd.DataFrame, symptoms: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, data_from=None):
    """One runner's weeks (squad_weeks of a squad of one): one row per ISO week, WEEK_COLUMNS."""
    since = {"": data_from} if data_from is not None else None
    weeks = squad_weeks(runs.assign(**{RUNNER: ""}), symptoms.assign(**{RUNNER: ""}), [""], first, last, since)
    return weeks[WEEK_COLUMNS].reset_index(drop=True)


def squad_weeks(runs: pd.DataFrame, symptoms: pd.DataFrame, runners: list, first, last, data_from=None) -> pd.DataFrame:
    """One row per runner and ISO week from first's week to last's: load, signals and symptoms (`runner`
    and WEEK_COLUMNS), the whole squad at once. runs: the runners' counted runs (runner, local_date,
    start_utc, distance_km, duration_s, ascent_m, hard_hr_s, rpe); symptoms: read_symptoms' rows with a
    runner column; data_from: runner -> first day with a recorded activity (default: their first run)."""
    monday = first - pd.Timedelta(days=first.weekday())
    sunday = last + pd.Timedelta(days=6 - last.weekday())
    mondays = pd.date_range(monday, sunday, freq="7D")
    grid = pd.MultiIndex.from_product([runners, mondays], names=[RUNNER, "week_start"])
    runs = runs.assign(
        week_start=_monday(runs["local_date"]),
        longest_change=run_changes(runs),
        srpe=runs["rpe"] * runs["duration_s"] / 60.0,  # Foster et al. 2001: RPE x minutes, arbitrary units
        untimed=runs["duration_s"].isna().astype(int),
        steps=runs.get("steps", np.nan),
    )
    for column in GAIT:  # the week's running dynamics: its runs' weighted by their time
        values = runs.get(column, pd.Series(np.nan, index=runs.index, dtype=float)).astype(float)
        runs[f"{column}_time"] = values * runs["duration_s"]
        runs[f"{column}_s"] = runs["duration_s"].where(values.notna())
    by_week = runs.groupby([RUNNER, "week_start"])
    weeks = pd.DataFrame(index=grid)
    weeks["runs"] = by_week.size().reindex(grid, fill_value=0).astype(int)
    weeks["km"] = by_week["distance_km"].sum().reindex(grid, fill_value=0.0)
    weeks["run_time_min"] = (by_week["duration_s"].sum() / 60.0).reindex(grid, fill_value=0.0)
    # a run without a time leaves the week's pace unknown: the timed runs' minutes over all its km would be
    # a pace too fast, and the tendon load carried to it too low
    timed = by_week["untimed"].sum().reindex(grid, fill_value=0) == 0
    weeks["pace_min_per_km"] = (weeks["run_time_min"] / weeks["km"].where((weeks["km"] > 0) & timed)).astype(float)
    weeks["ascent_m"] = by_week["ascent_m"].sum(min_count=1).reindex(grid)
    weeks["longest_km"] = by_week["distance_km"].max().reindex(grid, fill_value=0.0)
    weeks["hard_hr_min"] = (by_week["hard_hr_s"].sum(min_count=1) / 60.0).reindex(grid)
    weeks["srpe_au"] = by_week["srpe"].sum(min_count=1).reindex(grid)
    weeks["steps"] = by_week["steps"].sum(min_count=1).reindex(grid).astype(float)  # NA: no run with a cadence
    for column in GAIT:
        seconds = by_week[f"{column}_s"].sum(min_count=1).reindex(grid)
        weeks[column] = (by_week[f"{column}_time"].sum(min_count=1).reindex(grid) / seconds.where(seconds > 0)).astype(
            float
        )
    weeks["dynamics_unusual"] = unusual_dynamics(weeks[list(GAIT)])
    previous = weeks["km"].groupby(level=RUNNER).shift(1)
    weeks["change"] = (weeks["km"] / previous.where(previous > 0) - 1).astype(float)
    weeks["change_category"] = [change_category(v) for v in weeks["change"]]
    weeks["longest_run_change"] = by_week["longest_change"].max().reindex(grid).astype(float)
    weeks["run_category"] = [category(v, FRANDSEN) for v in weeks["longest_run_change"]]
    ratio = ewma_acwr(daily_km(runs, monday, sunday, runners, data_from))
    sundays = ratio.reindex(mondays + pd.Timedelta(days=6))  # the ratio on each week's last day
    weeks["acwr"] = sundays.set_axis(mondays).T.stack(future_stack=True).reindex(grid).to_numpy(float)
    weeks["data_days"] = data_days(data_starts(runs, runners, data_from), runners, mondays + pd.Timedelta(days=6))
    weeks = weeks.join(symptom_weeks(symptoms).reindex(grid))
    weeks["substantial"] = weeks["substantial"].astype("boolean").fillna(False).astype(bool)
    weeks["symptom_days"] = pd.to_numeric(weeks["symptom_days"]).fillna(0).astype(int)
    weeks["spike"] = (weeks["change"] > SPIKE_WEEK_CHANGE) | (weeks["longest_run_change"] > SPIKE_RUN_CHANGE)
    return weeks.reset_index()[[RUNNER, *WEEK_COLUMNS]]


def unusual_dynamics(gait: pd.DataFrame) -> list[str]:
    """Per runner and week (gait indexed by runner and week_start): the running dynamics outside the
    runner's own usual spread, the mean +/- USUAL_SDS SD of their previous weeks with a value (at least
    USUAL_WEEKS of them), as "cadence_spm,stance_time_ms" ("" none). The runner's own history, not a
    population threshold: the literature gives none for one runner's cadence or contact time."""
    marks = np.full(len(gait), "", dtype=object)
    for column in gait.columns:
        values = gait[column]
        grouped = values.groupby(level=RUNNER)
        history = grouped.expanding(min_periods=USUAL_WEEKS)
        mean = history.mean().droplevel(0).reindex(values.index)
        spread = history.std().droplevel(0).reindex(values.index)
        before = pd.DataFrame({"mean": mean, "sd": spread}).groupby(level=RUNNER).shift(1)  # previous weeks only
        with np.errstate(invalid="ignore"):
            outside = ((values - before["mean"]).abs() > USUAL_SDS * before["sd"]).to_numpy(bool)
        marks[outside] = [f"{m},{column}" if m else column for m in marks[outside]]
    return list(marks)


def symptom_weeks(symptoms: pd.DataFrame) -> pd.DataFrame:
    """Per runner and week: worst pain, worst OSTRC-O2 score, any substantial problem, days with a
    complaint (a logged "pain 0" is no symptom)."""
    if symptoms.empty:
        names = [RUNNER, "week_start"]
        index = pd.MultiIndex.from_arrays([pd.Index([], dtype=object), pd.DatetimeIndex([])], names=names)
        columns = {"pain_max": float, "ostrc_max": float, "substantial": bool, "symptom_days": int}
        return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in columns.items()}, index=index)
    dates = pd.to_datetime(symptoms["date"])
    complaint = (symptoms["pain"] > 0) | (symptoms["ostrc_score"] > 0)
    frame = symptoms.assign(date=dates, week_start=_monday(dates), complaint=complaint)
    grouped = frame.groupby([RUNNER, "week_start"])
    return pd.DataFrame(
        {
            "pain_max": grouped["pain"].max(),
            "ostrc_max": grouped["ostrc_score"].max(),
            "substantial": grouped["substantial"].any(),
            "symptom_days": frame[frame["complaint"]].groupby([RUNNER, "week_start"])["date"].nunique(),
        }
    )
