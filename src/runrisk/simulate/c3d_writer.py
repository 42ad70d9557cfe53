"""Overground running trials as C3D: foot and sacral markers, two Type-2 force plates, model outputs, as two
labs write them.

Lab frame: x lateral (right +), y direction of running, z up; positions in mm.
- gait_lab_a (Vicon Nexus, Plug-in Gait): markers RHEE/RTOE and SACR, both sides in clinical sign, angles in
  degrees (Y + inversion, Z + internal rotation), external moments in Nmm/kg, files `run_01.c3d`.
- gait_lab_b (Visual3D): markers R_HEEL/R_MT2 and SACRUM, left-side Y and Z mirrored, internal (joint) moments in
  Nm/kg, files `RUN_01.C3D`.
Signals have the structure of running: an impact transient that fades from rearfoot to forefoot
strikers, a COP that travels from lateral to medial, left/right asymmetry, trial-to-trial variation, and
now and then a marker occluded for a few frames during swing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ezc3d
import numpy as np

from runrisk.simulate import skeleton
from runrisk.simulate.cohort import PEAK_NAMES, STREAM_TRIALS, participant_rng

POINT_RATE = 200
ANALOG_RATE = 1000
TRIAL_SECONDS = 0.9
PLATE_ORIGIN_Z_MM = -40.0
PLATE_SIZE_MM = (400.0, 600.0)
PLATE_CENTRES_MM = ((0.0, 300.0), (0.0, 1500.0))
FOOT_LENGTH_PER_HEIGHT = 0.152
GRAVITY = 9.81
MODEL_OUTPUTS = ("AnkleAngles", "KneeAngles", "HipAngles", "AnkleMoment", "KneeMoment", "HipMoment")
COP_TRAVEL_MM = 12.0  # lateral at contact to medial at toe-off, across the foot's axis
MARKER_GAP_FRAMES = (3, 8)  # an occlusion during swing, shorter than the filter's reach
LAB_B = "gait_lab_b"  # Visual3D's convention, its marker names, upper-case file names
LAB_C = "gait_lab_c"  # markers, plates and measurements only: the study computes the model (skeleton.py)
SWING_KNEE_FLEXION_DEG = 70.0
COP_EDGE_CLEARANCE_MM = 20.0
MARKER_LABELS = {"gait_lab_a": {"HEE": "HEE", "TOE": "TOE"}, LAB_B: {"HEE": "_HEEL", "TOE": "_MT2"}}
SACRUM_LABELS = {"gait_lab_a": "SACR", LAB_B: "SACRUM"}
SACRUM_HEIGHT_PER_HEIGHT = 0.55
SACRUM_BOUNCE_MM = 40.0  # vertical excursion of the pelvis in running, lowest at mid-stance


@dataclass(frozen=True)
class Stance:
    side: str  # "R" or "L"
    plate: int
    t_contact: float
    duration: float
    heel_mm: np.ndarray  # ground position of the heel marker during stance
    toe_mm: np.ndarray
    peaks: dict


def plate_corners(centre: tuple[float, float]) -> np.ndarray:
    """Corners (3 x 4) ordered so that the plate axes coincide with the lab axes."""
    half_x, half_y = PLATE_SIZE_MM[0] / 2, PLATE_SIZE_MM[1] / 2
    cx, cy = centre
    return np.array(
        [
            [cx + half_x, cy - half_y, 0.0],
            [cx - half_x, cy - half_y, 0.0],
            [cx - half_x, cy + half_y, 0.0],
            [cx + half_x, cy + half_y, 0.0],
        ]
    ).T


def grf_bw(tau: np.ndarray, strike_index: float) -> np.ndarray:
    """Vertical GRF in body weights: active peak, plus an impact peak that fades towards forefoot."""
    impact = 0.8 * np.clip((40.0 - strike_index) / 35.0, 0.0, 1.0)
    inside = (tau >= 0) & (tau <= 1)
    active = 2.5 * np.sin(np.pi * np.clip(tau, 0, 1))
    return np.where(inside, active + impact * np.exp(-(((tau - 0.12) / 0.05) ** 2)), 0.0)


def cop_fraction(tau: np.ndarray, strike_index: float) -> np.ndarray:
    """COP along heel->toe: starts at the strike index, rolls to 95 % of foot length."""
    start = strike_index / 100.0
    t = np.clip(tau, 0, 1)
    return start + (0.95 - start) * (t - np.sin(2 * np.pi * t) / (2 * np.pi))


def model_waveforms(tau: np.ndarray, peaks: dict) -> dict[str, np.ndarray]:
    """(3, n) Plug-in Gait curves whose stance peaks equal the requested peaks."""
    s = np.sin(np.pi * tau)
    inv, ev = peaks["ankle_inversion_angle_peak"], peaks["ankle_eversion_angle_peak"]
    ankle_y = inv * np.exp(-(((tau - 0.04) / 0.05) ** 2)) - ev * np.clip(s, 0, None) ** 2 * (tau > 0.12)
    knee_peak = peaks["knee_flexion_angle_peak"]
    return {
        "AnkleAngles": np.vstack([15 * s, ankle_y, -peaks["ankle_external_rotation_peak"] * s]),
        "KneeAngles": np.vstack([20 + (knee_peak - 20) * s, 2 * s, -5 * s]),
        "HipAngles": np.vstack([30 - 35 * tau, peaks["hip_adduction_angle_peak"] * s, 3 * s]),
        "AnkleMoment": 1000
        * np.vstack([2.6 * s, peaks["ankle_inversion_moment_peak"] * np.clip(s, 0, None) ** 2, 0.1 * s]),
        "KneeMoment": 1000 * np.vstack([peaks["knee_flexion_moment_peak"] * s, 0.3 * s, 0.05 * s]),
        "HipMoment": 1000 * np.vstack([1.5 * np.cos(np.pi * tau), 1.0 * s, 0.1 * s]),
    }


def trial_stances(person: dict, rng: np.random.Generator, trial_sd_fraction: float, biomech_cfg: dict) -> list[Stance]:
    foot_mm = FOOT_LENGTH_PER_HEIGHT * person["height_cm"] * 10
    stances = []
    t_contact = 0.15 + rng.uniform(-0.02, 0.02)
    for side, plate, heel_y in (("R", 0, 180.0), ("L", 1, 1380.0)):
        toe_out = np.deg2rad(rng.normal(7.0, 3.0))
        lateral = 80.0 if side == "R" else -80.0
        heel = np.array([lateral + rng.normal(0, 15), heel_y + rng.normal(0, 25), 30.0])
        sign = 1 if side == "R" else -1
        toe = heel + np.array([sign * foot_mm * np.sin(toe_out), foot_mm * np.cos(toe_out), -10.0])
        peaks = {
            name: person[name]
            + (0 if side == "R" else person[f"{name}_left_offset"])
            + rng.normal(0, trial_sd_fraction * biomech_cfg[name]["sd"])
            for name in PEAK_NAMES
        }
        duration = person["contact_time_s"] * rng.uniform(0.97, 1.03)
        stances.append(Stance(side, plate, t_contact, duration, heel, toe, peaks))
        t_contact += duration + rng.uniform(0.10, 0.13)
    return stances


def marker_path(ground: np.ndarray, t: np.ndarray, stance: Stance, speed_mm_s: float) -> np.ndarray:
    before = np.clip(stance.t_contact - t, 0, None)
    after = np.clip(t - (stance.t_contact + stance.duration), 0, None)
    path = np.tile(ground[:, None], (1, len(t)))
    path[1] += 2 * speed_mm_s * (after - before)
    path[2] += 80.0 * np.clip((before + after) / 0.05, 0, 1)
    return path


def sacrum_path(stances: list[Stance], t: np.ndarray, speed_mm_s: float, height_cm: float) -> np.ndarray:
    """The sacral marker (3, n): forward at the running speed, above the first stance foot's heel at its
    mid-stance (plus the ankle's lead over the heel), bouncing once per step."""
    first = stances[0]
    mid = first.t_contact + first.duration / 2
    step_s = stances[1].t_contact - first.t_contact
    path = np.zeros((3, len(t)))
    path[1] = first.heel_mm[1] + 100.0 + speed_mm_s * (t - mid)
    path[2] = SACRUM_HEIGHT_PER_HEIGHT * height_cm * 10 - SACRUM_BOUNCE_MM / 2 * np.cos(2 * np.pi * (t - mid) / step_s)
    return path


def force_plate_analogs(stance: Stance, t: np.ndarray, person: dict, rng: np.random.Generator) -> np.ndarray:
    """Six Type-2 channels (Fx, Fy, Fz, Mx, My, Mz) in the plate frame, N and Nmm."""
    tau = (t - stance.t_contact) / stance.duration
    body_weight = person["body_mass_kg"] * GRAVITY
    gz = grf_bw(tau, person["strike_index"]) * body_weight
    inside = (tau >= 0) & (tau <= 1)
    gy = np.where(inside, -0.35 * np.sin(2 * np.pi * np.clip(tau, 0, 1)), 0.0) * body_weight
    gx = np.where(inside, 0.05 * np.sin(np.pi * np.clip(tau, 0, 1)), 0.0) * body_weight
    frac = cop_fraction(tau, person["strike_index"])
    axis = stance.toe_mm[:2] - stance.heel_mm[:2]
    lateral = np.array([axis[1], -axis[0]]) / np.hypot(*axis) * (1 if stance.side == "R" else -1)
    travel = COP_TRAVEL_MM * (0.5 - np.clip(tau, 0, 1))
    cop = stance.heel_mm[:2, None] + frac * axis[:, None] + lateral[:, None] * travel
    return plate_channels(np.vstack([gx, gy, gz]), cop, stance.plate, rng)


def plate_channels(force: np.ndarray, cop_xy: np.ndarray, plate: int, rng: np.random.Generator) -> np.ndarray:
    """Six Type-2 channels (Fx, Fy, Fz, Mx, My, Mz) in the plate frame (N, Nmm) of the force on the foot
    (3, n) applied at cop_xy (2, n) on the plate's surface, with amplifier noise."""
    gx, gy, gz = force
    centre = np.array(PLATE_CENTRES_MM[plate])[:, None]
    dx, dy = cop_xy - centre
    c = PLATE_ORIGIN_Z_MM
    # Mz about the plate's origin for a load with no free moment about the vertical at the COP
    channels = np.vstack([gx, -gy, -gz, dy * gz + c * gy, c * gx + dx * gz, dy * gx - dx * gy])
    noise = rng.normal(0, 1, channels.shape) * np.array([0.5, 0.5, 1.0, 50, 50, 20])[:, None]
    return channels + noise


def _set_int_parameter(c3d: ezc3d.c3d, group: str, name: str, values: np.ndarray) -> None:
    # ezc3d's add_parameter turns Python ints into floats; force plate parameters must be INT.
    values = np.asarray(values)
    c3d.add_parameter(group, name, values.astype(float))
    c3d["parameters"][group][name]["type"] = ezc3d.ezc3d.INT
    c3d["parameters"][group][name]["value"] = values.astype(int)


def as_lab_writes(waves: dict[str, np.ndarray], side: str, lab: str) -> dict[str, np.ndarray]:
    """Plug-in Gait curves as the participant's lab writes them (Visual3D: left mirrored, internal moments
    in Nm/kg)."""
    if lab != LAB_B:
        return waves
    written = {}
    for output, values in waves.items():
        values = values.copy()
        if side == "L":
            values[1:] *= -1
        if output.endswith("Moment"):
            values = -values / 1000.0
        written[output] = values
    return written


def occluded(path: np.ndarray, rng: np.random.Generator, before_frame: int) -> np.ndarray:
    """The marker path with a few frames missing (NaN) during the swing before the first contact."""
    length = int(rng.integers(*MARKER_GAP_FRAMES))
    start = int(rng.integers(2, max(3, before_frame - length)))
    path = path.copy()
    path[:, start : start + length] = np.nan
    return path


def build_trial(person: dict, rng: np.random.Generator, trial_sd_fraction: float, biomech_cfg: dict) -> ezc3d.c3d:
    stances = trial_stances(person, rng, trial_sd_fraction, biomech_cfg)
    lab = person.get("lab", "gait_lab_a")
    n_frames = int(TRIAL_SECONDS * POINT_RATE)
    t_point = np.arange(n_frames) / POINT_RATE
    t_analog = np.arange(n_frames * ANALOG_RATE // POINT_RATE) / ANALOG_RATE
    speed = 3500.0

    labels, points = [], []
    gap = int(rng.integers(0, 4)) if rng.random() < 0.3 else -1  # which marker, if any, is occluded
    first_contact = int(stances[0].t_contact * POINT_RATE)
    for stance in stances:
        for marker, ground in (("HEE", stance.heel_mm), ("TOE", stance.toe_mm)):
            labels.append(stance.side + MARKER_LABELS[lab][marker])
            path = marker_path(ground, t_point, stance, speed) + rng.normal(0, 0.3, (3, n_frames))
            points.append(occluded(path, rng, first_contact) if len(points) == gap else path)
    model_labels = {"ANGLES": [], "MOMENTS": []}
    for stance in stances:
        waves = model_waveforms((t_point - stance.t_contact) / stance.duration, stance.peaks)
        waves = as_lab_writes(waves, stance.side, lab)
        for output in MODEL_OUTPUTS:
            label = stance.side + output
            labels.append(label)
            points.append(waves[output])
            model_labels["MOMENTS" if output.endswith("Moment") else "ANGLES"].append(label)

    # the marker noise from a child generator: the sacrum, added for the running speed, leaves every other
    # draw of the participant's stream (and so every other value of the default study) as it was
    labels.append(SACRUM_LABELS[lab])
    noise = rng.spawn(1)[0].normal(0, 0.3, (3, n_frames))
    points.append(sacrum_path(stances, t_point, speed, person["height_cm"]) + noise)

    c3d = trial_c3d(labels, points, n_frames)
    c3d.add_parameter("POINT", "ANGLES", model_labels["ANGLES"])
    c3d.add_parameter("POINT", "MOMENTS", model_labels["MOMENTS"])
    c3d.add_parameter("POINT", "ANGLE_UNITS", ["deg"])
    c3d.add_parameter("POINT", "MOMENT_UNITS", ["Nm/kg" if lab == LAB_B else "Nmm/kg"])

    add_plates(c3d, np.vstack([force_plate_analogs(s, t_analog, person, rng) for s in stances]))
    c3d.add_parameter("PROCESSING", "Bodymass", np.array([person["body_mass_kg"]]))
    return c3d


def trial_c3d(labels: list[str], points: list[np.ndarray], n_frames: int) -> ezc3d.c3d:
    """A C3D with these points ((3, n) each, mm) at POINT_RATE and an anonymous subject."""
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [POINT_RATE]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = tuple(labels)
    c3d["parameters"]["POINT"]["UNITS"]["value"] = ["mm"]
    data = np.ones((4, len(labels), n_frames))
    if labels:
        data[:3] = np.stack(points, axis=1)
    c3d["data"]["points"] = data
    c3d.add_parameter("SUBJECTS", "NAMES", ["anonymous"])
    return c3d


def add_plates(c3d: ezc3d.c3d, analogs: np.ndarray) -> None:
    """Two Type-2 plates whose twelve channels are analogs (12, n) at ANALOG_RATE."""
    analog_labels = [f"{ch}{p + 1}" for p in range(2) for ch in ("Fx", "Fy", "Fz", "Mx", "My", "Mz")]
    c3d["parameters"]["ANALOG"]["RATE"]["value"] = [ANALOG_RATE]
    c3d["parameters"]["ANALOG"]["LABELS"]["value"] = tuple(analog_labels)
    c3d["parameters"]["ANALOG"]["UNITS"]["value"] = ["N", "N", "N", "Nmm", "Nmm", "Nmm"] * 2
    c3d["data"]["analogs"] = analogs[None, :, :]
    _set_int_parameter(c3d, "FORCE_PLATFORM", "USED", np.array([2]))
    _set_int_parameter(c3d, "FORCE_PLATFORM", "TYPE", np.array([2, 2]))
    _set_int_parameter(c3d, "FORCE_PLATFORM", "ZERO", np.array([1, 0]))
    corners = np.stack([plate_corners(c) for c in PLATE_CENTRES_MM], axis=2)
    c3d.add_parameter("FORCE_PLATFORM", "CORNERS", corners)
    c3d.add_parameter("FORCE_PLATFORM", "ORIGIN", np.array([[0.0, 0.0], [0.0, 0.0], [PLATE_ORIGIN_Z_MM] * 2]))
    _set_int_parameter(c3d, "FORCE_PLATFORM", "CHANNEL", np.arange(1, 13).reshape(2, 6).T)


def build_marker_trial(
    person: dict, rng: np.random.Generator, trial_sd_fraction: float, biomech_cfg: dict
) -> ezc3d.c3d:
    """gait_lab_c's trial: Plug-in Gait markers from a skeleton, plates whose load makes the model's
    moments follow the person's curves, measurements in PROCESSING, no model outputs (skeleton.py)."""
    stances = trial_stances(person, rng, trial_sd_fraction, biomech_cfg)
    n_frames = int(TRIAL_SECONDS * POINT_RATE)
    t_point = np.arange(n_frames) / POINT_RATE
    t_analog = np.arange(n_frames * ANALOG_RATE // POINT_RATE) / ANALOG_RATE
    body = skeleton.Body(person["height_cm"] * 10, person["body_mass_kg"])
    subject = body.subject()
    chains, targets, angle_sets = {}, {}, {}
    for stance in stances:
        tau = (t_point - stance.t_contact) / stance.duration
        waves = model_waveforms(tau, stance.peaks)
        angles = {joint: waves[f"{joint}Angles"].T for joint in ("Hip", "Knee", "Ankle")}
        angles["Knee"][:, 0] += swing_knee_flexion(tau)
        angle_sets[stance.side] = (angles, (tau >= 0) & (tau <= 1))
        targets[stance.side] = {"ankle": waves["AnkleMoment"][1] / 1000, "knee": waves["KneeMoment"][0] / 1000}
    speed, start_y = running_line(stances, angle_sets, body, subject, t_point)
    landings = {stance.side: landing_spot(stance, body) for stance in stances}
    for stance in stances:
        angles, inside = angle_sets[stance.side]
        wanted = landings[stance.side][1] - (start_y + speed * t_point)
        angles["Hip"] = skeleton.planting_hip_flexion(stance.side, angles, inside, wanted, body, subject, POINT_RATE)
        chains[stance.side] = skeleton.leg_chain(stance.side, angles, body, subject)
    for _ in range(2):  # the second pass only when a foot would put the COP off its plate
        plants = [(angle_sets[s.side][1], landings[s.side], chains[s.side].ankle) for s in stances]
        paths = skeleton.markers(chains, skeleton.pelvis_path(plants, t_point, POINT_RATE), body)
        shifts = {s.side: inward_shift(s, paths, t_point) for s in stances}
        if not any(shifts.values()):
            break
        landings = {side: spot - np.array([shifts[side], 0.0, 0.0]) for side, spot in landings.items()}
    channels = [
        solved_plate_channels(stance, paths, targets[stance.side], person, subject, t_point, t_analog, rng)
        for stance in stances
    ]
    labels = list(paths)
    first_contact = int(stances[0].t_contact * POINT_RATE)
    gap = int(rng.integers(0, len(labels))) if rng.random() < 0.3 else -1
    points = []
    for i, label in enumerate(labels):
        path = paths[label].T + rng.normal(0, 0.05, (3, n_frames))
        points.append(occluded(path, rng, first_contact) if i == gap else path)
    c3d = trial_c3d(labels, points, n_frames)
    add_plates(c3d, np.vstack(channels))
    for name, value in body.processing().items():
        c3d.add_parameter("PROCESSING", name, np.array([value]))
    return c3d


def inward_shift(stance: Stance, paths: dict[str, np.ndarray], t_point: np.ndarray) -> float:
    """How far (mm, signed along x) the foot must land further in so that its COP, which runs along the
    foot and may be moved MAX_COP_ACROSS_MM across it by the solver, stays clear of the plate's side edges."""
    tau = (t_point - stance.t_contact) / stance.duration
    inside = np.flatnonzero((tau >= 0) & (tau <= 1))
    mid = inside[len(inside) // 2]
    heel, toe = paths[f"{stance.side}HEE"][mid, 0], paths[f"{stance.side}TOE"][mid, 0]
    reach = PLATE_SIZE_MM[0] / 2 - skeleton.MAX_COP_ACROSS_MM - COP_EDGE_CLEARANCE_MM
    centre = PLATE_CENTRES_MM[stance.plate][0]
    outer = max(heel - centre, toe - centre, key=abs)
    return float(np.sign(outer) * max(abs(outer) - reach, 0.0))


def landing_spot(stance: Stance, body) -> np.ndarray:
    """Where the stance foot's ankle centre stands: above the heel's spot on the plate."""
    return np.array([stance.heel_mm[0], stance.heel_mm[1] + 40.0, skeleton.ANKLE_HEIGHT_PER_HEIGHT * body.height_mm])


def running_line(stances: list[Stance], angle_sets: dict, body, subject, t_point: np.ndarray) -> tuple[float, float]:
    """Pelvis speed and start (y = start + speed t) that bring each foot's ankle over its landing spot
    at mid-stance with the written hip flexion there."""
    rows, rhs = [], []
    for stance in stances:
        angles, inside = angle_sets[stance.side]
        middle = int(np.flatnonzero(inside)[len(np.flatnonzero(inside)) // 2])
        relative = skeleton.ankle_forward(stance.side, angles, body, subject)[middle]
        rows.append([1.0, t_point[middle]])
        rhs.append(landing_spot(stance, body)[1] - relative)
    start_y, speed = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
    return float(speed), float(start_y)


def swing_knee_flexion(tau: np.ndarray) -> np.ndarray:
    """Extra knee flexion away from stance (0 inside it, smooth at its edges) that lifts the swing foot."""
    away = np.clip(np.maximum(-tau, tau - 1), 0, None)
    return SWING_KNEE_FLEXION_DEG * (1 - np.exp(-((away / 0.5) ** 2)))


def solved_plate_channels(
    stance: Stance,
    paths: dict[str, np.ndarray],
    targets: dict[str, np.ndarray],
    person: dict,
    subject,
    t_point: np.ndarray,
    t_analog: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """The stance's plate channels: vertical force and COP along the foot as the other labs', the COP's
    offset across the foot and the braking force solved for the model's moments, then resampled."""
    side, body_weight = stance.side, person["body_mass_kg"] * GRAVITY
    tau = (t_point - stance.t_contact) / stance.duration
    inside = (tau >= 0) & (tau <= 1)
    mid = int(np.flatnonzero(inside)[len(np.flatnonzero(inside)) // 2])
    heel, toe = paths[f"{side}HEE"][mid, :2], paths[f"{side}TOE"][mid, :2]
    axis = toe - heel
    outward = 1.0 if side == "R" else -1.0
    across = np.array([axis[1], -axis[0], 0.0]) / np.hypot(*axis) * outward
    frac = cop_fraction(tau, person["strike_index"])
    cop = np.column_stack([heel[0] + frac * axis[0], heel[1] + frac * axis[1], np.zeros_like(tau)])
    force = np.column_stack(
        [
            np.where(inside, 0.05 * np.sin(np.pi * np.clip(tau, 0, 1)), 0.0) * body_weight,
            np.zeros_like(tau),
            grf_bw(tau, person["strike_index"]) * body_weight,
        ]
    )
    solved = skeleton.solve_ground(
        side, paths, skeleton.Ground(inside, force, cop), across, targets, subject, POINT_RATE
    )
    tau_analog = (t_analog - stance.t_contact) / stance.duration
    inside_analog = (tau_analog >= 0) & (tau_analog <= 1)
    gz = grf_bw(tau_analog, person["strike_index"]) * body_weight
    gx = np.where(inside_analog, 0.05 * np.sin(np.pi * np.clip(tau_analog, 0, 1)), 0.0) * body_weight
    gy = np.where(inside_analog, np.interp(t_analog, t_point, np.where(inside, solved.force[:, 1], 0.0)), 0.0)
    cop_xy = np.vstack([np.interp(t_analog, t_point, solved.cop[:, k]) for k in (0, 1)])
    return plate_channels(np.vstack([gx, gy, gz]), cop_xy, stance.plate, rng)


def build_static_trial(person: dict, rng: np.random.Generator) -> ezc3d.c3d:
    """gait_lab_c's static trial: standing with every joint angle zero, feet flat, half a second."""
    body = skeleton.Body(person["height_cm"] * 10, person["body_mass_kg"])
    subject = body.subject()
    n_frames = POINT_RATE // 2
    zero = {joint: np.zeros((n_frames, 3)) for joint in ("Hip", "Knee", "Ankle")}
    chains = {side: skeleton.leg_chain(side, zero, body, subject) for side in ("L", "R")}
    height = skeleton.ANKLE_HEIGHT_PER_HEIGHT * body.height_mm
    origin = np.array([0.0, 300.0, height]) - chains["R"].ankle * np.array([0.0, 1.0, 1.0])
    paths = skeleton.markers(chains, origin, body)
    labels = list(paths)
    points = [paths[label].T + rng.normal(0, 0.2, (3, n_frames)) for label in labels]
    c3d = trial_c3d(labels, points, n_frames)
    add_plates(c3d, rng.normal(0, 0.5, (12, n_frames * ANALOG_RATE // POINT_RATE)))
    for name, value in body.processing().items():
        c3d.add_parameter("PROCESSING", name, np.array([value]))
    return c3d


def write_trials(
    person: dict, out_dir: Path, n_trials: int, seed: int, trial_sd_fraction: float, biomech_cfg: dict
) -> list[Path]:
    rng = participant_rng(seed, person["index"], STREAM_TRIALS)
    asymmetry = {f"{n}_left_offset": rng.normal(0, 0.3 * biomech_cfg[n]["sd"]) for n in PEAK_NAMES}
    person = {**person, **asymmetry}
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    lab = person.get("lab")
    for trial in range(1, n_trials + 1):
        path = out_dir / (f"RUN_{trial:02d}.C3D" if lab == LAB_B else f"run_{trial:02d}.c3d")
        written = path.with_name(path.stem + ".c3d")  # ezc3d appends .c3d to any other extension
        build = build_marker_trial if lab == LAB_C else build_trial
        build(person, rng, trial_sd_fraction, biomech_cfg).write(str(written))
        written.rename(path)
        paths.append(path)
    if lab == LAB_C:
        paths.append(out_dir / "static_01.c3d")
        build_static_trial(person, rng).write(str(paths[-1]))
    return paths
