"""The study model with weekly km against the same model with the weekly tendon load (runrisk.stats.comparison),
against statsmodels' and lifelines' own numbers."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from lifelines.utils import concordance_index
from scipy.stats import chi2

from runrisk.stats.comparison import COMPARISON_COLUMNS, compare_exposures, unfitted_comparison
from runrisk.stats.fittable import UnfittableModel
from runrisk.stats.settings import ExposureComparison
from runrisk.stats.terms import Term

TERMS = [
    Term("mean_weekly_km", "Running volume (per 12.5 km/week)", 12.5, 1),
    Term("age", "Age (per 10 years)", 10.0, 1),
]
LOAD = Term("mean_weekly_at_load_bws", "Achilles tendon load (per 5,000 BW s/week)", 5000.0, 1)
SETTINGS = ExposureComparison(replaces="mean_weekly_km", alternatives=(LOAD,), bootstrap_repetitions=100)


def cohort(n: int, seed: int, risk_follows: str) -> pd.DataFrame:
    """km, a per-km tendon impulse that differs between runners, their product, and cases drawn from one."""
    rng = np.random.default_rng(seed)
    km = rng.gamma(4.0, 5.0, n)
    per_km = rng.normal(450.0, 120.0, n).clip(150.0)
    load = km * per_km
    age = rng.normal(40, 10, n)
    exposure = load / 5000 if risk_follows == "load" else km / 12.5
    p = 1 / (1 + np.exp(-(-3.0 + np.log(2.0) * exposure + 0.1 * (age - 40) / 10)))
    return pd.DataFrame(
        {
            "participant_id": [f"p{i:04d}" for i in range(n)],
            "status": np.where(rng.random(n) < p, "case", "control"),
            "mean_weekly_km": km,
            "mean_weekly_at_load_bws": load,
            "age": age,
        }
    )


def statsmodels_fit(frame: pd.DataFrame, columns: list[str], scales: list[float]):
    x = sm.add_constant(pd.DataFrame({c: frame[c] / s for c, s in zip(columns, scales, strict=True)}))
    return sm.Logit((frame["status"] == "case").astype(float), x).fit(disp=False)


def test_likelihoods_aic_lr_and_c_are_statsmodels_and_lifelines_values_on_the_same_participants():
    frame = cohort(600, 1, "load")
    frame.loc[:29, "mean_weekly_at_load_bws"] = np.nan  # no lab values: out of both models, not only one
    table = compare_exposures(frame, TERMS, SETTINGS, seed=7).set_index("model")
    assert list(table.reset_index().columns) == COMPARISON_COLUMNS
    common = frame.iloc[30:]
    km = statsmodels_fit(common, ["mean_weekly_km", "age"], [12.5, 10])
    load = statsmodels_fit(common, ["mean_weekly_at_load_bws", "age"], [5000, 10])
    both = statsmodels_fit(common, ["mean_weekly_km", "age", "mean_weekly_at_load_bws"], [12.5, 10, 5000])
    assert (table["n"] == 570).all() and (table["events"] == (common["status"] == "case").sum()).all()
    assert table.loc["reference", "log_likelihood"] == pytest.approx(km.llf, rel=1e-8)
    assert table.loc["reference", "aic"] == pytest.approx(km.aic, rel=1e-8)
    row = table.loc["mean_weekly_at_load_bws"]
    assert row["aic"] == pytest.approx(load.aic, rel=1e-8)
    assert row["delta_aic"] == pytest.approx(load.aic - km.aic, rel=1e-8)
    assert row["ratio"] == pytest.approx(np.exp(load.params["mean_weekly_at_load_bws"]), rel=1e-6)
    low, high = np.exp(load.conf_int().loc["mean_weekly_at_load_bws"])
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))
    assert row["p_value"] == pytest.approx(load.pvalues["mean_weekly_at_load_bws"], rel=1e-6)
    assert row["lr_added_to_reference"] == pytest.approx(2 * (both.llf - km.llf), rel=1e-6)
    assert row["lr_reference_added_p"] == pytest.approx(chi2.sf(2 * (both.llf - load.llf), 1), rel=1e-6)
    y = (common["status"] == "case").to_numpy(int)
    c_load = concordance_index(y, load.predict())  # lifelines' C for a binary outcome
    assert row["c_statistic"] == pytest.approx(c_load, abs=1e-9)
    assert row["delta_c"] == pytest.approx(c_load - concordance_index(y, km.predict()), abs=1e-9)
    # risk follows the load: the load explains what km does not, km adds nothing to the load, load's C higher
    assert row["lr_added_to_reference_p"] < 0.01 < row["lr_reference_added_p"]
    assert row["delta_aic"] < 0 and row["delta_c_low"] <= row["delta_c"] <= row["delta_c_high"]
    assert 90 <= row["bootstrap_replicates"] <= 100
    again = compare_exposures(frame, TERMS, SETTINGS, seed=7)
    pd.testing.assert_frame_equal(again.set_index("model"), table)  # seeded: the same interval again


def test_the_comparison_says_why_it_cannot_be_fitted():
    frame = cohort(200, 2, "km").assign(mean_weekly_at_load_bws=np.nan)  # nobody has lab values
    with pytest.raises(UnfittableModel, match="mean_weekly_at_load_bws has no values"):
        compare_exposures(frame, TERMS, SETTINGS, seed=1)
    table = unfitted_comparison(TERMS, SETTINGS, "term mean_weekly_at_load_bws has no values")
    assert list(table["status"]) == ["not fitted"] * 2 and list(table.columns) == COMPARISON_COLUMNS


@pytest.mark.slow
def test_bootstrap_interval_of_the_c_difference_holds_zero_when_the_exposures_are_exchangeable():
    """Coverage sanity: risk follows two independent exposures of the same distribution and effect, so the
    true C difference between the model with one and the model with the other is 0 in every world; the 95 %
    percentile interval must hold it in most of 20 worlds (at least 15: P < 0.02 under coverage 0.92)."""
    other = Term("other_km", "Other exposure (per 12.5 km/week)", 12.5, 1)
    settings = ExposureComparison("mean_weekly_km", (other,), bootstrap_repetitions=60)
    held = 0
    for world in range(20):
        rng = np.random.default_rng(1000 + world)
        frame = cohort(400, world, "km")
        frame["other_km"] = rng.gamma(4.0, 5.0, len(frame))
        lp = -4.0 + np.log(2.0) * (frame["mean_weekly_km"] + frame["other_km"]) / 12.5
        frame["status"] = np.where(rng.random(len(frame)) < 1 / (1 + np.exp(-lp)), "case", "control")
        row = compare_exposures(frame, TERMS, settings, seed=world).set_index("model").loc["other_km"]
        held += row["delta_c_low"] <= 0 <= row["delta_c_high"]
    assert held >= 15
