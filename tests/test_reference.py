"""Our logistic, Firth and Cox fits and the proportional-hazards test against R (glm; brglm2 AS_mean;
survival::coxph; survival 3.x cox.zph with the rank transform) on a fixed data set.

tests/reference/golden.csv was written by tests/reference/fit_reference.R (R 4.2.2, survival 3.5.3,
brglm2 0.9; Debian r-base-core, r-cran-survival, r-cran-brglm2). lifelines breaks ties by Efron's
method, as coxph does by default; the Breslow fit is there to show the tie method is what we match.
"""

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from system_tools import rscript

from runrisk.stats.firth import firth_fit, profile_interval
from runrisk.stats.models import fit_cox, fit_firth, fit_logistic, schoenfeld_tests
from runrisk.stats.terms import Term

REFERENCE = Path(__file__).parent / "reference"
TERMS = [
    Term("km", "km", 12.5, 1),
    Term("rotation", "rotation lower", "sd", -1),
    Term("moment", "moment", "sd", 1),
    Term("female", "female", 1, 1),
]


@pytest.fixture(scope="module")
def cohort():
    data = pd.read_csv(REFERENCE / "cohort.csv")
    return data.assign(
        status=np.where(data["case"] == 1, "case", "control"), event=data["case"] == 1, follow_up_weeks=data["weeks"]
    )


@pytest.fixture(scope="module")
def golden():
    return pd.read_csv(REFERENCE / "golden.csv", skipinitialspace=True).set_index(["model", "term"])


@pytest.mark.parametrize(("model", "fit"), [("logistic", fit_logistic), ("firth", fit_firth)])
def test_logistic_and_firth_match_r_glm_and_brglm2(cohort, golden, model, fit):
    """ML against glm; Firth against brglm2's mean bias reduction (AS_mean)."""
    ours = fit(cohort, TERMS).set_index("term")
    reference = golden.loc[model]
    np.testing.assert_allclose(ours["estimate"], reference["estimate"], rtol=1e-6)
    np.testing.assert_allclose(ours["std_error"], reference["std_error"], rtol=1e-5)


def test_cox_matches_r_coxph_with_efron_ties(cohort, golden):
    ours = fit_cox(cohort, TERMS).set_index("term")
    efron, breslow = golden.loc["cox_efron"], golden.loc["cox_breslow"]
    np.testing.assert_allclose(ours["estimate"], efron["estimate"], rtol=1e-5)
    np.testing.assert_allclose(ours["std_error"], efron["std_error"], rtol=1e-5)
    # ties are heavy here (integer weeks): Breslow is measurably different, so the match is Efron's
    assert (
        np.abs(ours["estimate"] - breslow["estimate"]).max() > 100 * np.abs(ours["estimate"] - efron["estimate"]).max()
    )


def test_ph_test_matches_survival_3_cox_zph_rank(cohort, golden):
    ours = schoenfeld_tests(cohort, TERMS).set_index("term")
    reference = golden.loc["cox_zph_rank"]  # chi-square in "estimate", p in "std_error"
    np.testing.assert_allclose(ours["statistic"], reference["estimate"], rtol=1e-6)
    np.testing.assert_allclose(ours["p_value"], reference["std_error"], rtol=1e-6)


def test_golden_file_is_what_the_r_script_writes(tmp_path):
    rscript(("survival", "brglm2"))
    out = tmp_path / "golden.csv"
    subprocess.run(["Rscript", str(REFERENCE / "fit_reference.R"), str(REFERENCE / "cohort.csv"), str(out)], check=True)
    fresh = pd.read_csv(out, skipinitialspace=True)
    committed = pd.read_csv(REFERENCE / "golden.csv", skipinitialspace=True)
    np.testing.assert_allclose(fresh["estimate"], committed["estimate"], rtol=1e-9)


def test_firth_equals_the_haldane_corrected_two_by_two_table():
    # one binary covariate: Firth's log-OR is the log-OR of the table with 0.5 added to each cell
    a, b, c, d = 3, 17, 1, 29
    x = np.r_[np.ones(a + b), np.zeros(c + d)]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    fit = firth_fit(np.c_[np.ones_like(x), x], y)
    assert fit.beta[1] == pytest.approx(np.log((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5))), abs=1e-8)


def test_firth_stays_finite_under_separation_where_ml_does_not():
    x = np.r_[np.ones(20), np.zeros(30)]
    y = np.r_[np.ones(5), np.zeros(15), np.zeros(30)]  # no case among x = 0
    X = np.c_[np.ones_like(x), x]
    fit = firth_fit(X, y)
    assert fit.beta[1] == pytest.approx(np.log(5.5 * 30.5 / (15.5 * 0.5)), abs=1e-8)
    low, high = profile_interval(X, y, fit, 1)
    assert 0 < low < fit.beta[1] < high < 20


def test_firth_shrinks_towards_zero_compared_with_ml(cohort):
    ml = fit_logistic(cohort, TERMS).set_index("term")
    firth = fit_firth(cohort, TERMS).set_index("term")
    assert (firth["estimate"].abs() <= ml["estimate"].abs() + 1e-9).all()
    assert (firth["ci_method"] == "profile penalised likelihood").all()
    assert (firth["ci_low"] < firth["ratio"]).all() and (firth["ratio"] < firth["ci_high"]).all()
