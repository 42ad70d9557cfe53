"""Sensitivity analyses: the same model on other analysis sets, and multiple imputation (MICE)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.imputation.mice import MICE, MICEData

from runrisk.stats.terms import Term, coefficient_table, design_matrix, outcome


def fit_mice_logistic(
    frame: pd.DataFrame, terms: list[Term], imputations: int, burn_in: int, seed: int
) -> pd.DataFrame:
    """Logistic regression with missing covariates imputed by chained equations (predictive mean
    matching), pooled by Rubin's rules. Scalings use the observed values."""
    x, scalings = design_matrix(frame, terms)
    names = {t.column: f"x{i}" for i, t in enumerate(terms)}  # formula-safe names
    data = x.rename(columns=names).assign(case=outcome(frame).to_numpy())
    imputed = MICEData(data, rng=np.random.default_rng(seed))
    formula = "case ~ " + " + ".join(names.values())
    result = MICE(formula, sm.GLM, imputed, init_kwds={"family": sm.families.Binomial()}).fit(burn_in, imputations)
    params = pd.Series(result.params, index=result.model.exog_names)
    bse = pd.Series(result.bse, index=result.model.exog_names)
    ci = pd.DataFrame(result.conf_int(), index=result.model.exog_names)
    pvalues = pd.Series(result.pvalues, index=result.model.exog_names)
    keys = list(names.values())
    table = coefficient_table(
        "logistic_mice",
        terms,
        scalings,
        params[keys],
        bse[keys],
        ci.loc[keys, 0],
        ci.loc[keys, 1],
        f"Wald, Rubin's rules over {imputations} imputations",
        pvalues[keys],
        len(data),
        data["case"].sum(),
    )
    table["missing_rows"] = int(x.isna().any(axis=1).sum())
    return table
