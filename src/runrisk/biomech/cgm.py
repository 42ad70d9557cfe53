"""The Conventional Gait Model 1.0 (Plug-in Gait's lower body) from markers, force plates and measurements.

Davis et al. 1991 (hip joint centre regression, segment frames); Kadaba et al. 1989, 1990 (marker set,
chord function, Cardan angles); Vicon's Plug-in Gait reference guide (static foot offsets, signs,
Dempster inertia, moments in the distal segment). pyCGM and pyCGM2 implement the same model one frame
at a time in Python loops; this one is vectorised over frames, because a study runs it on every trial
of every participant. Written by hand: no maintained library computes CGM1.0 on numpy arrays.

Conventions: markers in mm in the lab frame (Z up); every array is (n_frames, 3); a segment's axes are
the columns of an (n, 3, 3) matrix: X anterior, Y to the left (both limbs, as Plug-in Gait), Z
proximal. Outputs are in the project's documented convention (runrisk.biomech.conventions): degrees
with Plug-in Gait's clinical signs, external moments in Nm/kg expressed in the distal segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from runrisk.biomech.signals import MARKERS

SIDES = ("L", "R")
GRAVITY_MM_S2 = np.array([0.0, 0.0, -9810.0])
# Davis et al. 1991 hip regression angles (rad), as Plug-in Gait states them
DAVIS_THETA = 0.500000178813934
DAVIS_BETA = 0.314000427722931
# Dempster (1955) as Plug-in Gait tabulates it: mass fraction, centre of mass from the proximal joint
# centre as a fraction of the segment's length (Plug-in Gait measures 0.433 from the distal end, which
# is why its centres of mass sit lower than Winter's table), radius of gyration about the centre of mass
DEMPSTER = {
    "thigh": (0.100, 0.567, 0.323),
    "shank": (0.0465, 0.567, 0.302),
    "foot": (0.0145, 0.5, 0.475),
}
PELVIS_SIDED = ("ASI", "PSI")
SIDED = tuple(name for name in MARKERS if name not in PELVIS_SIDED)  # the lower-limb markers, L/R prefixed


class ModelError(ValueError):
    """A trial or subject the model cannot compute; the message says which input and why."""


@dataclass(frozen=True)
class Subject:
    """Plug-in Gait's subject measurements (mm, kg, degrees; static offsets in radians)."""

    body_mass_kg: float
    leg_length_mm: dict[str, float]
    knee_width_mm: dict[str, float]
    ankle_width_mm: dict[str, float]
    asis_trochanter_mm: dict[str, float] = field(default_factory=dict)  # 0 or absent: regression
    inter_asis_mm: float = 0.0  # 0: measured from the markers
    tibial_torsion_deg: dict[str, float] = field(default_factory=dict)
    sole_delta_mm: dict[str, float] = field(default_factory=dict)
    static_plantar_flexion_rad: dict[str, float] | None = None  # None: not calibrated yet
    static_rotation_offset_rad: dict[str, float] | None = None
    marker_diameter_mm: float = 14.0

    @property
    def calibrated(self) -> bool:
        return self.static_plantar_flexion_rad is not None and self.static_rotation_offset_rad is not None

    def with_offsets(self, plantar_flexion: dict[str, float], rotation: dict[str, float]) -> Subject:
        return replace(self, static_plantar_flexion_rad=plantar_flexion, static_rotation_offset_rad=rotation)


def subject_from_processing(values: dict[str, float], marker_diameter_mm: float = 14.0) -> Subject:
    """A Subject from a C3D PROCESSING group (Vicon's names: Bodymass, RLegLength, LKneeWidth, ...).

    Raises ModelError naming the first required measurement that is missing or not positive.
    """

    def sided(name: str, required: bool) -> dict[str, float]:
        out = {}
        for side in SIDES:
            value = values.get(f"{side}{name}", values.get(name))
            if value is None or not np.isfinite(value) or (required and value <= 0):
                if required:
                    raise ModelError(f"measurement {side}{name} is missing or not positive")
                value = 0.0
            out[side] = float(value)
        return out

    mass = values.get("Bodymass")
    if mass is None or not np.isfinite(mass) or mass <= 0:
        raise ModelError("measurement Bodymass is missing or not positive")
    has_offsets = all(f"{s}StaticPlantFlex" in values and f"{s}StaticRotOff" in values for s in SIDES)
    return Subject(
        body_mass_kg=float(mass),
        leg_length_mm=sided("LegLength", True),
        knee_width_mm=sided("KneeWidth", True),
        ankle_width_mm=sided("AnkleWidth", True),
        asis_trochanter_mm=sided("AsisTrocanterDistance", False),
        inter_asis_mm=float(values.get("InterAsisDistance", 0.0) or 0.0),
        tibial_torsion_deg=sided("TibialTorsion", False),
        sole_delta_mm=sided("SoleDelta", False),
        static_plantar_flexion_rad={s: float(values[f"{s}StaticPlantFlex"]) for s in SIDES} if has_offsets else None,
        static_rotation_offset_rad={s: float(values[f"{s}StaticRotOff"]) for s in SIDES} if has_offsets else None,
        marker_diameter_mm=marker_diameter_mm,
    )


# ---------------------------------------------------------------- vector helpers (n, 3) arrays


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


def axes_from(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Axes as columns of an (n, 3, 3) matrix."""
    return np.stack([x, y, z], axis=-1)


def _local_to_lab(axes: np.ndarray, origin: np.ndarray, local: np.ndarray) -> np.ndarray:
    return origin + np.einsum("nij,j->ni", axes, local)


def chord(wand: np.ndarray, proximal: np.ndarray, lateral: np.ndarray, delta: np.ndarray | float) -> np.ndarray:
    """Plug-in Gait's chord function: the joint centre J in the plane of (wand, proximal centre, lateral
    marker), |J - lateral| = delta, with the angle proximal-J-lateral a right angle (Thales' circle on
    the proximal-lateral chord), on the side the wand marker defines."""
    chord_vec = proximal - lateral
    length = np.linalg.norm(chord_vec, axis=-1, keepdims=True)
    along = unit(chord_vec)
    normal = unit(np.cross(wand - lateral, chord_vec))
    across = np.cross(normal, along)  # in the plane, perpendicular to the chord
    cos_a = delta / length  # angle between the chord and lateral->J
    # a chord shorter than delta has no such point: undefined, not the nearest guess
    sin_a = np.sqrt(np.where(cos_a <= 1.0, 1.0 - cos_a**2, np.nan))
    return lateral + delta * (cos_a * along + sin_a * across)


# ---------------------------------------------------------------- segments


@dataclass
class Segment:
    origin: np.ndarray  # (n, 3) mm
    axes: np.ndarray  # (n, 3, 3), columns X, Y, Z


def pelvis(markers: dict[str, np.ndarray]) -> Segment:
    sacrum = markers["SACR"] if "SACR" in markers else (markers["LPSI"] + markers["RPSI"]) / 2
    origin = (markers["LASI"] + markers["RASI"]) / 2
    y = unit(markers["LASI"] - markers["RASI"])
    forward = origin - sacrum
    x = unit(forward - _dot(forward, y)[:, None] * y)
    return Segment(origin, axes_from(x, y, np.cross(x, y)))


def hip_joint_centres(pelvis_segment: Segment, subject: Subject, inter_asis_mm: float) -> dict[str, np.ndarray]:
    """Davis et al. 1991 regression in the pelvis frame."""
    mean_leg = (subject.leg_length_mm["L"] + subject.leg_length_mm["R"]) / 2
    c = mean_leg * 0.115 - 15.3
    radius = subject.marker_diameter_mm / 2
    centres = {}
    for side, sign in (("L", 1.0), ("R", -1.0)):
        asis_troc = subject.asis_trochanter_mm.get(side) or 0.1288 * subject.leg_length_mm[side] - 48.56
        local = np.array(
            [
                (-asis_troc - radius) * np.cos(DAVIS_BETA) + c * np.cos(DAVIS_THETA) * np.sin(DAVIS_BETA),
                sign * (-(c * np.sin(DAVIS_THETA) - inter_asis_mm / 2)),
                (-asis_troc - radius) * np.sin(DAVIS_BETA) - c * np.cos(DAVIS_THETA) * np.cos(DAVIS_BETA),
            ]
        )
        centres[side] = _local_to_lab(pelvis_segment.axes, pelvis_segment.origin, local)
    return centres


def _limb_frame(side: str, proximal: np.ndarray, distal: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """Z from the distal to the proximal joint centre, Y to the left, X anterior (Plug-in Gait)."""
    z = unit(proximal - distal)
    to_lateral = lateral - distal
    y_raw = -to_lateral if side == "R" else to_lateral  # lateral is to the right on the right limb
    y = unit(y_raw - _dot(y_raw, z)[:, None] * z)
    return axes_from(np.cross(y, z), y, z)


def _rotate_about_z(axes: np.ndarray, angle_rad: float) -> np.ndarray:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    x, y, z = axes[..., 0], axes[..., 1], axes[..., 2]
    return axes_from(c * x + s * y, -s * x + c * y, z)


@dataclass
class Limb:
    hip: np.ndarray
    knee: np.ndarray
    ankle: np.ndarray
    thigh: Segment
    shank: Segment  # proximal tibia: knee angles
    torsioned_shank: Segment  # about the ankle's flexion axis: ankle angles
    uncorrected_foot: Segment  # X up, Y left, Z from the toe to the ankle centre
    toe: np.ndarray
    heel: np.ndarray


def limb(side: str, markers: dict[str, np.ndarray], hip: np.ndarray, subject: Subject) -> Limb:
    m = {
        name: markers[f"{side}{name}"]
        for name in ("THI", "KNE", "TIB", "ANK", "TOE", "HEE")
        if f"{side}{name}" in markers
    }
    radius = subject.marker_diameter_mm / 2
    knee = chord(m["THI"], hip, m["KNE"], subject.knee_width_mm[side] / 2 + radius)
    ankle = chord(m["TIB"], knee, m["ANK"], subject.ankle_width_mm[side] / 2 + radius)
    thigh = Segment(knee, _limb_frame(side, hip, knee, m["KNE"]))
    shank_axes = _limb_frame(side, knee, ankle, m["ANK"])
    torsion = np.radians(subject.tibial_torsion_deg.get(side, 0.0))
    # the right limb's external torsion turns the flexion axis the other way round Z than the left's
    torsioned = _rotate_about_z(shank_axes, torsion if side == "L" else -torsion)
    z = unit(ankle - m["TOE"])
    flexion = torsioned[..., 1]
    x = unit(np.cross(flexion, z))
    foot = Segment(m["TOE"], axes_from(x, np.cross(z, x), z))
    return Limb(
        hip, knee, ankle, thigh, Segment(ankle, shank_axes), Segment(ankle, torsioned), foot, m["TOE"], m.get("HEE")
    )


def foot_offsets_rotation(plantar_flexion: float, rotation_offset: float) -> np.ndarray:
    """Rotation from the uncorrected to the anatomical foot frame: about Y by minus the plantar flexion
    offset (the sign Nexus stores it with), then about the new X by the rotation offset."""
    cb, sb = np.cos(-plantar_flexion), np.sin(-plantar_flexion)
    ca, sa = np.cos(rotation_offset), np.sin(rotation_offset)
    about_y = np.array([[cb, 0, sb], [0, 1, 0], [-sb, 0, cb]])
    about_x = np.array([[1, 0, 0], [0, ca, -sa], [0, sa, ca]])
    return about_y @ about_x


def anatomical_foot(side: str, leg: Limb, subject: Subject) -> Segment:
    """The foot after the static offsets, re-ordered to X anterior (ankle to toe), Y left, Z up so that
    the ankle's Cardan angles read as the hip's and knee's do."""
    rotation = foot_offsets_rotation(
        subject.static_plantar_flexion_rad[side], rotation_sign(side) * subject.static_rotation_offset_rad[side]
    )
    corrected = leg.uncorrected_foot.axes @ rotation
    x_up, y_left, z_back = corrected[..., 0], corrected[..., 1], corrected[..., 2]
    return Segment(leg.ankle, axes_from(-z_back, y_left, x_up))


def rotation_sign(side: str) -> float:
    """Plug-in Gait stores the left StaticRotOff mirrored against the right (checked against the values
    Nexus wrote in the BTKData files); the frames share one Y axis, so the left turns the other way."""
    return -1.0 if side == "L" else 1.0


def static_offsets(side: str, leg: Limb, flat_foot: bool, sole_delta_mm: float = 0.0) -> tuple[float, float]:
    """Plug-in Gait's StaticPlantFlex and StaticRotOff (rad) from a static trial: the angles between the
    uncorrected foot axis (toe to ankle centre) and the heel-toe line; with flat feet the heel is taken
    at the toe's height (plus the sole delta), so the foot is parallel to the floor. Mean over frames."""
    heel = leg.heel.copy()
    if flat_foot:
        heel[:, 2] = leg.toe[:, 2] + sole_delta_mm
    long_axis = unit(heel - leg.toe)  # points backwards like the uncorrected Z
    local = np.einsum("nji,nj->ni", leg.uncorrected_foot.axes, long_axis)
    plantar_flexion = np.arctan2(-local[:, 0], local[:, 2])
    rotation = np.arctan2(-local[:, 1], np.hypot(local[:, 0], local[:, 2]))
    if not (np.isfinite(plantar_flexion).any() and np.isfinite(rotation).any()):
        raise ModelError(f"the static trial has no frame with the {side} foot's markers (ANK, TIB, TOE, HEE)")
    return float(np.nanmean(plantar_flexion)), rotation_sign(side) * float(np.nanmean(rotation))


# ---------------------------------------------------------------- angles


def cardan_yxz(proximal: np.ndarray, distal: np.ndarray) -> np.ndarray:
    """Angles (deg) about proximal Y, the floating X, distal Z of distal relative to proximal."""
    r = np.einsum("nji,njk->nik", proximal, distal)
    about_x = np.arcsin(np.clip(-r[:, 1, 2], -1.0, 1.0))
    about_y = np.arctan2(r[:, 0, 2], r[:, 2, 2])
    about_z = np.arctan2(r[:, 1, 0], r[:, 1, 1])
    return np.degrees(np.stack([about_y, about_x, about_z], axis=1))


def cardan_yzx(proximal: np.ndarray, distal: np.ndarray) -> np.ndarray:
    """Plug-in Gait's ankle sequence: about the shank's flexion axis (Y), then the floating rotation
    axis (Z), then the foot's long axis (X); returned as (Y, X, Z) like the other joints."""
    r = np.einsum("nji,njk->nik", proximal, distal)
    about_z = np.arcsin(np.clip(r[:, 1, 0], -1.0, 1.0))
    about_y = np.arctan2(-r[:, 2, 0], r[:, 0, 0])
    about_x = np.arctan2(-r[:, 1, 2], r[:, 1, 1])
    return np.degrees(np.stack([about_y, about_x, about_z], axis=1))


# Plug-in Gait's clinical signs: flexion (dorsiflexion), adduction (inversion), internal rotation positive
ANGLE_SIGNS = {
    ("Hip", "R"): np.array([-1.0, 1.0, 1.0]),
    ("Hip", "L"): np.array([-1.0, -1.0, -1.0]),
    ("Knee", "R"): np.array([1.0, 1.0, 1.0]),
    ("Knee", "L"): np.array([1.0, -1.0, -1.0]),
    ("Ankle", "R"): np.array([-1.0, -1.0, 1.0]),
    ("Ankle", "L"): np.array([-1.0, 1.0, -1.0]),
}


def joint_angles(side: str, pelvis_segment: Segment, leg: Limb, foot: Segment) -> dict[str, np.ndarray]:
    return {
        f"{side}HipAngles": cardan_yxz(pelvis_segment.axes, leg.thigh.axes) * ANGLE_SIGNS[("Hip", side)],
        f"{side}KneeAngles": cardan_yxz(leg.thigh.axes, leg.shank.axes) * ANGLE_SIGNS[("Knee", side)],
        f"{side}AnkleAngles": cardan_yzx(leg.torsioned_shank.axes, foot.axes) * ANGLE_SIGNS[("Ankle", side)],
    }


# ---------------------------------------------------------------- inverse dynamics


def _derivative(values: np.ndarray, rate: float) -> np.ndarray:
    return np.gradient(values, 1.0 / rate, axis=0)


def angular_velocity(axes: np.ndarray, rate: float) -> np.ndarray:
    """omega from dR/dt R^T (rad/s, lab frame), the skew part averaged for numerical symmetry."""
    w = np.einsum("nij,nkj->nik", _derivative(axes, rate), axes)
    return 0.5 * np.stack([w[:, 2, 1] - w[:, 1, 2], w[:, 0, 2] - w[:, 2, 0], w[:, 1, 0] - w[:, 0, 1]], axis=1)


@dataclass
class Load:
    """Force (N) and moment (N mm) the neighbour applies to a segment at a point (mm), lab frame."""

    force: np.ndarray
    moment: np.ndarray
    point: np.ndarray


@dataclass
class Inertial:
    """What one segment's own motion demands, whatever loads it: the part of Newton-Euler that a solver
    varying only the ground load (runrisk.simulate.skeleton) computes once."""

    com: np.ndarray  # (n, 3) mm
    force: np.ndarray  # m (a - g), N
    moment: np.ndarray  # rate of angular momentum about the centre of mass, N mm


def segment_inertial(
    axes: np.ndarray, proximal: np.ndarray, distal: np.ndarray, segment: str, body_mass_kg: float, rate: float
) -> Inertial:
    mass_fraction, com_fraction, gyration = DEMPSTER[segment]
    mass = mass_fraction * body_mass_kg
    length = np.linalg.norm(proximal - distal, axis=1)
    com = proximal + com_fraction * (distal - proximal)
    acceleration = _derivative(_derivative(com, rate), rate)  # mm/s^2
    transverse = mass * (gyration * length) ** 2  # kg mm^2
    omega = angular_velocity(axes, rate)
    alpha = _derivative(omega, rate)
    # principal inertia in the segment frame: transverse axes X and Y, negligible about the long axis
    inertia_local = np.zeros((len(length), 3, 3))
    inertia_local[:, 0, 0] = inertia_local[:, 1, 1] = transverse
    inertia = np.einsum("nij,njk,nlk->nil", axes, inertia_local, axes)
    angular_momentum_rate = np.einsum("nij,nj->ni", inertia, alpha) + np.cross(
        omega, np.einsum("nij,nj->ni", inertia, omega)
    )  # kg mm^2 / s^2 = 1e-6 N m = 1e-3 N mm
    return Inertial(com, mass * (acceleration - GRAVITY_MM_S2) / 1000.0, angular_momentum_rate / 1000.0)


def segment_dynamics(inertial: Inertial, proximal: np.ndarray, distal_load: Load) -> Load:
    """Newton-Euler for one segment: the load its proximal neighbour applies at the proximal joint."""
    com = inertial.com
    force = inertial.force - distal_load.force  # N
    moment = (
        inertial.moment
        - distal_load.moment
        - np.cross(distal_load.point - com, distal_load.force)
        - np.cross(proximal - com, force)
    )
    return Load(force, moment, proximal)


# Plug-in Gait's moment signs per joint and side, applied to the proximal segment's load on the distal
# one expressed in the distal frame as (about Y, about X, about Z): sagittal, frontal, transverse
MOMENT_SIGNS = {
    ("Ankle", "R"): np.array([1.0, -1.0, -1.0]),
    ("Ankle", "L"): np.array([1.0, 1.0, 1.0]),
    ("Knee", "R"): np.array([-1.0, -1.0, -1.0]),
    ("Knee", "L"): np.array([-1.0, 1.0, 1.0]),
    ("Hip", "R"): np.array([1.0, -1.0, -1.0]),
    ("Hip", "L"): np.array([1.0, 1.0, 1.0]),
}


@dataclass
class GroundLoad:
    """What the plates put on one foot, sampled at the marker frames: force (N), COP (mm), free moment
    about the vertical (N mm); zero force and the ankle centre as COP where the foot is off the plates."""

    force: np.ndarray
    cop: np.ndarray
    free_moment: np.ndarray


def chain_segments(leg: Limb, foot: Segment) -> tuple:
    """(joint, segment axes, proximal joint, distal point, segment name) from the foot up."""
    return (
        ("Ankle", foot.axes, leg.ankle, leg.toe, "foot"),
        ("Knee", leg.shank.axes, leg.knee, leg.ankle, "shank"),
        ("Hip", leg.thigh.axes, leg.hip, leg.knee, "thigh"),
    )


def chain_inertials(leg: Limb, foot: Segment, body_mass_kg: float, rate: float) -> list[Inertial]:
    return [
        segment_inertial(axes, proximal, distal, segment, body_mass_kg, rate)
        for _, axes, proximal, distal, segment in chain_segments(leg, foot)
    ]


def joint_moments(
    side: str,
    leg: Limb,
    foot: Segment,
    ground: GroundLoad,
    body_mass_kg: float,
    rate: float,
    inertials: list[Inertial] | None = None,
) -> dict[str, np.ndarray]:
    """Ankle, knee and hip moments (Nm/kg) from the foot up (Newton-Euler); inertials (chain_inertials)
    may be given when only the ground load changes between calls."""
    cop = np.where(np.isfinite(ground.cop), ground.cop, leg.ankle)
    free = np.zeros_like(ground.force)
    free[:, 2] = ground.free_moment
    load = Load(ground.force, free, cop)
    inertials = inertials if inertials is not None else chain_inertials(leg, foot, body_mass_kg, rate)
    moments = {}
    for (joint, axes, proximal, _, _), inertial in zip(chain_segments(leg, foot), inertials, strict=True):
        on_segment = segment_dynamics(inertial, proximal, load)
        local = np.einsum("nji,nj->ni", axes, on_segment.moment)[:, [1, 0, 2]]
        moments[f"{side}{joint}Moment"] = local * MOMENT_SIGNS[(joint, side)] / 1000.0 / body_mass_kg
        load = Load(-on_segment.force, -on_segment.moment, on_segment.point)
    return moments


# ---------------------------------------------------------------- one trial


def missing_markers(markers: dict[str, np.ndarray]) -> list[str]:
    """Plug-in Gait lower-body markers the trial lacks (a sacrum marker or both PSIS are needed)."""
    needed = ["LASI", "RASI"] + [f"{s}{m}" for s in SIDES for m in SIDED]
    missing = [name for name in needed if name not in markers]
    if "SACR" not in markers and not ("LPSI" in markers and "RPSI" in markers):
        missing.append("SACR (or LPSI and RPSI)")
    return missing


def fill_gaps(values: np.ndarray, max_frames: int) -> np.ndarray:
    """Linear interpolation over runs of at most max_frames missing frames between two seen ones; longer
    gaps (and gaps at the ends) stay missing, so nothing downstream is computed from a guess."""
    missing = ~np.isfinite(values).all(axis=1)
    if not missing.any() or missing.all():
        return values
    filled = values.copy()
    seen = np.flatnonzero(~missing)
    for start, end in _runs(missing):
        if start == 0 or end == len(values) or end - start > max_frames:
            continue
        for axis in range(values.shape[1]):
            filled[start:end, axis] = np.interp(np.arange(start, end), seen, values[seen, axis])
    return filled


def ground_loads(
    plates: list, analog_rate: float, point_rate: float, n_frames: int, feet: dict[str, np.ndarray], threshold_n: float
) -> dict[str, GroundLoad]:
    """Each plate's contacts given to the foot nearest the COP over the contact (foot: ankle-toe
    midpoint); a contact with both feet within reach of the COP is given to neither (its moments would
    mix two feet), and those frames keep no ground load: the stance check reports them."""
    loads = {
        side: GroundLoad(np.zeros((n_frames, 3)), np.full((n_frames, 3), np.nan), np.zeros(n_frames)) for side in feet
    }
    step = analog_rate / point_rate
    samples = np.round(np.arange(n_frames) * step).astype(int)
    for plate in plates:
        usable = samples < plate.force.shape[1]
        index = samples[usable]
        force = np.zeros((n_frames, 3))
        force[usable] = plate.force[:, index].T
        cop = np.full((n_frames, 3), np.nan)
        cop[usable] = plate.cop_mm[:, index].T
        free = np.zeros(n_frames)
        if plate.free_moment_nmm is not None:
            free[usable] = plate.free_moment_nmm[index]
        loaded = (force[:, 2] > threshold_n) & np.isfinite(cop).all(axis=1)
        for start, end in _runs(loaded):
            distance = {side: _mean_reach(cop[start:end], mid[start:end]) for side, mid in feet.items()}
            nearest = min(distance, key=lambda s: distance[s] if np.isfinite(distance[s]) else np.inf)
            others = [d for s, d in distance.items() if s != nearest]
            if not np.isfinite(distance[nearest]):
                continue
            if any(d < REACH_MM for d in others):  # both feet on the plate: no moment can be trusted
                for ambiguous in loads.values():
                    ambiguous.force[start:end] = np.nan
                continue
            target = loads[nearest]
            target.force[start:end] += force[start:end]
            target.cop[start:end] = cop[start:end]
            target.free_moment[start:end] += free[start:end]
    return loads


REACH_MM = 150.0  # a COP this close to a foot's ankle-toe midpoint may be that foot's
LIFTED_MM = 150.0  # a foot whose ankle-toe midpoint is this far above the COP is in the air


def _mean_reach(cop: np.ndarray, midpoint: np.ndarray) -> float:
    """Mean horizontal distance from the COP to a foot over the frames it is low enough to stand on
    the plate (infinite when it is in the air throughout)."""
    low = (midpoint[:, 2] - cop[:, 2]) < LIFTED_MM
    if not low.any():
        return np.inf
    return float(np.nanmean(np.linalg.norm((cop[low] - midpoint[low])[:, :2], axis=1)))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def pelvis_and_hips(markers: dict[str, np.ndarray], subject: Subject) -> tuple[Segment, float, dict[str, np.ndarray]]:
    """The pelvis, the inter-ASIS distance used (the measured one, else the markers' mean) and the hip
    centres."""
    pelvis_segment = pelvis(markers)
    inter_asis = subject.inter_asis_mm or float(np.nanmean(np.linalg.norm(markers["LASI"] - markers["RASI"], axis=1)))
    return pelvis_segment, inter_asis, hip_joint_centres(pelvis_segment, subject, inter_asis)


def model_outputs(
    markers: dict[str, np.ndarray],
    plates: list,
    point_rate: float,
    analog_rate: float,
    subject: Subject,
    force_threshold_n: float = 20.0,
) -> dict[str, np.ndarray]:
    """Hip, knee and ankle angles (deg) and moments (Nm/kg), (n, 3) each, both sides, from markers in
    mm ((n, 3) each, gaps already filled or NaN) and the trial's plates."""
    if not subject.calibrated:
        raise ModelError("the foot offsets are not calibrated: no static trial and none in the C3D")
    pelvis_segment, _, hips = pelvis_and_hips(markers, subject)
    legs = {side: limb(side, markers, hips[side], subject) for side in SIDES}
    feet = {side: anatomical_foot(side, legs[side], subject) for side in SIDES}
    n_frames = len(pelvis_segment.origin)
    midpoints = {side: (legs[side].ankle + legs[side].toe) / 2 for side in SIDES}
    grounds = ground_loads(plates, analog_rate, point_rate, n_frames, midpoints, force_threshold_n)
    outputs = {}
    for side in SIDES:
        outputs.update(joint_angles(side, pelvis_segment, legs[side], feet[side]))
        outputs.update(joint_moments(side, legs[side], feet[side], grounds[side], subject.body_mass_kg, point_rate))
    return outputs


def calibrate(markers: dict[str, np.ndarray], subject: Subject, flat_foot: bool) -> Subject:
    """The subject with Plug-in Gait's foot offsets from a static trial's markers."""
    missing = missing_markers(markers)
    if missing:
        raise ModelError(f"the static trial lacks marker(s) {', '.join(missing)}")
    _, inter_asis, hips = pelvis_and_hips(markers, subject)
    plantar, rotation = {}, {}
    for side in SIDES:
        leg = limb(side, markers, hips[side], subject)
        plantar[side], rotation[side] = static_offsets(side, leg, flat_foot, subject.sole_delta_mm.get(side, 0.0))
    return replace(subject.with_offsets(plantar, rotation), inter_asis_mm=inter_asis)
