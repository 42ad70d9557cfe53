import numpy as np
import pandas as pd
import pytest
from lifelines import CoxTimeVaryingFitter
from workflow_runner import demo_config

from runrisk.stats.montecarlo import run_size, summarise
from runrisk.stats.sensitivity import fit_mice_logistic
from runrisk.stats.terms import COEF_COLUMNS, Term, design_matrix
from runrisk.stats.timevarying import MAX_RATIO, efron_cox, fit_cox_timevarying, weekly_intervals
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
        {"participant_id": ["a", "b"], "status": ["case", "control"], "follow_up_weeks": [4, 3], "age": [30, 40]}
    )
    weekly = pd.DataFrame(
        {
            "participant_id": ["a"] * 5 + ["b"] * 4,
            "week": [0, 1, 2, 3, 4, 0, 1, 2, 3],
            "running_km": [10, 20, np.nan, 30, 40, 0, 0, 0, 0],
            "ratio_to_prior_4wk": [np.nan, 2.0, np.nan, 2.0, 1.5, np.nan, np.nan, np.nan, np.nan],
            "worn": [True, True, False, True, True, True, True, True, True],
        }
    )
    intervals = weekly_intervals(analysis, weekly, lag_weeks=1).set_index(["participant_id", "week"])
    assert intervals.loc[("a", 1), "running_km"] == 10  # week 1 sees week 0
    assert intervals.loc[("a", 3), "running_km"] == 20  # week 2 not worn: week 1 carried forward
    assert intervals.loc[("a", 1), "ratio_to_prior_4wk"] == MAX_RATIO  # running after no history
    assert intervals["event"].sum() == 1 and intervals.loc[("a", 4), "event"] == 1
    assert (intervals.loc["b", "ratio_to_prior_4wk"] == 1.0).all()  # 0 of 0: unchanged
    assert list(intervals.loc["b"].index) == [1, 2, 3]
    assert intervals.loc[("a", 4), "start"] == 3 and intervals.loc[("a", 4), "stop"] == 4


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


def test_monte_carlo_is_reproducible_and_summarises_coverage():
    config = demo_config()
    cfg = {**config["simulate"], "baseline_log_odds": -2.0}
    terms = [Term.from_config(t) for t in config["models"]["terms"]]
    replicates = run_size(cfg, terms, 300, 3, min_worn_weeks=4)
    pd.testing.assert_frame_equal(replicates, run_size(cfg, terms, 300, 3, min_worn_weeks=4))
    assert len(replicates) == 3 * len(terms) and replicates["events"].min() > 10
    crafted = pd.DataFrame(
        {
            "size": 100,
            "replicate": [0, 1],
            "term": "t",
            "events": 20,
            "analysed": 90,
            "ml_estimate": [0.5, 1.5],
            "ml_ci_low": [0.1, 1.2],
            "ml_ci_high": [0.9, 1.9],
            "ml_significant": [True, True],
            "firth_estimate": [0.4, 1.4],
        }
    )
    summary = summarise(crafted, {"t": 0.7}).iloc[0]
    assert summary["coverage"] == 0.5 and summary["power"] == 1.0
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
    intervals = weekly_intervals(analysis, weekly, config["lag_weeks"], [t.column for t in terms])
    ours = fit_cox_timevarying(intervals, terms)
    x, _ = design_matrix(intervals, terms)
    data = x.assign(
        id=intervals["participant_id"].cat.codes,
        start=intervals["start"],
        stop=intervals["stop"],
        event=intervals["event"],
    )
    reference = CoxTimeVaryingFitter().fit(data, id_col="id", event_col="event", start_col="start", stop_col="stop")
    summary = reference.summary.loc[[t.column for t in terms]]
    assert ours["estimate"].to_numpy() == pytest.approx(summary["coef"].to_numpy(), rel=1e-6)
    assert ours["std_error"].to_numpy() == pytest.approx(summary["se(coef)"].to_numpy(), rel=1e-6)
    assert np.log(ours["ci_low"]).to_numpy() == pytest.approx(summary["coef lower 95%"].to_numpy(), rel=1e-6)
    assert ours["p_value"].to_numpy() == pytest.approx(summary["p"].to_numpy(), rel=1e-5, abs=1e-12)
    saved = pd.read_parquet(small_run / "results/models/cox_timevarying.parquet")
    assert saved["estimate"].to_numpy() == pytest.approx(ours["estimate"].to_numpy(), rel=1e-9)
    assert saved["n"].iloc[0] == analysis["participant_id"].isin(intervals["participant_id"]).sum()
