"""Force-plate outputs (force, centre of pressure, free moment) from a C3D's scaled analog channels and its
FORCE_PLATFORM parameters, for plate types 1-4.

Written by hand because of speed, not to differ: ezc3d computes exactly this (src/modules/ForcePlatforms.cpp),
but its Python wrapper (ezc3d.c3d.PlatForm) copies every analog frame of every plate into numpy one 3-vector
at a time, which was three quarters of reading a running trial. This is the same arithmetic over whole
arrays; tests/test_force_plates.py holds it equal to ezc3d's own output on every public real file with plates
and on the synthetic trials.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from runrisk.errors import InputError

CHANNELS_PER_TYPE = {1: 6, 2: 6, 3: 8, 4: 6}
ORIGIN_AS_STORED = "c3d"  # z <= 0: the vector from the plate's origin up to the surface centre, as stored
ORIGIN_NEGATED = "negated"  # z > 0: stored the other way round, read negated


@dataclass(frozen=True)
class PlateOutputs:
    force: np.ndarray  # (3, n analog frames), lab frame, the unit of FORCE_PLATFORM:UNITS (N)
    cop: np.ndarray  # (3, n), lab frame, the unit of FORCE_PLATFORM:CORNERS
    free_moment: np.ndarray  # (n,), the vertical free moment about the COP (ezc3d's Tz[2])
    corners: np.ndarray  # (3, 4)
    origin_convention: str = ORIGIN_AS_STORED  # how FORCE_PLATFORM:ORIGIN was read (see plate_origin)


def _flat(group: dict, name: str, path: Path) -> np.ndarray:
    """A parameter's values in the C3D's own (column-major) order, as ezc3d's valuesAsDouble gives them."""
    if name not in group:
        raise InputError(path, f"FORCE_PLATFORM:{name} is missing, so no force plate can be read")
    return np.asarray(group[name]["value"], dtype=float).ravel(order="F")


def _needed(values: np.ndarray, count: int, name: str, plate: int, path: Path) -> np.ndarray:
    if values.size < count:
        raise InputError(path, f"FORCE_PLATFORM:{name} holds too few values for force plate {plate}")
    return values


def plate_frame(corners: np.ndarray) -> np.ndarray:
    """Rotation from the plate's axes to the lab's: x from corner 2 to 1, y from corner 4 to 1 made
    orthogonal, z their cross product (the C3D manual's corner order)."""
    x = corners[:, 0] - corners[:, 1]
    y = corners[:, 0] - corners[:, 3]
    z = np.cross(x, y)
    y = np.cross(z, x)
    return np.column_stack([v / np.linalg.norm(v) for v in (x, y, z)])


def plate_origin(group: dict, index: int, plate_type: int, path: Path) -> tuple[np.ndarray, str]:
    """FORCE_PLATFORM:ORIGIN of one plate as the C3D manual defines it, and whether it was stored so.

    The manual (c3d.org, "TYPE-2" under FORCE_PLATFORM:ORIGIN) defines it as the vector from the plate's
    measurement origin to the centre of the working surface, in the plate's axes, whose z-axis points
    down: z is negative for a plate whose origin lies below its surface, which every plate's does. Older
    AMTI calibration sheets give the opposite vector (surface to origin, z positive), and writers copy it:
    the c3d.org samples of one lab store (-4.4, 1.9, -21.6) in Sample01 and (4.4, -1.9, 21.6) in Sample02.
    A positive z is therefore read negated, as Visual3D does (FP_ORIGIN: "if the ORIGIN is stored with a
    positive value, Visual3D multiplies all 3 components by -1") and BTK does for types 2, 4 and 5
    (btkGroundReactionWrenchFilter.cpp, FinishAMTI). For type 3 (Kistler) x and y are the sensors'
    half-spacings, not a position: only z is negated there (BTK's FinishKistler)."""
    values = _needed(_flat(group, "ORIGIN", path), 3 * (index + 1), "ORIGIN", index + 1, path)
    origin = values[3 * index : 3 * index + 3].copy()
    if plate_type == 1:
        origin[:2] = 0.0
    if origin[2] <= 0:
        return origin, ORIGIN_AS_STORED
    if plate_type == 3:
        return np.array([origin[0], origin[1], -origin[2]]), ORIGIN_NEGATED
    return -origin, ORIGIN_NEGATED


def _calibration(group: dict, index: int, path: Path) -> np.ndarray:
    """Type 4's 6 x 6 calibration matrix (the other types use their channels as they are)."""
    if "CAL_MATRIX" not in group:
        raise InputError(path, f"force plate {index + 1} is TYPE 4 but FORCE_PLATFORM:CAL_MATRIX is missing")
    values = np.asarray(group["CAL_MATRIX"]["value"], dtype=float)
    if values.size == 0:  # Motion Analysis writes an empty one: the channels are already calibrated
        return np.eye(6)
    if values.ndim < 3 or values.shape[2] <= index:
        raise InputError(path, f"FORCE_PLATFORM:CAL_MATRIX holds no matrix for force plate {index + 1}")
    return values[:6, :6, index]


def _type3_cop_correction(group: dict, index: int, cop: np.ndarray) -> np.ndarray:
    """Kistler's COP polynomial (FORCE_PLATFORM:FPCOPPOLY), as ezc3d applies it; none when absent."""
    poly = np.asarray(group.get("FPCOPPOLY", {}).get("value", []), dtype=float).ravel(order="F")
    if poly.size < 12 * (index + 1):
        return cop
    p = poly[12 * index : 12 * index + 12]
    x, y = cop[0], cop[1]
    dx = (p[0] * y**4 + p[1] * y**2 + p[2]) * x**3 + (p[3] * y**4 + p[4] * y**2 + p[5]) * x
    dy = (p[6] * x**4 + p[7] * x**2 + p[8]) * y**3 + (p[9] * x**4 + p[10] * x**2 + p[11]) * y
    return np.stack([x - dx, y - dy, cop[2]])


def _plate_outputs(analogs: np.ndarray, group: dict, index: int, plate_type: int, path: Path) -> PlateOutputs:
    n_channels = CHANNELS_PER_TYPE[plate_type]
    corners = _needed(_flat(group, "CORNERS", path), 12 * (index + 1), "CORNERS", index + 1, path)
    corners = corners[12 * index : 12 * index + 12].reshape(4, 3).T
    rotation, centre = plate_frame(corners), corners.mean(axis=1, keepdims=True)
    origin, convention = plate_origin(group, index, plate_type, path)
    channel_table = np.asarray(group.get("CHANNEL", {}).get("value", []))
    if channel_table.ndim != 2 or channel_table.shape[0] < n_channels or channel_table.shape[1] <= index:
        raise InputError(
            path, f"FORCE_PLATFORM:CHANNEL does not give the {n_channels} channels of force plate {index + 1}"
        )
    channels = channel_table[:n_channels, index].astype(int) - 1
    if channels.min() < 0 or channels.max() >= analogs.shape[0]:
        raise InputError(
            path, f"FORCE_PLATFORM:CHANNEL of force plate {index + 1} names an analog channel the file lacks"
        )
    signals = analogs[channels]
    with np.errstate(divide="ignore", invalid="ignore"):  # an unloaded plate has no COP: NaN/inf, as ezc3d
        if plate_type == 1:
            force = rotation @ signals[0:3]
            cop = rotation @ np.vstack([signals[3], signals[4], np.zeros_like(signals[5])]) + centre
            free = signals[5] * rotation[2, 2]
            return PlateOutputs(force, cop, free, corners, convention)
        if plate_type == 3:
            c = signals
            force_raw = np.vstack([c[0] + c[1], c[2] + c[3], c[4] + c[5] + c[6] + c[7]])
            moment_raw = np.vstack(
                [
                    origin[1] * (c[4] + c[5] - c[6] - c[7]),
                    origin[0] * (c[5] + c[6] - c[4] - c[7]),
                    origin[1] * (c[1] - c[0]) + origin[0] * (c[2] - c[3]),
                ]
            )
            moment_raw += np.cross(force_raw.T, [0.0, 0.0, origin[2]]).T
        else:
            # only type 4 multiplies: a product would turn one overflowed channel into NaN in all six
            calibrated = _calibration(group, index, path) @ signals if plate_type == 4 else signals
            force_raw, moment_raw = calibrated[:3], calibrated[3:]
            moment_raw = moment_raw + np.cross(force_raw.T, origin).T
        cop_raw = np.vstack([-moment_raw[1] / force_raw[2], moment_raw[0] / force_raw[2], np.zeros(signals.shape[1])])
        if plate_type == 3:
            cop_raw = _type3_cop_correction(group, index, cop_raw)
        free_raw = moment_raw + np.cross(force_raw.T, cop_raw.T).T
        cop = rotation @ cop_raw + centre
        return PlateOutputs(rotation @ force_raw, cop, (rotation @ free_raw)[2], corners, convention)


def plate_outputs(analogs: np.ndarray, params: dict, plate_types: list[int], path: Path) -> list[PlateOutputs]:
    """Every used plate's outputs; analogs is ezc3d's scaled (channels, frames) array."""
    group = params.get("FORCE_PLATFORM", {})
    return [_plate_outputs(analogs, group, i, plate_type, path) for i, plate_type in enumerate(plate_types)]
