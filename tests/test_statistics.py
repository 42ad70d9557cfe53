import numpy as np
import pandas as pd
import pytest
from lifelines import CoxTimeVaryingFitter
from workflow_runner import demo_config, simulation

from runrisk.cohort.outcomes import OutcomeRules
from runrisk.power.montecarlo import run_size, summarise
from runrisk.stats.sensitivity import fit_mice_logistic
from runrisk.stats.terms import COEF_COLUMNS, Term, design_matrix
from runrisk.stats.timevarying import (
    MAX_RATIO,
    carried_forward,
    change_ratio,
    efron_cox,
    fit_cox_timevarying,
    participant_level,
    weekly_intervals,
)
from runrisk.stats.validation import bootstrap_validation, c_statistic, calibration, decision_curve


def test_c_statistic_extremes_and_ties():
    y = np.array([0, 0, 1, 1])
    assert c_statistic(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert c_statistic(y, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert c_statistic(y, np.full(4, 0.5)) == 0.5


def test_calibration_slope_and_intercept():
    rng = np.random.default_rng(3)
    lp = rng.normal(-2, 1.2, 40000)
    y = (rng.random(lp.size) < 1 / (1 + np.exp(-lp))).astype(float)
    slope, intercept = calibration(y, lp)
    assert slope == pytest.approx(1.0, abs=0.05) and intercept == pytest.approx(0.0, abs=0.05)
    assert calibration(y, 2 * lp + 2)[0] == pytest.approx(0.5, abs=0.03)  # overconfident predictions


def test_bootstrap_optimism_is_positive_for_an_overfitted_model():
    rng = np.random.default_rng(5)
    n = 120
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 8))])
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 0.8 * X[:, 1])))).astype(float)
    table = bootstrap_validation(X, y, "firth", 40, seed=1).set_index("metric")
    assert table.at["c_statistic", "optimism"] > 0
    assert table.at["c_statistic", "corrected"] < table.at["c_statistic", "apparent"]
    assert table.at["calibration_slope", "corrected"] < 1
    again = bootstrap_validation(X, y, "firth", 40, seed=1)
    pd.testing.assert_frame_equal(table.reset_index()[again.columns], again)


def test_decision_curve_reference_strategies():
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 0])
    risk = np.array([0.9, 0.1, 0.2, 0.1, 0.6, 0.05, 0.3, 0.1, 0.1, 0.2])
    curve = decision_curve(y, risk, np.array([0.25, 0.5])).set_index("threshold")
    assert curve.at[0.5, "net_benefit_model"] == pytest.approx(2 / 10)  # both cases, no false positive
    assert curve.at[0.25, "net_benefit_model"] == pytest.approx(2 / 10 - 1 / 10 * (0.25 / 0.75))
    assert curve.at[0.25, "net_benefit_all"] == pytest.approx(0.2 - 0.8 * (0.25 / 0.75))
    assert (curve["net_benefit_none"] == 0).all()


def test_weekly_intervals_lag_carry_forward_and_events():
    analysis = pd.DataFrame(
        {
            "participant_id": ["a", "b"],
            "status": ["case", "control"],
            "event": [True, False],
            "follow_up_weeks": [5, 3],
            "age": [30, 40],
        }
    )
    weekly = pd.DataFrame(
        {
            "participant_id": ["a"] * 6 + ["b"] * 4,
            "week": [0, 1, 2, 3, 4, 5, 0, 1, 2, 3],
            "running_km": [10, 20, 30, np.nan, 40, 45, 0, 0, 0, 0],
            "prior_4wk_km": [np.nan, np.nan, 15, 20, 20, 25, np.nan, np.nan, 0, 0],
        }
    )
    intervals = weekly_intervals(analysis, weekly, lag_weeks=1, grace_weeks=1).set_index(["participant_id", "week"])
    # weeks 1 and 2 see weeks 0 and 1, whose ratio nobody could see (fewer than two worn prior weeks)
    assert ("a", 1) not in intervals.index and ("a", 2) not in intervals.index
    assert intervals.loc[("a", 3), "running_km"] == 30 and intervals.loc[("a", 3), "ratio_to_prior_4wk"] == 2.0
    assert intervals.loc[("a", 4), "running_km"] == 30  # week 3 not worn: week 2 carried forward
    assert intervals.loc[("a", 5), "ratio_to_prior_4wk"] == 2.0  # 40 over 20
    assert intervals["event"].sum() == 1 and intervals.loc[("a", 5), "event"] == 1
    assert list(intervals.loc["b"].index) == [3]  # b's week-2 ratio is 0 over 0: unchanged
    assert intervals.loc[("b", 3), "ratio_to_prior_4wk"] == 1.0
    assert intervals.loc[("a", 5), "start"] == 4 and intervals.loc[("a", 5), "stop"] == 5


def test_undefined_change_is_missing_and_growth_from_worn_rest_is_capped():
    km = np.array([10.0, 0.0, 5.0, 40.0, np.nan])
    prior = np.array([np.nan, 0.0, 0.0, 10.0, 10.0])
    ratio = change_ratio(km, prior)
    assert np.isnan(ratio[0]) and ratio[1] == 1.0 and ratio[2] == MAX_RATIO and ratio[3] == MAX_RATIO
    assert np.isnan(ratio[4])


def test_exposure_older_than_the_grace_is_not_carried():
    grid = np.array([[1.0, np.nan, np.nan, np.nan, 2.0], [np.nan, 3.0, np.nan, np.nan, np.nan]])
    filled = carried_forward(grid, max_weeks=2)
    np.testing.assert_array_equal(filled[0], [1.0, 1.0, 1.0, np.nan, 2.0])
    np.testing.assert_array_equal(filled[1], [np.nan, 3.0, 3.0, 3.0, np.nan])


def test_per_sd_scaling_of_the_time_varying_model_is_over_participants():
    """A participant followed 50 weeks and one followed 2 weigh the same in the SD of age."""
    analysis = pd.DataFrame(
        {
            "participant_id": ["a", "b", "c"],
            "status": "control",
            "event": [False, False, True],
            "follow_up_weeks": [50, 2, 10],
            "age": [20.0, 60.0, 40.0],
        }
    )
    weeks = np.arange(0, 51)
    weekly = pd.DataFrame(
        {
            "participant_id": np.repeat(["a", "b", "c"], len(weeks)),
            "week": np.tile(weeks, 3),
            "running_km": 10.0,
            "prior_4wk_km": 10.0,
        }
    )
    intervals = weekly_intervals(analysis, weekly, lag_weeks=1, grace_weeks=0)
    terms = [Term("age", "Age", "sd", 1), Term("running_km", "km", 12.5, 1)]
    reference = participant_level(intervals, terms)
    x, scalings = design_matrix(intervals, terms, reference=reference)
    assert scalings[0] == "per SD (20)"  # the SD of 20, 60 and 40, not of 50 + 2 + 10 person-weeks
    assert x["age"].iloc[0] == pytest.approx((20 - 40) / 20)


def test_mice_imputes_missing_covariates_reproducibly():
    rng = np.random.default_rng(11)
    n = 400
    frame = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n)})
    frame["status"] = np.where(rng.random(n) < 1 / (1 + np.exp(-(-1 + frame["x"]))), "case", "control")
    frame.loc[rng.choice(n, 40, replace=False), "z"] = np.nan
    terms = [Term("x", "x", 1, 1), Term("z", "z", 1, 1)]
    first = fit_mice_logistic(frame, terms, imputations=5, burn_in=3, seed=2)
    second = fit_mice_logistic(frame, terms, imputations=5, burn_in=3, seed=2)
    pd.testing.assert_frame_equal(first, second)
    assert first["missing_rows"].iloc[0] == 40 and first["n"].iloc[0] == n
    assert first.set_index("term").at["x", "ratio"] > 1.8
    assert list(first.columns[: len(COEF_COLUMNS)]) == COEF_COLUMNS


def test_monte_carlo_runs_the_study_code_reproducibly():
    config = demo_config()
    terms = [Term.from_config(t) for t in config["models"]["terms"]]
    plan = {
        "terms": terms,
        "timevarying_terms": [Term.from_config(t) for t in config["models"]["timevarying"]["terms"]],
        "lag_weeks": 1,
    }
    rules = OutcomeRules.from_config(config["outcomes"], config["exposure"], [t.column for t in terms])
    cfg = simulation(hazard={**config["simulate"]["hazard"], "baseline_weekly_log_hazard": -7.0})
    replicates = run_size(cfg, plan, 300, 2, rules, min_prior_weeks=2)
    pd.testing.assert_frame_equal(replicates, run_size(cfg, plan, 300, 2, rules, min_prior_weeks=2))
    assert set(replicates["strategy"]) == {"published", "pre_onset", "cox_timevarying"}
    assert len(replicates) == 2 * (2 * len(terms) + len(plan["timevarying_terms"]))
    logistic = replicates[replicates["strategy"] != "cox_timevarying"]
    assert logistic["events"].min() > 10 and logistic["firth_ci_low"].notna().all()
    # the published window keeps post-onset weeks: a case it admits the primary may not
    per_strategy = replicates.groupby("strategy")["events"].first()
    assert per_strategy["published"] >= per_strategy["pre_onset"]


def test_monte_carlo_summary_of_crafted_replicates():
    crafted = pd.DataFrame(
        {
            "size": 100,
            "replicate": [0, 1],
            "strategy": "pre_onset",
            "term": "t",
            "events": 20,
            "analysed": 90,
            "ml_estimate": [0.5, 1.5],
            "ml_ci_low": [0.1, 1.2],
            "ml_ci_high": [0.9, 1.9],
            "firth_estimate": [0.4, 1.4],
            "firth_ci_low": [0.0, 0.6],
            "firth_ci_high": [0.8, 1.8],
            "significant": [True, False],
        }
    )
    truth = pd.DataFrame({"strategy": ["pre_onset"], "term": ["t"], "true_log_ratio": [0.7]})
    summary = summarise(crafted, truth).iloc[0]
    assert summary["ml_coverage"] == 0.5 and summary["firth_coverage"] == 1.0 and summary["power"] == 0.5
    assert summary["ml_bias"] == pytest.approx(0.3) and summary["firth_bias"] == pytest.approx(0.2)


def _interval_data(seed: int) -> pd.DataFrame:
    """Counting-process data with tied event times, gaps between intervals and unequal lengths."""
    rng = np.random.default_rng(seed)
    rows = []
    for person in range(250):
        start, level = 0, rng.normal()
        for _ in range(rng.integers(1, 7)):
            stop = start + rng.integers(1, 4)
            rows.append([person, start, stop, level, rng.normal(), 0])
            start = stop + rng.integers(0, 2)
        rows[-1][-1] = int(rng.random() < 0.2 + 0.2 * (level > 0))
    return pd.DataFrame(rows, columns=["id", "start", "stop", "x1", "x2", "event"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_efron_cox_equals_lifelines_time_varying_fitter(seed):
    data = _interval_data(seed)
    reference = CoxTimeVaryingFitter().fit(data, id_col="id", event_col="event", start_col="start", stop_col="stop")
    fit = efron_cox(data[["x1", "x2"]].to_numpy(), data["start"].to_numpy(), data["stop"].to_numpy(), data["event"])
    assert fit.beta == pytest.approx(reference.params_.to_numpy(), rel=1e-6, abs=1e-9)
    assert np.sqrt(np.diag(fit.cov)) == pytest.approx(reference.standard_errors_.to_numpy(), rel=1e-6)
    assert fit.loglik == pytest.approx(reference.log_likelihood_, rel=1e-9)


def test_time_varying_table_of_the_study_equals_lifelines(small_run):
    """The study's own weekly intervals through runrisk's fit and through lifelines give one table."""
    config = demo_config()["models"]["timevarying"]
    terms = [Term.from_config(t) for t in config["terms"]]
    analysis = pd.read_parquet(small_run / "results/tables/analysis.parquet")
    weekly = pd.read_parquet(small_run / "results/tables/weekly_volume.parquet")
    grace = demo_config()["exposure"]["grace_weeks"]
    intervals = weekly_intervals(analysis, weekly, config["lag_weeks"], grace, [t.column for t in terms])
    ours = fit_cox_timevarying(intervals, terms)
    x, _ = design_matrix(intervals, terms, reference=participant_level(intervals, terms))
    data = x.assign(
        id=intervals["participant_id"].cat.codes,
        start=intervals["start"],
        stop=intervals["stop"],
        event=intervals["event"],
    )
    reference = CoxTimeVaryingFitter().fit(data, id_col="id", event_col="event", start_col="start", stop_col="stop")
    summary = reference.summary.loc[[t.column for t in terms]]
    # both stop Newton-Raphson at their own tolerance: agreement to 1e-5, as with R in test_reference
    assert ours["estimate"].to_numpy() == pytest.approx(summary["coef"].to_numpy(), rel=1e-5, abs=1e-6)
    assert ours["std_error"].to_numpy() == pytest.approx(summary["se(coef)"].to_numpy(), rel=1e-5)
    assert np.log(ours["ci_low"]).to_numpy() == pytest.approx(summary["coef lower 95%"].to_numpy(), rel=1e-5, abs=1e-6)
    # a tail p-value moves z² times as much as its estimate: 1e-6 in beta is 3e-5 in p at z = 3.8
    assert ours["p_value"].to_numpy() == pytest.approx(summary["p"].to_numpy(), rel=1e-4, abs=1e-10)
    saved = pd.read_parquet(small_run / "results/models/cox_timevarying.parquet")
    assert saved["estimate"].to_numpy() == pytest.approx(ours["estimate"].to_numpy(), rel=1e-9)
    assert saved["n"].iloc[0] == analysis["participant_id"].isin(intervals["participant_id"]).sum()


def test_tables_1_and_2_and_the_sample_size_of_a_pilot_say_what_they_cannot_compute():
    """A pilot's handful: every comparison too small to test is a row without numbers, never a crash."""
    from runrisk.stats import describe, samplesize
    from runrisk.stats.settings import SampleSizeSettings

    frame = pd.DataFrame(
        {
            "status": ["case", "control", "excluded"],
            "age": [30.0, 30.0, np.nan],
            "mean_weekly_km": [5.0, 5.0, 1.0],
            "female": [1.0, 0.0, np.nan],
            "runner": [True, False, np.nan],
        }
    )
    first = describe.table1(frame)
    assert first.loc[first["group"] == "excluded", "missing"].tolist() == [1, 1, 1, 0]  # age, female, runner, km
    second = describe.table2(frame[frame["status"] != "excluded"]).set_index("measure")
    assert second.loc["mean_weekly_km", ["n_cases", "n_controls"]].tolist() == [1, 1]
    assert np.isnan(second.loc["mean_weekly_km", "p_value"])
    for x, y in (([1.0], [2.0]), ([3.0, 3.0], [3.0, 3.0])):  # one value a side; every value tied
        test, _, result = describe.compare(np.array(x), np.array(y), describe.MEDIAN_IQR)
        assert test == "Wilcoxon rank-sum test" and np.isnan(result["p_value"])
    settings = SampleSizeSettings(anticipated_r2_cs=None, shrinkage=0.9, optimism=0.05, margin=0.05)
    assert samplesize.assess(2, 1, 6, settings).iloc[0]["meets_minimum"] == False  # noqa: E712
    rare = samplesize.assess(100000, 1, 6, settings).iloc[0]["verdict"]
    assert rare.startswith("not assessed: anticipated Cox-Snell R²")
