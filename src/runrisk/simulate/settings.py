"""The simulate section: the embedded synthetic cohort's world, as the simulator reads it."""

from __future__ import annotations

from dataclasses import dataclass

from runrisk.config import Section


@dataclass(frozen=True)
class Wear(Section):
    SECTION = "simulate.wear"

    beta_a: float
    beta_b: float
    dropout_fraction: float


@dataclass(frozen=True)
class WeeklyKm(Section):
    SECTION = "simulate.weekly_km"

    runner_median: float
    runner_sd_log: float
    week_cv: float
    rest_week_fraction: float
    non_runner_km: float
    non_runner_run_fraction: float


@dataclass(frozen=True)
class Hazard(Section):
    SECTION = "simulate.hazard"

    baseline_weekly_log_hazard: float
    weekly_km_per_12_5: float
    change_ratio_per_0_5: float
    lag_weeks: int
    exposure: str  # km or tendon_load: what the lagged week's load is in the true hazard
    weekly_tendon_load_per_5000_bws: float


@dataclass(frozen=True)
class Onset(Section):
    SECTION = "simulate.onset"

    diagnosis_fraction: float
    delay_weeks_mean: float
    symptom_weeks: int


@dataclass(frozen=True)
class Behaviour(Section):
    SECTION = "simulate.behaviour"

    km_after_onset: float
    recovery_weeks: int
    wear_after_onset: float
    holidays_per_year: float
    holiday_weeks_max: int
    late_start_fraction: float


@dataclass(frozen=True)
class TendonWorld(Section):
    """The baseline tendon MRI of the synthetic cohort."""

    SECTION = "simulate.mri"

    fraction: float
    enhanced_fraction: float
    snr: float
    t2star_ms: float
    t2star_sd_ms: float
    t2star_per_12_5_km: float
    thickness_mm: float
    thickness_sd_mm: float
    thickness_per_12_5_km: float
    onset_hr_per_sd_t2star: float | None


@dataclass(frozen=True)
class Simulation(Section):
    """The whole simulate section: every key is read by the simulator, the truth or the power study."""

    SECTION = "simulate"

    enabled: bool
    seed: int
    n_participants: int
    female_fraction: float
    runner_fraction: float
    age_mean: float
    age_sd: float
    age_min: float
    age_max: float
    enrolment_start: str
    enrolment_span_days: int
    follow_up_weeks: int
    prior_achilles_fraction: float
    strike_pattern_fractions: dict[str, float]
    mile_unit_fraction: float
    no_wearable_fraction: float
    wear: Wear
    weekly_km: WeeklyKm
    biomechanics: dict[str, dict[str, float]]  # true stance peak -> {mean, sd}
    plantarflexor_moment_peak: dict[str, float]  # {mean, sd}, Nm/kg
    trials_per_participant: int
    trial_sd_fraction: float
    true_odds_ratios: dict[str, float]
    hazard: Hazard
    onset: Onset
    behaviour: Behaviour
    second_lab_fraction: float
    marker_lab_fraction: float
    truth_cohort_size: int
    missing_biomechanics_fraction: float
    complaint_fraction: float
    explained_complaint_fraction: float
    other_complaint_fraction: float
    other_diagnosis_fraction: float
    report_response_rate: float
    mri: TendonWorld
