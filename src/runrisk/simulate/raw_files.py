"""One simulated participant's raw files: C3D trials (unless the lab session was missed) and Fitbit exports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from runrisk.simulate import c3d_writer, fitbit_writer, mri_writer
from runrisk.simulate.settings import Simulation


def write_participant(raw_id: str, truth: pd.DataFrame, weekly: pd.DataFrame, cfg: Simulation, raw: Path) -> list[Path]:
    """The files of raw_id (truth indexed by raw id, weekly the truth's weeks, cfg the simulate section)
    under raw/c3d and raw/fitbit; the paths written."""
    person = {"raw_id": raw_id, **truth.loc[raw_id].to_dict()}
    person["enrolment_date"] = pd.Timestamp(person["enrolment_date"]).date()
    for kind in ("c3d", "fitbit", "mri"):  # files of an earlier simulation must not survive a rerun
        shutil.rmtree(raw / kind / raw_id, ignore_errors=True)
    written = []
    if person["has_trials"]:  # a missed lab session leaves no trial files
        written += c3d_writer.write_trials(
            person,
            raw / "c3d" / raw_id,
            cfg.trials_per_participant,
            cfg.seed,
            cfg.trial_sd_fraction,
            cfg.biomechanics,
        )
    if person.get("has_mri"):
        written += mri_writer.write_participant_mri(person, raw / "mri" / raw_id, cfg.mri, cfg.seed)
    weeks = weekly[weekly["raw_id"] == raw_id]
    return written + fitbit_writer.write_fitbit_export(person, weeks, raw / "fitbit" / raw_id, cfg.seed)
