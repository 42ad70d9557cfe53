"""Weekly (start, stop] intervals for a time-varying Cox model of running volume and its change, and the
Cox fit on them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from runrisk.stats.terms import Term, coefficient_table, design_matrix

MAX_RATIO = 3.0  # growth from four worn weeks without running has no finite ratio; 3 means "tripled or more"
WEEKLY_COLUMNS = ["participant_id", "week", "running_km", "prior_4wk_km"]  # all it reads
TIME_VARYING = ("running_km", "ratio_to_prior_4wk")


def weekly_intervals(
    analysis: pd.DataFrame,
    weekly: pd.DataFrame,
    lag_weeks: int,
    grace_weeks: int,
    covariates: list[str] | None = None,
) -> pd.DataFrame:
    """One row per analysed participant and follow-up week at risk, with exposures lagged by lag_weeks.

    Week w is the interval (w-1, w], for w up to the participant's follow_up_weeks (diagnosis or
    censoring, one rule for cases and controls); the event falls in the diagnosis week of an `event`.
    Exposure of week w is the running km of week w - lag_weeks and its ratio to the mean of the worn
    weeks among the four before (see exposure_grids). A lagged week without a value takes the last
    value from at most grace_weeks earlier; a week further from any value is not at risk, whether or
    not it holds an event. Rows are sorted by participant (a categorical of the analysed ids) and week.
    Baseline covariates are the analysis columns named in covariates (default all): a cohort of
    thousands has hundreds of thousands of intervals, so only what the model uses is copied.
    """
    people = pd.Index(analysis["participant_id"])
    weeks = analysis["follow_up_weeks"].clip(lower=0).to_numpy(int)
    person = np.repeat(np.arange(len(people)), weeks)
    week = np.arange(len(person)) - np.repeat(np.cumsum(weeks) - weeks, weeks) + 1
    grids = exposure_grids(weekly, people, lag_weeks, int(weeks.max(initial=1)))
    exposure = {name: carried_forward(grid, grace_weeks)[person, week - 1] for name, grid in grids.items()}
    at_risk = ~np.isnan(exposure["running_km"]) & ~np.isnan(exposure["ratio_to_prior_4wk"])
    if people.is_monotonic_increasing:  # the analysis frame is sorted: rows already are
        order = np.flatnonzero(at_risk)
    else:
        order = np.lexsort((week, people.argsort().argsort()[person]))
        order = order[at_risk[order]]
    person, week = person[order], week[order]
    event = analysis["event"].to_numpy(bool)[person] & (week == analysis["follow_up_weeks"].to_numpy()[person])
    baseline = analysis.drop(
        columns=["participant_id", "status", "event", "follow_up_weeks", *exposure], errors="ignore"
    )
    if covariates is not None:
        baseline = baseline[[c for c in covariates if c in baseline.columns]]
    columns = {
        "participant_id": pd.Categorical.from_codes(person, categories=people),
        "week": week,
        **{name: values[order] for name, values in exposure.items()},
        "start": week - 1,
        "stop": week,
        "event": event.astype(int),
        **{name: baseline[name].to_numpy()[person] for name in baseline.columns},
    }
    return pd.DataFrame(columns, copy=False)


def change_ratio(km: np.ndarray, prior_km: np.ndarray) -> np.ndarray:
    """A week's km over the mean of the worn weeks among the four before, capped at MAX_RATIO.

    Undefined (NaN) where the prior mean is (too few worn prior weeks: a change nobody saw is not
    "growth from nothing"); 1 where neither the week nor the prior weeks had running; MAX_RATIO where
    running began after worn weeks without any.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(prior_km > 0, km / prior_km, np.where(km > 0, MAX_RATIO, 1.0))
    return np.where(np.isnan(prior_km) | np.isnan(km), np.nan, np.minimum(ratio, MAX_RATIO))


def exposure_grids(weekly: pd.DataFrame, people: pd.Index, lag_weeks: int, n_weeks: int) -> dict[str, np.ndarray]:
    """Participant x follow-up week (1..n_weeks) arrays of each week's exposure lagged by lag_weeks:
    NaN where that week was not worn, not recorded or (the ratio) undefined. Rows of people not analysed
    are ignored."""
    person = people.get_indexer(weekly["participant_id"])
    column = weekly["week"].to_numpy(int) + lag_weeks - 1
    keep = (person >= 0) & (column >= 0) & (column < n_weeks)
    km = weekly["running_km"].to_numpy(float)
    values = {"running_km": km, "ratio_to_prior_4wk": change_ratio(km, weekly["prior_4wk_km"].to_numpy(float))}
    grids = {}
    for name, value in values.items():
        grid = np.full((len(people), n_weeks), np.nan)
        grid[person[keep], column[keep]] = value[keep]
        grids[name] = grid
    return grids


def carried_forward(grid: np.ndarray, max_weeks: int) -> np.ndarray:
    """Each row's last non-NaN value carried forward along the weeks for at most max_weeks; NaN before
    the first value and where the last one is older."""
    columns = np.arange(grid.shape[1])
    index = np.where(np.isnan(grid), -1, columns)
    np.maximum.accumulate(index, axis=1, out=index)
    filled = grid[np.arange(grid.shape[0])[:, None], np.maximum(index, 0)]
    return np.where((index >= 0) & (columns - index <= max_weeks), filled, np.nan)


def participant_level(intervals: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """One row per participant: baseline terms as they are, time-varying ones as the participant's mean
    over their weeks at risk; per-SD scalings come from it, so they mean what they mean in the other
    models and not a person-week SD that weights the longest followed."""
    columns = [t.column for t in terms]
    return intervals.groupby("participant_id", observed=True)[columns].mean()


@dataclass(frozen=True)
class CoxFit:
    beta: np.ndarray
    cov: np.ndarray  # inverse observed information at beta
    loglik: float
    iterations: int


def efron_cox(
    X: np.ndarray, start: np.ndarray, stop: np.ndarray, event: np.ndarray, max_iter: int = 50, tol: float = 1e-9
) -> CoxFit:
    """Cox partial likelihood on (start, stop] intervals with Efron's ties, by Newton-Raphson.

    The same estimator as lifelines' CoxTimeVaryingFitter and R's coxph(Surv(start, stop, event)), kept
    to numpy arrays: a cohort of thousands followed weekly has hundreds of thousands of intervals, and
    here they cost one float matrix instead of several DataFrame copies. A row is at risk at an event
    time t when start < t <= stop.
    """
    X = np.asarray(X, float)
    X = X - X.mean(axis=0)  # the partial likelihood is unchanged; exp() stays in range
    event = np.asarray(event, bool)
    times = np.unique(stop[event])
    risk_sets = [np.flatnonzero((start < t) & (stop >= t)) for t in times]
    deaths = [np.flatnonzero(event & (stop == t)) for t in times]
    beta = np.zeros(X.shape[1])
    loglik, grad, info = _efron_terms(X, beta, risk_sets, deaths)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        step = np.linalg.solve(info, grad)
        for _ in range(30):  # step halving keeps the partial likelihood rising
            candidate = beta + step
            new = _efron_terms(X, candidate, risk_sets, deaths)
            if new[0] >= loglik - 1e-12:
                break
            step /= 2
        beta, (loglik, grad, info) = candidate, new
        if np.abs(step).max() < tol:
            break
    return CoxFit(beta, np.linalg.inv(info), loglik, iterations)


def _efron_terms(
    X: np.ndarray, beta: np.ndarray, risk_sets: list[np.ndarray], deaths: list[np.ndarray]
) -> tuple[float, np.ndarray, np.ndarray]:
    """Log partial likelihood, its gradient and the observed information at beta."""
    eta = X @ beta
    shift = eta.max()
    weight = np.exp(eta - shift)
    p = X.shape[1]
    loglik, grad, info = 0.0, np.zeros(p), np.zeros((p, p))
    for at_risk, dead in zip(risk_sets, deaths, strict=True):
        xr, wr = X[at_risk], weight[at_risk]
        xd, wd = X[dead], weight[dead]
        s0, s1, s2 = wr.sum(), wr @ xr, (xr * wr[:, None]).T @ xr
        e0, e1, e2 = wd.sum(), wd @ xd, (xd * wd[:, None]).T @ xd
        d = len(dead)
        loglik += eta[dead].sum()
        grad += xd.sum(axis=0)
        for fraction in np.arange(d) / d:
            phi, a = s0 - fraction * e0, s1 - fraction * e1
            loglik -= np.log(phi) + shift
            grad -= a / phi
            info += (s2 - fraction * e2) / phi - np.outer(a, a) / phi**2
    return loglik, grad, info


def fit_cox_timevarying(intervals: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Cox model (Efron ties) on (start, stop] weekly intervals with time-varying exposure columns;
    Wald CIs and p-values, as lifelines reports them (tested equal to its CoxTimeVaryingFitter)."""
    x, scalings = design_matrix(intervals, terms, reference=participant_level(intervals, terms))
    fit = efron_cox(x.to_numpy(), intervals["start"].to_numpy(), intervals["stop"].to_numpy(), intervals["event"])
    se = np.sqrt(np.diag(fit.cov))
    z = ndtri(0.975)
    return coefficient_table(
        "cox_timevarying",
        terms,
        scalings,
        fit.beta,
        se,
        fit.beta - z * se,
        fit.beta + z * se,
        "Wald",
        2 * ndtr(-np.abs(fit.beta / se)),
        intervals["participant_id"].nunique(),
        int(intervals["event"].sum()),
    )
