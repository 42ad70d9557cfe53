"""Risk models: logistic regression (statsmodels) and Cox proportional hazards (lifelines)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from lifelines import CoxPHFitter

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
    "p_value",
    "n",
    "events",
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


def fit_logistic(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Maximum-likelihood logistic regression, ORs with Wald 95 % CIs."""
    x, scalings = design_matrix(analysis, terms)
    y = (analysis["status"] == "case").astype(float)
    result = sm.Logit(y, sm.add_constant(x, has_constant="add")).fit(disp=False, maxiter=200)
    ci = result.conf_int()
    return pd.DataFrame(
        {
            "model": "logistic",
            "term": [t.column for t in terms],
            "label": [t.label for t in terms],
            "scaling": scalings,
            "estimate": result.params[x.columns].to_numpy(),
            "std_error": result.bse[x.columns].to_numpy(),
            "ratio": np.exp(result.params[x.columns].to_numpy()),
            "ci_low": np.exp(ci.loc[x.columns, 0].to_numpy()),
            "ci_high": np.exp(ci.loc[x.columns, 1].to_numpy()),
            "p_value": result.pvalues[x.columns].to_numpy(),
            "n": int(len(y)),
            "events": int(y.sum()),
        }
    )[COEF_COLUMNS]


def fit_cox(analysis: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Cox model on weeks to diagnosis (Efron ties), censored at the end of follow-up or last worn week."""
    x, scalings = design_matrix(analysis, terms)
    data = x.assign(
        weeks=analysis["follow_up_weeks"].astype(float).clip(lower=0.5),
        event=(analysis["status"] == "case").astype(int),
    )
    fitter = CoxPHFitter().fit(data, duration_col="weeks", event_col="event")
    s = fitter.summary.loc[x.columns]
    return pd.DataFrame(
        {
            "model": "cox",
            "term": [t.column for t in terms],
            "label": [t.label for t in terms],
            "scaling": scalings,
            "estimate": s["coef"].to_numpy(),
            "std_error": s["se(coef)"].to_numpy(),
            "ratio": s["exp(coef)"].to_numpy(),
            "ci_low": s["exp(coef) lower 95%"].to_numpy(),
            "ci_high": s["exp(coef) upper 95%"].to_numpy(),
            "p_value": s["p"].to_numpy(),
            "n": int(len(data)),
            "events": int(data["event"].sum()),
        }
    )[COEF_COLUMNS]


def analysis_frame(
    participants: pd.DataFrame,
    biomechanics: pd.DataFrame,
    exposure: pd.DataFrame,
    outcomes: pd.DataFrame,
    primary_side: str,
) -> pd.DataFrame:
    """Analysed participants (cases and controls) with covariates of the primary limb."""
    limb = biomechanics[biomechanics["side"] == primary_side].drop(columns=["side"])
    frame = (
        outcomes[outcomes["status"].isin(["case", "control"])]
        .merge(participants[["participant_id", "age", "sex", "runner"]], on="participant_id")
        .merge(limb, on="participant_id")
        .merge(exposure, on="participant_id")
    )
    frame["female"] = (frame["sex"] == "F").astype(int)
    return frame.sort_values("participant_id").reset_index(drop=True)
