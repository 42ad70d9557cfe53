"""Prediction performance as TRIPOD asks: discrimination, calibration, Harrell's bootstrap optimism
correction, calibration curve and decision curve."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit
from scipy.stats import rankdata
from statsmodels.nonparametric.smoothers_lowess import lowess

from runrisk.stats.firth import firth_fit
from runrisk.stats.settings import ValidationSettings
from runrisk.stats.terms import Term, design_matrix, outcome


def c_statistic(y: np.ndarray, risk: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney), ties counted half."""
    y = np.asarray(y, bool)
    ranks = rankdata(risk)
    n_case, n_control = y.sum(), (~y).sum()
    return float((ranks[y].sum() - n_case * (n_case + 1) / 2) / (n_case * n_control))


def calibration(y: np.ndarray, linear_predictor: np.ndarray) -> tuple[float, float]:
    """Calibration slope (logit of y on the linear predictor) and intercept (calibration-in-the-large,
    the intercept with the linear predictor as offset)."""
    slope = sm.GLM(y, sm.add_constant(linear_predictor), family=sm.families.Binomial()).fit().params[1]
    intercept = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=linear_predictor).fit().params[0]
    return float(slope), float(intercept)


def fit_coefficients(X: np.ndarray, y: np.ndarray, method: str) -> np.ndarray:
    if method == "firth":
        return firth_fit(X, y).beta
    return sm.Logit(y, X).fit(disp=False, maxiter=200).params


def performance(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> dict[str, float]:
    lp = X @ beta
    slope, intercept = calibration(y, lp)
    brier = float(np.mean((1 / (1 + np.exp(-lp)) - y) ** 2))
    return {
        "c_statistic": c_statistic(y, lp),
        "calibration_slope": slope,
        "calibration_intercept": intercept,
        "brier": brier,
    }


def net_benefit(y: np.ndarray, risk: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Net benefit of acting on risk >= each threshold (Vickers & Elkin 2006)."""
    treat = risk[:, None] >= thresholds[None, :]
    tp = (treat & (y[:, None] == 1)).sum(axis=0)
    fp = (treat & (y[:, None] == 0)).sum(axis=0)
    return tp / len(y) - fp / len(y) * thresholds / (1 - thresholds)


def bootstrap_validation(
    X: np.ndarray, y: np.ndarray, method: str, repetitions: int, seed: int, thresholds: np.ndarray | None = None
) -> pd.DataFrame:
    """Apparent performance, Harrell's optimism (mean of bootstrap-sample minus original-sample
    performance of models refitted in each bootstrap sample) and the optimism-corrected value. With
    thresholds, the same for the net benefit at each (attrs["net_benefit_optimism"])."""
    apparent = performance(X, y, fit_coefficients(X, y, method))
    rng = np.random.default_rng(seed)
    optimism = {k: [] for k in apparent}
    benefit_optimism = []
    # statsmodels results are reference cycles that hold n-sized arrays; left to the cyclic collector they
    # pile up over the replicates (+130 MB at 7,000 participants), so each replicate's are collected. What
    # exists before the loop is frozen, so those collections stay ~1 ms instead of ~40.
    gc.freeze()
    try:
        for _ in range(repetitions):
            gc.collect()
            sample = rng.integers(0, len(y), len(y))
            if y[sample].sum() < 2:
                continue
            try:
                beta = fit_coefficients(X[sample], y[sample], method)
                boot, test = performance(X[sample], y[sample], beta), performance(X, y, beta)
            except (np.linalg.LinAlgError, ValueError):
                continue  # ML fit under separation in a resample: that resample says nothing
            for k in apparent:
                optimism[k].append(boot[k] - test[k])
            if thresholds is not None:
                benefit_optimism.append(
                    net_benefit(y[sample], expit(X[sample] @ beta), thresholds)
                    - net_benefit(y, expit(X @ beta), thresholds)
                )
    finally:
        gc.unfreeze()
    rows = []
    for metric, value in apparent.items():
        mean_optimism = float(np.mean(optimism[metric]))
        rows.append(
            {
                "method": method,
                "metric": metric,
                "apparent": value,
                "optimism": mean_optimism,
                "corrected": value - mean_optimism,
                "bootstrap_samples": len(optimism[metric]),
            }
        )
    table = pd.DataFrame(rows)
    if thresholds is not None:
        table.attrs["net_benefit_optimism"] = np.mean(benefit_optimism, axis=0) if benefit_optimism else np.nan
    return table


def wilson_interval(events: np.ndarray, n: np.ndarray, z: float = 1.959963984540054) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score interval of a proportion (stays inside 0-1 with few or no events)."""
    p = events / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def smoothed_calibration(y: np.ndarray, risk: np.ndarray, seed: int, repetitions: int = 200) -> pd.DataFrame:
    """LOWESS of the outcome on predicted risk (statsmodels, frac 2/3), on a grid over the predicted range,
    with a 95 % percentile band from bootstrap resamples (Austin & Steyerberg 2014)."""
    # over the central 98 % of predicted risk: at the sparse top a smoother says more about its span than the data
    grid = np.linspace(*np.percentile(risk, [1, 99]), 60)

    def fit(yy: np.ndarray, rr: np.ndarray) -> np.ndarray:
        smooth = lowess(yy, rr, frac=2 / 3, it=0, return_sorted=True)
        return np.interp(grid, smooth[:, 0], smooth[:, 1])

    rng = np.random.default_rng(seed)
    boots = np.array([fit(y[s], risk[s]) for s in (rng.integers(0, len(y), len(y)) for _ in range(repetitions))])
    low, high = np.clip(np.percentile(boots, [2.5, 97.5], axis=0), 0.0, 1.0)
    observed = np.clip(fit(y, risk), 0.0, 1.0)
    return pd.DataFrame(
        {"kind": "smooth", "predicted": grid, "observed": observed, "observed_low": low, "observed_high": high}
    )


def risk_histogram(y: np.ndarray, risk: np.ndarray, bins: int = 30) -> pd.DataFrame:
    """Counts of predicted risk in equal bins, cases apart from the rest (for the calibration plot's foot)."""
    edges = np.linspace(0.0, float(risk.max()) * 1.0001, bins + 1)
    cases = np.histogram(risk[y == 1], edges)[0]
    others = np.histogram(risk[y == 0], edges)[0]
    return pd.DataFrame(
        {"kind": "histogram", "predicted": (edges[:-1] + edges[1:]) / 2, "n": others + cases, "events": cases}
    )


def calibration_curve(y: np.ndarray, risk: np.ndarray, groups: int = 10) -> pd.DataFrame:
    """Observed vs predicted risk by group of predicted risk (groups of equal size)."""
    order = np.argsort(risk, kind="mergesort")
    rows = []
    for g, members in enumerate(np.array_split(order, groups)):
        low, high = wilson_interval(np.array([y[members].sum()]), np.array([len(members)]))
        rows.append(
            {
                "kind": "group",
                "group": g + 1,
                "n": len(members),
                "events": int(y[members].sum()),
                "predicted": float(risk[members].mean()),
                "observed": float(y[members].mean()),
                "observed_low": float(low[0]),
                "observed_high": float(high[0]),
            }
        )
    return pd.DataFrame(rows)


def decision_curve(y: np.ndarray, risk: np.ndarray, thresholds: np.ndarray) -> pd.DataFrame:
    """Net benefit of acting on the model, on everyone, and on no one (Vickers & Elkin 2006)."""
    n, prevalence = len(y), float(np.mean(y))
    rows = []
    for t in thresholds:
        treat = risk >= t
        tp, fp = np.sum(treat & (y == 1)), np.sum(treat & (y == 0))
        odds = t / (1 - t)
        rows.append(
            {
                "threshold": float(t),
                "net_benefit_model": tp / n - fp / n * odds,
                "net_benefit_all": prevalence - (1 - prevalence) * odds,
                "net_benefit_none": 0.0,
            }
        )
    return pd.DataFrame(rows)


METRICS = ("c_statistic", "calibration_slope", "calibration_intercept", "brier")


def validate(
    analysis: pd.DataFrame, terms: list[Term], cfg: ValidationSettings
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Bootstrap-validated performance summary, calibration curve and decision curve of the model."""
    x, _ = design_matrix(analysis, terms)
    X = np.column_stack([np.ones(len(x)), x.to_numpy()])
    y = outcome(analysis).to_numpy()
    start, stop, step = cfg.decision_thresholds
    thresholds = np.arange(start, stop + step / 2, step)
    summary = bootstrap_validation(X, y, cfg.method, cfg.bootstrap_repetitions, cfg.seed, thresholds)
    risk = expit(X @ fit_coefficients(X, y, cfg.method))
    curve = pd.concat(
        [
            calibration_curve(y, risk, cfg.calibration_groups),
            smoothed_calibration(y, risk, cfg.seed),
            risk_histogram(y, risk),
        ],
        ignore_index=True,
    )
    decision = decision_curve(y, risk, thresholds)
    decision["net_benefit_model_corrected"] = decision["net_benefit_model"] - summary.attrs["net_benefit_optimism"]
    summary.attrs = {}
    return summary.assign(status="fitted", reason=""), curve, decision


def unvalidated(method: str, reason: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """validate's tables for a model that could not be fitted: the metrics without values, and why."""
    summary = pd.DataFrame(
        {
            "method": method,
            "metric": list(METRICS),
            "apparent": np.nan,
            "optimism": np.nan,
            "corrected": np.nan,
            "bootstrap_samples": 0,
            "status": "not fitted",
            "reason": reason,
        }
    )
    curve = pd.DataFrame({"kind": pd.Series(dtype=object), "group": pd.Series(dtype=float)}).assign(
        **{c: pd.Series(dtype=float) for c in ("n", "events", "predicted", "observed", "observed_low", "observed_high")}
    )
    columns = ("threshold", "net_benefit_model", "net_benefit_all", "net_benefit_none", "net_benefit_model_corrected")
    decision = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    return summary, curve, decision
