"""Visual3D ASCII export (five header rows: file, signal, type, folder, component) into a Trial.

Visual3D writes MKS units (positions in m, moments in Nm or Nm/kg) and one row per sample for every
column; the FRAME NUMBERS/TIME column gives the rate. Signals follow Plug-in Gait names
(RAnkleAngles, RAnkleMoment, RHEE, ...) so the same extraction applies.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from runrisk.errors import InputError
from runrisk.io.trial import Plate, Trial

HEADER_ROWS = 5
AXES = {"X": 0, "Y": 1, "Z": 2}
MARKER_TYPES = {"TARGET", "LANDMARK"}
MODEL_TYPES = {"LINK_MODEL_BASED", "KINETIC_KINEMATIC", "DERIVED"}


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    # exports mix CRLF, CR and LF line ends; blank lines carry nothing
    return [line.split("\t") for line in re.split(r"\r\n|\r|\n", text) if line.strip()]


def _number(cell: str) -> float:
    return float(cell) if cell.strip() else np.nan


def _side_of(signal: str) -> str:
    match = re.search(r"(?:^|[-_ ])([LR])$|^([LR])(?=[A-Z])", signal)
    return next((g for g in match.groups() if g), "") if match else ""


def read_visual3d(path: str | Path, rate_hz: float | None = None) -> Trial:
    path = Path(path)
    rows = _rows(path)
    if len(rows) <= HEADER_ROWS:
        raise InputError(path, f"a Visual3D export needs {HEADER_ROWS} header rows and data; found {len(rows)} rows")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    signals, types, components = rows[1], rows[2], rows[4]
    try:
        data = np.array([[_number(c) for c in r] for r in rows[HEADER_ROWS:]])
    except ValueError as exc:
        raise InputError(path, f"non-numeric value in the data rows: {exc}") from exc
    columns: dict[tuple[str, str], dict[int, np.ndarray]] = defaultdict(dict)
    time = None
    for j in range(1, width):
        kind = types[j].strip().upper()
        if kind in {"FRAME NUMBERS", "TIME"} or signals[j].strip().upper().endswith("TIME"):
            time = data[:, j]
        elif components[j].strip().upper() in AXES:
            columns[(signals[j].strip(), kind)][AXES[components[j].strip().upper()]] = data[:, j]
    rate = rate_hz or _rate_from(time, path)
    n = len(data)

    def vector(key):
        out = np.full((3, n), np.nan)
        for axis, values in columns[key].items():
            out[axis] = values
        return out

    points, angles, moments, plates = {}, set(), set(), []
    for signal, kind in sorted(columns):
        if kind in MARKER_TYPES:
            points[signal] = vector((signal, kind)) * 1000.0  # m -> mm
        elif kind in MODEL_TYPES:
            points[signal] = vector((signal, kind))
            (moments if "MOMENT" in signal.upper() else angles).add(signal)
        elif kind == "FORCE":
            cop = vector((signal, "COFP")) * 1000.0
            cop[2] = np.nan_to_num(cop[2])
            plates.append(Plate(len(plates), np.nan_to_num(vector((signal, kind))), cop, side_hint=_side_of(signal)))
    return Trial(
        path=str(path),
        point_rate=rate,
        analog_rate=rate,
        points=points,
        angle_labels=angles,
        moment_labels=moments,
        moment_units="Nm/kg",
        plates=plates,
        source_format="visual3d_ascii",
        frames=n,
    )


def _rate_from(time: np.ndarray | None, path: Path) -> float:
    steps = np.diff(time[np.isfinite(time)]) if time is not None else np.array([])
    if not len(steps) or np.median(steps) <= 0:
        raise InputError(path, "no time column to infer the sampling rate from; set biomechanics.visual3d_rate_hz")
    step = float(np.median(steps))
    if step >= 1:  # frame numbers: the rate is not in the file
        raise InputError(path, "the time column holds frame numbers; set biomechanics.visual3d_rate_hz")
    return round(1.0 / step, 6)
