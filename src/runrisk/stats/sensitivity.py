"""Sensitivity analyses: the same model on other analysis sets, and multiple imputation (MICE)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.imputation.mice import MICE, MICEData

from runrisk.cohort.outcomes import LENIENT_CONTROLS, WHOLE_FOLLOW_UP_EXPOSURE, WITH_MISSING_BIOMECHANICS
from runrisk.stats.fittable import ModelData, fitted_or_reported, unfitted_coefficients
from runrisk.stats.models import fit_firth, fit_logistic
from runrisk.stats.settings import SensitivitySettings
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


PRIMARY = "primary (strict controls, complete case)"
# the same participants with and without the tendon's terms: what the tendon adds, apart from who was scanned
SCANNED = "scanned at baseline (primary terms)"
SCANNED_WITH_TENDON = "scanned at baseline, with tendon MRI terms"


def sensitivity_tables(
    analysis: pd.DataFrame, variants: pd.DataFrame, terms: list[Term], cfg: SensitivitySettings, on_unfittable: str
) -> pd.DataFrame:
    """The Firth model on the primary set and each configured variant, and complete case against
    multiple imputation, in one table whose `analysis` column names the set; a set the model cannot
    be fitted to is a row per term with its status and reason (or stops the run, as configured)."""

    def fitted(name: str, model: str, frame: pd.DataFrame, model_terms: list[Term], fit, separation=False):
        data = ModelData.of(model, frame, model_terms)
        return fitted_or_reported(
            data,
            lambda: fit(frame, model_terms),
            on_unfittable,
            lambda exc: unfitted_coefficients(data, model_terms, exc),
            separation,
        ).assign(analysis=name)

    tables = [fitted(PRIMARY, "firth", analysis, terms, fit_firth)]
    if cfg.lenient_controls:
        lenient = variants[variants["variant"] == LENIENT_CONTROLS]
        tables.append(fitted("lenient controls", "firth", lenient, terms, fit_firth))
    if cfg.whole_follow_up_exposure:
        published = variants[variants["variant"] == WHOLE_FOLLOW_UP_EXPOSURE]
        tables.append(fitted("whole follow-up exposure (published)", "firth", published, terms, fit_firth))
    if cfg.runners_only:
        runner_terms = [t for t in terms if t.column != "runner"]
        tables.append(fitted("runners only", "firth", analysis[analysis["runner"]], runner_terms, fit_firth))
    if cfg.multiple_imputation.enabled:
        mi = cfg.multiple_imputation
        tables.append(fitted("complete case (ML)", "logistic", analysis, terms, fit_logistic, separation=True))
        with_missing = variants[variants["variant"] == WITH_MISSING_BIOMECHANICS]
        columns = [t.column for t in terms]
        # the checks see the terms as imputation will fill them (observed means in the gaps)
        data = ModelData.of("logistic_mice", with_missing.fillna(with_missing[columns].mean()), terms)
        table = fitted_or_reported(
            data,
            lambda: fit_mice_logistic(with_missing, terms, mi.imputations, mi.burn_in, mi.seed),
            on_unfittable,
            lambda exc: unfitted_coefficients(data, terms, exc).assign(missing_rows=0),
        )
        tables.append(table.assign(analysis="multiple imputation (MICE, ML)"))
    tendon_terms = [t for t in cfg.tendon.terms if t.column in analysis]
    if cfg.tendon.enabled and tendon_terms:  # the study has tendon MRI (outcomes merged its measures)
        scanned = analysis[analysis[[t.column for t in tendon_terms]].notna().all(axis=1)]
        added = [t for t in tendon_terms if t.column not in {term.column for term in terms}]
        tables.append(fitted(SCANNED, "firth", scanned, terms, fit_firth))
        tables.append(fitted(SCANNED_WITH_TENDON, "firth", scanned, [*terms, *added], fit_firth))
    return pd.concat(tables, ignore_index=True)
