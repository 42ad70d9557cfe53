"""Models a study cannot fit say why, in one message, before any library fails deep inside."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from runrisk.stats.fittable import (
    REPORT_INSTEAD,
    ModelData,
    UnfittableModel,
    fit_or_explain,
    fitted_or_reported,
    require_fittable,
    unfitted_coefficients,
)
from runrisk.stats.models import fit_cox, fit_firth, fit_logistic
from runrisk.stats.terms import COEF_COLUMNS, Term

TERMS = [Term("km", "km", 12.5, 1), Term("rotation", "rotation", "sd", -1)]


def frame(n=40, cases=8, seed=1, **columns) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "participant_id": [f"P{i:03d}" for i in range(n)],
            "status": ["case"] * cases + ["control"] * (n - cases),
            "event": [True] * cases + [False] * (n - cases),
            "follow_up_weeks": rng.integers(5, 52, n),
            "km": rng.gamma(3, 6, n),
            "rotation": rng.normal(12, 4, n),
        }
    )
    return data.assign(**columns)


def message(data: pd.DataFrame, model="logistic", terms=TERMS, **kw) -> str:
    with pytest.raises(UnfittableModel) as error:
        require_fittable(ModelData.of(model, data, terms), **kw)
    return str(error.value)


def test_no_events_names_model_counts_terms_and_epv():
    text = message(frame(n=8, cases=0))
    assert text == (
        "logistic: 8 analysed, 0 events, 8 non-events, 2 terms (km, rotation), EPV 0.0: "
        "a model needs cases and controls"
    )


def test_nobody_analysed_constant_and_empty_terms():
    assert message(frame(n=0, cases=0)).endswith(
        "no participant was analysed (the run's closing summary and results/report/exclusions.csv say why)"
    )
    text = message(frame(rotation=3.0))
    assert "term rotation is constant (3 for everyone analysed)" in text
    assert "term rotation has no values" in message(frame(rotation=np.nan))
    assert "3 parameters cannot be estimated from 3 participants with every term" in message(frame(n=3, cases=1))


def test_ml_names_the_separating_term_and_firth_still_fits():
    data = frame()
    data.loc[data["status"] == "case", "km"] += 200  # every case runs more than every control
    text = message(data, separation_matters=True)
    assert "term km separates cases from controls (every case has a higher value than every control)" in text
    firth = fit_or_explain(ModelData.of("firth", data, TERMS), lambda: fit_firth(data, TERMS))
    assert np.isfinite(firth["estimate"]).all() and firth["ratio"].iloc[0] > 1


def test_collinear_terms_and_separation_by_a_combination_are_messages_not_tracebacks():
    data = frame(twice=lambda f: 2 * f["km"])
    collinear = [*TERMS, Term("twice", "twice", 1, 1)]
    with pytest.raises(UnfittableModel, match=r"^logistic: 40 analysed, 8 events.*: term twice is a linear function"):
        fit_or_explain(ModelData.of("logistic", data, collinear), lambda: fit_logistic(data, collinear))
    data = frame()
    score = data["km"] / data["km"].std() + data["rotation"] / data["rotation"].std()
    data["status"] = np.where(score > score.median(), "case", "control")  # separated only by the sum
    require_fittable(ModelData.of("logistic", data, TERMS), separation_matters=True)  # no single term does
    with pytest.raises(UnfittableModel, match="did not converge"):
        fit_or_explain(ModelData.of("logistic", data, TERMS), lambda: fit_logistic(data, TERMS), True)


def test_report_mode_writes_the_table_with_status_and_reason():
    data = frame(n=6, cases=0)
    model = ModelData.of("cox", data, TERMS)
    table = fitted_or_reported(
        model, lambda: fit_cox(data, TERMS), "report", lambda exc: unfitted_coefficients(model, TERMS, exc)
    )
    assert list(table.columns) == COEF_COLUMNS
    assert (table["status"] == "not fitted").all() and table["ratio"].isna().all()
    assert table["reason"].iloc[0] == "6 analysed, 0 events, 6 non-events, 2 terms (km, rotation), EPV 0.0: " + (
        "a model needs cases and controls"
    )
    with pytest.raises(UnfittableModel):
        fitted_or_reported(model, lambda: fit_cox(data, TERMS), "stop", lambda exc: None)
    fitted = fitted_or_reported(
        model := ModelData.of("cox", frame(), TERMS), lambda: fit_cox(frame(), TERMS), "stop", None
    )
    assert (fitted["status"] == "fitted").all() and model.events == 8


def test_a_stop_says_which_setting_makes_it_a_report():
    data = ModelData.of("logistic", frame(n=8, cases=0), TERMS)
    with pytest.raises(UnfittableModel) as stopped:
        fitted_or_reported(data, lambda: None, "stop", lambda exc: None)
    assert str(stopped.value).endswith(REPORT_INSTEAD) and "models.on_unfittable: report" in REPORT_INSTEAD
    assert (
        fitted_or_reported(data, lambda: None, "report", lambda exc: exc.reason) == "a model needs cases and controls"
    )
