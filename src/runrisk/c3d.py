"""Reading one C3D trial into plain arrays (ezc3d), with errors that name the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ezc3d
import numpy as np

from runrisk.errors import InputError

POSITION_TO_MM = {"mm": 1.0, "m": 1000.0, "cm": 10.0}


@dataclass
class Plate:
    """One force plate: global force (N, vertical up), COP (mm) at the analog rate."""

    index: int
    force: np.ndarray  # (3, n)
    cop_mm: np.ndarray  # (3, n)


@dataclass
class Trial:
    path: str
    point_rate: float
    analog_rate: float
    points: dict[str, np.ndarray]  # label -> (3, n_frames); markers in mm, model outputs as stored
    angle_labels: set[str] = field(default_factory=set)
    moment_labels: set[str] = field(default_factory=set)
    moment_units: str = "Nmm/kg"
    plates: list[Plate] = field(default_factory=list)

    @property
    def n_frames(self) -> int:
        return next(iter(self.points.values())).shape[1] if self.points else 0


def _labels(group: dict, base: str) -> list[str]:
    labels = list(group.get(base, {}).get("value", []))
    i = 2
    while f"{base}{i}" in group:
        labels.extend(group[f"{base}{i}"]["value"])
        i += 1
    return [str(label).strip() for label in labels]


def _first_string(group: dict, name: str, default: str) -> str:
    values = group.get(name, {}).get("value", [])
    return str(values[0]).strip() if len(values) else default


def read_trial(path: str | Path) -> Trial:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "C3D file does not exist")
    if path.stat().st_size < 512:
        raise InputError(path, f"not a C3D file: {path.stat().st_size} bytes, shorter than one C3D header block")
    try:
        c3d = ezc3d.c3d(str(path), extract_forceplat_data=True)
    except Exception as exc:  # ezc3d raises bare RuntimeError/ValueError with terse messages
        raise InputError(path, f"ezc3d could not read it: {exc}") from exc
    params = c3d["parameters"]
    point_group = params["POINT"]
    labels = _labels(point_group, "LABELS")
    unit = _first_string(point_group, "UNITS", "mm")
    if unit not in POSITION_TO_MM:
        raise InputError(path, f"POINT:UNITS is {unit!r}; expected one of {sorted(POSITION_TO_MM)}")
    angle_labels = set(_labels(point_group, "ANGLES"))
    moment_labels = set(_labels(point_group, "MOMENTS"))
    model_labels = (
        angle_labels | moment_labels | set(_labels(point_group, "POWERS")) | set(_labels(point_group, "FORCES"))
    )
    raw = c3d["data"]["points"][:3]
    points: dict[str, np.ndarray] = {}
    # LABELS may hold more names than POINT:USED (c3d.org samples do): the data decides
    for i, label in enumerate(labels[: raw.shape[1]]):
        if label in points:  # duplicated labels exist in real files: keep the first
            continue
        scale = 1.0 if label in model_labels else POSITION_TO_MM[unit]
        points[label] = raw[:, i, :] * scale
    plates = []
    for i, platform in enumerate(c3d["data"].get("platform", [])):
        # ezc3d reports COP in the unit of FORCE_PLATFORM:CORNERS, which labels write in POINT:UNITS
        cop = np.asarray(platform["center_of_pressure"]) * POSITION_TO_MM[unit]
        plates.append(Plate(i, np.asarray(platform["force"]), cop))
    analog_rate = float(params["ANALOG"]["RATE"]["value"][0]) if "ANALOG" in params else 0.0
    return Trial(
        path=str(path),
        point_rate=float(point_group["RATE"]["value"][0]),
        analog_rate=analog_rate,
        points=points,
        angle_labels=angle_labels,
        moment_labels=moment_labels,
        moment_units=_first_string(point_group, "MOMENT_UNITS", "Nmm/kg"),
        plates=plates,
    )
