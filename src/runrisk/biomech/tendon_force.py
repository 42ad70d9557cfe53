"""Achilles tendon force per stance: the sagittal plantarflexor ankle moment over the tendon's moment arm.

F_AT(t) = max(M_pf(t), 0) / r(theta(t))

- M_pf: the plantarflexor (internal) ankle moment in Nm/kg, the X component of AnkleMoment in the study's
  documented convention (runrisk.biomech.conventions: external moments, flexion/dorsiflexion positive, so
  an external dorsiflexion moment, which the plantarflexors balance, is positive). The triceps surae is
  taken to carry the whole net plantarflexor moment (no co-contraction, other plantarflexors ignored): the
  single-muscle model of Scott & Winter 1990 (Med Sci Sports Exerc 22:357), Almonroeder et al. 2013 (Ann
  Biomed Eng 41:1758) and Lyght et al. 2016 (J Appl Biomech 32:365). A dorsiflexor net moment is no tendon
  load (a tendon only pulls).
- r: the Achilles tendon moment arm, config `biomechanics.tendon`: `moment_arm_m` at a neutral ankle and
  `moment_arm_change_m_per_deg` per degree of plantarflexion (0: constant). In vivo moment arms lie
  between 3 and 7 cm: 4.3-5.6 cm at rest from 15 deg dorsiflexion to 30 deg plantarflexion and 22-27 %
  more under a maximal contraction (Maganaris, Baltzopoulos & Sargeant 2000, Eur J Appl Physiol 83:363),
  3.5-3.8 cm by ultrasound and motion capture (Manal, Cowder & Buchanan 2013, Physiol Rep 1:e00139),
  about 5 cm by MRI (Rugg et al. 1990, J Biomech 23:495). A configured arm that leaves this range at any
  ankle angle from 30 deg dorsiflexion to 45 deg plantarflexion is refused as configuration.
- Body weights: F / (m g) = M_pf[Nm/kg] / (r g); newtons need the participant's body mass.

Per stance: the peak force (N and BW), the impulse (BW s, trapezoid over the stance's frames) and the
loading rate (BW/s): the mean rate from the plate's initial contact to the peak (peak / time to peak).
Per trial: the running speed from the pelvis markers' horizontal travel over the trial, and the step
length as that speed times the time between consecutive contralateral plate contacts. Published peaks
the study's values are checked against: about 5-8 BW running at 3-4.5 m/s by the same inverse dynamics
(Scott & Winter 1990; Almonroeder et al. 2013; Lyght et al. 2016), rising with speed as Komi 1990 (J
Biomech 23 Suppl 1:23) measured directly with a tendon buckle transducer; about 2.5-4 BW walking (Finni
et al. 1998, Eur J Appl Physiol 77:289; Giddings et al. 2000, Med Sci Sports Exerc 32:627).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from runrisk.config import ConfigError, Section
from runrisk.io.trial import Trial

GRAVITY = 9.81  # m/s2, as the simulator and Plug-in Gait's body weight
LITERATURE_ARM_M = (0.03, 0.07)  # in vivo range (module docstring)
ARM_ANGLES_DEG = (-30.0, 45.0)  # plantarflexion positive: where the configured arm must stay in range
PELVIS_MARKERS = ("SACR", "LPSI", "RPSI", "LASI", "RASI", "PELO")  # PELO: the pelvis origin (OpenSim's too)
MIN_SPEED_M_S = 0.3  # a pelvis that travels slower is on a treadmill or standing, not running overground
MIN_VISIBLE_FRACTION = 0.5  # of the trial's frames, for the pelvis travel to count as the trial's
TENDON_COLUMNS = (
    "at_force_peak_n",
    "at_force_peak_bw",
    "at_impulse_bws",
    "at_loading_rate_bw_s",
    "trial_speed_m_s",
    "step_length_m",
    "at_reason",
)


@dataclass(frozen=True)
class TendonSettings(Section):
    """The Achilles tendon's moment arm (biomechanics.tendon)."""

    SECTION = "biomechanics.tendon"

    moment_arm_m: float  # at a neutral ankle (0 deg)
    moment_arm_change_m_per_deg: float  # per degree of plantarflexion; 0 for a constant arm

    def __post_init__(self):
        low, high = LITERATURE_ARM_M
        arms = self.arm_at(np.array(ARM_ANGLES_DEG))
        if not (np.isfinite(arms).all() and low <= arms.min() and arms.max() <= high):
            raise ConfigError(
                f"biomechanics.tendon: the Achilles moment arm runs from {arms.min() * 100:.1f} to "
                f"{arms.max() * 100:.1f} cm between {-ARM_ANGLES_DEG[0]:g} deg dorsiflexion and "
                f"{ARM_ANGLES_DEG[1]:g} deg plantarflexion, outside the in vivo range {low * 100:g}-{high * 100:g} cm "
                "(Maganaris et al. 2000; Manal et al. 2013): check moment_arm_m (m, not cm) and "
                "moment_arm_change_m_per_deg"
            )

    @property
    def angle_dependent(self) -> bool:
        return self.moment_arm_change_m_per_deg != 0

    def arm_at(self, plantarflexion_deg: np.ndarray) -> np.ndarray:
        """Moment arm (m) at each ankle angle, the angle held to the range the arm was checked over."""
        angle = np.clip(plantarflexion_deg, *ARM_ANGLES_DEG)
        return self.moment_arm_m + self.moment_arm_change_m_per_deg * angle


def tendon_force_bw(moment_nm_kg: np.ndarray, arm_m: np.ndarray | float) -> np.ndarray:
    """Tendon force in body weights from the plantarflexor moment (Nm/kg): a dorsiflexor moment is 0."""
    return np.clip(moment_nm_kg, 0.0, None) / (np.asarray(arm_m) * GRAVITY)


def moment_reason(moment_nm_kg: np.ndarray) -> str:
    """Why a stance's sagittal ankle moment gives no tendon force ("" when it gives one)."""
    if not len(moment_nm_kg) or not np.isfinite(moment_nm_kg).any():
        return "no sagittal ankle moment during the stance"
    if not np.isfinite(moment_nm_kg).all():
        return "the sagittal ankle moment has gaps during the stance"
    highest, lowest = float(moment_nm_kg.max()), float(moment_nm_kg.min())
    if highest <= 0 or -lowest > highest:
        # in stance the plantarflexors dominate (running and walking alike): a mostly negative moment means
        # the file's convention is not the one configured for its lab
        return (
            f"unknown sign convention: the sagittal ankle moment is mostly negative over the stance "
            f"({lowest:.2f} against {highest + 0.0:.2f} Nm/kg), where the plantarflexor moment should be positive "
            "(biomechanics.convention / lab_conventions)"
        )
    return ""


def stance_tendon_load(
    moment_nm_kg: np.ndarray,
    plantarflexion_deg: np.ndarray | None,
    rate_hz: float,
    contact_offset_s: float,
    body_mass_kg: float | None,
    settings: TendonSettings,
) -> dict:
    """Peak, impulse and loading rate of one stance from its frames' sagittal moment (Nm/kg) and, for an
    angle-dependent arm, ankle angle (deg, plantarflexion positive). contact_offset_s: from the plate's
    initial contact to the first frame (loading rate from contact, not from the first frame)."""
    load = dict.fromkeys(TENDON_COLUMNS[:4], np.nan) | {"at_reason": moment_reason(moment_nm_kg)}
    if load["at_reason"]:
        return load
    if settings.angle_dependent:
        if plantarflexion_deg is None or not np.isfinite(plantarflexion_deg).all():
            return load | {"at_reason": "no sagittal ankle angle during the stance for the angle-dependent moment arm"}
        arm = settings.arm_at(plantarflexion_deg)
    else:
        arm = settings.moment_arm_m
    force = tendon_force_bw(moment_nm_kg, arm)
    peak = int(np.argmax(force))
    to_peak = contact_offset_s + peak / rate_hz
    load |= {
        "at_force_peak_bw": float(force[peak]),
        "at_impulse_bws": float(np.trapezoid(force, dx=1.0 / rate_hz)),
        "at_loading_rate_bw_s": float(force[peak] / to_peak) if to_peak > 0 else np.nan,
    }
    mass = known_mass(body_mass_kg)
    if not mass:
        return load | {"at_reason": "no body mass for the participant: the force in N is not given"}
    return load | {"at_force_peak_n": load["at_force_peak_bw"] * mass * GRAVITY}


def known_mass(body_mass_kg) -> float:
    """The body mass in kg, or 0.0 when there is none (None, NaN, pandas' NA, not positive)."""
    try:
        mass = float(body_mass_kg)
    except (TypeError, ValueError):
        return 0.0
    return mass if np.isfinite(mass) and mass > 0 else 0.0


def trial_speed(trial: Trial) -> tuple[float, str]:
    """Running speed (m/s) of an overground trial: the median over the pelvis markers of each one's
    horizontal travel from its first to its last visible frame over the time between them; NaN and the
    reason when no pelvis marker is seen over half the trial or the pelvis does not travel (treadmill)."""
    present = [trial.points[m] for m in PELVIS_MARKERS if m in trial.points]
    if not present:
        return np.nan, f"no pelvis marker ({', '.join(PELVIS_MARKERS)}) to measure the running speed"
    paths = np.stack(present)[:, :2, :]  # markers x (x, y) x frames, mm
    visible = np.isfinite(paths).all(axis=1)
    n_frames = paths.shape[2]
    first = np.argmax(visible, axis=1)
    last = n_frames - 1 - np.argmax(visible[:, ::-1], axis=1)
    usable = visible.any(axis=1) & (last - first >= MIN_VISIBLE_FRACTION * (n_frames - 1)) & (last > first)
    if not usable.any():
        return np.nan, "no pelvis marker is visible over half the trial to measure the running speed"
    rows = np.flatnonzero(usable)
    travel = paths[rows, :, last[rows]] - paths[rows, :, first[rows]]
    speeds = np.hypot(travel[:, 0], travel[:, 1]) / 1000.0 / ((last[rows] - first[rows]) / trial.point_rate)
    speed = float(np.median(speeds))
    if speed < MIN_SPEED_M_S:
        return np.nan, (
            f"the pelvis travels {speed:.2f} m/s, less than {MIN_SPEED_M_S:g} m/s: a treadmill or standing trial, "
            "whose speed the markers do not give"
        )
    return speed, ""


def step_length(rows: list[dict], speed_m_s: float) -> float:
    """The trial's mean step length (m): speed times the time between consecutive contralateral plate
    contacts (contact to contact); NaN without two such contacts or without a speed."""
    contacts = sorted((r["contact_s"], r["side"]) for r in rows if r["side"] and np.isfinite(r["contact_s"]))
    step_times = [b[0] - a[0] for a, b in pairwise(contacts) if a[1] != b[1]]
    if not step_times or not np.isfinite(speed_m_s):
        return np.nan
    return float(speed_m_s * np.mean(step_times))
