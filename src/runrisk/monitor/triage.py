"""What needs a coach's attention: the rules that order the squad page and say why, from a runner's
weeks (runrisk.monitor.load's signals and symptoms). The pages only show what this module decides;
reasons are text keys (texts/<lang>.yaml), never sentences.

Ranks, most attention first: 0 a load spike with symptoms (or a week the pain-monitoring model judged
too much), 1 a substantial problem (OSTRC-O2), pain of PAIN_ATTENTION and more, or a week judged too
much (runrisk.monitor.response), 2 a spike, 3 an acute:chronic ratio over HIGH_ACWR, 4 symptoms noted or
a week to watch, 5 nothing, 6 no data; judged on the last RECENT_WEEKS weeks. Running dynamics outside
the runner's own usual spread are a reason, never a rank: a 2 SD band is crossed by chance now and then.

"What to talk about this week" (talk_about): the signals as topics, the load's first (the study found
running volume, not the tendon's answers, to carry the risk), then the tendon's response, the capacity
work and the gait; a topic names what was seen and asks, never diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from runrisk.monitor.load import SPIKE_RUN_CHANGE, SPIKE_WEEK_CHANGE
from runrisk.monitor.response import ACCEPTABLE, TOO_MUCH, WATCH

RECENT_WEEKS = 2  # the weeks the squad page judges attention by
HIGH_ACWR = 1.5  # Williams et al.'s and Gabbett's "danger zone": shown as a flag, not as a verdict
PAIN_ATTENTION = 3  # NRS 3 and more: a pain a coach asks about (below it, a note)
VERDICT_ORDER = {ACCEPTABLE: 0, WATCH: 1, TOO_MUCH: 2}  # the pain-monitoring verdicts, least to most


@dataclass(frozen=True)
class Spike:
    """A recent week that raised a spike, and what raised it (NaN for a signal that did not)."""

    week: pd.Timestamp
    week_change: float  # km over the week before, minus 1, when above SPIKE_WEEK_CHANGE
    run_change: float  # the week's longest run over the previous 30 days' longest, minus 1, when above


def recent(weeks: pd.DataFrame) -> pd.DataFrame:
    return weeks.tail(RECENT_WEEKS)


def spikes(weeks: pd.DataFrame | None) -> list[Spike]:
    """The recent weeks that raised a spike, each with what raised it: the flag names its week, also
    when the latest week shown is a cut-back."""
    if weeks is None or weeks.empty:
        return []
    last = recent(weeks)
    found = []
    columns = (last[c].tolist() for c in ("week_start", "spike", "change", "longest_run_change"))
    for monday, spike, change, run_change in zip(*columns, strict=True):
        if spike:
            found.append(
                Spike(
                    monday,
                    change if change > SPIKE_WEEK_CHANGE else np.nan,
                    run_change if run_change > SPIKE_RUN_CHANGE else np.nan,
                )
            )
    return found


def _any(last: pd.DataFrame, column: str, test) -> bool:
    """Whether a recent week's column passes test (False where the weeks have no such column)."""
    return bool(np.any(test(last[column].to_numpy()))) if column in last else False


def attention(weeks: pd.DataFrame | None) -> tuple[int, list[str]]:
    """(rank, reasons) of a runner for the squad page: 0 a spike with symptoms or a week judged too much,
    1 a substantial problem, pain of 3 and more or a week judged too much, 2 a spike, 3 a high
    acute:chronic ratio, 4 symptoms noted or a week to watch, 5 nothing; reasons are text keys."""
    if weeks is None or weeks.empty:
        return 6, ["no_data"]
    last = recent(weeks)
    spike, symptoms = bool(last["spike"].to_numpy().any()), bool((last["symptom_days"].to_numpy() > 0).any())
    too_much = _any(last, "pain_verdict", lambda v: v == TOO_MUCH)
    watch = _any(last, "pain_verdict", lambda v: v == WATCH) and not too_much
    with np.errstate(invalid="ignore"):
        pain, ratio = last["pain_max"].to_numpy(float), last["acwr"].to_numpy(float)
        substantial = bool(last["substantial"].to_numpy().any()) or bool((pain >= PAIN_ATTENTION).any())
        high = bool((ratio > HIGH_ACWR).any())
    unusual = _any(last, "dynamics_unusual", lambda v: np.array([bool(m) and m == m for m in v], dtype=bool))
    reasons = [
        key
        for key, present in (
            ("reason_spike_symptoms", spike and symptoms),
            ("reason_substantial", substantial),
            ("reason_pain_too_much", too_much),
            ("reason_spike", spike and not symptoms),
            ("reason_acwr", high),
            ("reason_symptoms", symptoms and not substantial and not spike),
            ("reason_pain_watch", watch),
            ("reason_dynamics", unusual),
        )
        if present
    ]
    if spike and (symptoms or too_much):
        rank = 0
    elif substantial or too_much:
        rank = 1
    elif spike:
        rank = 2
    elif high:
        rank = 3
    elif symptoms or watch:
        rank = 4
    else:
        rank = 5
    return rank, reasons or ["reason_none"]


def recent_verdict(weeks: pd.DataFrame | None) -> tuple[str, str, pd.Timestamp] | None:
    """The worst pain-monitoring verdict of the recent weeks (the later week where two are as bad), with
    its rule and week: a week judged too much stays on the squad page while it is recent."""
    if weeks is None or weeks.empty or "pain_verdict" not in weeks:
        return None
    last = recent(weeks)
    judged = last[last["pain_verdict"] != ""]
    if judged.empty:
        return None
    order = judged["pain_verdict"].map(VERDICT_ORDER).to_numpy()
    week = judged.iloc[len(order) - 1 - int(np.argmax(order[::-1]))]
    return week["pain_verdict"], week["pain_rule"], week["week_start"]


@dataclass(frozen=True)
class Topic:
    """One thing to talk about: a text key and what fills it (weeks as dates, changes as fractions)."""

    key: str
    week: pd.Timestamp | None = None
    value: float = np.nan
    detail: str = ""  # a rule's or a measure's key (texts' pain_rules, gait_names), never free text


TALK_TOPICS = 2  # the line names at most this many: a coach reads it in a breath


def talk_about(weeks: pd.DataFrame | None) -> list[Topic]:
    """What to talk about this week, from the recent weeks' signals: the load first (a spike, else a high
    ratio), then the tendon's response (a week judged too much or to watch, symptoms), the capacity work
    (none lately where there was some) and the gait; at most TALK_TOPICS, or one asking how the week
    went."""
    if weeks is None or weeks.empty:
        return [Topic("talk_no_data")]
    last = recent(weeks)
    wanted = ("week_start", "acwr", "pain_verdict", "pain_rule", "symptom_days", "pain_max", "capacity_sessions")
    wanted += ("dynamics_unusual",)
    column = {name: last[name].to_numpy() for name in wanted if name in last}  # numpy: 50 pages a squad
    mondays = column["week_start"]
    topics = [Topic("talk_spike", spike.week) for spike in spikes(weeks)][-1:]  # one topic of load, the first
    if not topics and (column["acwr"] > HIGH_ACWR).any():
        topics.append(Topic("talk_acwr", value=float(np.nanmax(column["acwr"]))))
    verdicts = column.get("pain_verdict", np.array([""] * len(last), dtype=object))
    for verdict, key in ((TOO_MUCH, "talk_pain_too_much"), (WATCH, "talk_pain_watch")):
        judged = np.flatnonzero(verdicts == verdict)
        if len(judged):
            at = judged[-1]
            topics.append(Topic(key, pd.Timestamp(mondays[at]), detail=str(column["pain_rule"][at])))
            break
    else:
        if (column["symptom_days"] > 0).any():
            topics.append(Topic("talk_symptoms", value=float(np.nanmax(column["pain_max"]))))
    if "capacity_sessions" in column:
        sessions = weeks["capacity_sessions"].to_numpy(float)
        if np.isfinite(sessions).any() and (np.nan_to_num(column["capacity_sessions"].astype(float)) == 0).all():
            topics.append(Topic("talk_capacity"))
    if "dynamics_unusual" in column:
        marked = np.flatnonzero([bool(mark) and mark == mark for mark in column["dynamics_unusual"]])
        if len(marked):
            at = marked[-1]
            topics.append(Topic("talk_dynamics", pd.Timestamp(mondays[at]), detail=str(column["dynamics_unusual"][at])))
    return topics[:TALK_TOPICS] or [Topic("talk_none")]


def ordered(runners: list) -> list:
    """Most attention first; then the higher latest ratio; then label."""

    def key(person):
        rank, _ = attention(person.weeks)
        ratio = person.weeks["acwr"].iloc[-1] if person.weeks is not None and len(person.weeks) else np.nan
        return rank, -(ratio if np.isfinite(ratio) else -1.0), person.label

    return sorted(runners, key=key)


def flagged_weeks(weeks: pd.DataFrame | None) -> dict[str, list[pd.Timestamp]]:
    """The recent weeks that raised each reason (the reason keys of attention()): a flag names its week.
    A spike's weeks are spikes()'s; symptoms are the weeks with a symptom day. (The two recent rows as
    plain values: this runs for every runner on both pages, and pandas' masks cost ten times as much.)"""
    if weeks is None or weeks.empty:
        return {}
    last = recent(weeks)
    optional = {c: last[c].tolist() if c in last else [None] * len(last) for c in ("pain_verdict", "dynamics_unusual")}
    rows = zip(
        *(last[c].tolist() for c in ("week_start", "spike", "symptom_days", "substantial", "pain_max", "acwr")),
        optional["pain_verdict"],
        optional["dynamics_unusual"],
        strict=True,
    )
    flagged = {key: [] for key in REASON_TESTS}
    for monday, spike, symptom_days, substantial, pain, acwr, verdict, unusual in rows:
        week = {
            "spike": bool(spike),
            "symptoms": symptom_days > 0,
            "substantial": bool(substantial) or pain >= PAIN_ATTENTION,  # NaN pain compares False
            "high": acwr > HIGH_ACWR,
            "too_much": verdict == TOO_MUCH,
            "watch": verdict == WATCH,
            "unusual": bool(unusual),
        }
        for key, test in REASON_TESTS.items():
            if test(week):
                flagged[key].append(monday)
    return flagged


# which of a week's signals raise each reason's flag (attention() decides whether the reason is given)
REASON_TESTS = {
    "reason_spike_symptoms": lambda w: w["spike"] or w["symptoms"] or w["too_much"],
    "reason_substantial": lambda w: w["substantial"],
    "reason_pain_too_much": lambda w: w["too_much"],
    "reason_spike": lambda w: w["spike"],
    "reason_acwr": lambda w: w["high"],
    "reason_symptoms": lambda w: w["symptoms"],
    "reason_pain_watch": lambda w: w["watch"],
    "reason_dynamics": lambda w: w["unusual"],
}
