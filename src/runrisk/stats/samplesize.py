"""The analysis's size judged against the minimum sample size for developing a prediction model of a binary
outcome (Riley et al., Stat Med 2019;38:1276-96; BMJ 2020;368:m441), computed as the R package pmsampsize
computes it (its rounding of the maximum R² to 2 and of criterion 2's shrinkage to 3 decimals included):

1. expected uniform shrinkage of the predictor effects >= `shrinkage` (0.9):
   n1 = p / ((S - 1) ln(1 - R²cs / S));
2. a small difference (`optimism`, 0.05) between the apparent and adjusted Nagelkerke R²: criterion 1 with
   S = R²cs / (R²cs + 0.05 max R²cs), max R²cs = 1 - exp(2 lnL_null / n);
3. the overall risk estimated within `margin` (0.05): n3 = (1.96 / margin)² φ (1 - φ).

p is the model's parameters (one per term: every term is one column), φ the observed outcome rate and
R²cs the anticipated Cox-Snell R² of the model; without one, Riley et al. (2020) suggest 15 % of the
largest R²cs the outcome rate allows (a C-statistic near 0.7 for a rare outcome). The expected shrinkage
at the analysed n is criterion 1's equation solved for S.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import optimize

from runrisk.stats.settings import SampleSizeSettings

CONSERVATIVE_SHARE_OF_MAX_R2 = 0.15
Z_95 = 1.96


def max_r2_cs(rate: float) -> float:
    """The largest Cox-Snell R² a binary outcome of this rate allows, rounded to 2 decimals as pmsampsize."""
    null_log_likelihood = rate * math.log(rate) + (1 - rate) * math.log(1 - rate)  # per participant
    return round(1 - math.exp(2 * null_log_likelihood), 2)


def n_for_shrinkage(parameters: int, r2_cs: float, shrinkage: float) -> int:
    return math.ceil(parameters / ((shrinkage - 1) * math.log(1 - r2_cs / shrinkage)))


def shrinkage_at(n: int, parameters: int, r2_cs: float) -> float:
    """Criterion 1's equation solved for S at a given n: the expected uniform shrinkage."""

    def gap(s: float) -> float:
        return n * (s - 1) * math.log(1 - r2_cs / s) - parameters

    low = r2_cs * (1 + 1e-12)
    if gap(low) <= 0:  # too few for any positive shrinkage to satisfy the equation
        return float("nan")
    return optimize.brentq(gap, low, 1 - 1e-12, xtol=1e-12)


def riley_criteria(parameters: int, rate: float, r2_cs: float, shrinkage=0.9, optimism=0.05, margin=0.05) -> dict:
    """pmsampsize(type = "b", csrsquared = r2_cs, parameters, prevalence = rate, shrinkage) as a dict: each
    criterion's n and shrinkage, the final n, its events and events per parameter."""
    largest = max_r2_cs(rate)
    if not 0 < r2_cs < min(shrinkage, largest):
        raise ValueError(f"anticipated Cox-Snell R² {r2_cs} must lie between 0 and {min(shrinkage, largest)}")
    small_difference = round(r2_cs / (r2_cs + optimism * largest), 3)
    n1 = n_for_shrinkage(parameters, r2_cs, shrinkage)
    n2 = n_for_shrinkage(parameters, r2_cs, small_difference)
    n3 = math.ceil((Z_95 / margin) ** 2 * rate * (1 - rate))
    final = max(n1, n2, n3)
    return {
        "n_criterion_1": n1,
        "n_criterion_2": n2,
        "n_criterion_3": n3,
        "shrinkage_criterion_2": small_difference,
        "minimum_n": final,
        "minimum_events": final * rate,
        "minimum_events_per_parameter": final * rate / parameters,
        "max_r2_cs": largest,
        "final_shrinkage": max(shrinkage, small_difference),
    }


SAMPLE_SIZE_COLUMNS = [
    "n",
    "events",
    "outcome_rate",
    "parameters",
    "events_per_parameter",
    "r2_cs",
    "r2_cs_source",
    "max_r2_cs",
    "target_shrinkage",
    "n_criterion_1",
    "n_criterion_2",
    "n_criterion_3",
    "minimum_n",
    "minimum_events",
    "minimum_events_per_parameter",
    "expected_shrinkage",
    "meets_minimum",
    "verdict",
]


def assess(n: int, events: int, parameters: int, settings: SampleSizeSettings) -> pd.DataFrame:
    """One row: the analysis's n, events and events per parameter beside Riley's minimum and the expected
    shrinkage at the analysed n; `verdict` says in words whether the analysis meets the minimum."""
    row = {"n": n, "events": events, "parameters": parameters}
    if n == 0 or events in (0, n) or parameters == 0:
        verdict = f"not assessed: {events} events among {n} analysed with {parameters} parameters"
        return pd.DataFrame([{**row, "verdict": verdict}], columns=SAMPLE_SIZE_COLUMNS)
    rate = events / n
    if settings.anticipated_r2_cs is None:
        r2, source = round(CONSERVATIVE_SHARE_OF_MAX_R2 * max_r2_cs(rate), 4), "15 % of the maximum (Riley 2020)"
    else:
        r2, source = settings.anticipated_r2_cs, "sample_size.anticipated_r2_cs"
    try:
        criteria = riley_criteria(parameters, rate, r2, settings.shrinkage, settings.optimism, settings.margin)
    except ValueError as exc:  # an outcome so rare that no R² is possible at 2 decimals, or a config's R² too large
        verdict = f"not assessed: {exc} (outcome rate {rate:.4f})"
        return pd.DataFrame([{**row, "verdict": verdict}], columns=SAMPLE_SIZE_COLUMNS)
    expected = shrinkage_at(n, parameters, r2)
    meets = n >= criteria["minimum_n"]
    verdict = (
        f"n = {n} ({events} events, {events / parameters:.1f} per parameter) "
        + ("meets" if meets else "falls short of")
        + f" the minimum of {criteria['minimum_n']} ({criteria['minimum_events']:.0f} events, "
        f"{criteria['minimum_events_per_parameter']:.1f} per parameter) for {parameters} parameters at an "
        f"outcome rate of {rate:.3f} and an anticipated Cox-Snell R² of {r2:.3g}; expected shrinkage "
        f"{expected:.2f} (target {settings.shrinkage})"
    )
    row |= {
        "outcome_rate": rate,
        "events_per_parameter": events / parameters,
        "r2_cs": r2,
        "r2_cs_source": source,
        "target_shrinkage": settings.shrinkage,
        "expected_shrinkage": expected,
        "meets_minimum": meets,
        "verdict": verdict,
        **{k: criteria[k] for k in SAMPLE_SIZE_COLUMNS if k in criteria},
    }
    return pd.DataFrame([row], columns=SAMPLE_SIZE_COLUMNS)
