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

from runrisk.stats import describe, samplesize
from runrisk.stats.firth import firth_fit, profile_interval
from runrisk.stats.models import fit_cox, fit_firth, fit_logistic, schoenfeld_tests
from runrisk.stats.settings import SampleSizeSettings
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


# Table 1 and Table 2 against base R: the reference cohort's measures under the names the study gives them,
# with every seventh moment missing (missing is missing, in both).
DESCRIBED = {
    "km": "mean_weekly_km",
    "rotation": "ankle_external_rotation_peak",
    "moment": "ankle_inversion_moment_peak",
}


@pytest.fixture(scope="module")
def described(tmp_path_factory):
    data = pd.read_csv(REFERENCE / "cohort.csv")
    data.loc[data.index % 7 == 3, "moment"] = np.nan
    data["runner"] = (data["km"] > 0).astype(int)
    frame = data.rename(columns=DESCRIBED).drop(columns=["weeks"])
    folder = tmp_path_factory.mktemp("describe")
    frame.to_csv(folder / "in.csv", index=False)
    command = [rscript(()), str(REFERENCE / "describe_reference.R"), str(folder / "in.csv"), str(folder / "out.csv")]
    subprocess.run(command, check=True)
    reference = pd.read_csv(folder / "out.csv").set_index(["measure", "quantity"])["value"]
    frame = frame.assign(status=np.where(frame.pop("case") == 1, "case", "control"), runner=frame["runner"] == 1)
    return frame, reference


def test_table1_summaries_and_standardised_differences_match_r(described):
    frame, reference = described
    table = describe.table1(frame)
    rows = table[table["grouping"] == "outcome"].set_index(["measure", "group"])
    measures = [*DESCRIBED.values(), "female", "runner"]
    for measure in measures:
        for group in ("case", "control"):
            row = rows.loc[(measure, group)]
            for quantity in ("mean", "sd", "median", "q1", "q3"):
                assert row[quantity] == pytest.approx(reference[(measure, f"{group}_{quantity}")], rel=1e-9), (
                    measure,
                    group,
                    quantity,
                )
        assert rows.loc[(measure, "case"), "smd"] == pytest.approx(reference[(measure, "smd")], rel=1e-9), measure
    moment = rows.loc[("ankle_inversion_moment_peak", "case")]
    assert moment["missing"] == frame.loc[frame["status"] == "case", "ankle_inversion_moment_peak"].isna().sum() > 0
    assert rows.loc[("female", "case"), "summary"] == "n (%)"


@pytest.mark.parametrize("test", ["welch", "wilcoxon"])
def test_table2_continuous_comparisons_match_r_t_test_and_wilcox_test(described, test):
    frame, reference = described
    compare = {"welch": describe.welch, "wilcoxon": describe.wilcoxon}[test]
    for measure in DESCRIBED.values():
        x = frame.loc[frame["status"] == "case", measure].dropna().to_numpy()
        y = frame.loc[frame["status"] == "control", measure].dropna().to_numpy()
        ours = compare(x, y)
        scale = np.std(np.r_[x, y])
        for quantity in ("estimate", "ci_low", "ci_high"):
            # R's uniroot stops within its tol (1e-4, absolute) of the Hodges-Lehmann step function's jump
            tolerance = 1e-4 if test == "wilcoxon" else 1e-9 * scale
            assert ours[quantity] == pytest.approx(reference[(measure, f"{test}_{quantity}")], abs=tolerance), (
                measure,
                quantity,
            )
        assert ours["statistic"] == pytest.approx(reference[(measure, f"{test}_statistic")], rel=1e-9), measure
        assert ours["p_value"] == pytest.approx(reference[(measure, f"{test}_p")], rel=1e-7), measure


def test_table2_yes_no_comparisons_match_r_fisher_test(described):
    frame, reference = described
    table = describe.table2(frame.assign(abnormal_tendon=frame["female"] == 1)).set_index("measure")
    ours = table.loc["abnormal_tendon"]  # Table 2 compares the yes/no measures it holds: here female as one
    assert ours["test"] == "Fisher's exact test"
    # fisher.test finds the conditional MLE and its limits by uniroot at its default tol (about 1.2e-4)
    for quantity, column in (("estimate", "estimate"), ("ci_low", "ci_low"), ("ci_high", "ci_high")):
        assert ours[column] == pytest.approx(reference[("female", f"fisher_{quantity}")], rel=1e-4), quantity
    assert ours["p_value"] == pytest.approx(reference[("female", "fisher_p")], rel=1e-9)
    kinds = table.loc[list(DESCRIBED.values()), "test"]
    assert set(kinds) <= {"Welch t-test", "Wilcoxon rank-sum test"}


# pmsampsize's own tests of the binary criteria (cran/pmsampsize tests/testthat/test_bin.R): R², parameters,
# prevalence -> criteria 1, 2, 3 and the final n; the final events per parameter (rounded to 2 as it rounds)
PMSAMPSIZE_BINARY = [
    (0.288, 24, 0.174, (623, 668, 221, 668), 4.84),
    (0.55, 24, 0.174, (255, 532, 221, 532), 3.86),
    (0.288, 36, 0.174, (934, 1002, 221, 1002), 4.84),
    (0.288, 24, 0.25, (623, 583, 289, 623), 6.49),
]


@pytest.mark.parametrize(("r2", "parameters", "rate", "sizes", "epp"), PMSAMPSIZE_BINARY)
def test_riley_criteria_equal_pmsampsize(r2, parameters, rate, sizes, epp):
    ours = samplesize.riley_criteria(parameters, rate, r2)
    assert (ours["n_criterion_1"], ours["n_criterion_2"], ours["n_criterion_3"], ours["minimum_n"]) == sizes
    assert round(ours["minimum_events_per_parameter"], 2) == epp


def test_expected_shrinkage_at_the_minimum_is_the_target_and_falls_below_it():
    settings = SampleSizeSettings(anticipated_r2_cs=0.288, shrinkage=0.9, optimism=0.05, margin=0.05)
    at_minimum = samplesize.assess(623, 108, 24, settings).iloc[0]
    assert at_minimum["n_criterion_1"] == 623
    assert samplesize.shrinkage_at(623, 24, 0.288) == pytest.approx(0.9, abs=2e-4)  # n was rounded up
    small = samplesize.assess(200, 35, 24, settings).iloc[0]
    assert not small["meets_minimum"] and small["expected_shrinkage"] < 0.9
    assert "falls short of the minimum of 668" in small["verdict"]
