"""Marker-only running trials from a consistent skeleton: what a lab without a modelling licence writes.

gait_lab_c records the Plug-in Gait lower-body marker set, the force plates and the subject's
measurements, plus a static trial, and no model outputs: the study computes the joint angles and moments
(runrisk.biomech.cgm). The trial is built so that the model recovers the person's stance peaks:

- Segment orientations follow the same waveforms as the other labs' written curves (pelvis level and
  facing the direction of running), through the model's own Cardan sequences; the joint centres chain
  from the pelvis (Davis et al. 1991) down the segment lengths, and each marker sits where the model's
  chord function and frames put it. The ankle centre of the foot in stance stays where it landed: the
  pelvis carries the rest, and between stances it moves on a cubic path that keeps velocity continuous.
- Hip flexion is not a study variable: it is whatever keeps the stance foot's pitch constant.
- The ground reaction is solved frame by frame so that the model's ankle inversion moment and knee
  flexion moment follow the written curves: the centre of pressure's position across the foot sets the
  first, the braking/propulsive force the second (both affine in the unknown; three passes).
Lab frame as in c3d_writer: x lateral (right +), y the direction of running, z up, mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from runrisk.biomech import cgm

MARKER_DIAMETER_MM = 14.0
STATIC_PLANTAR_FLEXION_RAD = 0.15
STATIC_ROTATION_OFFSET_RAD = 0.03
KNEE_WIDTH_MM, ANKLE_WIDTH_MM = 100.0, 70.0
SEGMENT_PER_HEIGHT = {"thigh": 0.245, "shank": 0.246, "foot": 0.115}  # joint centre to joint centre (Winter)
ANKLE_HEIGHT_PER_HEIGHT = 0.039
SOLVER_PASSES = 3
MAX_COP_ACROSS_MM = 70.0
MAX_SHEAR_BW = 1.2


@dataclass(frozen=True)
class Body:
    height_mm: float
    mass_kg: float

    @property
    def leg_length_mm(self) -> float:
        return 0.53 * self.height_mm

    @property
    def inter_asis_mm(self) -> float:
        return 0.14 * self.height_mm

    def length(self, segment: str) -> float:
        return SEGMENT_PER_HEIGHT[segment] * self.height_mm

    def subject(self) -> cgm.Subject:
        both = {"L": 1.0, "R": 1.0}
        return cgm.Subject(
            body_mass_kg=self.mass_kg,
            leg_length_mm={s: self.leg_length_mm * v for s, v in both.items()},
            knee_width_mm={s: KNEE_WIDTH_MM for s in both},
            ankle_width_mm={s: ANKLE_WIDTH_MM for s in both},
            inter_asis_mm=self.inter_asis_mm,
            static_plantar_flexion_rad={s: STATIC_PLANTAR_FLEXION_RAD for s in both},
            static_rotation_offset_rad={s: STATIC_ROTATION_OFFSET_RAD for s in both},
            marker_diameter_mm=MARKER_DIAMETER_MM,
        )

    def processing(self) -> dict[str, float]:
        """PROCESSING as Nexus writes it before calibration (no foot offsets: the static trial gives them)."""
        values = {"Bodymass": self.mass_kg, "Height": self.height_mm, "InterAsisDistance": self.inter_asis_mm}
        for side in cgm.SIDES:
            values |= {
                f"{side}LegLength": self.leg_length_mm,
                f"{side}KneeWidth": KNEE_WIDTH_MM,
                f"{side}AnkleWidth": ANKLE_WIDTH_MM,
                f"{side}AsisTrocanterDistance": 0.0,
                f"{side}TibialTorsion": 0.0,
            }
        return values


# ---------------------------------------------------------------- rotations, the inverse of the model's


def _about(axis: int, angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    r = np.zeros((len(angle), 3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    r[:, axis, axis] = 1.0
    r[:, i, i] = c
    r[:, j, j] = c
    r[:, i, j] = -s
    r[:, j, i] = s
    return r


def relative_rotation(joint: str, side: str, clinical_deg: np.ndarray) -> np.ndarray:
    """Distal-in-proximal rotation whose Plug-in Gait angles (cgm.joint_angles) are clinical_deg (n, 3)."""
    raw = np.radians(clinical_deg * cgm.ANGLE_SIGNS[(joint, side)])  # the signs are their own inverse
    about_y, about_x, about_z = raw[:, 0], raw[:, 1], raw[:, 2]
    if joint == "Ankle":
        return _about(1, about_y) @ _about(2, about_z) @ _about(0, about_x)
    return _about(1, about_y) @ _about(0, about_x) @ _about(2, about_z)


def _foot_offsets(subject: cgm.Subject, side: str) -> np.ndarray:
    return cgm.foot_offsets_rotation(
        subject.static_plantar_flexion_rad[side], cgm.rotation_sign(side) * subject.static_rotation_offset_rad[side]
    )


def uncorrected_foot(anatomical: np.ndarray, subject: cgm.Subject, side: str) -> np.ndarray:
    """The toe-to-ankle frame whose static offsets give this anatomical foot (cgm.anatomical_foot inverted)."""
    x_ant, y_left, z_up = anatomical[..., 0], anatomical[..., 1], anatomical[..., 2]
    corrected = np.stack([z_up, y_left, -x_ant], axis=-1)
    return corrected @ _foot_offsets(subject, side).T


# ---------------------------------------------------------------- the skeleton


PELVIS_AXES = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # X +y, Y -x, Z up (columns)


@dataclass
class Chain:
    """One leg's orientations (n, 3, 3) and its joint centres relative to the pelvis origin (n, 3)."""

    thigh: np.ndarray
    shank: np.ndarray
    foot: np.ndarray  # anatomical
    hip: np.ndarray
    knee: np.ndarray
    ankle: np.ndarray
    toe: np.ndarray
    heel: np.ndarray


def model_foot(side: str, shank: np.ndarray, toe_to_ankle: np.ndarray, subject: cgm.Subject) -> np.ndarray:
    """The anatomical foot the model builds from the toe-to-ankle direction and the shank's flexion axis."""
    z = cgm.unit(toe_to_ankle)
    x = cgm.unit(np.cross(shank[..., 1], z))
    uncorrected = cgm.axes_from(x, np.cross(z, x), z)
    corrected = uncorrected @ _foot_offsets(subject, side)
    return cgm.axes_from(-corrected[..., 2], corrected[..., 1], corrected[..., 0])


def foot_for_ankle_angles(side: str, shank: np.ndarray, clinical_deg: np.ndarray, subject: cgm.Subject) -> np.ndarray:
    """The toe-to-ankle direction (n, 3) whose model ankle angles have the wanted flexion and rotation.

    Plug-in Gait's foot is the toe marker, the ankle centre and the tibia's flexion axis: two degrees of
    freedom against the tibia, so its inversion angle follows from the other two and the static offsets
    rather than being free. Newton's method on the two, from the unconstrained foot's direction."""
    wanted = np.column_stack([clinical_deg[:, 0], clinical_deg[:, 2]])
    naive = uncorrected_foot(shank @ relative_rotation("Ankle", side, clinical_deg), subject, side)[..., 2]
    z = naive
    for _ in range(8):
        e1 = cgm.unit(np.cross(z, shank[..., 0]))
        e2 = np.cross(z, e1)

        def residual(direction: np.ndarray) -> np.ndarray:
            angles = (
                cgm.cardan_yzx(shank, model_foot(side, shank, direction, subject)) * cgm.ANGLE_SIGNS[("Ankle", side)]
            )
            return np.column_stack([angles[:, 0], angles[:, 2]]) - wanted

        r0, step = residual(z), 1e-5
        jacobian = np.stack(
            [(residual(cgm.unit(z + step * e)) - r0) / step for e in (e1, e2)], axis=-1
        )  # (n, 2, 2): d residual / d (e1, e2)
        delta = np.linalg.solve(jacobian, -r0[..., None])[..., 0]
        z = cgm.unit(z + delta[:, :1] * e1 + delta[:, 1:] * e2)
    return z


def leg_joints(side: str, angles: dict[str, np.ndarray], body: Body, subject: cgm.Subject) -> tuple:
    """Thigh and shank orientations and the hip, knee and ankle centres relative to the pelvis origin."""
    n = len(angles["Hip"])
    pelvis_axes = np.broadcast_to(PELVIS_AXES, (n, 3, 3))
    hip = cgm.hip_joint_centres(cgm.Segment(np.zeros((n, 3)), pelvis_axes), subject, body.inter_asis_mm)[side]
    thigh = pelvis_axes @ relative_rotation("Hip", side, angles["Hip"])
    shank = thigh @ relative_rotation("Knee", side, angles["Knee"])
    knee = hip - body.length("thigh") * thigh[..., 2]
    return thigh, shank, hip, knee, knee - body.length("shank") * shank[..., 2]


def leg_chain(side: str, angles: dict[str, np.ndarray], body: Body, subject: cgm.Subject) -> Chain:
    thigh, shank, hip, knee, ankle = leg_joints(side, angles, body, subject)
    toe_to_ankle = foot_for_ankle_angles(side, shank, angles["Ankle"], subject)
    foot = model_foot(side, shank, toe_to_ankle, subject)
    toe = ankle - body.length("foot") * toe_to_ankle
    heel = toe - 1.3 * body.length("foot") * foot[..., 0]  # behind the toe along the foot's long axis
    return Chain(thigh, shank, foot, hip, knee, ankle, toe, heel)


def ankle_forward(side: str, angles: dict[str, np.ndarray], body: Body, subject: cgm.Subject) -> np.ndarray:
    """The ankle centre's forward (y) position relative to the pelvis origin."""
    return leg_joints(side, angles, body, subject)[4][:, 1]


def planting_hip_flexion(
    side: str, angles: dict[str, np.ndarray], stance: np.ndarray, wanted_y: np.ndarray, body, subject, rate: float
) -> np.ndarray:
    """Hip flexion that keeps the stance foot's ankle at wanted_y (relative to the pelvis) frame by frame
    (Newton's method); outside the stance it leaves each edge with its value and a fading slope, so that
    no joint jerks at contact or toe-off (inertia there would leak into the stance's filtered peaks)."""
    hip = angles["Hip"].copy()
    for _ in range(6):
        trial = {**angles, "Hip": hip}
        here = ankle_forward(side, trial, body, subject)
        probe = {**angles, "Hip": hip + np.array([1e-3, 0.0, 0.0])}
        slope = (ankle_forward(side, probe, body, subject) - here) / 1e-3
        step = np.where(stance, (wanted_y - here) / np.where(np.abs(slope) > 1e-9, slope, 1.0), 0.0)
        hip[:, 0] += step
    hip[:, 0] = held_outside(hip[:, 0], stance, rate)
    return hip


def held_outside(values: np.ndarray, inside: np.ndarray, rate: float, fade_s: float = 0.08) -> np.ndarray:
    """values inside; outside, each edge's value with its slope fading out (a Gaussian in time): smooth
    at the edges, bounded away from them."""
    frames = np.flatnonzero(inside)
    out = values.copy()
    first, last = frames[0], frames[-1]
    slope_in = (values[first + 1] - values[first]) * rate
    slope_out = (values[last] - values[last - 1]) * rate
    before = (first - np.arange(first)) / rate
    after = (np.arange(last + 1, len(values)) - last) / rate
    out[:first] = values[first] - slope_in * before * np.exp(-((before / fade_s) ** 2))
    out[last + 1 :] = values[last] + slope_out * after * np.exp(-((after / fade_s) ** 2))
    return out


def pelvis_path(
    landings: list[tuple[np.ndarray, np.ndarray, np.ndarray]], times: np.ndarray, rate: float
) -> np.ndarray:
    """Pelvis origin (n, 3): forward at the constant speed that brings each stance foot's ankle over its
    landing spot at mid-stance (the hip flexion keeps it there through the stance); across and up, the
    stance foot's ankle stays on its spot, with cubic paths that keep velocity continuous between
    stances."""
    middles = [int(np.flatnonzero(frames)[len(np.flatnonzero(frames)) // 2]) for frames, _, _ in landings]
    rows = [[1.0, times[m]] for m in middles]
    rhs = [spot[1] - relative[m, 1] for m, (_, spot, relative) in zip(middles, landings, strict=True)]
    start_y, speed = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
    n = len(times)
    origin = np.zeros((n, 3))
    origin[:, 1] = start_y + speed * times
    for axis in (0, 2):  # across and up: the stance foot's ankle stays on its spot
        origin[:, axis] = stance_path([(f, spot[axis] - rel[:, axis]) for f, spot, rel in landings], n, rate)
    return origin


def stance_path(heights: list[tuple[np.ndarray, np.ndarray]], n: int, rate: float) -> np.ndarray:
    """Known positions during the stances; a cubic Hermite path between them, matching position and
    velocity; constant velocity before the first and after the last."""
    z = np.full(n, np.nan)
    for frames, height in heights:
        z[frames] = height[frames]
    known = np.isfinite(z)
    velocity = np.gradient(z, 1.0 / rate)
    edges = np.flatnonzero(np.diff(known.astype(int)))
    for k in range(len(edges) - 1):
        a, b = edges[k], edges[k + 1] + 1  # last known frame, next known frame
        if known[a] and known[b] and not known[a + 1 : b].any():
            z[a : b + 1] = _hermite(z[a], velocity[a - 1], z[b], velocity[b + 1], b - a, rate)
    first, last = np.flatnonzero(known)[[0, -1]]
    z[:first] = z[first] - (first - np.arange(first)) / rate * velocity[first + 1]
    z[last + 1 :] = z[last] + np.arange(1, n - last) / rate * velocity[last - 1]
    return z


def _hermite(p0: float, v0: float, p1: float, v1: float, steps: int, rate: float) -> np.ndarray:
    duration = steps / rate
    s = np.linspace(0.0, 1.0, steps + 1)
    h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
    return h00 * p0 + h10 * duration * v0 + h01 * p1 + h11 * duration * v1


def markers(chains: dict[str, Chain], origin: np.ndarray, body: Body) -> dict[str, np.ndarray]:
    """The Plug-in Gait lower-body markers (n, 3) where the model's frames and chord function put them."""
    x_p, y_p = PELVIS_AXES[:, 0], PELVIS_AXES[:, 1]
    out = {
        "LASI": origin + body.inter_asis_mm / 2 * y_p,
        "RASI": origin - body.inter_asis_mm / 2 * y_p,
        "LPSI": origin - 160.0 * x_p + 45.0 * y_p,
        "RPSI": origin - 160.0 * x_p - 45.0 * y_p,
    }
    radius = MARKER_DIAMETER_MM / 2
    for side, chain in chains.items():
        outward = 1.0 if side == "L" else -1.0  # Y points left: the right limb's lateral side is -Y
        lateral_thigh, lateral_shank = outward * chain.thigh[..., 1], outward * chain.shank[..., 1]
        knee, ankle = origin + chain.knee, origin + chain.ankle
        out |= {
            f"{side}THI": knee + 0.45 * body.length("thigh") * chain.thigh[..., 2] + 75.0 * lateral_thigh,
            f"{side}KNE": knee + (KNEE_WIDTH_MM / 2 + radius) * lateral_thigh,
            f"{side}TIB": ankle + 0.45 * body.length("shank") * chain.shank[..., 2] + 60.0 * lateral_shank,
            f"{side}ANK": ankle + (ANKLE_WIDTH_MM / 2 + radius) * lateral_shank,
            f"{side}TOE": origin + chain.toe,
            f"{side}HEE": origin + chain.heel,
        }
    return out


# ---------------------------------------------------------------- the ground reaction


@dataclass
class Ground:
    """One stance's load on the foot at the marker frames (lab frame, N and mm)."""

    frames: np.ndarray  # bool (n,)
    force: np.ndarray  # (n, 3)
    cop: np.ndarray  # (n, 3), z on the plate surface


def solve_ground(
    side: str,
    marker_paths: dict[str, np.ndarray],
    ground: Ground,
    across: np.ndarray,
    targets: dict[str, np.ndarray],
    subject: cgm.Subject,
    rate: float,
) -> Ground:
    """The COP's offset across the foot (along `across`) and the braking force (y) that make the model's
    ankle frontal and knee sagittal moments (Nm/kg) equal the targets over the stance frames."""
    pelvis = cgm.pelvis(marker_paths)
    hip = cgm.hip_joint_centres(pelvis, subject, subject.inter_asis_mm)[side]
    leg = cgm.limb(side, marker_paths, hip, subject)
    foot = cgm.anatomical_foot(side, leg, subject)
    inside = ground.frames
    body_weight = subject.body_mass_kg * 9.81
    inertials = cgm.chain_inertials(leg, foot, subject.body_mass_kg, rate)  # the solver varies only the load

    def moments(offset: np.ndarray, shear: np.ndarray) -> dict[str, np.ndarray]:
        force, cop = ground.force.copy(), ground.cop.copy()
        force[inside, 1] = shear[inside]
        cop[inside] += offset[inside, None] * across
        load = cgm.GroundLoad(np.where(inside[:, None], force, 0.0), cop, np.zeros(len(cop)))
        return cgm.joint_moments(side, leg, foot, load, subject.body_mass_kg, rate, inertials)

    def ankle_frontal(offset: np.ndarray, shear: np.ndarray) -> np.ndarray:
        return moments(offset, shear)[f"{side}AnkleMoment"][:, 1]

    def knee_sagittal(offset: np.ndarray, shear: np.ndarray) -> np.ndarray:
        return moments(offset, shear)[f"{side}KneeMoment"][:, 0]

    offset, shear = np.zeros(len(inside)), ground.force[:, 1].copy()
    for _ in range(SOLVER_PASSES):
        offset = _affine_solve(partial(ankle_frontal, shear=shear), targets["ankle"], offset)
        offset = np.clip(offset, -MAX_COP_ACROSS_MM, MAX_COP_ACROSS_MM)
        shear = _affine_solve(partial(knee_sagittal, offset), targets["knee"], shear)
        shear = np.clip(shear, -MAX_SHEAR_BW * body_weight, MAX_SHEAR_BW * body_weight)
    force, cop = ground.force.copy(), ground.cop.copy()
    force[inside, 1] = shear[inside]
    cop[inside] += offset[inside, None] * across
    return Ground(inside, force, cop)


def _affine_solve(response, target: np.ndarray, current: np.ndarray) -> np.ndarray:
    """x with response(x) = target frame by frame, for a response affine in x (two evaluations)."""
    at_zero, at_one = response(np.zeros_like(current)), response(np.ones_like(current))
    slope = at_one - at_zero
    solved = np.where(np.abs(slope) > 1e-9, (target - at_zero) / np.where(slope == 0, 1.0, slope), current)
    return np.where(np.isfinite(solved), solved, current)
