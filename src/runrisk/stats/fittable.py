"""Whether a model can be fitted to a study's data, and one message that says why not.

A pilot study, a site with no cases yet or a term every participant shares make a model unfittable;
the libraries then fail deep inside with "Singular matrix" or "zero-size array". Every model step asks
here first and either stops with one message (model, n analysed, events, terms, EPV and the problem)
or, with `models.on_unfittable: report`, writes its table with a status and that reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from runrisk.errors import StudyError
from runrisk.stats.terms import Term, unfitted_table

T = TypeVar("T")
log = logging.getLogger(__name__)


REPORT_INSTEAD = (
    "`models.on_unfittable: report` in the config writes this model's table as 'not fitted', with this reason, "
    "and lets the run go on"
)


class UnfittableModel(StudyError):
    def __init__(self, model: str, summary: str, reason: str):
        self.model, self.summary, self.reason = model, summary, reason
        super().__init__(f"{model}: {summary}: {reason}")


@dataclass(frozen=True)
class ModelData:
    """What a model is asked to fit: the outcome (1 = case) and each term's raw values, row by row."""

    model: str
    y: np.ndarray
    values: dict[str, np.ndarray]
    participants: int  # distinct participants (intervals of a time-varying model are more rows)
    events: int
    ids: np.ndarray  # the participant of each row

    @classmethod
    def of(cls, model: str, frame: pd.DataFrame, terms: Sequence[Term], ids: str = "participant_id") -> ModelData:
        y = (frame["status"] == "case").to_numpy(float) if "status" in frame else frame["event"].to_numpy(float)
        values = {
            t.column: pd.to_numeric(frame[t.column], errors="coerce").to_numpy(float)
            if t.column in frame
            else np.full(len(frame), np.nan)
            for t in terms
        }
        people = frame[ids].nunique() if ids in frame else len(frame)
        events = (
            int(frame.loc[frame["event"] == 1, ids].nunique()) if "event" in frame and ids in frame else int(y.sum())
        )
        row_ids = frame[ids].to_numpy() if ids in frame else np.arange(len(frame))
        return cls(model, y, values, int(people), events, row_ids)

    def summary(self) -> str:
        k = len(self.values)
        epv = self.events / k if k else float("nan")
        return (
            f"{self.participants} analysed, {self.events} events, {self.participants - self.events} non-events, "
            f"{k} terms ({', '.join(self.values) or 'none'}), EPV {epv:.1f}"
        )


def problems(data: ModelData, separation_matters: bool, needs_cases_and_controls: bool = True) -> list[str]:
    """Every reason the model cannot be fitted, in the order a study team would fix them."""
    if data.participants == 0:
        return ["no participant was analysed (the run's closing summary and results/report/exclusions.csv say why)"]
    found = []
    if needs_cases_and_controls and (data.events == 0 or data.events == data.participants):
        found.append("a model needs cases and controls")
    for column, values in data.values.items():
        finite = values[np.isfinite(values)]
        if not len(finite):
            found.append(f"term {column} has no values")
        elif np.ptp(finite) == 0:
            found.append(f"term {column} is constant ({finite[0]:g} for everyone analysed)")
    complete = np.all([np.isfinite(v) for v in data.values.values()], axis=0) if data.values else np.ones(0, bool)
    people = len(np.unique(data.ids[complete])) if data.values else data.participants
    if data.values and people <= len(data.values) + 1:
        found.append(
            f"{len(data.values) + 1} parameters cannot be estimated from {people} participants with every term"
        )
    elif data.values and not found:
        found += collinear_terms(data.values, complete)
    if separation_matters and not found:
        found += [separating_term(column, values, data.y) for column, values in data.values.items()]
        found = [f for f in found if f]
    return found


def collinear_terms(values: dict[str, np.ndarray], complete: np.ndarray) -> list[str]:
    """The first term that the intercept and the terms before it already determine (one is a linear
    function of others): its effect cannot be told apart from theirs."""
    columns = [np.ones(int(complete.sum()))]
    for column, x in values.items():
        x = x[complete]
        candidate = np.column_stack([*columns, (x - x.mean()) / (x.std() or 1.0)])
        if np.linalg.matrix_rank(candidate) < candidate.shape[1]:
            return [f"term {column} is a linear function of the terms before it (collinear)"]
        columns.append(candidate[:, -1])
    return []


def separating_term(column: str, values: np.ndarray, y: np.ndarray) -> str:
    """A term whose values split cases from controls without overlap: maximum likelihood then has no
    finite estimate (Firth's penalised likelihood has one)."""
    ok = np.isfinite(values)
    cases, controls = values[ok & (y == 1)], values[ok & (y == 0)]
    if not len(cases) or not len(controls):
        return ""
    if cases.min() > controls.max() or cases.max() < controls.min():
        higher = "higher" if cases.min() > controls.max() else "lower"
        return (
            f"term {column} separates cases from controls (every case has a {higher} value than every control): "
            "maximum likelihood has no finite estimate; the Firth model has one"
        )
    return ""


def require_fittable(data: ModelData, separation_matters: bool = False, needs_cases_and_controls: bool = True) -> None:
    found = problems(data, separation_matters, needs_cases_and_controls)
    if found:
        raise UnfittableModel(data.model, data.summary(), "; ".join(found))


def fit_or_explain(
    data: ModelData, fit: Callable[[], T], separation_matters: bool = False, needs_cases_and_controls: bool = True
) -> T:
    """The fit's result, after the checks; a numerical failure the checks did not foresee (collinear
    terms, a likelihood without a maximum) becomes the same kind of message, never a traceback."""
    require_fittable(data, separation_matters, needs_cases_and_controls)
    try:
        with np.errstate(over="ignore"):
            result = fit()
    except (np.linalg.LinAlgError, ArithmeticError, ValueError) as exc:
        reason = "the terms are collinear or separate the outcome" if "ingular" in str(exc) else "the fit failed"
        raise UnfittableModel(data.model, data.summary(), f"{reason} ({type(exc).__name__}: {exc})") from exc
    if isinstance(result, pd.DataFrame) and "std_error" in result:
        unsure = result.loc[~np.isfinite(result[["std_error", "ci_low", "ci_high"]]).all(axis=1), "term"]
        if len(unsure):  # an estimate without a finite interval is no estimate: never a table that looks fine
            raise UnfittableModel(data.model, data.summary(), f"no finite confidence interval for {', '.join(unsure)}")
    return result


def fitted_or_reported(
    data: ModelData,
    fit: Callable[[], T],
    on_unfittable: str,
    unfitted: Callable[[UnfittableModel], T],
    separation_matters: bool = False,
    needs_cases_and_controls: bool = True,
) -> T:
    """The fit; when the model cannot be fitted, stop (on_unfittable: stop) or log the reason and return
    what unfitted makes of it (report: a table whose status and reason say so)."""
    try:
        return fit_or_explain(data, fit, separation_matters, needs_cases_and_controls)
    except UnfittableModel as exc:
        if on_unfittable != "report":
            raise UnfittableModel(exc.model, exc.summary, f"{exc.reason}; {REPORT_INSTEAD}") from exc
        log.warning("%s", exc)
        return unfitted(exc)


def unfitted_coefficients(data: ModelData, terms: list[Term], exc: UnfittableModel) -> pd.DataFrame:
    return unfitted_table(data.model, terms, data.participants, data.events, f"{exc.summary}: {exc.reason}")
