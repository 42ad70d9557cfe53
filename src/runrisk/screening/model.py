"""The screening model file: what one runner's page needs from a study, and its risk arithmetic.

A study writes results/models/screening_model.json: the Firth model's coefficients and covariance, each
term's scaling (cohort mean and SD for per-SD terms) and cohort distribution (percentiles 0-100), the
calibration, n and events, the study's settings for trials, wearables and exposure (so one runner is
processed as the cohort was), the config hash and the code commit. The file carries the SHA-256 of its
own content; a file that fails the schema, is of another schema version or whose content does not
match its hash is refused.

Risk for one runner: linear predictor lp = b0 + sum b_j x_j with x_j scaled as in the study;
calibrated risk = expit(a + s lp), s the bootstrap-optimism-corrected calibration slope (uniform
shrinkage, Steyerberg 2019 ch. 13) and a re-estimated so that the cohort's mean risk equals its event
rate; 95 % interval by the delta method on lp (Var lp = x' V x, V the Firth covariance), mapped the same
way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd

from runrisk.errors import StudyError
from runrisk.stats.terms import Term, design_matrix, outcome

SCHEMA_VERSION = "runrisk.screening_model/1"
PERCENTILES = np.arange(101)
Z95 = 1.959963984540054

SCHEMA = {
    "type": "object",
    "required": [
        "schema",
        "study",
        "outcome",
        "intercept",
        "terms",
        "covariance",
        "calibration",
        "settings",
        "content_sha256",
    ],
    "properties": {
        "schema": {"const": SCHEMA_VERSION},
        "status": {"const": "fitted"},
        "study": {
            "type": "object",
            "required": ["name", "synthetic", "config_sha256", "code_commit", "code_dirty", "primary_limb"],
            "properties": {
                "name": {"type": "string"},
                "synthetic": {"type": "boolean"},
                "config_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "code_commit": {"type": "string"},
                "code_dirty": {"type": ["boolean", "null"]},
                "primary_limb": {"enum": ["R", "L"]},
            },
        },
        "outcome": {
            "type": "object",
            "required": ["n", "events", "average_risk", "definition"],
            "properties": {
                "n": {"type": "integer", "minimum": 1},
                "events": {"type": "integer", "minimum": 0},
                "average_risk": {"type": "number", "minimum": 0, "maximum": 1},
                "definition": {"type": "string"},
            },
        },
        "intercept": {"type": "number"},
        "terms": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": [
                    "column",
                    "label",
                    "scale",
                    "sign",
                    "centre",
                    "divisor",
                    "coefficient",
                    "ratio",
                    "ci_low",
                    "ci_high",
                    "percentiles",
                ],
                "properties": {
                    "column": {"type": "string"},
                    "label": {"type": "string"},
                    "scale": {"oneOf": [{"type": "number"}, {"const": "sd"}]},
                    "sign": {"enum": [1, -1]},
                    "centre": {"type": "number"},
                    "divisor": {"type": "number", "exclusiveMinimum": 0},
                    "coefficient": {"type": "number"},
                    "ratio": {"type": "number"},
                    "ci_low": {"type": "number"},
                    "ci_high": {"type": "number"},
                    "percentiles": {"type": "array", "items": {"type": "number"}, "minItems": 101, "maxItems": 101},
                },
            },
        },
        "covariance": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        "calibration": {
            "type": "object",
            "required": ["slope", "intercept", "method"],
            "properties": {"slope": {"type": "number"}, "intercept": {"type": "number"}, "method": {"type": "string"}},
        },
        "settings": {
            "type": "object",
            "required": ["biomechanics", "wearables", "exposure", "timezone"],
        },
        "content_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}


class ScreeningModelError(StudyError):
    """A screening model file that cannot be used; the message names the file and why."""


def content_hash(document: Mapping) -> str:
    body = {k: v for k, v in document.items() if k != "content_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def calibration_intercept(linear_predictor: np.ndarray, slope: float, event_rate: float) -> float:
    """a with mean(expit(a + slope lp)) = event_rate: the shrunken model keeps the cohort's risk."""
    from scipy.optimize import brentq  # here: a page that only loads a model needs no scipy.optimize
    from scipy.special import expit

    def gap(a: float) -> float:
        return float(np.mean(expit(a + slope * linear_predictor)) - event_rate)

    return float(brentq(gap, -50.0, 50.0))


def build(
    analysis: pd.DataFrame,
    terms: list[Term],
    firth: pd.DataFrame,
    calibration_slope: float,
    study: dict,
    settings: dict,
    definition: str,
) -> dict:
    """The screening model document (with its content hash) from the analysis frame the Firth table was
    fitted on; calibration_slope: the validation's optimism-corrected slope (1 when not validated)."""
    x, _ = design_matrix(analysis, terms)
    y = outcome(analysis).to_numpy()
    X = np.column_stack([np.ones(len(x)), x.to_numpy()])
    from runrisk.stats.firth import firth_fit  # here: loading a model file (the pages) needs no scipy.stats

    fit = firth_fit(X, y)
    lp = X @ fit.beta
    event_rate = float(y.mean())
    table = firth.set_index("term")
    term_entries = []
    for j, term in enumerate(terms, start=1):
        values = analysis[term.column].astype(float)
        centre, divisor = (
            (float(values.mean()), float(values.std(ddof=1))) if term.scale == "sd" else (0.0, float(term.scale))
        )
        row = table.loc[term.column]
        term_entries.append(
            {
                "column": term.column,
                "label": term.label,
                "scale": term.scale,
                "sign": term.sign,
                "centre": centre,
                "divisor": divisor,
                "coefficient": float(fit.beta[j]),
                "ratio": float(row["ratio"]),
                "ci_low": float(row["ci_low"]),
                "ci_high": float(row["ci_high"]),
                "percentiles": [float(v) for v in np.percentile(values, PERCENTILES)],
            }
        )
    document = {
        "schema": SCHEMA_VERSION,
        "status": "fitted",
        "study": study,
        "outcome": {"n": len(y), "events": int(y.sum()), "average_risk": event_rate, "definition": definition},
        "intercept": float(fit.beta[0]),
        "terms": term_entries,
        "covariance": fit.cov.tolist(),
        "calibration": {
            "slope": float(calibration_slope),
            "intercept": calibration_intercept(lp, calibration_slope, event_rate),
            "method": "uniform shrinkage by the bootstrap optimism-corrected calibration slope, intercept "
            "re-estimated so that the cohort's mean predicted risk equals its event rate",
        },
        "settings": settings,
    }
    return {**document, "content_sha256": content_hash(document)}


def not_fitted(study: dict, reason: str) -> dict:
    """The model file of a study whose Firth model could not be fitted: it says why, and screening with it
    is refused with that reason."""
    document = {"schema": SCHEMA_VERSION, "status": "not fitted", "reason": reason, "study": study}
    return {**document, "content_sha256": content_hash(document)}


def load(path: str | Path) -> dict:
    """A screening model file, checked: JSON, this schema version, the schema, its own hash."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScreeningModelError(f"{path}: no such screening model file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScreeningModelError(f"{path}: not a JSON screening model file ({exc})") from None
    if not isinstance(document, dict):
        raise ScreeningModelError(f"{path}: not a screening model file (a JSON object is expected)")
    if document.get("schema") != SCHEMA_VERSION:
        raise ScreeningModelError(
            f"{path}: screening model schema {document.get('schema')!r}; this runrisk reads {SCHEMA_VERSION!r} "
            "(rebuild the model with this version's workflow)"
        )
    if document.get("status", "fitted") != "fitted":
        raise ScreeningModelError(f"{path}: the study's model could not be fitted: {document.get('reason', '')}")
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document), key=lambda e: list(e.path))
    if errors:
        where = ".".join(map(str, errors[0].absolute_path)) or "(top level)"
        raise ScreeningModelError(f"{path}: does not match the screening model schema at {where}: {errors[0].message}")
    if content_hash(document) != document["content_sha256"]:
        raise ScreeningModelError(
            f"{path}: its content does not match its content_sha256: the file was changed after the study wrote it"
        )
    n_coefficients = len(document["terms"]) + 1
    covariance = np.asarray(document["covariance"], float)
    if covariance.shape != (n_coefficients, n_coefficients):
        raise ScreeningModelError(
            f"{path}: covariance is {covariance.shape}, expected {n_coefficients} x {n_coefficients}"
        )
    return document


@dataclass(frozen=True)
class Risk:
    risk: float
    low: float
    high: float
    linear_predictor: float
    standard_error: float


def scaled(document: dict, values: Mapping[str, float]) -> np.ndarray:
    """The design row (1, x_1, ..., x_k) of one runner, scaled as in the study."""
    row = [1.0]
    for term in document["terms"]:
        row.append(term["sign"] * (float(values[term["column"]]) - term["centre"]) / term["divisor"])
    return np.asarray(row)


def predict(document: dict, values: Mapping[str, float]) -> Risk:
    """Calibrated one-year risk with its 95 % interval for one runner's term values."""
    from scipy.special import expit  # here: a squad page without gait trials predicts nothing

    row = scaled(document, values)
    beta = np.array([document["intercept"], *(t["coefficient"] for t in document["terms"])])
    covariance = np.asarray(document["covariance"], float)
    lp = float(row @ beta)
    se = float(np.sqrt(row @ covariance @ row))
    a, s = document["calibration"]["intercept"], document["calibration"]["slope"]
    return Risk(
        risk=float(expit(a + s * lp)),
        low=float(expit(a + s * (lp - Z95 * se))),
        high=float(expit(a + s * (lp + Z95 * se))),
        linear_predictor=lp,
        standard_error=se,
    )


def percentile(term: dict, value: float) -> float:
    """Where a value falls in the cohort's distribution of the term (0-100)."""
    points = np.asarray(term["percentiles"], float)
    if value <= points[0]:
        return 0.0
    if value >= points[-1]:
        return 100.0
    # ties (a binary term) take the middle of the percentiles they span
    low = np.searchsorted(points, value, side="left")
    high = np.searchsorted(points, value, side="right")
    if high > low:
        return float((PERCENTILES[low] + PERCENTILES[high - 1]) / 2)
    return float(np.interp(value, points, PERCENTILES))
