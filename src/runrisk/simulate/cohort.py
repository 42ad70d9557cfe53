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

from runrisk.biomech.stances import PEAK_NAMES
from runrisk.io.surveillance import DIAGNOSIS_COLUMNS, REPORT_COLUMNS
from runrisk.simulate.settings import Simulation

# Streams keep draws for one purpose independent of draws for another.
STREAM_PERSON, STREAM_WEEKS, STREAM_OUTCOME, STREAM_REPORTS, STREAM_TRIALS, STREAM_FITBIT, STREAM_MRI = range(7)
STREAM_TENDON_LOAD = 7  # its own stream: a world whose runners' tendons differ moves no other draw
OSTRC_Q1 = (0, 8, 17, 25)
OSTRC_Q2_Q3 = (0, 6, 13, 19, 25)
OSTRC_Q4 = (0, 8, 17, 25)
OTHER_REGIONS = ("knee", "hip", "lower_back", "thigh")


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


def draw_person(cfg: Simulation, index: int) -> dict:
    rng = participant_rng(cfg.seed, index, STREAM_PERSON)
    female = rng.random() < cfg.female_fraction
    runner = rng.random() < cfg.runner_fraction
    age = float(np.clip(rng.normal(cfg.age_mean, cfg.age_sd), cfg.age_min, cfg.age_max))
    height_cm = rng.normal(166.0, 6.5) if female else rng.normal(179.0, 7.0)
    bmi = rng.normal(23.5 if runner else 25.5, 2.8)
    start = dt.date.fromisoformat(str(cfg.enrolment_start))
    enrolment = start + dt.timedelta(days=int(rng.integers(0, cfg.enrolment_span_days)))
    person = {
        "index": index,
        "raw_id": raw_participant_id(index),
        "female": bool(female),
        "runner": bool(runner),
        "age": round(age, 1),
        "height_cm": round(float(height_cm), 1),
        "body_mass_kg": round(float(bmi * (height_cm / 100) ** 2), 1),
        "prior_achilles": bool(rng.random() < cfg.prior_achilles_fraction),
        "enrolment_date": enrolment,
        "strike_index": draw_strike_index(rng, cfg.strike_pattern_fractions),
        "uses_miles": bool(rng.random() < cfg.mile_unit_fraction),
        "has_wearable": bool(rng.random() >= cfg.no_wearable_fraction),
    }
    for name in PEAK_NAMES:
        pop = cfg.biomechanics[name]
        person[name] = float(rng.normal(pop["mean"], pop["sd"]))
    person["contact_time_s"] = float(rng.uniform(0.22, 0.29))
    person["has_trials"] = bool(rng.random() >= cfg.missing_biomechanics_fraction)
    person["lab"] = lab_of(rng.random(), cfg)
    return person


def lab_of(draw: float, cfg: Simulation) -> str:
    """gait_lab_b (Visual3D), gait_lab_c (markers only: the study computes the gait model) or gait_lab_a,
    from one uniform draw, so that adding a lab moves no other random number."""
    if draw < cfg.second_lab_fraction:
        return "gait_lab_b"
    if draw < cfg.second_lab_fraction + cfg.marker_lab_fraction:
        return "gait_lab_c"
    return "gait_lab_a"


@dataclass(frozen=True)
class PersonDraws:
    """One participant's random numbers for the weekly process: a generator per participant and stream,
    so any shard can regenerate any participant, drawn once as arrays the week loop indexes."""

    wear_p: float
    dropout_week: int  # first week no longer worn (beyond follow-up: never drops out)
    typical_km: float
    start_week: int  # first week of running (late starters begin mid-year)
    holiday: np.ndarray  # bool per week: away, no running, device not worn
    km_noise: np.ndarray
    rest: np.ndarray
    wear_u: np.ndarray
    onset_u: np.ndarray
    diagnosed: bool  # an onset reaches a physician
    delay_weeks: int


def draw_person_weeks(cfg: Simulation, person: dict) -> PersonDraws:
    rng = participant_rng(cfg.seed, person["index"], STREAM_WEEKS)
    n = cfg.follow_up_weeks + 1 + HISTORY_WEEKS
    wear, volume, behaviour, onset = cfg.wear, cfg.weekly_km, cfg.behaviour, cfg.onset
    wear_p = rng.beta(wear.beta_a, wear.beta_b)
    dropout = int(rng.integers(8, n)) if rng.random() < wear.dropout_fraction else n
    if person["runner"]:
        typical = volume.runner_median * np.exp(rng.normal(0, volume.runner_sd_log))
    else:
        typical = volume.non_runner_km if rng.random() < volume.non_runner_run_fraction else 0.0
    late = rng.random() < behaviour.late_start_fraction
    start = int(rng.integers(HISTORY_WEEKS + 4, HISTORY_WEEKS + 30)) if late else 0
    holiday = np.zeros(n, bool)
    for _ in range(rng.poisson(behaviour.holidays_per_year)):
        first = int(rng.integers(0, n))
        holiday[first : first + int(rng.integers(1, behaviour.holiday_weeks_max + 1))] = True
    shape = 1 / volume.week_cv**2
    return PersonDraws(
        wear_p=float(wear_p),
        dropout_week=dropout,
        typical_km=float(typical),
        start_week=start,
        holiday=holiday,
        km_noise=rng.gamma(shape, 1 / shape, n),
        rest=rng.random(n) < volume.rest_week_fraction,
        wear_u=rng.random(n),
        onset_u=rng.random(n),
        diagnosed=bool(rng.random() < onset.diagnosis_fraction),
        delay_weeks=int(rng.poisson(onset.delay_weeks_mean)),
    )


HISTORY_WEEKS = 4  # weeks before the baseline week, so week 1's change has four weeks behind it


def person_log_hazard(cfg: Simulation, people: pd.DataFrame) -> np.ndarray:
    """The biomechanical and demographic part of each participant's weekly log hazard (true peaks)."""
    ors = cfg.true_odds_ratios
    pop = cfg.biomechanics
    si_mean, si_sd = strike_index_moments(cfg.strike_pattern_fractions)

    def z(name):
        return (people[name].to_numpy(float) - pop[name]["mean"]) / pop[name]["sd"]

    return (
        np.log(ors["ankle_external_rotation_lower_per_sd"]) * -z("ankle_external_rotation_peak")
        + np.log(ors["ankle_inversion_moment_per_sd"]) * z("ankle_inversion_moment_peak")
        + np.log(ors["strike_index_per_sd"]) * (people["strike_index"].to_numpy(float) - si_mean) / si_sd
        + np.log(ors["age_per_10_years"]) * (people["age"].to_numpy(float) - cfg.age_mean) / 10
        + np.log(ors["female"]) * people["female"].to_numpy(float)
        + tendon_log_hazard(cfg, people)
    )


def tendon_log_hazard(cfg: Simulation, people: pd.DataFrame) -> np.ndarray:
    """The true T2*'s part of the log hazard: none unless simulate.mri.onset_hr_per_sd_t2star is set."""
    ratio = cfg.mri.onset_hr_per_sd_t2star
    if ratio is None or "true_t2star_ms" not in people:
        return np.zeros(len(people))
    return np.log(ratio) * (people["true_t2star_ms"].to_numpy(float) - cfg.mri.t2star_ms) / cfg.mri.t2star_sd_ms


def draw_tendons(cfg: Simulation, people: pd.DataFrame, draws: list[PersonDraws]) -> dict[str, np.ndarray]:
    """Each participant's baseline tendon: scanned or not, true T2* and thickness, from its own stream and
    its typical weekly km before enrolment (regular running shapes the tendon; nothing after baseline)."""
    mri, rows = cfg.mri, []
    for index, draw in zip(people["index"], draws, strict=True):
        rng = participant_rng(cfg.seed, int(index), STREAM_MRI)
        scanned, noise = rng.random() < mri.fraction, rng.normal(size=2)
        km = (draw.typical_km - cfg.weekly_km.runner_median) / 12.5
        t2star = mri.t2star_ms + mri.t2star_per_12_5_km * km + mri.t2star_sd_ms * noise[0]
        thickness = mri.thickness_mm + mri.thickness_per_12_5_km * km + mri.thickness_sd_mm * noise[1]
        rows.append((bool(scanned), max(t2star, 3.0), max(thickness, 2.5)))
    scanned, t2star, thickness = (np.array(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    return {"has_mri": scanned, "true_t2star_ms": t2star, "true_thickness_mm": thickness}


GRAVITY = 9.81  # as the study (runrisk.biomech.tendon_force) and Plug-in Gait take it
# The synthetic lab's geometry as the study measures it: the sagittal moment is a half sine over the stance
# (mean 2/pi of its peak), the two force plates put the stances 1.2 m apart, and the study divides the moment by
# the Achilles tendon moment arm (runrisk.biomech's default).
SYNTHETIC_STEP_LENGTH_M = 1.2
SYNTHETIC_MOMENT_ARM_M = 0.05


def draw_plantarflexor_moments(cfg: Simulation, people: pd.DataFrame) -> np.ndarray:
    """Each runner's peak plantarflexor moment (Nm/kg), from its own stream (no other draw moves); with sd 0
    everyone has the mean exactly, as the synthetic lab always had."""
    moment = cfg.plantarflexor_moment_peak
    z = np.array([participant_rng(cfg.seed, int(i), STREAM_TENDON_LOAD).normal() for i in people["index"]])
    return (
        np.maximum(moment["mean"] * (1 + moment["sd"] / moment["mean"] * z), 0.5)
        if moment["sd"]
        else (np.full(len(people), float(moment["mean"])))
    )


def true_impulse_per_km_bws(people: pd.DataFrame) -> np.ndarray:
    """The runner's Achilles tendon impulse per km (BW s/km) at the lab: per step the moment's integral over
    the stance (peak x 2/pi x contact time, Nm s/kg) over the moment arm and g, times this foot's steps of a km
    (biomechanics.parquet's at_impulse_per_km_bws as the study measures it)."""
    per_step = (
        people["plantarflexor_moment_peak"].to_numpy(float) * 2 / np.pi * people["contact_time_s"].to_numpy(float)
    )
    return per_step / (GRAVITY * SYNTHETIC_MOMENT_ARM_M) * 1000 / SYNTHETIC_STEP_LENGTH_M / 2  # this foot's steps


def change_ratio(km: np.ndarray, prior_km: np.ndarray) -> np.ndarray:
    """km over the mean of the four weeks before, capped at 3 (as the analysis caps it)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(prior_km > 0, km / prior_km, np.where(km > 0, 3.0, 1.0))
    return np.minimum(ratio, 3.0)


def simulate_weeks(cfg: Simulation, people: pd.DataFrame, draws: list[PersonDraws]) -> dict[str, np.ndarray]:
    """The weekly process of every participant at once (people x weeks, history weeks first).

    Week w's hazard of symptom onset is 1 - exp(-exp(eta)), eta = baseline + log HR(km) * km(w - lag) / 12.5
    + log HR(ratio) * (ratio(w - lag) - 1) / 0.5 + the person's biomechanical and demographic part, where
    km is what the runner ran (worn or not) and ratio is km over the mean of the four weeks before. From the
    onset week on, running drops to behaviour.km_after_onset of usual and recovers linearly over
    behaviour.recovery_weeks, and the device is worn less (behaviour.wear_after_onset).
    """
    hazard_cfg, behaviour = cfg.hazard, cfg.behaviour
    n_people, n_weeks = len(draws), cfg.follow_up_weeks + 1 + HISTORY_WEEKS
    stack = {
        name: np.array([getattr(d, name) for d in draws])
        for name in ("holiday", "km_noise", "rest", "wear_u", "onset_u")
    }
    typical = np.array([d.typical_km for d in draws])
    start = np.array([d.start_week for d in draws])
    wear_p = np.array([d.wear_p for d in draws])
    dropout = np.array([d.dropout_week for d in draws])
    has_wearable = people["has_wearable"].to_numpy(bool)
    person_eta = hazard_cfg.baseline_weekly_log_hazard + person_log_hazard(cfg, people)
    b_ratio = np.log(hazard_cfg.change_ratio_per_0_5)
    b_km = np.log(hazard_cfg.weekly_km_per_12_5)
    # a tendon-load world: the lagged week's tendon impulse (km x the runner's impulse per km) in km's place
    tendon_world = hazard_cfg.exposure == "tendon_load"
    b_load, impulse_per_km = np.log(hazard_cfg.weekly_tendon_load_per_5000_bws), true_impulse_per_km_bws(people)
    lag = hazard_cfg.lag_weeks
    km = np.zeros((n_people, n_weeks))
    worn = np.zeros((n_people, n_weeks), bool)
    hazard = np.full((n_people, n_weeks), np.nan)
    onset = np.full(n_people, -1)
    for j in range(n_weeks):
        since = np.where(onset >= 0, j - onset, -1)
        recovering = since >= 0
        recovery = np.clip(since / max(behaviour.recovery_weeks, 1), 0, 1)
        factor = np.where(recovering, behaviour.km_after_onset + (1 - behaviour.km_after_onset) * recovery, 1.0)
        running = (j >= start) & ~stack["rest"][:, j] & ~stack["holiday"][:, j]
        km[:, j] = np.where(running, typical * stack["km_noise"][:, j] * factor, 0.0)
        wear_now = wear_p * np.where(recovering, behaviour.wear_after_onset, 1.0)
        worn[:, j] = has_wearable & (stack["wear_u"][:, j] < wear_now) & (j < dropout) & ~stack["holiday"][:, j]
        if j <= HISTORY_WEEKS or j - lag - 4 < 0:
            continue  # the baseline week and before carry no risk; the change needs four weeks behind it
        lagged = km[:, j - lag]
        ratio = change_ratio(lagged, km[:, j - lag - 4 : j - lag].mean(axis=1))
        load = b_load * lagged * impulse_per_km / 5000 if tendon_world else b_km * lagged / 12.5
        eta = person_eta + load + b_ratio * (ratio - 1) / 0.5
        at_risk = onset < 0
        hazard[:, j] = np.where(at_risk, -np.expm1(-np.exp(eta)), np.nan)
        onset = np.where(at_risk & (stack["onset_u"][:, j] < hazard[:, j]), j, onset)
    keep = slice(HISTORY_WEEKS, None)
    return {
        "km": np.round(km[:, keep], 3),
        "worn": worn[:, keep],
        "hazard": hazard[:, keep],
        "onset_week": np.where(onset >= 0, onset - HISTORY_WEEKS, -1),
    }


def pre_onset_mean_km(weeks: dict[str, np.ndarray], window_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean km over worn follow-up weeks 1..window_end, and how many there were (the analysis' exposure)."""
    week = np.arange(weeks["km"].shape[1])
    inside = weeks["worn"] & (week >= 1) & (week <= window_end[:, None])
    count = inside.sum(axis=1)
    with np.errstate(invalid="ignore"):
        return np.where(count > 0, (weeks["km"] * inside).sum(axis=1) / count, np.nan), count


def simulate_people(cfg: Simulation, indices: range) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Participant-level truth and the people x weeks arrays (weeks 0..W) for participants `indices`."""
    people = pd.DataFrame([draw_person(cfg, index) for index in indices])
    draws = [draw_person_weeks(cfg, person) for person in people.to_dict("records")]
    people = people.assign(**draw_tendons(cfg, people, draws))
    people = people.assign(plantarflexor_moment_peak=draw_plantarflexor_moments(cfg, people))
    people = people.assign(true_at_impulse_per_km_bws=true_impulse_per_km_bws(people))
    weeks = simulate_weeks(cfg, people, draws)
    follow = cfg.follow_up_weeks
    onset = weeks["onset_week"]
    diagnosed = np.array([d.diagnosed for d in draws]) & (onset >= 0)
    diagnosis = np.where(diagnosed, onset + np.array([d.delay_weeks for d in draws]), -1)
    true_case = (diagnosis >= 1) & (diagnosis <= follow)
    rng = [participant_rng(cfg.seed, i, STREAM_OUTCOME) for i in indices]
    complaint_u = np.array([[g.random(), g.random(), g.random()] for g in rng]).reshape(len(people), 3)
    window_end = np.where(onset >= 1, onset - 1, follow)
    weeks["km"] = np.where(weeks["worn"], weeks["km"], 0.0)
    exposure, weeks_inside = pre_onset_mean_km(weeks, window_end)
    whole, whole_weeks = pre_onset_mean_km(weeks, np.full(len(people), follow))
    impulse = people["true_at_impulse_per_km_bws"].to_numpy(float)
    people = people.assign(
        true_exposure_at_load_bws=exposure * impulse,
        true_exposure_at_load_bws_whole_follow_up=whole * impulse,
        true_exposure_km=exposure,
        true_weeks_worn=weeks_inside,
        true_exposure_km_whole_follow_up=whole,
        true_weeks_worn_whole_follow_up=whole_weeks,
        true_log_hazard=cfg.hazard.baseline_weekly_log_hazard + person_log_hazard(cfg, people),
        onset_week=onset,
        diagnosis_week=diagnosis,
        true_case=true_case,
        event_week=np.where(true_case, diagnosis, -1),
        achilles_complainer=(onset >= 1) & ~true_case,
        complainer=~true_case & (onset < 0) & (complaint_u[:, 0] < cfg.complaint_fraction),
        complaint_explained=complaint_u[:, 1] < cfg.explained_complaint_fraction,
        other_diagnosis=complaint_u[:, 2] < cfg.other_diagnosis_fraction,
    )
    return people, weeks


def simulate_truth(cfg: Simulation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Participant-level truth and the week-level truth (worn, recorded km, true hazard) for the cohort."""
    truth, weeks = simulate_people(cfg, range(cfg.n_participants))
    n_weeks = weeks["km"].shape[1]
    weekly = pd.DataFrame(
        {
            "raw_id": np.repeat(truth["raw_id"].to_numpy(), n_weeks),
            "week": np.tile(np.arange(n_weeks), len(truth)),
            "worn": weeks["worn"].ravel(),
            "km": weeks["km"].ravel(),
            "hazard": weeks["hazard"].ravel(),
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
            "lab": truth["lab"],
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


EXPLAINING_CODE = {"foot": "M72.2", "ankle": "S93.4", "lower_leg": "M84.36"}  # a diagnosis of the complaint's region
COMPLAINT_REGIONS = ("foot", "ankle", "lower_leg")  # relevant to the control definition, not the Achilles
OTHER_DIAGNOSES = ("M22.4", "M70.6", "M54.5", "S83.5")  # knee, hip, low back, knee ligament


def episode(rng: np.random.Generator, n_weeks: int) -> tuple[int, int, str]:
    """A foot/ankle/shin complaint episode: first week, last week, region."""
    start = int(rng.integers(1, n_weeks + 1))
    return start, min(n_weeks, start + int(rng.integers(0, 4))), str(rng.choice(COMPLAINT_REGIONS))


def symptomatic_weeks(cfg: Simulation, person: pd.Series, rng: np.random.Generator) -> dict[int, str]:
    """Week -> body region of each week with a complaint: the Achilles from onset until some weeks after
    the diagnosis (or the onset, when no physician saw it), a foot/ankle/shin episode, another region."""
    n_weeks = cfg.follow_up_weeks
    symptomatic: dict[int, str] = {}
    if person["complainer"]:
        first, last, region = episode(rng, n_weeks)
        symptomatic.update(dict.fromkeys(range(first, last + 1), region))
    if rng.random() < cfg.other_complaint_fraction:
        symptomatic.setdefault(int(rng.integers(1, n_weeks + 1)), str(rng.choice(OTHER_REGIONS)))
    if person["onset_week"] >= 1:
        until = max(person["onset_week"], person["diagnosis_week"]) + cfg.onset.symptom_weeks
        symptomatic.update(dict.fromkeys(range(person["onset_week"], min(n_weeks, until) + 1), "achilles"))
    return symptomatic


def weekly_reports_rows(cfg: Simulation, person: pd.Series) -> list[dict]:
    """OSTRC-O2 answers per follow-up week; every week with a complaint is answered."""
    rng = participant_rng(cfg.seed, int(person["index"]), STREAM_REPORTS)
    symptomatic = symptomatic_weeks(cfg, person, rng)
    rows = []
    for week in range(1, cfg.follow_up_weeks + 1):
        if week not in symptomatic and rng.random() > cfg.report_response_rate:
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


def _diagnosis(person: pd.Series, week: int, day: int, side: str, code: str, description: str) -> dict:
    return {
        "participant_id": person["raw_id"],
        "diagnosis_date": (person["enrolment_date"] + dt.timedelta(days=7 * (week - 1) + day)).isoformat(),
        "side": side,
        "icd10": code,
        "description": description,
    }


def _one_sided_diagnosis(person: pd.Series, rng: np.random.Generator, week: int, code: str, description: str) -> dict:
    """A diagnosis on a day of `week` and one side, drawn in that order."""
    day = int(rng.integers(0, 7))
    return _diagnosis(person, week, day, str(rng.choice(["right", "left"])), code, description)


def diagnoses_rows(cfg: Simulation, person: pd.Series) -> list[dict]:
    """The Achilles diagnosis of a case; a diagnosis that explains a foot/ankle/shin complaint for some
    complainers; an unrelated diagnosis (knee, hip, back) for others."""
    rng = participant_rng(cfg.seed, int(person["index"]), STREAM_REPORTS + 100)
    rows = []
    if person["true_case"]:
        side = str(rng.choice(["right", "left", "bilateral"], p=[0.5, 0.35, 0.15]))
        rows.append(
            _diagnosis(
                person, person["diagnosis_week"], int(rng.integers(0, 7)), side, "M76.6", "Achilles tendinopathy"
            )
        )
    if person["complainer"] and person["complaint_explained"]:
        first, _, region = episode(participant_rng(cfg.seed, int(person["index"]), STREAM_REPORTS), cfg.follow_up_weeks)
        week = min(cfg.follow_up_weeks, first + int(rng.integers(0, 3)))
        rows.append(_one_sided_diagnosis(person, rng, week, EXPLAINING_CODE[region], "musculoskeletal diagnosis"))
    if person["other_diagnosis"]:
        week = int(rng.integers(1, cfg.follow_up_weeks + 1))
        code = str(rng.choice(OTHER_DIAGNOSES))
        rows.append(_one_sided_diagnosis(person, rng, week, code, "other musculoskeletal diagnosis"))
    return rows


# the readers' column contracts, and a free-text description as clinics' exports carry
DIAGNOSIS_CSV_COLUMNS = [*DIAGNOSIS_COLUMNS, "description"]


def write_surveillance_csvs(
    cfg: Simulation, truth: pd.DataFrame, reports_csv: str | Path, diagnoses_csv: str | Path
) -> None:
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
