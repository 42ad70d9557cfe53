"""Stance-phase biomechanics: stances from vertical GRF, strike index from COP, peaks of PiG outputs.

Documented output convention (whatever the lab's model): angles in degrees, moments in Nm/kg,
inversion, internal rotation, flexion and adduction positive; both limbs share clinical sign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from runrisk.c3d import Plate, Trial

MOMENT_TO_NM_PER_KG = {"Nmm/kg": 1e-3, "Nmm": 1e-3, "Nm/kg": 1.0, "Nm": 1.0}

# peak name -> (model output, component 0=X 1=Y 2=Z, sign that makes the wanted direction positive)
PEAK_DEFINITIONS = {
    "ankle_inversion_angle_peak": ("AnkleAngles", 1, +1),
    "ankle_eversion_angle_peak": ("AnkleAngles", 1, -1),
    "ankle_external_rotation_peak": ("AnkleAngles", 2, -1),
    "ankle_inversion_moment_peak": ("AnkleMoment", 1, +1),
    "knee_flexion_angle_peak": ("KneeAngles", 0, +1),
    "knee_flexion_moment_peak": ("KneeMoment", 0, +1),
    "hip_adduction_angle_peak": ("HipAngles", 1, +1),
}
PEAK_NAMES = tuple(PEAK_DEFINITIONS)


@dataclass(frozen=True)
class StanceSettings:
    force_threshold_n: float = 20.0
    cop_threshold_n: float = 50.0
    min_stance_s: float = 0.10
    max_stance_s: float = 0.50


def vertical_force(plate: Plate) -> np.ndarray:
    """Vertical GRF, positive under load whatever sign convention the plate's channels use."""
    fz = plate.force[2]
    finite = np.nan_to_num(fz)
    return -finite if abs(finite.min()) > abs(finite.max()) else finite


def contact_segments(fz: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """[start, end) index runs where the vertical force exceeds the threshold."""
    above = np.concatenate([[False], fz > threshold, [False]])
    edges = np.flatnonzero(np.diff(above.astype(int)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def stance_qc(start: int, end: int, n: int, rate: float, settings: StanceSettings, n_segments: int) -> str:
    """Empty when the stance is usable, else the reason it is not."""
    duration = (end - start) / rate
    if start == 0 or end >= n:
        return "partial contact: force above threshold at the start or end of the recording"
    if duration < settings.min_stance_s:
        return f"contact of {duration:.3f} s is shorter than {settings.min_stance_s} s"
    if duration > settings.max_stance_s:
        return f"contact of {duration:.3f} s is longer than {settings.max_stance_s} s (walking or standing)"
    if n_segments > 1:
        return "double contact: more than one loading on this plate"
    return ""


def foot_side(trial: Trial, cop_xy: np.ndarray, frame: int) -> str | None:
    """The foot whose heel-toe midpoint is closest to the COP at mid-stance."""
    best, best_distance = None, np.inf
    for side in ("R", "L"):
        heel, toe = trial.points.get(f"{side}HEE"), trial.points.get(f"{side}TOE")
        if heel is None or toe is None:
            continue
        midpoint = (heel[:2, frame] + toe[:2, frame]) / 2
        distance = float(np.hypot(*(midpoint - cop_xy)))
        if np.isfinite(distance) and distance < best_distance:
            best, best_distance = side, distance
    return best


def strike_index(trial: Trial, side: str, cop_xy: np.ndarray, frame: int) -> float:
    """COP at initial contact along heel->toe, in % of the heel-toe marker distance."""
    heel = trial.points[f"{side}HEE"][:2, frame]
    toe = trial.points[f"{side}TOE"][:2, frame]
    axis = toe - heel
    return float(100.0 * np.dot(cop_xy - heel, axis) / np.dot(axis, axis))


def stance_peaks(trial: Trial, side: str, first_frame: int, last_frame: int) -> dict[str, float]:
    moment_scale = MOMENT_TO_NM_PER_KG.get(trial.moment_units, 1e-3)
    peaks = {}
    for name, (output, component, sign) in PEAK_DEFINITIONS.items():
        series = trial.points.get(side + output)
        if series is None:
            peaks[name] = np.nan
            continue
        window = sign * series[component, first_frame : last_frame + 1]
        scale = moment_scale if output.endswith("Moment") else 1.0
        peaks[name] = float(np.nanmax(window)) * scale if np.isfinite(window).any() else np.nan
    return peaks


def analog_to_frame(trial: Trial, analog_index: int) -> int:
    """The POINT frame that contains an analog sample (rates differ between the two)."""
    return min(trial.n_frames - 1, int(round(analog_index / trial.analog_rate * trial.point_rate)))


def extract_stances(trial: Trial, settings: StanceSettings) -> list[dict]:
    """One row per force plate: the stance on it (or why there is none usable)."""
    rows = []
    for plate in trial.plates:
        fz = vertical_force(plate)
        segments = [s for s in contact_segments(fz, settings.force_threshold_n) if s[1] - s[0] > 1]
        if not segments:
            continue  # a plate nobody stepped on is not a stance
        start, end = max(segments, key=lambda s: s[1] - s[0])
        rate = trial.analog_rate
        row = {
            "plate": plate.index + 1,
            "contact_s": start / rate,
            "toe_off_s": end / rate,
            "contact_time_s": (end - start) / rate,
            "peak_vgrf_n": float(fz[start:end].max()),
            "qc_reason": stance_qc(start, end, len(fz), rate, settings, len(segments)),
        }

        mid = (start + end) // 2
        side = foot_side(trial, plate.cop_mm[:2, mid], analog_to_frame(trial, mid))
        row["side"] = side or ""
        if side is None:
            row["qc_reason"] = row["qc_reason"] or "no heel/toe markers to tell which foot is on the plate"
            rows.append(row | {"strike_index_pct": np.nan} | dict.fromkeys(PEAK_NAMES, np.nan))
            continue
        loaded = np.flatnonzero(fz[start:end] > settings.cop_threshold_n)
        first = start + (int(loaded[0]) if len(loaded) else 0)
        row["strike_index_pct"] = strike_index(trial, side, plate.cop_mm[:2, first], analog_to_frame(trial, first))
        row.update(stance_peaks(trial, side, analog_to_frame(trial, start), analog_to_frame(trial, end - 1)))
        rows.append(row)
    return rows


def summarise_participants(stances: pd.DataFrame) -> pd.DataFrame:
    """Trial means per participant and limb over valid stances, with the number of stances used."""
    valid = stances[stances["qc_reason"] == ""]
    columns = ["strike_index_pct", "contact_time_s", *PEAK_NAMES]
    grouped = valid.groupby(["participant_id", "side"], sort=True)
    summary = grouped[columns].mean()
    summary.insert(0, "n_stances", grouped.size())
    return summary.reset_index()
