"""Stance-phase biomechanics: stances from vertical GRF, strike index from COP, peaks of model outputs.

Every value is in the documented convention of runrisk.biomech.conventions: degrees, Nm/kg (external
moments), inversion, internal rotation, flexion and adduction positive, both limbs clinical sign.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from runrisk.biomech.signals import missing_signals
from runrisk.biomech.tendon_force import TENDON_COLUMNS, TendonSettings, stance_tendon_load, step_length, trial_speed
from runrisk.config import Section
from runrisk.errors import InputError
from runrisk.io.trial import Plate, Trial

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
class FilterSettings(Section):
    SECTION = "biomechanics.filter"

    order: int
    kinematics_hz: float | None  # markers and joint angles
    kinetics_hz: float | str | None  # joint moments, or "kinematics_hz"
    grf_hz: float | None  # vertical GRF before stance detection

    @property
    def kinetics_cutoff(self) -> float | None:
        # one cut-off for angles and moments unless a lab sets its own (Kristianslund et al. 2012)
        return self.kinematics_hz if self.kinetics_hz == "kinematics_hz" else self.kinetics_hz


@dataclass(frozen=True)
class StanceSettings(Section):
    """What stance extraction reads of the biomechanics section."""

    SECTION = "biomechanics"

    force_threshold_n: float
    cop_threshold_n: float
    min_stance_s: float
    max_stance_s: float
    edge_margin_mm: float
    filter: FilterSettings
    required_signals: tuple[str, ...]  # side-less names (HEE, AnkleAngles) a valid stance needs
    tendon: TendonSettings


# scipy.signal is imported where it is used: it loads scipy.stats, 1.1 s of start-up that every job reading
# only wearables or tables would pay through runrisk.cohort.shards
@lru_cache(maxsize=32)
def butterworth(order: int, cutoff: float, rate: float) -> np.ndarray:
    from scipy.signal import butter

    return butter(order // 2 or 1, cutoff, fs=rate, output="sos")  # filtfilt doubles the order


def lowpass(values: np.ndarray, rate: float, cutoff: float | None, order: int) -> np.ndarray:
    """Zero-lag Butterworth along the last axis, run by run between gaps, so gaps stay gaps."""
    if not cutoff or cutoff >= rate / 2:
        return values
    from scipy.signal import sosfiltfilt

    sos = butterworth(order, cutoff, rate)
    min_run = 3 * (2 * len(sos) + 1)
    out = np.array(values, dtype=float, copy=True)
    rows = out.reshape(-1, out.shape[-1])
    if rows.shape[1] <= min_run:
        return out
    whole = np.isfinite(rows).all(axis=1)
    if whole.any():  # gap-free signals in one call: most of a trial
        rows[whole] = sosfiltfilt(sos, rows[whole], axis=-1)
    for row in (rows[i] for i in np.flatnonzero(~whole)):
        finite = np.concatenate([[False], np.isfinite(row), [False]])
        edges = np.flatnonzero(np.diff(finite.astype(int)))
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            if end - start > min_run:
                row[start:end] = sosfiltfilt(sos, row[start:end])
    return out


def filter_trial(trial: Trial, settings: StanceSettings) -> Trial:
    """Kinematics and kinetics filtered, each family stacked into one lowpass call."""
    cutoff_of = {
        label: settings.filter.kinetics_cutoff if label in trial.moment_labels else settings.filter.kinematics_hz
        for label in trial.points
    }
    points = {}
    for cutoff in dict.fromkeys(cutoff_of.values()):
        labels = [label for label, c in cutoff_of.items() if c == cutoff]
        stacked = np.stack([np.asarray(trial.points[label], dtype=float) for label in labels])
        filtered = lowpass(stacked, trial.point_rate, cutoff, settings.filter.order)
        points.update(zip(labels, filtered, strict=True))
    return replace(trial, points={label: points[label] for label in trial.points})


def vertical_force(plate: Plate) -> np.ndarray:
    """Vertical GRF, positive under load whatever sign convention the plate's channels use."""
    fz = np.nan_to_num(plate.force[2])
    return -fz if abs(fz.min()) > abs(fz.max()) else fz


def remove_baseline(fz: np.ndarray) -> np.ndarray:
    """Subtract the unloaded level (offset and linear drift) estimated from samples near the minimum.

    A minimum above a fifth of the peak is load, not offset (a treadmill plate under double support),
    and is left alone.
    """
    if not len(fz) or fz.max() <= 0 or fz.min() > 0.2 * fz.max():
        return fz
    span = fz.max() - fz.min()
    unloaded = np.flatnonzero(fz <= fz.min() + 0.05 * span)
    if len(unloaded) < 2:
        return fz - fz.min()
    if np.ptp(unloaded) > len(fz) / 2:  # unloaded on both sides of the stance: drift is estimable
        slope, intercept = np.polyfit(unloaded, fz[unloaded], 1)
        return fz - (slope * np.arange(len(fz)) + intercept)
    return fz - np.median(fz[unloaded])


def contact_segments(fz: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """[start, end) index runs where the vertical force exceeds the threshold."""
    above = np.concatenate([[False], fz > threshold, [False]])
    edges = np.flatnonzero(np.diff(above.astype(int)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def distance_to_edge(cop_xy: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Signed distance (mm) of each COP point to the plate outline: negative outside the plate."""
    outline = corners[:2].T
    distances, inside = [], np.ones(cop_xy.shape[1], bool)
    centre = outline.mean(axis=0)
    for a, b in zip(outline, np.roll(outline, -1, axis=0), strict=True):
        edge = b - a
        normal = np.array([-edge[1], edge[0]]) / np.hypot(*edge)
        if np.dot(centre - a, normal) < 0:
            normal = -normal
        d = (cop_xy.T - a) @ normal
        distances.append(d)
        inside &= d >= 0
    nearest = np.min(np.abs(distances), axis=0)
    return np.where(inside, nearest, -nearest)


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


def edge_qc(plate: Plate, loaded: np.ndarray, settings: StanceSettings) -> str:
    """A foot partly off the plate, judged by the COP only where the vertical force exceeds cop_threshold_n
    (loaded): below a few tens of N the COP is a ratio of noise and wanders anywhere."""
    if plate.corners_mm is None or not len(loaded):
        return ""
    cop = plate.cop_mm[:2, loaded]
    cop = cop[:, np.isfinite(cop).all(axis=0)]
    if not cop.shape[1]:
        return ""
    closest = float(distance_to_edge(cop, plate.corners_mm).min())
    where = f"while the force exceeds {settings.cop_threshold_n:g} N"
    if closest < 0:
        return f"partial contact: COP is outside the plate by {-closest:.0f} mm {where}"
    if closest < settings.edge_margin_mm:
        return (
            f"partial contact: COP comes within {closest:.0f} mm of the plate edge {where} "
            f"(margin {settings.edge_margin_mm:g} mm)"
        )
    return ""


def analog_to_frame(trial: Trial, analog_index: int) -> int:
    """The POINT frame that contains an analog sample (rates differ between the two)."""
    return min(max(trial.n_frames - 1, 0), int(round(analog_index / trial.analog_rate * trial.point_rate)))


def side_from_markers(trial: Trial, cop_xy: np.ndarray, frame: int) -> str:
    """The foot whose heel-toe midpoint is closest to the COP at mid-stance, height counted from the lower
    foot: a swing foot passing over the stance foot is near it on the floor plan but not on the plate."""
    midpoints = {}
    for side in ("R", "L"):
        heel, toe = trial.points.get(f"{side}HEE"), trial.points.get(f"{side}TOE")
        if heel is not None and toe is not None:
            midpoints[side] = (heel[:, frame] + toe[:, frame]) / 2
    heights = [m[2] for m in midpoints.values() if np.isfinite(m[2])]
    floor = min(heights) if heights else 0.0
    best, best_distance = "", np.inf
    for side, midpoint in midpoints.items():
        distance = float(np.linalg.norm([*(midpoint[:2] - cop_xy), midpoint[2] - floor]))
        if np.isfinite(distance) and distance < best_distance:
            best, best_distance = side, distance
    return best


def side_from_events(trial: Trial, contact_s: float, tolerance_s: float = 0.05) -> str:
    strikes = [e for e in trial.events if "strike" in e.label.lower() or e.label.upper().endswith("HS")]
    near = [e for e in strikes if abs(e.time_s - contact_s) <= tolerance_s]
    if not near:
        return ""
    event = min(near, key=lambda e: abs(e.time_s - contact_s))
    text = (event.context or event.label).strip().upper()
    return text[0] if text[:1] in {"R", "L"} else ""


def strike_index(trial: Trial, side: str, cop_xy: np.ndarray, frame: int) -> float:
    """COP at initial contact along heel->toe (markers at `frame`), in % of the heel-toe marker distance."""
    heel, toe = trial.points.get(f"{side}HEE"), trial.points.get(f"{side}TOE")
    if heel is None or toe is None:
        return np.nan
    axis = toe[:2, frame] - heel[:2, frame]
    return float(100.0 * np.dot(cop_xy - heel[:2, frame], axis) / np.dot(axis, axis))


def stance_peaks(trial: Trial, side: str, first_frame: int, last_frame: int) -> dict[str, float]:
    peaks = {}
    for name, (output, component, sign) in PEAK_DEFINITIONS.items():
        series = trial.points.get(side + output)
        window = sign * series[component, first_frame : last_frame + 1] if series is not None else np.array([])
        peaks[name] = float(np.nanmax(window)) if np.isfinite(window).any() else np.nan
    return peaks


def stance_tendon(
    trial: Trial, side: str, frames: slice, contact_s: float, body_mass_kg: float | None, settings: TendonSettings
) -> dict:
    """The Achilles tendon load of one foot's stance over its frames (runrisk.biomech.tendon_force)."""
    moment = trial.points.get(side + "AnkleMoment")
    if moment is None or side + "AnkleMoment" not in trial.moment_labels:
        return dict.fromkeys(TENDON_COLUMNS[:4], np.nan) | {"at_reason": "no sagittal ankle moment in the trial"}
    angles = trial.points.get(side + "AnkleAngles")
    plantarflexion = -angles[0, frames] if angles is not None else None  # the convention's X: dorsiflexion +
    offset = frames.start / trial.point_rate - contact_s
    return stance_tendon_load(moment[0, frames], plantarflexion, trial.point_rate, offset, body_mass_kg, settings)


def plate_stance(
    trial: Trial, plate: Plate, settings: StanceSettings, body_mass_kg: float | None = None
) -> dict | None:
    """The stance on one plate (or why it is not usable); None for a plate nobody stepped on."""
    rate = trial.analog_rate
    infinite = np.flatnonzero(np.isinf(plate.force[2]))
    if len(infinite):  # an overflowed channel: no peak or baseline computed from it can be trusted
        raise InputError(
            trial.path, f"force plate {plate.index + 1}: vertical force is infinite at sample {int(infinite[0])}"
        )
    if len(plate.force[2]) and not np.isfinite(plate.force[2]).any():
        return {**unusable_plate_row(plate), "qc_reason": "no finite vertical force on this plate"}
    fz = lowpass(remove_baseline(vertical_force(plate)), rate, settings.filter.grf_hz, settings.filter.order)
    segments = [s for s in contact_segments(fz, settings.force_threshold_n) if s[1] - s[0] > 1]
    if not segments:
        return None
    start, end = max(segments, key=lambda s: s[1] - s[0])
    loaded = start + np.flatnonzero(fz[start:end] > settings.cop_threshold_n)
    qc = stance_qc(start, end, len(fz), rate, settings, len(segments)) or edge_qc(plate, loaded, settings)
    mid = (start + end) // 2
    side = plate.side_hint or side_from_markers(trial, plate.cop_mm[:2, mid], analog_to_frame(trial, mid))
    side = side or side_from_events(trial, start / rate)
    row = {
        "plate": plate.index + 1,
        "side": side,
        "contact_s": start / rate,
        "toe_off_s": end / rate,
        "contact_time_s": (end - start) / rate,
        "peak_vgrf_n": float(fz[start:end].max()),
        "strike_index_pct": np.nan,
        **dict.fromkeys(PEAK_NAMES, np.nan),
        "qc_reason": qc or ("" if side else "no heel/toe markers or events to tell which foot is on the plate"),
    }
    stance_frames = slice(analog_to_frame(trial, start), analog_to_frame(trial, end - 1) + 1)
    missing = missing_signals(trial, side, settings.required_signals, stance_frames) if side else []
    if missing and not row["qc_reason"]:
        row["qc_reason"] = (
            f"missing signal(s) {', '.join(missing)}: in the file under no known name "
            "(biomechanics.signal_names maps a lab's own labels)"
        )
    if side and not row["qc_reason"] and trial.model_source == "cgm10":
        row["qc_reason"] = computed_gap_reason(trial, side, stance_frames)
    if side:
        first = int(loaded[0]) if len(loaded) else start
        # the foot axis comes from mid-stance, when the foot is flat; at contact it is still decelerating
        row["strike_index_pct"] = strike_index(trial, side, plate.cop_mm[:2, first], analog_to_frame(trial, mid))
        row.update(stance_peaks(trial, side, analog_to_frame(trial, start), analog_to_frame(trial, end - 1)))
        row.update(stance_tendon(trial, side, stance_frames, start / rate, body_mass_kg, settings.tendon))
    else:
        row.update(NO_FOOT_TENDON)
    return row


def computed_gap_reason(trial: Trial, side: str, frames: slice) -> str:
    """A computed output undefined inside the stance (a marker gap longer than the gap filling reaches,
    or both feet on the plate) would make its peak that of part of the stance: the stance is not valid."""
    gaps = [
        side + output
        for output, _, _ in PEAK_DEFINITIONS.values()
        if side + output in trial.points and not np.isfinite(trial.points[side + output][:, frames]).all()
    ]
    if not gaps:
        return ""
    return (
        f"gait model output(s) {', '.join(dict.fromkeys(gaps))} undefined during stance: a marker gap longer "
        "than biomechanics.cgm.max_gap_frames, or both feet on the plate"
    )


NO_FOOT_TENDON = dict.fromkeys(TENDON_COLUMNS[:4], np.nan) | {"at_reason": "the foot on the plate is not known"}


def unusable_plate_row(plate: Plate) -> dict:
    return {
        **NO_FOOT_TENDON,
        "plate": plate.index + 1,
        "side": "",
        "contact_s": np.nan,
        "toe_off_s": np.nan,
        "contact_time_s": np.nan,
        "peak_vgrf_n": np.nan,
        "strike_index_pct": np.nan,
        **dict.fromkeys(PEAK_NAMES, np.nan),
    }


def extract_stances(trial: Trial, settings: StanceSettings, body_mass_kg: float | None = None) -> list[dict]:
    """One row per loaded force plate, with its Achilles tendon load (in N only with the body mass) and
    the trial's speed and step length. The trial must already be in the documented convention."""
    filtered = filter_trial(trial, settings)
    rows = [row for plate in trial.plates if (row := plate_stance(filtered, plate, settings, body_mass_kg)) is not None]
    speed, _ = trial_speed(filtered)
    steps = step_length(rows, speed)
    return [{**row, "trial_speed_m_s": speed, "step_length_m": steps} for row in rows]


def no_stance_reason(trial: Trial, stances: list[dict], settings: StanceSettings) -> str:
    """Why a trial gave no stance, in words ("" when it gave one): the trials table says it, so a trial
    with 0 stances is never a silent one."""
    if stances:
        return ""
    if trial.n_frames == 0:
        return "the file holds no frames (an empty recording)"
    if not trial.plates:
        return "the file describes no force plate"
    return (
        f"no force plate was loaded above biomechanics.force_threshold_n ({settings.force_threshold_n:g} N): "
        "nobody stepped on a plate"
    )


TENDON_MEANS = ("at_force_peak_bw", "at_impulse_bws", "at_loading_rate_bw_s", "trial_speed_m_s", "step_length_m")
MEAN_COLUMNS = ("strike_index_pct", "contact_time_s", *PEAK_NAMES, *TENDON_MEANS)  # trial means
PER_KM_COLUMNS = ("steps_per_km", "at_impulse_per_km_bws")
SUMMARY_COLUMNS = (*MEAN_COLUMNS, *PER_KM_COLUMNS)  # the biomechanics table's values, what a model term may use


def summarise_participants(stances: pd.DataFrame) -> pd.DataFrame:
    """Trial means per participant and limb over valid stances, with the number of stances used; steps
    per km (both feet: 1000 / step length) and this limb's Achilles tendon impulse per km (half the steps
    are this foot's). A mean skips a stance without the value (NaN: no tendon force, no speed)."""
    valid = stances[stances["qc_reason"] == ""]
    # stances of a reader without the tendon's columns (a lab source that gives no sagittal moment) are
    # missing those values, not an error
    valid = valid.reindex(columns=[*dict.fromkeys(["participant_id", "side", *MEAN_COLUMNS])])
    grouped = valid.groupby(["participant_id", "side"], sort=True)
    summary = grouped[list(MEAN_COLUMNS)].mean()
    summary.insert(0, "n_stances", grouped.size())
    summary["steps_per_km"] = 1000.0 / summary["step_length_m"]
    summary["at_impulse_per_km_bws"] = summary["at_impulse_bws"] * summary["steps_per_km"] / 2
    return summary.reset_index()
