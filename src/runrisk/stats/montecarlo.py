"""Monte-Carlo study with the simulator: bias, CI coverage and power of each effect at chosen cohort
sizes. This is how a study team plans its cohort.

Each replicate draws a cohort's truth (the same generator that writes the raw files), adds the
measurement noise of averaging the trials, applies the strict-control exclusions, and fits the
configured logistic model: maximum likelihood for coverage (Wald) and power (p < alpha), Firth for the
bias of the penalised estimate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from runrisk.simulate import cohort
from runrisk.stats.firth import firth_fit
from runrisk.stats.terms import Term, design_matrix


def replicate_seed(base: int, size: int, replicate: int) -> int:
    return int(np.random.SeedSequence([base, size, replicate]).generate_state(1)[0])


def analysed_cohort(cfg: dict, min_worn_weeks: int) -> pd.DataFrame:
    """One simulated cohort as the analysis would see it (strict controls, measured covariates)."""
    truth, weekly = cohort.simulate_truth(cfg)
    worn = weekly[(weekly["week"] >= 1) & weekly["worn"]].groupby("raw_id").size()
    truth = truth.assign(weeks_worn=truth["raw_id"].map(worn).fillna(0))
    rng = np.random.default_rng(cfg["seed"])
    noise_sd = cfg["trial_sd_fraction"] / np.sqrt(cfg["trials_per_participant"])
    frame = pd.DataFrame(
        {
            "status": np.where(truth["true_case"], "case", "control"),
            "mean_weekly_km": truth["true_exposure_km"],
            "strike_index_pct": truth["strike_index"],
            "age": truth["age"],
            "female": truth["female"].astype(int),
        }
    )
    for name in cohort.PEAK_NAMES:
        frame[name] = truth[name] + rng.normal(0, noise_sd * cfg["biomechanics"][name]["sd"], len(truth))
    excluded = (
        (truth["weeks_worn"] < min_worn_weeks)
        | ~truth["has_trials"]
        | (~truth["true_case"] & (truth["prior_achilles"] | truth["complainer"]))
    )
    return frame[~excluded.to_numpy()].reset_index(drop=True)


def replicate(cfg: dict, terms: list[Term], size: int, index: int, min_worn_weeks: int, alpha: float) -> list[dict]:
    run_cfg = {**cfg, "n_participants": size, "seed": replicate_seed(cfg["seed"], size, index)}
    frame = analysed_cohort(run_cfg, min_worn_weeks)
    x, _ = design_matrix(frame, terms)
    X = sm.add_constant(x, has_constant="add")
    y = (frame["status"] == "case").astype(float)
    rows = []
    try:
        ml = sm.Logit(y, X).fit(disp=False, maxiter=200)
        ci = ml.conf_int()
    except (np.linalg.LinAlgError, ValueError):
        ml = None  # separation: recorded as a failed ML fit, Firth still estimates
    firth = firth_fit(X.to_numpy(), y.to_numpy()).beta
    for j, term in enumerate(terms, start=1):
        rows.append(
            {
                "size": size,
                "replicate": index,
                "term": term.column,
                "events": int(y.sum()),
                "analysed": len(y),
                "ml_estimate": float(ml.params.iloc[j]) if ml is not None else np.nan,
                "ml_ci_low": float(ci.iloc[j, 0]) if ml is not None else np.nan,
                "ml_ci_high": float(ci.iloc[j, 1]) if ml is not None else np.nan,
                "ml_significant": bool(ml is not None and ml.pvalues.iloc[j] < alpha),
                "firth_estimate": float(firth[j]),
            }
        )
    return rows


def run_size(
    cfg: dict, terms: list[Term], size: int, repetitions: int, min_worn_weeks: int, alpha: float = 0.05
) -> pd.DataFrame:
    rows = [row for i in range(repetitions) for row in replicate(cfg, terms, size, i, min_worn_weeks, alpha)]
    return pd.DataFrame(rows)


def summarise(replicates: pd.DataFrame, true_log_or: dict[str, float]) -> pd.DataFrame:
    """Per size and term: mean events, bias of ML and Firth, Wald coverage, power (or type-I error)."""
    data = replicates.assign(truth=replicates["term"].map(true_log_or))
    data["covered"] = (data["ml_ci_low"] <= data["truth"]) & (data["truth"] <= data["ml_ci_high"])
    data["ml_error"] = data["ml_estimate"] - data["truth"]
    data["firth_error"] = data["firth_estimate"] - data["truth"]
    grouped = data.groupby(["size", "term"], sort=True)
    summary = grouped.agg(
        repetitions=("replicate", "size"),
        mean_events=("events", "mean"),
        mean_analysed=("analysed", "mean"),
        true_log_or=("truth", "first"),
        ml_bias=("ml_error", "mean"),
        firth_bias=("firth_error", "mean"),
        ml_failed=("ml_estimate", lambda s: int(s.isna().sum())),
        coverage=("covered", "mean"),
        power=("ml_significant", "mean"),
    )
    summary["true_or"] = np.exp(summary["true_log_or"])
    return summary.reset_index()
