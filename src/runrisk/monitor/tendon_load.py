"""The week's Achilles tendon load of a runner with lab trials, beside the week's km on the runner's page.

A runner's folder may hold the lab's trial files (C3D, Visual3D text, OpenSim results); they are read by
the study's readers and stance code with the settings of the study's model file, so a stance's tendon
force is the study's (runrisk.biomech.tendon_force: the plantarflexor ankle moment over the Achilles
moment arm of `biomechanics.tendon`). The week's load of one tendon, in body-weight seconds, is the
study's (runrisk.cohort.tendon_load.run_tendon_load) with the lab stance carried to the week's pace by the
study's speed relation (`exposure.tendon_load`, in the model file's settings as `tendon_load`):

    tendon_load_bws = km x steps per km at the week's pace / 2 x tendon impulse per stance at that pace

- The week's pace: its runs' time over their km (runs of other paces in one week count at the week's mean
  pace), held to the relation's speed_range_m_s as the study holds each run's, against the lab trials'
  speed. A week whose km have no time (a pace of 0) has no load (NaN), as the study leaves a week with an
  unpaced run unknown; a week of 0 km has a load of 0.
- Tendon impulse per stance (BW s): the mean over the runner's stances that have a tendon force, both
  feet, carried to the week's pace by the relation's impulse per step (~ v^-0.4 by default: the peak rises,
  the contact shortens). A stance needs the ankle moment for it, not the heel and toe markers of the strike
  index: the trials are read asking only for that.
- Steps per km: the week's watch cadence times its pace (steps/min x min/km: measured at the week's pace)
  where the week's runs recorded a cadence, else 1000 / the lab trials' step length (their speed from the
  pelvis markers times the time between the feet's contacts) carried to the week's pace by the relation
  (~ v^-0.7), else missing (an OpenSim or treadmill trial gives no step length). Per km a faster week loads
  the tendon less (~ v^-1.1: fewer, shorter stances), each step more.
- Without the relation (a model file of an older release) or without the trials' speed, the lab stance is
  not carried: every km counts what a km at the lab trial's speed costs, and the page says so (`scaled` is
  False). Also said on the page: one tendon, the mean of both legs; the trial's date is its file's (the
  newest trial file's date of last change: C3D and OpenSim files carry no dependable capture date).
- Missing is missing: a runner without trials, or whose trials give no tendon force, has no column value
  (NaN, never 0), and the page says why.
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

from runrisk.cohort.tendon_load import SpeedRelation
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


def speed_relation(document: dict | None) -> SpeedRelation | None:
    """The study's speed relation from the model file's settings; None for a model file of an older
    release, which has none (the page then says the load is not carried to the week's pace)."""
    settings = (document or {}).get("settings", {})
    return SpeedRelation.of(settings["tendon_load"]) if "tendon_load" in settings else None


def carries_pace(lab: LabTendon, relation: SpeedRelation | None) -> bool:
    """Whether the lab stance can be carried to each week's pace: a relation and the trials' speed."""
    return relation is not None and math.isfinite(lab.speed_m_s) and lab.speed_m_s > 0


def speed_ratio(weeks: pd.DataFrame, lab: LabTendon, relation: SpeedRelation | None) -> np.ndarray:
    """Each week's speed over the lab trials' (the study's SpeedRelation.speed_ratio); 1 where the stance is
    not carried; NaN for a week of km without a time."""
    pace = weeks["pace_min_per_km"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(pace > 0, 1000.0 / (60.0 * pace), np.nan)
    if not carries_pace(lab, relation):
        return np.where(np.isfinite(speed), 1.0, np.nan)
    return relation.speed_ratio(speed, lab.speed_m_s)


def steps_per_km(weeks: pd.DataFrame, lab: LabTendon, relation: SpeedRelation | None, ratio: np.ndarray) -> pd.Series:
    """Each week's steps per km: the watch's cadence x pace where recorded, else the lab's step length
    carried to the week's pace."""
    watch = (weeks["cadence_spm"] * weeks["pace_min_per_km"]).astype(float)
    lab_steps = 1000.0 / lab.step_length_m if math.isfinite(lab.step_length_m) and lab.step_length_m > 0 else np.nan
    carried = relation.steps_per_km(lab_steps, ratio) if carries_pace(lab, relation) else np.full(len(weeks), lab_steps)
    return watch.where(np.isfinite(watch), pd.Series(carried, index=weeks.index))


def with_tendon_load(weeks: pd.DataFrame, lab: LabTendon | None, relation: SpeedRelation | None) -> pd.DataFrame:
    """The weeks with `tendon_load_bws`: NaN for a runner without a usable lab tendon force, a week without
    a step rate or a week of km without a pace; 0 for a week of 0 km. relation: the study's (None: the lab
    stance is counted at every pace, see speed_relation)."""
    if lab is None or not lab.usable:
        return weeks.assign(**{TENDON_COLUMN: np.nan})
    ratio = speed_ratio(weeks, lab, relation)
    impulse = relation.impulse_per_step(lab.impulse_bws, ratio) if carries_pace(lab, relation) else lab.impulse_bws
    load = weeks["km"] * steps_per_km(weeks, lab, relation, ratio) / 2.0 * impulse
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
