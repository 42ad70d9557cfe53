"""Weekly Achilles tendon load: every counted run's kilometres times what a kilometre costs this runner's
tendon, scaled to the run's pace, and a damage-weighted sum of its steps.

The lab gives, per participant and limb (runrisk.biomech, `biomechanics.parquet`), the tendon impulse per km
(`at_impulse_per_km_bws`, BW s/km), the peak tendon force (`at_force_peak_bw`), steps per km and the trial's
speed. A run at another pace costs another amount: each quantity is carried to the run's speed v by a power of
v / v_trial (the speed relation, `exposure.tendon_load`):

- peak force ~ v^peak_force_speed_exponent: 0.4 by default, the rise of peak Achilles tendon force from 8.2 to
  10.1 body weights between 2.68 and 4.47 m/s measured by shear-wave tensiometry and inverse dynamics
  (Med Sci Sports Exerc 2024, PMC11096059; ln(10.1/8.2)/ln(4.47/2.68) = 0.41);
- impulse per step ~ v^impulse_per_step_speed_exponent: -0.4 by default, the peak's rise (+0.4) against the
  shortening of ground contact (about v^-0.8 at endurance speeds);
- step length ~ v^step_length_speed_exponent: 0.7 by default (runners lengthen the step more than they
  quicken it between 2.5 and 5 m/s), so steps per km ~ v^-0.7 and impulse per km ~ v^(-0.4 - 0.7).

The damage-weighted sum treats the tendon as a material under fatigue (Edwards 2018, "Modeling overuse injuries
in sport as a mechanical fatigue phenomenon", Exerc Sport Sci Rev 46:224-231): each step does damage in
proportion to its peak force to the power damage_exponent (the slope of the tendon's stress-life curve; ~10 in
in-vitro tendon fatigue tests), summed linearly over the steps (Palmgren-Miner), with no repair within the week,
and with force per body weight standing in for tendon stress (a tendon's cross-section taken to scale with body
weight). It is counted in the limb's steps at damage_reference_bw: a week of 10,000 of this foot's steps at twice the
reference force has the damage of 10,000 x 2^10 steps at the reference.

Missing is missing: a participant without the limb's lab values, or a worn week with a run of unknown pace,
has no tendon load that week (NA); a week not worn is NA as its km are; a worn week without runs loads 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from runrisk.cohort.exposure import EXPOSURE_WINDOWS, follow_up_week
from runrisk.config import Section

# the lab's columns this module reads (biomechanics.parquet, one row per participant and limb)
LIMB_COLUMNS = ("at_impulse_per_km_bws", "at_force_peak_bw", "steps_per_km", "trial_speed_m_s")
LOAD_COLUMNS = ("at_load_bws", "at_damage_steps")  # per week: cumulative impulse, damage-weighted steps
WEEKLY_LOAD_COLUMNS = ["participant_id", "week", "worn", "runs", "running_km", "runs_unpaced", *LOAD_COLUMNS]
# the exposure columns the analysis frame gets, under each window's prefix in the stored table
TENDON_EXPOSURES = ("mean_weekly_at_load_bws", "mean_weekly_at_damage_steps")
TENDON_SUMMARY_COLUMNS = [
    "participant_id",
    *[f"{window}_{exposure}" for window in EXPOSURE_WINDOWS for exposure in TENDON_EXPOSURES],
    *[f"{window}_weeks_with_tendon_load" for window in EXPOSURE_WINDOWS],
]


@dataclass(frozen=True)
class SpeedRelation(Section):
    """How a run's pace scales the lab's tendon load, and the damage weighting (exposure.tendon_load)."""

    SECTION = "exposure.tendon_load"

    peak_force_speed_exponent: float
    impulse_per_step_speed_exponent: float
    step_length_speed_exponent: float
    speed_range_m_s: tuple[float, float]
    damage_exponent: float
    damage_reference_bw: float

    def speed_ratio(self, run_speed: np.ndarray, trial_speed: np.ndarray) -> np.ndarray:
        """v_run / v_trial with the run's speed held inside the range the relation was measured over."""
        low, high = self.speed_range_m_s
        return np.clip(run_speed, low, high) / trial_speed

    def impulse_per_step(self, lab_impulse_per_step: np.ndarray, ratio: np.ndarray) -> np.ndarray:
        return lab_impulse_per_step * ratio**self.impulse_per_step_speed_exponent

    def impulse_per_km(self, lab_impulse_per_km: np.ndarray, ratio: np.ndarray) -> np.ndarray:
        # per km: a step's impulse at the speed, times the steps a km takes at it
        return self.steps_per_km(self.impulse_per_step(lab_impulse_per_km, ratio), ratio)

    def steps_per_km(self, lab_steps_per_km: np.ndarray, ratio: np.ndarray) -> np.ndarray:
        return lab_steps_per_km * ratio ** (-self.step_length_speed_exponent)

    def peak_force(self, lab_peak_bw: np.ndarray, ratio: np.ndarray) -> np.ndarray:
        return lab_peak_bw * ratio**self.peak_force_speed_exponent

    def damage_per_step(self, peak_bw: np.ndarray) -> np.ndarray:
        return (peak_bw / self.damage_reference_bw) ** self.damage_exponent


def run_tendon_load(runs: pd.DataFrame, limb: pd.DataFrame, relation: SpeedRelation) -> pd.DataFrame:
    """Per run (rows of `runs`: participant_id, distance_km, duration_s): at_load_bws (km x impulse per km at
    the run's pace) and at_damage_steps; NA where the participant has no lab values or the run no pace."""
    lab = limb.set_index("participant_id").reindex(runs["participant_id"])
    km = runs["distance_km"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(runs["duration_s"].to_numpy(float) > 0, 1000 * km / runs["duration_s"].to_numpy(float), np.nan)
    ratio = relation.speed_ratio(speed, lab["trial_speed_m_s"].to_numpy(float))
    load = km * relation.impulse_per_km(lab["at_impulse_per_km_bws"].to_numpy(float), ratio)
    # the limb's own steps: steps_per_km counts both feet, the tendon is the primary limb's
    steps = km * relation.steps_per_km(lab["steps_per_km"].to_numpy(float), ratio) / 2
    damage = steps * relation.damage_per_step(relation.peak_force(lab["at_force_peak_bw"].to_numpy(float), ratio))
    # a run of unknown pace has no load even where the exponents are 0 (NaN ** 0 is 1 in numpy)
    paced = np.isfinite(speed)
    load, damage = np.where(paced, load, np.nan), np.where(paced, damage, np.nan)
    return runs.assign(run_speed_m_s=speed, at_load_bws=load, at_damage_steps=damage)


def weekly_tendon_load(
    activities: pd.DataFrame,
    participants: pd.DataFrame,
    limb: pd.DataFrame,
    weekly: pd.DataFrame,
    relation: SpeedRelation,
) -> pd.DataFrame:
    """Participant x week, on weekly_volume's grid and with its worn weeks: the week's cumulative tendon load
    and damage-weighted steps, summed over the runs weekly_volume counts (the same weeks, the same runs).

    NA where the week was not worn, where the participant has no lab values for the limb, and where a run of
    the week has no pace (runs_unpaced counts them); 0 where worn and not run."""
    enrol = participants.set_index("participant_id")["enrolment_date"]
    counted = activities[activities["is_run"] & (activities["excluded_reason"] == "")]
    counted = counted.assign(week=follow_up_week(counted["local_date"], counted["participant_id"].map(enrol)))
    counted = counted[counted["week"].between(0, weekly["week"].max())]
    per_run = run_tendon_load(counted, limb, relation)
    per_run = per_run.assign(
        unpaced=per_run["run_speed_m_s"].isna().astype(int), unknown=per_run["at_load_bws"].isna().astype(int)
    )
    per_week = per_run.groupby(["participant_id", "week"], observed=True).agg(
        runs_unpaced=("unpaced", "sum"),
        unknown=("unknown", "sum"),
        at_load_bws=("at_load_bws", "sum"),
        at_damage_steps=("at_damage_steps", "sum"),
    )
    # one run of unknown load leaves the week's sum unknown, never a partial sum
    per_week[list(LOAD_COLUMNS)] = per_week[list(LOAD_COLUMNS)].where(per_week["unknown"] == 0)
    per_week = per_week.drop(columns="unknown")
    grid = weekly[["participant_id", "week", "worn", "runs", "running_km"]]
    frame = grid.merge(per_week.reset_index(), on=["participant_id", "week"], how="left")
    has_lab = frame["participant_id"].isin(limb.dropna(subset=list(LIMB_COLUMNS))["participant_id"])
    ran = frame["runs"].fillna(0) > 0
    for column in LOAD_COLUMNS:
        # a worn week without runs loads the tendon 0, but only for a runner the lab measured: without the
        # limb's lab values nothing is known about any week
        frame[column] = frame[column].where(ran, 0.0).where(frame["worn"] & has_lab)
    frame["runs_unpaced"] = frame["runs_unpaced"].fillna(0).astype(int).where(frame["worn"]).astype("Int64")
    return frame.sort_values(["participant_id", "week"], kind="mergesort")[WEEKLY_LOAD_COLUMNS].reset_index(drop=True)


def tendon_exposure_summary(weekly_load: pd.DataFrame, window_end: pd.Series) -> pd.DataFrame:
    """Per participant, the mean weekly tendon load and damage over the worn follow-up weeks whose load is
    known, in the pre-onset window (weeks 1..window_end, indexed by participant: exposure.parquet's
    window_end_week, so the censoring is km's) and over the whole follow-up; NA without such a week."""
    ids = pd.Index(sorted(weekly_load["participant_id"].unique()), name="participant_id")
    known = weekly_load[(weekly_load["week"] >= 1) & weekly_load["at_load_bws"].notna()]
    ends = window_end.reindex(ids).fillna(int(weekly_load["week"].max()) if len(weekly_load) else 0)
    before_onset = known[known["week"].to_numpy() <= known["participant_id"].map(ends).to_numpy(float)]
    summary = pd.DataFrame(index=ids)
    for window, weeks in zip(EXPOSURE_WINDOWS, (before_onset, known), strict=True):
        per_person = weeks.groupby("participant_id")
        summary[f"{window}_mean_weekly_at_load_bws"] = per_person["at_load_bws"].mean().reindex(ids)
        summary[f"{window}_mean_weekly_at_damage_steps"] = per_person["at_damage_steps"].mean().reindex(ids)
        summary[f"{window}_weeks_with_tendon_load"] = per_person.size().reindex(ids).fillna(0).astype(int)
    return summary.reset_index()[TENDON_SUMMARY_COLUMNS]
