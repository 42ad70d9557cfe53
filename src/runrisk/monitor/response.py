"""The tendon's response week by week, and the pain-monitoring model's verdict on it.

The pain-monitoring model of Achilles loading programmes (Silbernagel et al. 2007, AJSM 35:897; Silbernagel
& Crossley 2015, JOSPT 45:876): pain during the activity may reach 5 on a 0-10 scale; pain after it may
reach 5 but should have settled by the next morning; pain and stiffness in the morning should not rise
from week to week. Its zones: 0-2 safe, over 2 up to 5 acceptable, over 5 high risk. Each week of a
runner with a pain-monitoring log gets one verdict and the rule that decided it, the first of:

- too much: pain during an activity over 5 (`during_over_5`); pain after it over 5 (`after_over_5`);
  pain after an activity not settled by the next morning, the next morning's pain higher than that
  morning's (`not_settled`); the week's mean morning pain, or stiffness, a point or more higher than the
  week before's (`morning_pain_rising`, `morning_stiffness_rising`); the week's mean morning pain or
  stiffness over 5 (`morning_over_5`: the model's limit, applied to the morning's rating too);
- watch: the week's mean morning pain, or stiffness, higher than the week before's by less than a point
  (`morning_pain_creeping`, `morning_stiffness_creeping`): the model asks that they do not rise, but a weekly
  mean of a 0-10 rating moves by a fraction of a point without the tendon changing, so a rise smaller than
  one step of the scale is followed, not yet acted on (runrisk's grading; the model gives no threshold);
- acceptable: pain during, after and in the morning up to 5 and nothing rising, in the model's acceptable
  zone (over 2 up to 5: `acceptable_zone`) or its safe zone (0-2: `safe_zone`): the model's "pain up to 5
  is acceptable".

A week without a logged rating has no verdict (""), never "acceptable". The verdict describes the
load the tendon took, not a diagnosis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from runrisk.io.response import CAPACITY, HEEL_RAISE, PAIN_LOG, VISA_A
from runrisk.monitor.load import RUNNER

PAIN_LIMIT = 5.0  # Silbernagel et al. 2007: pain during and after up to 5/10 allowed
SAFE_ZONE = 2.0  # their zones: 0-2 safe, over 2 up to 5 acceptable, over 5 high risk
RISE_POINTS = 1.0  # one step of the 0-10 scale: a smaller rise of a weekly mean is "watch", not "too much"
ACCEPTABLE, WATCH, TOO_MUCH = "acceptable", "watch", "too much"
VERDICTS = (ACCEPTABLE, WATCH, TOO_MUCH)
# the rules in the order they are judged: the first that holds decides the week
RULES = (
    ("during_over_5", TOO_MUCH),
    ("after_over_5", TOO_MUCH),
    ("not_settled", TOO_MUCH),
    ("morning_pain_rising", TOO_MUCH),
    ("morning_stiffness_rising", TOO_MUCH),
    ("morning_over_5", TOO_MUCH),
    ("morning_pain_creeping", WATCH),
    ("morning_stiffness_creeping", WATCH),
    ("acceptable_zone", ACCEPTABLE),
    ("safe_zone", ACCEPTABLE),
)
RESPONSE_COLUMNS = [
    "visa_a",
    "morning_pain",
    "morning_stiffness",
    "pain_during_max",
    "pain_after_max",
    "pain_verdict",
    "pain_rule",
    "heel_raise_left",
    "heel_raise_right",
    "capacity_sessions",
]


def _monday(dates: pd.Series) -> pd.Series:
    dates = pd.to_datetime(dates)
    return dates - pd.to_timedelta(dates.dt.weekday, unit="D")


def _squad_frame(logs: dict[str, dict[str, pd.DataFrame]], name: str) -> pd.DataFrame:
    """One response file's rows of every runner, with the runner's key and the week."""
    frames = [rows[name].assign(**{RUNNER: runner}) for runner, rows in logs.items() if len(rows.get(name, ()))]
    if not frames:
        return pd.DataFrame(columns=[RUNNER, "date", "week_start"])
    frame = pd.concat(frames, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.assign(week_start=_monday(frame["date"]))


def unsettled_weeks(pain: pd.DataFrame) -> pd.Series:
    """Per runner and week: a day with pain after activity whose next morning hurt more than that
    morning (the pain had not settled by the next morning)."""
    mornings = pain.dropna(subset=["morning_pain"]).groupby([RUNNER, "date"])["morning_pain"].max()
    after = pain.dropna(subset=["pain_after"])
    after = after[after["pain_after"] > 0]
    if after.empty or mornings.empty:
        return pd.Series(dtype=bool)
    keys = pd.MultiIndex.from_arrays([after[RUNNER], after["date"]])
    next_keys = pd.MultiIndex.from_arrays([after[RUNNER], after["date"] + pd.Timedelta(days=1)])
    that_morning = mornings.reindex(keys).to_numpy(float)
    next_morning = mornings.reindex(next_keys).to_numpy(float)
    unsettled = pd.Series(next_morning > that_morning, index=after.index)  # NaN compares False: not judged
    return unsettled.groupby([after[RUNNER], after["week_start"]]).any()


def pain_weeks(pain: pd.DataFrame, grid: pd.MultiIndex) -> pd.DataFrame:
    """Per runner and week: mean morning pain and stiffness, worst pain during and after, the verdict and
    the rule that decided it."""
    weeks = pd.DataFrame(index=grid)
    if pain.empty:
        for column in ("morning_pain", "morning_stiffness", "pain_during_max", "pain_after_max"):
            weeks[column] = np.nan
        weeks["pain_verdict"], weeks["pain_rule"] = "", ""
        return weeks
    by_week = pain.groupby([RUNNER, "week_start"])
    weeks["morning_pain"] = by_week["morning_pain"].mean().reindex(grid)
    weeks["morning_stiffness"] = by_week["morning_stiffness"].mean().reindex(grid)
    weeks["pain_during_max"] = by_week["pain_during"].max().reindex(grid)
    weeks["pain_after_max"] = by_week["pain_after"].max().reindex(grid)
    logged = by_week.size().reindex(grid, fill_value=0).to_numpy() > 0
    previous = weeks.groupby(level=RUNNER)[["morning_pain", "morning_stiffness"]].shift(1)
    rise = {
        name: weeks[name].to_numpy(float) - previous[name].to_numpy(float)
        for name in ("morning_pain", "morning_stiffness")
    }
    during, after = weeks["pain_during_max"].to_numpy(float), weeks["pain_after_max"].to_numpy(float)
    # the morning's rating is judged by the same zones: a week of morning pain 7 and no rating of a run is
    # not the safe zone
    morning = np.fmax(weeks["morning_pain"].to_numpy(float), weeks["morning_stiffness"].to_numpy(float))
    with np.errstate(invalid="ignore"):
        held = {
            "during_over_5": during > PAIN_LIMIT,
            "after_over_5": after > PAIN_LIMIT,
            "not_settled": unsettled_weeks(pain).reindex(grid, fill_value=False).to_numpy(bool),
            "morning_pain_rising": rise["morning_pain"] >= RISE_POINTS - 1e-9,
            "morning_stiffness_rising": rise["morning_stiffness"] >= RISE_POINTS - 1e-9,
            "morning_pain_creeping": rise["morning_pain"] > 0,
            "morning_stiffness_creeping": rise["morning_stiffness"] > 0,
            "morning_over_5": morning > PAIN_LIMIT,
            "acceptable_zone": (during > SAFE_ZONE) | (after > SAFE_ZONE) | (morning > SAFE_ZONE),
            "safe_zone": np.ones(len(grid), dtype=bool),
        }
    rules = [name for name, _ in RULES]
    conditions = [held[name] & logged for name in rules]
    weeks["pain_rule"] = np.select(conditions, rules, default="")
    weeks["pain_verdict"] = np.select(conditions, [verdict for _, verdict in RULES], default="")
    return weeks


def response_weeks(
    logs: dict[str, dict[str, pd.DataFrame]], strength: pd.DataFrame, grid: pd.MultiIndex
) -> pd.DataFrame:
    """RESPONSE_COLUMNS per runner and ISO week of grid (runner, week_start). logs: runner -> response
    file name -> its good rows (runrisk.io.response); strength: the runners' strength sessions from their
    watches (runner, local_date). The latest VISA-A score of the week; the most heel raises per side;
    capacity sessions (capacity.csv's and the watch's strength sessions; NA before the runner's first)."""
    weeks = pain_weeks(_squad_frame(logs, PAIN_LOG), grid)
    visa = _squad_frame(logs, VISA_A)
    weeks["visa_a"] = (
        visa.sort_values("date").groupby([RUNNER, "week_start"])["visa_a"].last().reindex(grid).astype(float)
        if len(visa)
        else np.nan
    )
    heel = _squad_frame(logs, HEEL_RAISE)
    for side in ("left", "right"):
        one = heel[heel["side"] == side] if len(heel) else heel
        weeks[f"heel_raise_{side}"] = (
            one.groupby([RUNNER, "week_start"])["reps"].max().reindex(grid).astype(float) if len(one) else np.nan
        )
    sessions = _squad_frame(logs, CAPACITY)[[RUNNER, "week_start"]]
    if len(strength):
        watch = pd.DataFrame({RUNNER: strength[RUNNER], "week_start": _monday(strength["local_date"])})
        sessions = pd.concat([sessions, watch], ignore_index=True) if len(sessions) else watch
    counted = sessions.groupby([RUNNER, "week_start"]).size().reindex(grid, fill_value=0).astype(float)
    # before a runner's first capacity session (of any source) the count is unknown, not 0 sessions
    began = sessions.groupby(RUNNER)["week_start"].min()
    starts = pd.to_datetime(began.reindex(grid.get_level_values(RUNNER)).to_numpy())
    logging = np.asarray(grid.get_level_values("week_start") >= starts)
    weeks["capacity_sessions"] = counted.where(logging, np.nan).to_numpy(float)
    return weeks[RESPONSE_COLUMNS]
