"""Risk models: logistic regression by maximum likelihood (statsmodels) and by Firth's penalised
likelihood, Cox proportional hazards (lifelines, Efron ties), time-varying Cox, and Schoenfeld tests.

Every coefficient table has COEF_COLUMNS: one row per term, the scaling stated, the ratio (OR or HR)
with its 95 % CI and how the CI was computed, n, events and events per variable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from lifelines import CoxPHFitter
from lifelines.statistics import proportional_hazard_test
from scipy.stats import norm

from runrisk.firth import firth_fit, lr_p_value, profile_interval
from runrisk.timevarying import efron_cox

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
]


@dataclass(frozen=True)
class Term:
    column: str
    label: str
    scale: float | str = 1.0  # a number (per that many units) or "sd" (per sample SD)
    sign: int = 1  # -1 reports the effect of a *lower* value

    @classmethod
    def from_config(cls, entry: dict) -> Term:
        return cls(entry["column"], entry["label"], entry.get("scale", 1.0), int(entry.get("sign", 1)))


def design_matrix(frame: pd.DataFrame, terms: list[Term]) -> tuple[pd.DataFrame, list[str]]:
    """Scaled covariates (named by term column) and a description of each scaling."""
    columns, scalings = {}, []
    for term in terms:
        values = frame[term.column].astype(float)
        if term.scale == "sd":
            sd = float(values.std(ddof=1))
            columns[term.column] = term.sign * (values - values.mean()) / sd
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
        }
    )[COEF_COLUMNS]


def outcome(analysis: pd.DataFrame) -> pd.Series:
    return (analysis["status"] == "case").astype(float)


def fit_logistic(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Maximum-likelihood logistic regression, ORs with Wald 95 % CIs."""
    x, scalings = design_matrix(analysis, terms)
    y = outcome(analysis)
    result = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(disp=False, maxiter=200)
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
        event=(analysis["status"] == "case").astype(int),
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
    """Cox model on weeks to diagnosis (Efron ties), censored at the end of follow-up or last worn week."""
    data, scalings = survival_frame(analysis, terms)
    fitter = CoxPHFitter().fit(data, duration_col="weeks", event_col="event")
    return lifelines_table("cox", fitter, terms, scalings, len(data), data["event"].sum())


def schoenfeld_tests(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Proportional-hazards check per term: scaled Schoenfeld residuals against rank of time."""
    data, _ = survival_frame(analysis, terms)
    fitter = CoxPHFitter().fit(data, duration_col="weeks", event_col="event")
    test = proportional_hazard_test(fitter, data, time_transform="rank").summary
    return pd.DataFrame(
        {
            "term": [t.column for t in terms],
            "label": [t.label for t in terms],
            "time_transform": "rank",
            "statistic": test.loc[[t.column for t in terms], "test_statistic"].to_numpy(),
            "p_value": test.loc[[t.column for t in terms], "p"].to_numpy(),
        }
    )


def fit_cox_timevarying(intervals: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Cox model (Efron ties) on (start, stop] weekly intervals with time-varying exposure columns,
    fitted by runrisk.timevarying.efron_cox (tested equal to lifelines' CoxTimeVaryingFitter)."""
    x, scalings = design_matrix(intervals, terms)
    fit = efron_cox(x.to_numpy(), intervals["start"].to_numpy(), intervals["stop"].to_numpy(), intervals["event"])
    se = np.sqrt(np.diag(fit.cov))
    z = norm.ppf(0.975)
    return coefficient_table(
        "cox_timevarying",
        terms,
        scalings,
        fit.beta,
        se,
        fit.beta - z * se,
        fit.beta + z * se,
        "Wald",
        2 * norm.sf(np.abs(fit.beta / se)),
        intervals["participant_id"].nunique(),
        int(intervals["event"].sum()),
    )


def analysis_frame(
    participants: pd.DataFrame,
    biomechanics: pd.DataFrame,
    exposure: pd.DataFrame,
    outcomes: pd.DataFrame,
    primary_side: str,
    statuses=("case", "control"),
) -> pd.DataFrame:
    """Participants of the given statuses with covariates of the primary limb (NaN where none)."""
    limb = biomechanics[biomechanics["side"] == primary_side].drop(columns=["side"])
    frame = (
        outcomes[outcomes["status"].isin(statuses)]
        .merge(participants[["participant_id", "age", "sex", "runner"]], on="participant_id")
        .merge(limb, on="participant_id", how="left")
        .merge(exposure.drop(columns=["weeks_worn"]), on="participant_id", how="left")
    )
    frame["female"] = (frame["sex"] == "F").astype(int)
    return frame.sort_values("participant_id").reset_index(drop=True)
