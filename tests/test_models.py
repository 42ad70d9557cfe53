import numpy as np
import pandas as pd
import pytest

from runrisk.stats.models import fit_cox, fit_logistic
from runrisk.stats.terms import Term, design_matrix


@pytest.fixture(scope="module")
def cohort_with_known_effects():
    rng = np.random.default_rng(7)
    n = 20000
    km = rng.gamma(2.0, 8.0, n)
    rotation = rng.normal(12, 4, n)
    eta = -3.0 + np.log(1.67) * km / 12.5 + np.log(2.2) * -(rotation - 12) / 4
    case = rng.random(n) < 1 / (1 + np.exp(-eta))
    weeks = np.where(case, rng.integers(1, 53, n), 52)
    return pd.DataFrame(
        {
            "mean_weekly_km": km,
            "rotation": rotation,
            "follow_up_weeks": weeks,
            "status": np.where(case, "case", "control"),
            "event": case,
        }
    )


TERMS = [Term("mean_weekly_km", "volume", 12.5, 1), Term("rotation", "rotation lower", "sd", -1)]


def test_design_matrix_scales_per_unit_and_per_sd_lower():
    frame = pd.DataFrame({"mean_weekly_km": [0.0, 25.0], "rotation": [10.0, 14.0]})
    x, scalings = design_matrix(frame, TERMS)
    assert x["mean_weekly_km"].tolist() == [0.0, 2.0]
    assert x["rotation"].iloc[0] > 0 > x["rotation"].iloc[1]  # lower rotation -> positive
    assert scalings[0] == "per 12.5" and scalings[1].endswith("lower")


def test_logistic_recovers_known_odds_ratios(cohort_with_known_effects):
    table = fit_logistic(cohort_with_known_effects, TERMS).set_index("term")
    assert table.loc["mean_weekly_km", "ci_low"] < 1.67 < table.loc["mean_weekly_km", "ci_high"]
    assert table.loc["rotation", "ratio"] == pytest.approx(2.2, rel=0.08)
    assert table["events"].iloc[0] == (cohort_with_known_effects["status"] == "case").sum()


def test_cox_hazard_ratios_point_the_same_way(cohort_with_known_effects):
    table = fit_cox(cohort_with_known_effects, TERMS).set_index("term")
    assert table.loc["mean_weekly_km", "ratio"] > 1.3
    assert table.loc["rotation", "ratio"] > 1.7
    assert (table["ci_low"] < table["ratio"]).all() and (table["ratio"] < table["ci_high"]).all()
