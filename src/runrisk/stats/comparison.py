"""The study model with each weekly exposure, compared on the same participants.

The reference model is the study's (models.terms, ML logistic); each alternative takes the place of its
exposure term (models.exposure_comparison.replaces, weekly km) with another weekly exposure (the Achilles tendon
load), the other terms unchanged. All are fitted on the participants who have every term of every model, so
that likelihoods and C-statistics compare like with like.

The two models are not nested (one exposure term in place of another, the same number of parameters), so the
likelihood-ratio test is taken against the model that holds both exposures (the encompassing model): the LR
test of adding the alternative to the reference model asks whether it explains risk that km does not, and the
LR test of adding km to the alternative model asks the converse. AIC compares the two directly (lower is
better; with equal parameter counts its difference is -2 x the log-likelihood difference). The difference in
C-statistic (alternative minus reference) has a percentile bootstrap interval: participants resampled with
replacement, both models refitted and their apparent C computed in each resample (Efron & Tibshirani 1993).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import chi2
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from runrisk.stats.fittable import ModelData, UnfittableModel, fit_or_explain
from runrisk.stats.settings import ExposureComparison
from runrisk.stats.terms import Term, design_matrix, outcome
from runrisk.stats.validation import c_statistic

COMPARISON_COLUMNS = [
    "model",
    "exposure",
    "label",
    "scaling",
    "n",
    "events",
    "parameters",
    "log_likelihood",
    "aic",
    "c_statistic",
    "ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "delta_aic",
    "delta_c",
    "delta_c_low",
    "delta_c_high",
    "bootstrap_replicates",
    "lr_added_to_reference",
    "lr_added_to_reference_p",
    "lr_reference_added",
    "lr_reference_added_p",
    "status",
    "reason",
]
REFERENCE = "reference"


@dataclass(frozen=True)
class LogisticFit:
    beta: np.ndarray
    std_error: np.ndarray
    log_likelihood: float
    linear_predictor: np.ndarray


def logistic(X: np.ndarray, y: np.ndarray) -> LogisticFit:
    """ML logistic regression (statsmodels); a fit that does not converge is refused, as fit_logistic does."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning, RuntimeWarning))
        result = sm.Logit(y, X).fit(disp=False, maxiter=100)
    if not result.mle_retvals["converged"] or not np.all(np.isfinite(result.bse)):
        raise ValueError("maximum likelihood did not converge (separation by a combination of terms?)")
    return LogisticFit(result.params, result.bse, float(result.llf), X @ result.params)


def aic(fit: LogisticFit) -> float:
    return 2 * len(fit.beta) - 2 * fit.log_likelihood


def swapped(terms: list[Term], replaces: str, alternative: Term) -> list[Term]:
    """The study's terms with the alternative exposure in the place of `replaces`."""
    return [alternative if term.column == replaces else term for term in terms]


def with_intercept(x: pd.DataFrame) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x.to_numpy(float)])


def compare_exposures(
    analysis: pd.DataFrame, terms: list[Term], settings: ExposureComparison, seed: int
) -> pd.DataFrame:
    """One row for the reference model and one per alternative exposure (COMPARISON_COLUMNS); raises
    UnfittableModel, naming the model and why, when one cannot be fitted on the common participants."""
    if settings.replaces not in [term.column for term in terms]:
        raise UnfittableModel(
            "exposure comparison", f"{len(terms)} terms", f"models.terms has no term of column {settings.replaces}"
        )
    reference_term = next(term for term in terms if term.column == settings.replaces)
    needed = sorted({term.column for term in terms} | {alt.column for alt in settings.alternatives})
    present = [column for column in needed if column in analysis]
    common = analysis.dropna(subset=present).reset_index(drop=True)
    every_term = [*terms, *[alt for alt in settings.alternatives if alt.column not in {t.column for t in terms}]]
    # a term nobody has is said of the analysed, before the common participants (then none) hide it
    for frame in (analysis, common):
        fit_or_explain(ModelData.of("exposure comparison", frame, every_term), lambda: None, separation_matters=True)
    y = outcome(common).to_numpy()
    designs = {REFERENCE: design_matrix(common, terms)}
    for alternative in settings.alternatives:
        designs[alternative.column] = design_matrix(common, swapped(terms, settings.replaces, alternative))
    fits = {name: fit_model(name, common, x, y) for name, (x, _) in designs.items()}
    deltas = bootstrap_c_differences(designs, y, settings.bootstrap_repetitions, seed)
    rows = [model_row(REFERENCE, reference_term, designs[REFERENCE], fits[REFERENCE], y, fits[REFERENCE], deltas, None)]
    for alternative in settings.alternatives:
        both = design_matrix(common, [*terms, alternative])[0]
        encompassing = fit_model(f"{alternative.column} with {settings.replaces}", common, both, y)
        rows.append(
            model_row(
                alternative.column,
                alternative,
                designs[alternative.column],
                fits[alternative.column],
                y,
                fits[REFERENCE],
                deltas,
                encompassing,
            )
        )
    return pd.DataFrame(rows)[COMPARISON_COLUMNS]


def fit_model(name: str, frame: pd.DataFrame, x: pd.DataFrame, y: np.ndarray) -> LogisticFit:
    try:
        return logistic(with_intercept(x), y)
    except (np.linalg.LinAlgError, ValueError) as exc:
        data = ModelData.of(name, frame, [])
        raise UnfittableModel(f"exposure comparison ({name})", data.summary(), "the fit failed to converge") from exc


def model_row(name, term, design, fit, y, reference, deltas, encompassing) -> dict:
    x, scalings = design
    j = 1 + list(x.columns).index(term.column)  # the exposure's coefficient, after the intercept
    estimate, se = float(fit.beta[j]), float(fit.std_error[j])
    parameters = len(fit.beta)
    row = {
        "model": name,
        "exposure": term.column,
        "label": term.label,
        "scaling": scalings[j - 1],
        "n": len(y),
        "events": int(y.sum()),
        "parameters": parameters,
        "log_likelihood": fit.log_likelihood,
        "aic": aic(fit),
        "c_statistic": c_statistic(y, fit.linear_predictor),
        "ratio": np.exp(estimate),
        "ci_low": np.exp(estimate - 1.959963984540054 * se),
        "ci_high": np.exp(estimate + 1.959963984540054 * se),
        "p_value": float(chi2.sf((estimate / se) ** 2, 1)),  # Wald, two-sided
        "delta_aic": (2 * parameters - 2 * fit.log_likelihood)
        - (2 * len(reference.beta) - 2 * reference.log_likelihood),
        "delta_c": c_statistic(y, fit.linear_predictor) - c_statistic(y, reference.linear_predictor),
        "status": "fitted",
        "reason": "",
    }
    low, high, replicates = deltas.get(name, (np.nan, np.nan, 0))
    row.update(delta_c_low=low, delta_c_high=high, bootstrap_replicates=replicates)
    lr_new = lr_old = np.nan
    if encompassing is not None:
        lr_new = max(0.0, 2 * (encompassing.log_likelihood - reference.log_likelihood))
        lr_old = max(0.0, 2 * (encompassing.log_likelihood - fit.log_likelihood))
    row.update(
        lr_added_to_reference=lr_new,
        lr_added_to_reference_p=chi2.sf(lr_new, 1) if np.isfinite(lr_new) else np.nan,
        lr_reference_added=lr_old,
        lr_reference_added_p=chi2.sf(lr_old, 1) if np.isfinite(lr_old) else np.nan,
    )
    return row


def bootstrap_c_differences(
    designs: dict[str, tuple[pd.DataFrame, list[str]]], y: np.ndarray, repetitions: int, seed: int
) -> dict[str, tuple[float, float, int]]:
    """Per alternative, the 2.5 and 97.5 percentiles of C(alternative) - C(reference) over bootstrap resamples
    of the participants, every model refitted in each; a resample without cases and controls or in which a
    model does not converge is skipped (the count of those used is returned)."""
    rng = np.random.default_rng(seed)
    matrices = {name: with_intercept(x) for name, (x, _) in designs.items()}
    differences: dict[str, list[float]] = {name: [] for name in designs if name != REFERENCE}
    for _ in range(repetitions):
        rows = rng.integers(0, len(y), len(y))
        yy = y[rows]
        if yy.min() == yy.max():
            continue
        try:
            c = {name: c_statistic(yy, logistic(X[rows], yy).linear_predictor) for name, X in matrices.items()}
        except (np.linalg.LinAlgError, ValueError):
            continue
        for name in differences:
            differences[name].append(c[name] - c[REFERENCE])
    return {
        name: (*np.percentile(values, [2.5, 97.5]), len(values)) if values else (np.nan, np.nan, 0)
        for name, values in differences.items()
    }


def unfitted_comparison(terms: list[Term], settings: ExposureComparison, reason: str) -> pd.DataFrame:
    """The comparison's table when it could not be fitted: a row per model, the status and why."""
    reference = next((term for term in terms if term.column == settings.replaces), None)
    exposures = [(REFERENCE, reference)] if reference else []
    exposures += [(alt.column, alt) for alt in settings.alternatives]
    rows = [
        {column: np.nan for column in COMPARISON_COLUMNS}
        | {
            "model": name,
            "exposure": term.column,
            "label": term.label,
            "scaling": "",
            "n": 0,
            "events": 0,
            "parameters": 0,
            "bootstrap_replicates": 0,
            "status": "not fitted",
            "reason": reason,
        }
        for name, term in exposures
    ]
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
