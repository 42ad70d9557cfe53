"""Latent truth of the synthetic cohort and its questionnaire, diagnosis and participant CSVs.

Every participant draws from its own generator seeded by (seed, participant index, stream),
so any shard can regenerate any participant without knowing job order.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.io.surveillance import DIAGNOSIS_COLUMNS, REPORT_COLUMNS

PEAK_NAMES = (
    "ankle_inversion_angle_peak",
    "ankle_eversion_angle_peak",
    "ankle_external_rotation_peak",
    "ankle_inversion_moment_peak",
    "knee_flexion_angle_peak",
    "knee_flexion_moment_peak",
    "hip_adduction_angle_peak",
)
# Streams keep draws for one purpose independent of draws for another.
STREAM_PERSON, STREAM_WEEKS, STREAM_OUTCOME, STREAM_REPORTS, STREAM_TRIALS, STREAM_FITBIT = range(6)
OSTRC_Q1 = (0, 8, 17, 25)
OSTRC_Q2_Q3 = (0, 6, 13, 19, 25)
OSTRC_Q4 = (0, 8, 17, 25)
RELEVANT_REGIONS = ("achilles", "foot", "ankle", "lower_leg")
OTHER_REGIONS = ("knee", "hip", "lower_back", "thigh")
OTHER_DIAGNOSES = ("M72.2", "S93.4", "M22.4", "M70.6")
# model term (analysis column) -> key of the simulator's true_odds_ratios
TRUE_EFFECT_OF_TERM = {
    "mean_weekly_km": "weekly_km_per_12_5",
    "ankle_external_rotation_peak": "ankle_external_rotation_lower_per_sd",
    "ankle_inversion_moment_peak": "ankle_inversion_moment_per_sd",
    "strike_index_pct": "strike_index_per_sd",
    "age": "age_per_10_years",
    "female": "female",
}


def participant_rng(seed: int, index: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(index), int(stream)])


def raw_participant_id(index: int) -> str:
    return f"4H{index + 1:05d}"


@dataclass(frozen=True)
class StrikePattern:
    name: str
    low: float
    high: float


STRIKE_PATTERNS = (
    StrikePattern("rearfoot", 3.0, 32.0),
    StrikePattern("midfoot", 34.0, 65.0),
    StrikePattern("forefoot", 67.0, 85.0),
)


def draw_strike_index(rng: np.random.Generator, fractions: dict) -> float:
    probs = np.array([fractions[p.name] for p in STRIKE_PATTERNS], float)
    pattern = STRIKE_PATTERNS[rng.choice(len(STRIKE_PATTERNS), p=probs / probs.sum())]
    return float(rng.uniform(pattern.low, pattern.high))


def strike_index_moments(fractions: dict) -> tuple[float, float]:
    """Mean and SD of the strike-index mixture, so the true model is per population SD."""
    probs = np.array([fractions[p.name] for p in STRIKE_PATTERNS], float)
    probs = probs / probs.sum()
    means = np.array([(p.low + p.high) / 2 for p in STRIKE_PATTERNS])
    variances = np.array([(p.high - p.low) ** 2 / 12 for p in STRIKE_PATTERNS])
    mean = float(probs @ means)
    second = float(probs @ (variances + means**2))
    return mean, float(np.sqrt(second - mean**2))


def draw_person(cfg: dict, index: int) -> dict:
    rng = participant_rng(cfg["seed"], index, STREAM_PERSON)
    female = rng.random() < cfg["female_fraction"]
    runner = rng.random() < cfg["runner_fraction"]
    age = float(np.clip(rng.normal(cfg["age_mean"], cfg["age_sd"]), cfg["age_min"], cfg["age_max"]))
    height_cm = rng.normal(166.0, 6.5) if female else rng.normal(179.0, 7.0)
    bmi = rng.normal(23.5 if runner else 25.5, 2.8)
    start = dt.date.fromisoformat(str(cfg["enrolment_start"]))
    enrolment = start + dt.timedelta(days=int(rng.integers(0, cfg["enrolment_span_days"])))
    person = {
        "index": index,
        "raw_id": raw_participant_id(index),
        "female": bool(female),
        "runner": bool(runner),
        "age": round(age, 1),
        "height_cm": round(float(height_cm), 1),
        "body_mass_kg": round(float(bmi * (height_cm / 100) ** 2), 1),
        "prior_achilles": bool(rng.random() < cfg["prior_achilles_fraction"]),
        "enrolment_date": enrolment,
        "strike_index": draw_strike_index(rng, cfg["strike_pattern_fractions"]),
        "uses_miles": bool(rng.random() < cfg["mile_unit_fraction"]),
        "has_wearable": bool(rng.random() >= cfg["no_wearable_fraction"]),
    }
    for name in PEAK_NAMES:
        pop = cfg["biomechanics"][name]
        person[name] = float(rng.normal(pop["mean"], pop["sd"]))
    person["contact_time_s"] = float(rng.uniform(0.22, 0.29))
    person["has_trials"] = bool(rng.random() >= cfg["missing_biomechanics_fraction"])
    return person


def draw_weeks(cfg: dict, person: dict) -> dict[str, np.ndarray]:
    """Baseline week 0 and follow-up weeks 1..W: whether the device was worn and km run."""
    rng = participant_rng(cfg["seed"], person["index"], STREAM_WEEKS)
    weeks = np.arange(0, cfg["follow_up_weeks"] + 1)
    wear_p = rng.beta(cfg["wear"]["beta_a"], cfg["wear"]["beta_b"])
    worn = rng.random(len(weeks)) < wear_p
    if rng.random() < cfg["wear"]["dropout_fraction"]:
        worn[int(rng.integers(8, len(weeks))) :] = False
    if not person["has_wearable"]:
        worn[:] = False
    volume = cfg["weekly_km"]
    if person["runner"]:
        typical = volume["runner_median"] * np.exp(rng.normal(0, volume["runner_sd_log"]))
    else:
        typical = volume["non_runner_km"] if rng.random() < volume["non_runner_run_fraction"] else 0.0
    shape = 1 / volume["week_cv"] ** 2
    km = typical * rng.gamma(shape, 1 / shape, len(weeks)) if typical > 0 else np.zeros(len(weeks))
    km = np.where(rng.random(len(weeks)) < volume["rest_week_fraction"], 0.0, km)
    km = np.round(np.where(worn, km, 0.0), 3)
    return {"week": weeks, "worn": worn, "km": km}


def mean_worn_km(weeks: dict) -> float:
    follow = (weeks["week"] >= 1) & weeks["worn"]
    return float(weeks["km"][follow].mean()) if follow.any() else 0.0


def true_linear_predictor(cfg: dict, person: dict, exposure_km: float) -> float:
    ors = cfg["true_odds_ratios"]
    pop = cfg["biomechanics"]
    si_mean, si_sd = strike_index_moments(cfg["strike_pattern_fractions"])

    def z(name):
        return (person[name] - pop[name]["mean"]) / pop[name]["sd"]

    return (
        cfg["baseline_log_odds"]
        + np.log(ors["weekly_km_per_12_5"]) * exposure_km / 12.5
        + np.log(ors["ankle_external_rotation_lower_per_sd"]) * -z("ankle_external_rotation_peak")
        + np.log(ors["ankle_inversion_moment_per_sd"]) * z("ankle_inversion_moment_peak")
        + np.log(ors["strike_index_per_sd"]) * (person["strike_index"] - si_mean) / si_sd
        + np.log(ors["age_per_10_years"]) * (person["age"] - cfg["age_mean"]) / 10
        + np.log(ors["female"]) * person["female"]
    )


def draw_outcome(cfg: dict, person: dict, weeks: dict) -> dict:
    rng = participant_rng(cfg["seed"], person["index"], STREAM_OUTCOME)
    exposure = mean_worn_km(weeks)
    eta = true_linear_predictor(cfg, person, exposure)
    case = bool(rng.random() < 1 / (1 + np.exp(-eta)))
    return {
        "true_exposure_km": exposure,
        "true_linear_predictor": float(eta),
        "true_case": case,
        "event_week": int(rng.integers(1, cfg["follow_up_weeks"] + 1)) if case else -1,
        "complainer": bool(not case and rng.random() < cfg["complaint_fraction"]),
        "other_diagnosis": bool(rng.random() < cfg["other_diagnosis_fraction"]),
    }


def simulate_truth(cfg: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Participant-level truth and the week-level wear/km truth for the whole cohort."""
    people, weeks_of = [], []
    for index in range(cfg["n_participants"]):
        person = draw_person(cfg, index)
        weeks = draw_weeks(cfg, person)
        person.update(draw_outcome(cfg, person, weeks))
        people.append(person)
        weeks_of.append(weeks)
    truth = pd.DataFrame(people)
    weekly = pd.DataFrame(
        {
            "raw_id": np.repeat(truth["raw_id"].to_numpy(), [len(w["week"]) for w in weeks_of]),
            **{key: np.concatenate([w[key] for w in weeks_of]) for key in ("week", "worn", "km")},
        }
    )
    return truth, weekly


def participants_csv(truth: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": truth["raw_id"],
            "age": truth["age"],
            "sex": np.where(truth["female"], "F", "M"),
            "height_cm": truth["height_cm"],
            "body_mass_kg": truth["body_mass_kg"],
            "runner": np.where(truth["runner"], "yes", "no"),
            "prior_achilles_problems": np.where(truth["prior_achilles"], "yes", "no"),
            "enrolment_date": [d.isoformat() for d in truth["enrolment_date"]],
        }
    )


def _answers(rng: np.random.Generator, severe: bool) -> tuple[int, int, int, int]:
    if not severe:
        return 0, 0, 0, 0
    return (
        int(rng.choice(OSTRC_Q1[1:])),
        int(rng.choice(OSTRC_Q2_Q3[1:])),
        int(rng.choice(OSTRC_Q2_Q3)),
        int(rng.choice(OSTRC_Q4[1:])),
    )


def weekly_reports_rows(cfg: dict, person: pd.Series) -> list[dict]:
    """OSTRC-O2 answers per follow-up week: an episode for complainers, symptoms before a case."""
    rng = participant_rng(cfg["seed"], int(person["index"]), STREAM_REPORTS)
    n_weeks = cfg["follow_up_weeks"]
    symptomatic: dict[int, str] = {}
    if person["complainer"]:
        start = int(rng.integers(1, n_weeks + 1))
        region = str(rng.choice(RELEVANT_REGIONS))
        for w in range(start, min(n_weeks, start + int(rng.integers(1, 5))) + 1):
            symptomatic[w] = region
    if person["true_case"]:
        for w in range(max(1, person["event_week"] - int(rng.integers(0, 4))), person["event_week"] + 1):
            symptomatic[w] = "achilles"
    if rng.random() < cfg["other_complaint_fraction"]:
        w = int(rng.integers(1, n_weeks + 1))
        symptomatic.setdefault(w, str(rng.choice(OTHER_REGIONS)))
    rows = []
    for week in range(1, n_weeks + 1):
        if week not in symptomatic and rng.random() > cfg["report_response_rate"]:
            continue
        q1, q2, q3, q4 = _answers(rng, week in symptomatic)
        date = person["enrolment_date"] + dt.timedelta(days=7 * (week - 1) + int(rng.integers(0, 7)))
        rows.append(
            {
                "participant_id": person["raw_id"],
                "report_date": date.isoformat(),
                "q1_participation": q1,
                "q2_training_volume": q2,
                "q3_performance": q3,
                "q4_symptoms": q4,
                "body_region": symptomatic.get(week, ""),
            }
        )
    return rows


def diagnoses_rows(cfg: dict, person: pd.Series) -> list[dict]:
    rng = participant_rng(cfg["seed"], int(person["index"]), STREAM_REPORTS + 100)
    rows = []
    if person["true_case"]:
        day = 7 * (person["event_week"] - 1) + int(rng.integers(0, 7))
        rows.append(
            {
                "participant_id": person["raw_id"],
                "diagnosis_date": (person["enrolment_date"] + dt.timedelta(days=day)).isoformat(),
                "side": str(rng.choice(["right", "left", "bilateral"], p=[0.5, 0.35, 0.15])),
                "icd10": "M76.6",
                "description": "Achilles tendinopathy",
            }
        )
    if person["other_diagnosis"]:
        day = int(rng.integers(0, 7 * cfg["follow_up_weeks"]))
        rows.append(
            {
                "participant_id": person["raw_id"],
                "diagnosis_date": (person["enrolment_date"] + dt.timedelta(days=day)).isoformat(),
                "side": str(rng.choice(["right", "left"])),
                "icd10": str(rng.choice(OTHER_DIAGNOSES)),
                "description": "other musculoskeletal diagnosis",
            }
        )
    return rows


# the readers' column contracts, and a free-text description as clinics' exports carry
DIAGNOSIS_CSV_COLUMNS = [*DIAGNOSIS_COLUMNS, "description"]


def write_surveillance_csvs(cfg: dict, truth: pd.DataFrame, reports_csv: str | Path, diagnoses_csv: str | Path) -> None:
    """The weekly reports and diagnoses CSVs, written participant by participant: a cohort of 9,110 has
    some 400,000 weekly reports, which need never be in memory at once."""
    with (
        open(reports_csv, "w", newline="", encoding="utf-8") as reports_file,
        open(diagnoses_csv, "w", newline="", encoding="utf-8") as diagnoses_file,
    ):
        reports, diagnoses = (
            csv.writer(reports_file, lineterminator="\n"),
            csv.writer(diagnoses_file, lineterminator="\n"),
        )
        reports.writerow(REPORT_COLUMNS)
        diagnoses.writerow(DIAGNOSIS_CSV_COLUMNS)
        for _, person in truth.iterrows():
            reports.writerows([row[c] for c in REPORT_COLUMNS] for row in weekly_reports_rows(cfg, person))
            diagnoses.writerows([row[c] for c in DIAGNOSIS_CSV_COLUMNS] for row in diagnoses_rows(cfg, person))
