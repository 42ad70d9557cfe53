"""What needs a coach's attention: the rules that order the squad page and say why, from a runner's
weeks (runrisk.monitor.load's signals and symptoms). The pages only show what this module decides;
reasons are text keys (texts/<lang>.yaml), never sentences.

Ranks, most attention first: 0 a load spike with symptoms, 1 a substantial problem (OSTRC-O2) or pain
of PAIN_ATTENTION and more, 2 a spike, 3 an acute:chronic ratio over HIGH_ACWR, 4 symptoms noted,
5 nothing, 6 no data; judged on the last RECENT_WEEKS weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from runrisk.monitor.load import SPIKE_RUN_CHANGE, SPIKE_WEEK_CHANGE

RECENT_WEEKS = 2  # the weeks the squad page judges attention by
HIGH_ACWR = 1.5  # Williams et al.'s and Gabbett's "danger zone": shown as a flag, not as a verdict
PAIN_ATTENTION = 3  # NRS 3 and more: a pain a coach asks about (below it, a note)


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


def attention(weeks: pd.DataFrame | None) -> tuple[int, list[str]]:
    """(rank, reasons) of a runner for the squad page: 0 a spike with symptoms, 1 a substantial problem
    or pain of 3 and more, 2 a spike, 3 a high acute:chronic ratio, 4 symptoms noted, 5 nothing; reasons
    are text keys."""
    if weeks is None or weeks.empty:
        return 6, ["no_data"]
    last = recent(weeks)
    spike, symptoms = bool(last["spike"].any()), bool((last["symptom_days"] > 0).any())
    substantial = bool(last["substantial"].any()) or bool((last["pain_max"] >= PAIN_ATTENTION).any())
    high = bool((last["acwr"] > HIGH_ACWR).any())
    reasons = [
        key
        for key, present in (
            ("reason_spike_symptoms", spike and symptoms),
            ("reason_substantial", substantial),
            ("reason_spike", spike and not symptoms),
            ("reason_acwr", high),
            ("reason_symptoms", symptoms and not substantial and not spike),
        )
        if present
    ]
    if spike and symptoms:
        rank = 0
    elif substantial:
        rank = 1
    elif spike:
        rank = 2
    elif high:
        rank = 3
    elif symptoms:
        rank = 4
    else:
        rank = 5
    return rank, reasons or ["reason_none"]


def ordered(runners: list) -> list:
    """Most attention first; then the higher latest ratio; then label."""

    def key(person):
        rank, _ = attention(person.weeks)
        ratio = person.weeks["acwr"].iloc[-1] if person.weeks is not None and len(person.weeks) else np.nan
        return rank, -(ratio if np.isfinite(ratio) else -1.0), person.label

    return sorted(runners, key=key)


def flagged_weeks(weeks: pd.DataFrame | None) -> dict[str, list[pd.Timestamp]]:
    """The recent weeks that raised each reason (the reason keys of attention()): a flag names its week.
    A spike's weeks are spikes()'s; symptoms are the weeks with a symptom day."""
    if weeks is None or weeks.empty:
        return {}
    last = recent(weeks)
    monday = last["week_start"]
    symptom = last["symptom_days"] > 0
    substantial = last["substantial"].astype(bool) | (last["pain_max"] >= PAIN_ATTENTION)
    spiked = last["spike"].astype(bool)
    return {
        "reason_spike_symptoms": list(monday[spiked | symptom]),
        "reason_substantial": list(monday[substantial]),
        "reason_spike": list(monday[spiked]),
        "reason_acwr": list(monday[last["acwr"] > HIGH_ACWR]),
        "reason_symptoms": list(monday[symptom]),
    }
