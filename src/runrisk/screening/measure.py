"""One runner's files measured as the cohort was: the study's readers, stance extraction, gait model,
biomechanics summary, weekly volume and covariate table, with the settings the model file carries."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.biomech.stances import SUMMARY_COLUMNS, summarise_participants
from runrisk.cohort.exposure import (
    EXPOSURE_COLUMNS,
    WHOLE_FOLLOW_UP,
    ScreeningExposure,
    exposure_summary,
    exposure_under,
    weekly_volume,
)
from runrisk.cohort.outcomes import covariates
from runrisk.cohort.shards import TrialReading, participant_stances, shard_activities
from runrisk.errors import InputError
from runrisk.io.layout import TRIAL_KINDS, WEARABLE_KINDS
from runrisk.io.response import RESPONSE_FILES
from runrisk.io.wearables import WearableSettings
from runrisk.screening.runner import Runner
from runrisk.tendon.study import COVARIATES as TENDON_COVARIATES
from runrisk.tendon.study import MRI_KIND, TendonSettings, participant_tendon, tendon_covariates

RUNNER_ID = "runner"
# a runner's CSV files that are not Fitabase exports: the squad's symptom log (runrisk.monitor.symptoms)
# and the radiologist's tendon measurements
# a runner's other CSVs: the symptom log, the radiologist's measurements and the response logs (VISA-A,
# pain monitoring, heel raises, capacity work) are not Fitabase exports
NOT_WEARABLES = ("symptoms.csv", "tendon_measurements.csv", *RESPONSE_FILES)
WINDOW_WEEKS = 52  # a year of training up to the screening date, as the study followed a year


@dataclass
class Measured:
    """What the study's code made of the runner's files."""

    stances: pd.DataFrame
    trials: pd.DataFrame
    weekly: pd.DataFrame
    values: dict[str, float]
    missing: list[str] = field(default_factory=list)  # why a term has no value (catalogue keys)
    reported: set[str] = field(default_factory=set)  # term columns from runner.yaml (age, sex), not measured
    problems: list[str] = field(default_factory=list)  # files that could not be read
    window: tuple[dt.date, dt.date] | None = None  # first and last day of the training (None without data)


def staged(runner_dir: Path, raw: Path) -> dict[str, int]:
    """The runner's files copied into a study layout (raw/<kind>/runner/) by extension; counts per kind."""
    kinds = {**TRIAL_KINDS, **WEARABLE_KINDS}
    counts = dict.fromkeys(kinds, 0)
    for path in sorted(runner_dir.iterdir()):
        if not path.is_file() or path.name.lower() in NOT_WEARABLES:
            continue
        kind = next((k for k, extensions in kinds.items() if path.name.lower().endswith(extensions)), None)
        if kind is None:
            continue
        target = raw / kind / RUNNER_ID
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
        counts[kind] += 1
    return counts


def measure(runner_dir: Path, runner: Runner, document: dict) -> Measured:
    settings = document["settings"]
    # from_config: a model file of an older release may carry whole sections
    reading = TrialReading.from_config(settings["biomechanics"])
    wearables = WearableSettings.from_config(settings["wearables"])
    exposure = ScreeningExposure.from_config(settings["exposure"])
    participant = pd.Series(
        {"participant_id": RUNNER_ID, "body_mass_kg": runner.body_mass_kg, "lab": runner.lab}, name=RUNNER_ID
    )
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="runrisk-screen-") as folder:
        raw = Path(folder)
        staged(runner_dir, raw)
        try:
            stance_rows, trial_rows = participant_stances(raw, RUNNER_ID, participant, reading)
        except InputError as error:
            stance_rows, trial_rows = [], []
            problems.append(f"trials: {error.reason} ({error.path})")
        members = pd.DataFrame({"participant_id": [RUNNER_ID]}, index=pd.Index([RUNNER_ID], name="raw_id"))
        try:
            activities = shard_activities(members, raw, settings["timezone"], wearables)
        except InputError as error:
            activities = pd.DataFrame()
            problems.append(f"wearables: {error.reason} ({error.path})")
        tendon = runner_tendon(runner_dir, raw, document, problems)
    stances, trials = pd.DataFrame(stance_rows), pd.DataFrame(trial_rows)
    weekly = runner_weeks(activities, runner, exposure)
    values, missing = term_values(document, runner, stances, weekly, exposure, tendon)
    reported = {c for c in values if c not in SUMMARY_COLUMNS and c not in EXPOSURE_COLUMNS}
    window = training_window(activities, runner)
    return Measured(
        stances, trials, weekly, values, missing=missing, reported=reported, problems=problems, window=window
    )


def runner_tendon(runner_dir: Path, raw: Path, document: dict, problems: list[str]) -> pd.DataFrame | None:
    """The runner's baseline tendon measures from the folder's mri/ (a series and mask, or the
    radiologist's tendon_measurements.csv), measured as the study measured its cohort; None when the
    study's model has no tendon term, the folder no mri/, or the scan cannot be read (said in problems)."""
    wanted = any(term["column"] in TENDON_COVARIATES for term in document["terms"])
    source = runner_dir / MRI_KIND
    if not wanted or not source.is_dir() or "tendon" not in document["settings"]:
        return None
    shutil.copytree(source, raw / MRI_KIND / RUNNER_ID)
    try:
        rows = participant_tendon(raw, RUNNER_ID, TendonSettings.from_config(document["settings"]["tendon"]))
    except InputError as error:
        problems.append(f"mri: {error.reason} ({error.path})")
        return None
    return tendon_covariates(pd.DataFrame(rows).assign(participant_id=RUNNER_ID)) if rows else None


def training_window(activities: pd.DataFrame, runner: Runner) -> tuple[dt.date, dt.date] | None:
    """The WINDOW_WEEKS weeks of training up to the screening date, else up to the last day with wearable
    data (None without any)."""
    if runner.screening_date:
        end = runner.screening_date
    elif activities.empty:
        return None
    else:
        end = pd.Timestamp(activities["local_date"].max()).date()
    return end - dt.timedelta(days=7 * WINDOW_WEEKS - 1), end


def runner_weeks(activities: pd.DataFrame, runner: Runner, exposure: ScreeningExposure) -> pd.DataFrame:
    """Weekly volume of the WINDOW_WEEKS weeks up to the screening date (default: the last day with
    wearable data), by the study's weekly-volume code; empty without activities."""
    if activities.empty:
        return pd.DataFrame()
    start = pd.Timestamp(training_window(activities, runner)[0])
    participants = pd.DataFrame({"participant_id": [RUNNER_ID], "enrolment_date": [start]})
    weekly = weekly_volume(
        activities, participants, WINDOW_WEEKS, exposure.min_worn_days_per_week, exposure.min_prior_weeks
    )
    return weekly[weekly["week"] >= 1].reset_index(drop=True)


def term_values(
    document: dict,
    runner: Runner,
    stances: pd.DataFrame,
    weekly: pd.DataFrame,
    exposure: ScreeningExposure,
    tendon: pd.DataFrame | None = None,
) -> tuple[dict[str, float], list[str]]:
    """The runner's row of the study's covariate table (runrisk.cohort.outcomes.covariates): every model
    term by the column the study computes it in, whatever terms the study chose; why a term has none."""
    missing: list[str] = []
    person = pd.DataFrame(
        {"participant_id": [RUNNER_ID], "age": [runner.age], "sex": ["F" if runner.female else "M"], "runner": [True]}
    )
    limb = limb_summary(stances, document["study"]["primary_limb"])
    if limb.empty:
        missing.append("no_stance")
    volume = runner_exposure(weekly)
    if weekly.empty or not weekly["worn"].any():
        missing.append("no_weeks")
    elif int(volume["weeks_worn"].iloc[0]) < exposure.min_worn_weeks:
        missing.append("few_weeks")
        volume = volume.iloc[0:0]  # too few worn weeks give no running volume, as in the study
    row = covariates(person, limb, volume, tendon).iloc[0]
    values: dict[str, float] = {}
    for term in document["terms"]:
        column = term["column"]
        value = float(row[column]) if column in row.index and pd.notna(row[column]) else np.nan
        if np.isfinite(value):
            values[column] = value
        elif column in EXPOSURE_COLUMNS or (column in SUMMARY_COLUMNS and limb.empty):
            continue  # no_weeks, few_weeks or no_stance says why
        elif column in TENDON_COVARIATES and tendon is None:
            missing += ["no_mri"] * ("no_mri" not in missing)
        else:
            missing.append(f"no_value:{column}")
    return values, missing


def limb_summary(stances: pd.DataFrame, limb: str) -> pd.DataFrame:
    """The runner's biomechanics row of the primary limb, as summarise_biomechanics writes the cohort's."""
    summary = summarise_participants(stances) if len(stances) else pd.DataFrame()
    if summary.empty:
        return pd.DataFrame(columns=["participant_id", "side", *SUMMARY_COLUMNS])
    return summary[summary["side"] == limb].reset_index(drop=True)


def runner_exposure(weekly: pd.DataFrame) -> pd.DataFrame:
    """The runner's exposure row: every worn week of the window (the whole window is before any onset)."""
    if weekly.empty:
        return pd.DataFrame(columns=list(EXPOSURE_COLUMNS))
    return exposure_under(exposure_summary(weekly), WHOLE_FOLLOW_UP)
