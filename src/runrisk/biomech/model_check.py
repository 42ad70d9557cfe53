"""How close the gait model (cgm.py) comes to the outputs the lab's own model stored in the same file.

Over stance (the foot's plate loaded above the force threshold), per joint, plane and side: RMS and
peak-to-peak-free differences between our curve and the file's, after both are in the documented
convention. A file's outputs are the reference; frames where either is undefined are left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.biomech import cgm
from runrisk.biomech.conventions import to_documented_convention
from runrisk.biomech.gait_model import ModelSettings, calibrated, with_model_outputs
from runrisk.biomech.signals import resolve_signals
from runrisk.io.c3d import read_trial

PLANES = ("sagittal", "frontal", "transverse")
JOINTS = ("Hip", "Knee", "Ankle")
GOALS = {("angle", "sagittal"): 1.0, ("angle", "frontal"): 2.0, ("angle", "transverse"): 2.0}
MOMENT_GOAL_NM_KG = 0.05


def goal(kind: str, plane: str) -> float:
    return GOALS[(kind, plane)] if kind == "angle" else MOMENT_GOAL_NM_KG


def stance_frames(trial, side: str, threshold_n: float) -> np.ndarray:
    """Frames where a plate under this foot carries more than the threshold (the model's own assignment)."""
    markers = {name: trial.points[name].T for name in trial.points}
    n = trial.n_frames
    feet = {s: (markers[f"{s}ANK"] + markers[f"{s}TOE"]) / 2 for s in cgm.SIDES}
    loads = cgm.ground_loads(trial.plates, trial.analog_rate, trial.point_rate, n, feet, threshold_n)
    return np.flatnonzero(loads[side].force[:, 2] > threshold_n)


def agreement(static_path: Path, motion_path: Path, settings: ModelSettings) -> tuple[pd.DataFrame, dict]:
    """One row per side, joint, kind and plane: n frames, RMS and largest absolute difference over
    stance, and the goal; plus the curves (ours, the file's, the stance frames) for a figure."""
    participant = {}
    static = resolve_signals(read_trial(static_path), {})
    subject = calibrated(static, participant, settings)
    filed = to_documented_convention(resolve_signals(read_trial(motion_path), {}), "plugin_gait")
    ours = with_model_outputs(filed, participant, settings, subject)
    rows, curves = [], {}
    for side in cgm.SIDES:
        frames = stance_frames(filed, side, settings.force_threshold_n)
        for joint in JOINTS:
            for kind, suffix in (("angle", "Angles"), ("moment", "Moment")):
                label = f"{side}{joint}{suffix}"
                if label not in filed.points:
                    continue
                theirs, mine = filed.points[label], ours.points[label]
                curves[label] = (mine, theirs, frames)
                for axis, plane in enumerate(PLANES):
                    diff = mine[axis, frames] - theirs[axis, frames]
                    diff = diff[np.isfinite(diff)]
                    rows.append(
                        {
                            "side": side,
                            "joint": joint,
                            "kind": kind,
                            "plane": plane,
                            "n_frames": len(diff),
                            "rms": float(np.sqrt(np.mean(diff**2))) if len(diff) else np.nan,
                            "max_abs": float(np.abs(diff).max()) if len(diff) else np.nan,
                            "goal_rms": goal(kind, plane),
                        }
                    )
    return pd.DataFrame(rows), curves
