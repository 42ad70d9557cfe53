"""Model outputs into one documented convention, whichever model (and lab) wrote them.

Documented convention of every extracted value: Plug-in Gait's clinical sign on both limbs
(X flexion/dorsiflexion, Y adduction/inversion, Z internal rotation positive), moments as external
moments in Nm/kg, angles in degrees.

- plugin_gait: left and right already share clinical sign; moments in Nmm/kg (Vicon labels the unit
  "Nmm" but Plug-in Gait always normalises to body mass), external-moment convention.
- visual3d: left-side Y and Z are mirrored (negated); MKS units (Nm/kg, or Nm with body mass given);
  internal (joint) moments, so all moment components are negated.
"""

from __future__ import annotations

from dataclasses import replace

from runrisk.errors import InputError, described
from runrisk.io.trial import Trial

CONVENTIONS = ("plugin_gait", "visual3d")
MOMENT_SCALE_PER_KG = {"Nmm/kg": 1e-3, "Nmm": 1e-3, "Nm/kg": 1.0}
MOMENT_SCALE_ABSOLUTE = {"Nm": 1.0, "N.m": 1.0}


def moment_scale(trial: Trial, body_mass_kg: float | None) -> float:
    """Factor that turns the file's moment values into Nm/kg."""
    units = trial.moment_units.strip()
    if units in MOMENT_SCALE_PER_KG:
        return MOMENT_SCALE_PER_KG[units]
    if units in MOMENT_SCALE_ABSOLUTE:
        if not body_mass_kg:
            raise InputError(
                trial.path, f"moments are in {units}, not normalised; the participant's body mass is needed"
            )
        return MOMENT_SCALE_ABSOLUTE[units] / body_mass_kg
    raise InputError(
        trial.path,
        f"the moment unit is not one of {sorted(MOMENT_SCALE_PER_KG | MOMENT_SCALE_ABSOLUTE)} "
        f"(found {described(units)})",
    )


def to_documented_convention(trial: Trial, convention: str, body_mass_kg: float | None = None) -> Trial:
    if convention not in CONVENTIONS:
        raise InputError(trial.path, f"model convention {convention!r} is not one of {CONVENTIONS}")
    points = dict(trial.points)
    scale = moment_scale(trial, body_mass_kg) if trial.moment_labels else 1.0
    for label in trial.angle_labels | trial.moment_labels:
        if label not in points:
            continue
        values = points[label].copy()
        is_moment = label in trial.moment_labels
        if is_moment:
            values *= scale
        if convention == "visual3d":
            if label.startswith("L"):
                values[1:] *= -1
            if is_moment:
                values *= -1
        points[label] = values
    return replace(trial, points=points, moment_units="Nm/kg")
