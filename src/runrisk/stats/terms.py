"""Model terms and the one coefficient-table schema, kept free of the model libraries: steps that only
build a design matrix or a table (the time-varying Cox on hundreds of thousands of intervals) need not
import statsmodels or lifelines.

Every coefficient table has COEF_COLUMNS: one row per term, the scaling stated, the ratio (OR or HR)
with its 95 % CI and how the CI was computed, n, events and events per variable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from runrisk.config import Section

COEF_COLUMNS = [
    "model",
    "term",
    "label",
    "scaling",
    "estimate",
    "std_error",
    "ratio",
    "ci_low",
    "ci_high",
    "ci_method",
    "p_value",
    "n",
    "events",
    "events_per_variable",
    "status",
    "reason",
]


MODELS = ("logistic", "firth", "cox")  # the baseline models, by fit_model's {model} (stats.models.FITTERS)


@dataclass(frozen=True)
class Term(Section):
    SECTION = "models.terms[]"

    column: str
    label: str
    scale: float | str  # a number (per that many units) or "sd" (per sample SD)
    sign: int  # -1 reports the effect of a *lower* value


@dataclass(frozen=True)
class Timevarying(Section):
    """The time-varying Cox model's section."""

    SECTION = "models.timevarying"

    lag_weeks: int
    terms: tuple[Term, ...]


def terms_of(entries) -> list[Term]:
    """A rule's list of model terms (models.terms), parsed."""
    return [Term.of(entry) for entry in entries]


def design_matrix(
    frame: pd.DataFrame, terms: list[Term], reference: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Scaled covariates (named by term column) and a description of each scaling; per-SD terms are
    centred and scaled by the reference frame's mean and SD (default: the frame's own)."""
    reference = frame if reference is None else reference
    columns, scalings = {}, []
    for term in terms:
        values = frame[term.column].astype(float)
        if term.scale == "sd":
            sample = reference[term.column].astype(float)
            sd = float(sample.std(ddof=1))
            columns[term.column] = term.sign * (values - sample.mean()) / sd
            scalings.append(f"per SD ({sd:.4g}){' lower' if term.sign < 0 else ''}")
        else:
            columns[term.column] = term.sign * values / float(term.scale)
            scalings.append(f"per {term.scale:g}{' lower' if term.sign < 0 else ''}")
    return pd.DataFrame(columns, index=frame.index), scalings


def coefficient_table(
    model: str,
    terms: list[Term],
    scalings: list[str],
    estimate,
    std_error,
    ci_low,
    ci_high,
    ci_method: str,
    p_value,
    n: int,
    events: int,
) -> pd.DataFrame:
    """The one schema of every coefficient table; CI bounds are on the log scale when passed in."""
    return pd.DataFrame(
        {
            "model": model,
            "term": [t.column for t in terms],
            "label": [t.label for t in terms],
            "scaling": scalings,
            "estimate": np.asarray(estimate, float),
            "std_error": np.asarray(std_error, float),
            "ratio": np.exp(np.asarray(estimate, float)),
            "ci_low": np.exp(np.asarray(ci_low, float)),
            "ci_high": np.exp(np.asarray(ci_high, float)),
            "ci_method": ci_method,
            "p_value": np.asarray(p_value, float),
            "n": int(n),
            "events": int(events),
            "events_per_variable": events / len(terms),
            "status": "fitted",
            "reason": "",
        }
    )[COEF_COLUMNS]


def unfitted_table(model: str, terms: list[Term], n: int, events: int, reason: str) -> pd.DataFrame:
    """A model's table when it could not be fitted: every term, no estimate, the status and why."""
    nan = [np.nan] * len(terms)
    table = coefficient_table(model, terms, [""] * len(terms), nan, nan, nan, nan, "", nan, n, events)
    return table.assign(status="not fitted", reason=reason)


def outcome(analysis: pd.DataFrame) -> pd.Series:
    return (analysis["status"] == "case").astype(float)
