"""Risk models: logistic regression by maximum likelihood (statsmodels) and by Firth's penalised
likelihood, Cox proportional hazards (lifelines, Efron ties) and Schoenfeld tests.

Every table has the schema of runrisk.stats.terms.COEF_COLUMNS. The time-varying Cox is in runrisk.stats.timevarying.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from lifelines import CoxPHFitter

from runrisk.stats.firth import firth_fit, lr_p_value, profile_interval
from runrisk.stats.ph import zph_rank_test
from runrisk.stats.terms import Term, coefficient_table, design_matrix, outcome


def fit_logistic(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Maximum-likelihood logistic regression, ORs with Wald 95 % CIs."""
    x, scalings = design_matrix(analysis, terms)
    y = outcome(analysis)
    result = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(disp=False, maxiter=200)
    if not result.mle_retvals["converged"] or not np.isfinite(result.bse).all():
        # separation by a combination of terms: no single term shows it, the likelihood has no maximum
        raise ValueError("maximum likelihood did not converge (separation by a combination of terms?)")
    ci = result.conf_int()
    return coefficient_table(
        "logistic",
        terms,
        scalings,
        result.params[x.columns],
        result.bse[x.columns],
        ci.loc[x.columns, 0],
        ci.loc[x.columns, 1],
        "Wald",
        result.pvalues[x.columns],
        len(y),
        y.sum(),
    )


def fit_firth(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Firth logistic regression: profile penalised-likelihood CIs and penalised LR-test p-values."""
    x, scalings = design_matrix(analysis, terms)
    y = outcome(analysis).to_numpy()
    X = np.column_stack([np.ones(len(x)), x.to_numpy()])
    fit = firth_fit(X, y)
    bounds = [profile_interval(X, y, fit, j) for j in range(1, X.shape[1])]
    return coefficient_table(
        "firth",
        terms,
        scalings,
        fit.beta[1:],
        np.sqrt(np.diag(fit.cov))[1:],
        [b[0] for b in bounds],
        [b[1] for b in bounds],
        "profile penalised likelihood",
        [lr_p_value(X, y, fit, j) for j in range(1, X.shape[1])],
        len(y),
        y.sum(),
    )


def survival_frame(analysis: pd.DataFrame, terms: list[Term]) -> tuple[pd.DataFrame, list[str]]:
    x, scalings = design_matrix(analysis, terms)
    data = x.assign(
        weeks=analysis["follow_up_weeks"].astype(float).clip(lower=0.5),
        event=analysis["event"].astype(int),
    )
    return data, scalings


def lifelines_table(model: str, fitter, terms: list[Term], scalings: list[str], n: int, events: int) -> pd.DataFrame:
    """A fitted lifelines Cox model's summary in the coefficient-table schema (Wald CIs)."""
    s = fitter.summary.loc[[t.column for t in terms]]
    return coefficient_table(
        model,
        terms,
        scalings,
        s["coef"],
        s["se(coef)"],
        s["coef lower 95%"],
        s["coef upper 95%"],
        "Wald",
        s["p"],
        n,
        events,
    )


def fit_cox(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Cox model on weeks to diagnosis (Efron ties), censored by the outcomes' one rule for cases and
    controls (last worn week plus exposure.grace_weeks, at most the end of follow-up)."""
    data, scalings = survival_frame(analysis, terms)
    fitter = CoxPHFitter().fit(data, duration_col="weeks", event_col="event")
    return lifelines_table("cox", fitter, terms, scalings, len(data), data["event"].sum())


def schoenfeld_tests(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Proportional-hazards check per term as R's survival 3.x cox.zph(transform = "rank") computes it."""
    data, _ = survival_frame(analysis, terms)
    fitter = CoxPHFitter().fit(data, duration_col="weeks", event_col="event")
    columns = [t.column for t in terms]
    statistic, p_value = zph_rank_test(
        data[columns].to_numpy(), data["weeks"].to_numpy(), data["event"].to_numpy(), fitter.params_[columns].to_numpy()
    )
    return pd.DataFrame(
        {
            "term": columns,
            "label": [t.label for t in terms],
            "time_transform": "rank",
            "statistic": statistic,
            "p_value": p_value,
            "status": "fitted",
            "reason": "",
        }
    )


def unfitted_ph_tests(terms: list[Term], reason: str) -> pd.DataFrame:
    """The PH-test table of a Cox model that could not be fitted."""
    return pd.DataFrame(
        {
            "term": [t.column for t in terms],
            "label": [t.label for t in terms],
            "time_transform": "rank",
            "statistic": np.nan,
            "p_value": np.nan,
            "status": "not fitted",
            "reason": reason,
        }
    )


FITTERS = {"logistic": fit_logistic, "firth": fit_firth, "cox": fit_cox}  # one per terms.MODELS
