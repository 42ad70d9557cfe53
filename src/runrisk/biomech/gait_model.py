"""When and how a trial's joint angles and moments come from the Conventional Gait Model (cgm.py).

`biomechanics.model`: `precomputed` reads the lab's own model outputs (Vicon Nexus, Visual3D);
`cgm10` computes them here from the markers, plates and subject measurements; `auto` (the default)
reads them when the file has them and computes them otherwise. Static trials, recognised by file name
(`biomechanics.static_pattern`), calibrate the foot and never enter stance detection.

Subject measurements come from the C3D PROCESSING group (Vicon's names), overridden by participants.csv
columns when a study keeps them there: body_mass_kg, leg_length_mm, knee_width_mm, ankle_width_mm
(both sides), or per side with an l_/r_ prefix (r_leg_length_mm, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from runrisk.biomech import cgm
from runrisk.config import Section
from runrisk.errors import InputError
from runrisk.io.trial import Trial

MODEL_OUTPUTS = ("HipAngles", "KneeAngles", "AnkleAngles", "HipMoment", "KneeMoment", "AnkleMoment")
MARKER_NAMES = ("LASI", "RASI", "LPSI", "RPSI", "SACR") + tuple(f"{s}{m}" for s in cgm.SIDES for m in cgm.SIDED)
PARTICIPANT_COLUMNS = {  # participants.csv column -> PROCESSING name (sided: L/R prefixed)
    "leg_length_mm": "LegLength",
    "knee_width_mm": "KneeWidth",
    "ankle_width_mm": "AnkleWidth",
}


@dataclass(frozen=True)
class CgmSettings(Section):
    SECTION = "biomechanics.cgm"

    marker_diameter_mm: float
    flat_foot: bool
    max_gap_frames: int


@dataclass(frozen=True)
class ModelSettings(Section):
    """What the gait model reads of the biomechanics section."""

    SECTION = "biomechanics"

    model: Literal["precomputed", "cgm10", "auto"]
    static_pattern: str
    cgm: CgmSettings
    force_threshold_n: float


def is_static(path: Path, pattern: str) -> bool:
    return re.search(pattern, Path(path).stem, flags=re.IGNORECASE) is not None


def has_lab_outputs(trial: Trial) -> bool:
    return any(side + name in trial.points for side in cgm.SIDES for name in MODEL_OUTPUTS)


def has_marker_set(trial: Trial) -> bool:
    return not cgm.missing_markers({name: trial.points[name] for name in MARKER_NAMES if name in trial.points})


def computes(trial: Trial, settings: ModelSettings) -> bool:
    """cgm10: always (a trial without the markers is an error); auto: when the file has no outputs of
    its own and carries the Plug-in Gait lower-body markers (without them, as with a foot-only marker
    set, its stances keep the strike index and name the missing outputs in qc_reason)."""
    if settings.model == "cgm10":
        return True
    return settings.model == "auto" and not has_lab_outputs(trial) and has_marker_set(trial)


def measurements(processing: Mapping[str, float], participant: Mapping) -> dict[str, float]:
    """PROCESSING values with the participant's own measurements over them."""
    values = dict(processing)
    mass = participant.get("body_mass_kg")
    if mass is not None and np.isfinite(mass):
        values["Bodymass"] = float(mass)
    for column, name in PARTICIPANT_COLUMNS.items():
        for side in cgm.SIDES:
            for key in (f"{side.lower()}_{column}", column):
                value = participant.get(key)
                if value is not None and np.isfinite(value):
                    values[f"{side}{name}"] = float(value)
                    break
    return values


def subject_of(trial: Trial, participant: Mapping, settings: ModelSettings) -> cgm.Subject:
    try:
        return cgm.subject_from_processing(measurements(trial.processing, participant), settings.cgm.marker_diameter_mm)
    except cgm.ModelError as error:
        raise InputError(
            trial.path,
            f"the gait model cannot run: {error}; give it in participants.csv (body_mass_kg, "
            f"{', '.join(f'[l_|r_]{c}' for c in PARTICIPANT_COLUMNS)}) or in the C3D's PROCESSING group, or set "
            "biomechanics.model: precomputed if the lab's files hold their own joint angles and moments",
        ) from error


def markers_of(trial: Trial, max_gap_frames: int) -> dict[str, np.ndarray]:
    """Marker paths as (n, 3), gaps of at most max_gap_frames filled."""
    return {
        name: cgm.fill_gaps(trial.points[name].T.astype(float), max_gap_frames)
        for name in MARKER_NAMES
        if name in trial.points
    }


def calibrated(static: Trial, participant: Mapping, settings: ModelSettings) -> cgm.Subject:
    """The subject's measurements with the foot offsets of a static trial."""
    subject = subject_of(static, participant, settings)
    try:
        return cgm.calibrate(markers_of(static, settings.cgm.max_gap_frames), subject, settings.cgm.flat_foot)
    except cgm.ModelError as error:
        raise InputError(static.path, f"the static trial cannot calibrate the gait model: {error}") from error


def with_model_outputs(
    trial: Trial, participant: Mapping, settings: ModelSettings, subject: cgm.Subject | None = None
) -> Trial:
    """The trial with joint angles and moments computed from its markers (documented convention, Nm/kg).

    subject: calibrated by a static trial; None takes the foot offsets from the trial's PROCESSING.
    """
    markers = markers_of(trial, settings.cgm.max_gap_frames)
    missing = cgm.missing_markers(markers)
    if missing:
        raise InputError(trial.path, f"the gait model needs marker(s) {', '.join(missing)}")
    if subject is None:
        subject = subject_of(trial, participant, settings)
    try:
        outputs = cgm.model_outputs(
            markers, trial.plates, trial.point_rate, trial.analog_rate, subject, settings.force_threshold_n
        )
    except cgm.ModelError as error:
        raise InputError(trial.path, f"the gait model cannot run: {error}") from error
    points = {**trial.points, **{label: values.T for label, values in outputs.items()}}
    return replace(
        trial,
        points=points,
        angle_labels={label for label in outputs if label.endswith("Angles")},
        moment_labels={label for label in outputs if label.endswith("Moment")},
        moment_units="Nm/kg",
        model_source="cgm10",
    )
