"""The week's Achilles tendon load of a runner with lab trials, beside the week's km on the runner's page.

A runner's folder may hold the lab's trial files (C3D, Visual3D text, OpenSim results); they are read by
the study's readers and stance code with the settings of the study's model file, so a stance's tendon
force is the study's (runrisk.biomech.tendon_force: the plantarflexor ankle moment over the Achilles
moment arm of `biomechanics.tendon`). The week's load of one tendon, in body-weight seconds:

    tendon_load_bws = km x steps per km / 2 x tendon impulse per stance

- Tendon impulse per stance (BW s): the mean over the runner's stances that have a tendon force, both
  feet (each leg's tendon takes every other step: half the steps). A stance needs the ankle moment for
  it, not the heel and toe markers of the strike index: the trials are read asking only for that.
- Steps per km: the week's watch cadence times its pace (steps/min x min/km) where the week's runs
  recorded a cadence, else 1000 / the lab trials' step length (their speed from the pelvis markers times
  the time between the feet's contacts), else missing (an OpenSim or treadmill trial gives no step length).
- Assumptions, said on the page: every km costs what a stance at the lab trial's speed costs (no scaling
  to the week's pace: the load rises with speed, so a faster week's load is understated); one tendon,
  the mean of both legs; the trial's date is its file's (the newest trial file's date of last change: C3D
  and OpenSim files carry no dependable capture date).
- Missing is missing: a runner without trials, or whose trials give no tendon force, has no column value
  (NaN, never 0), and the page says why; a week of 0 km has a load of 0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.errors import InputError
from runrisk.io.layout import TRIAL_KINDS

TRIAL_SUFFIXES = tuple(s for suffixes in TRIAL_KINDS.values() for s in suffixes)
RUNNER = "runner"
TENDON_COLUMN = "tendon_load_bws"
NEEDED = ("AnkleMoment",)  # what a stance needs for its tendon force (runrisk.biomech.signals names)


@dataclass(frozen=True)
class LabTendon:
    """What the runner's lab trials say about one stance's tendon load, and what it rests on."""

    trial_date: str  # YYYY-MM-DD, the newest trial file's; "" without trials
    trials: int
    stances: int  # stances with a tendon force
    impulse_bws: float  # mean tendon impulse per stance, BW s
    peak_bw: float  # mean peak tendon force, BW
    step_length_m: float  # the trials' mean step length, NaN where they give none
    speed_m_s: float  # the trials' mean speed, NaN where they give none
    reason: str = ""  # why there is no tendon load ("" when there is one)
    moment_arm_m: float = math.nan  # the study's Achilles moment arm at a neutral ankle

    @property
    def usable(self) -> bool:
        return not self.reason and self.stances > 0 and math.isfinite(self.impulse_bws)


def lab_tendon(folder: Path, body_mass_kg: float | None, biomechanics: dict) -> LabTendon | None:
    """The runner's trial files in `folder` read as the study reads a participant's (biomechanics: the
    model file's biomechanics settings); None when the folder holds no trial file."""
    # here, not at import: the stance code (scipy) is loaded only for a squad with trials
    from runrisk.cohort.shards import TrialReading, participant_stances

    trial_files = runner_trial_files(folder)
    if not trial_files:
        return None
    newest = max(dt.date.fromtimestamp(p.stat().st_mtime) for p in trial_files).isoformat()
    try:
        reading = TrialReading.from_config(biomechanics)
    except Exception as exc:  # a model file of a release without the tendon settings
        return no_load(newest, len(trial_files), f"the study's model file cannot read trials ({type(exc).__name__})")
    reading = dataclasses.replace(reading, required_signals=NEEDED)
    participant = pd.Series({"participant_id": RUNNER, "body_mass_kg": body_mass_kg, "lab": ""}, name=RUNNER)
    with tempfile.TemporaryDirectory(prefix="runrisk-tendon-") as scratch:
        raw = Path(scratch)
        for path in trial_files:  # the study's layout, raw/<kind>/<participant>/, for the study's reader
            target = raw / kind_of_file(path) / RUNNER
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.name)
        try:
            rows, trials = participant_stances(raw, RUNNER, participant, reading)
        except InputError as error:  # named by the file's label (opensim-1), never its own name
            return no_load(newest, len(trial_files), f"{error.path}: {error.reason}")
    found = summarised(pd.DataFrame(rows), len(trials), newest)
    return dataclasses.replace(found, moment_arm_m=reading.tendon.moment_arm_m)


def kind_of_file(path: Path) -> str:
    return next(kind for kind, extensions in TRIAL_KINDS.items() if path.name.lower().endswith(extensions))


def runner_trial_files(folder: Path) -> list[Path]:
    """The lab trial files of a runner's folder (C3D, Visual3D text, OpenSim .mot/.sto), by name."""
    return [p for p in sorted(folder.iterdir()) if p.is_file() and p.name.lower().endswith(TRIAL_SUFFIXES)]


def no_load(date: str, trials: int, reason: str) -> LabTendon:
    return LabTendon(date, trials, 0, math.nan, math.nan, math.nan, math.nan, reason)


def summarised(stances: pd.DataFrame, trials: int, date: str) -> LabTendon:
    """Means over the stances with a tendon force (a stance set aside by the stance QC does not count)."""
    if stances.empty:
        return no_load(date, trials, "the lab trials give no stance on a force plate")
    loaded = stances[(stances["qc_reason"] == "") & (stances["at_reason"] == "")]
    loaded = loaded[np.isfinite(loaded["at_impulse_bws"])]
    if loaded.empty:
        reasons = stances["at_reason"].where(stances["at_reason"] != "", stances["qc_reason"])
        return no_load(date, trials, f"no stance with a tendon force: {reasons.mode().iloc[0]}")
    return LabTendon(
        trial_date=date,
        trials=trials,
        stances=len(loaded),
        impulse_bws=float(loaded["at_impulse_bws"].mean()),
        peak_bw=float(loaded["at_force_peak_bw"].mean()),
        step_length_m=float(loaded["step_length_m"].mean()),  # NaN when no trial gives one
        speed_m_s=float(loaded["trial_speed_m_s"].mean()),
    )


def steps_per_km(weeks: pd.DataFrame, lab: LabTendon) -> pd.Series:
    """Each week's steps per km: the watch's cadence x pace where recorded, else the lab's step length."""
    watch = (weeks["cadence_spm"] * weeks["pace_min_per_km"]).astype(float)
    lab_steps = 1000.0 / lab.step_length_m if math.isfinite(lab.step_length_m) and lab.step_length_m > 0 else np.nan
    return watch.where(np.isfinite(watch), lab_steps)


def with_tendon_load(weeks: pd.DataFrame, lab: LabTendon | None) -> pd.DataFrame:
    """The weeks with `tendon_load_bws`: NaN for a runner without a usable lab tendon force or a week
    without a step rate; 0 for a week of 0 km."""
    if lab is None or not lab.usable:
        return weeks.assign(**{TENDON_COLUMN: np.nan})
    load = weeks["km"] * steps_per_km(weeks, lab) / 2.0 * lab.impulse_bws
    return weeks.assign(**{TENDON_COLUMN: load.where(weeks["km"] > 0, 0.0).astype(float)})


def as_cached(lab: LabTendon | None) -> dict | None:
    """For the monitor's JSON cache: NaN as null (JSON has no NaN)."""
    if lab is None:
        return None
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in dataclasses.asdict(lab).items()}


def from_cached(entry: dict | None) -> LabTendon | None:
    if entry is None:
        return None
    return LabTendon(**{k: (math.nan if v is None else v) for k, v in entry.items()})


def runner_tendon(person, document: dict | None, cache) -> LabTendon | None:
    """A squad runner's LabTendon, cached by the model file, the trial files (sizes and times) and the body
    mass: a week's update reads the trials again only when one of them changed."""
    if document is None or not person.has_trials:
        return None
    from runrisk.monitor.squad import content_hash, path_key  # squad imports this module's users

    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in runner_trial_files(person.folder))
    mass = person.runner.body_mass_kg if person.runner is not None else None
    key, stamp = f"tendon|{path_key(person.folder)}", content_hash(document["content_sha256"], files, mass)
    cached = cache.get(key)
    if cached and cached["stamp"] == stamp:
        return from_cached(cached["lab"])
    lab = lab_tendon(person.folder, mass, document["settings"]["biomechanics"])
    cache.put(key, {"stamp": stamp, "lab": as_cached(lab)})
    return lab
