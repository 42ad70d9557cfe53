"""OpenSim results (inverse kinematics .mot, inverse dynamics .sto, ground reaction force .mot) into a Trial.

One lab trial processed in OpenSim (or AddBiomechanics, which writes the same files) is three files: the
model's coordinates from inverse kinematics, the generalized forces from inverse dynamics, and the ground
reaction forces that were applied to the feet. Each is an OpenSim Storage file: a header of `key=value`
lines (`version`, `nRows`, `nColumns`, `inDegrees`, `DataType`, `OpenSimVersion`; OpenSim 3 files start
with the table's name) closed by `endheader`, then a row of column labels and rows of numbers.

What is read, and how it is mapped to the study's convention (runrisk.biomech.conventions: Plug-in Gait's
clinical signs, external moments in Nm/kg, lab frame X forward, Y left, Z up):

- Frame: OpenSim's ground is X forward, Y up, Z to the right. The lab frame is (x, -z, y) of it.
- Ankle angle: `ankle_angle_r/l`, positive in dorsiflexion in every OpenSim lower-limb model (gait2392,
  Hamner 2010, Rajagopal 2016): Plug-in Gait's sign, X of `AnkleAngles`. The models' ankle has one degree of
  freedom (the subtalar joint is a separate, oblique axis, not the ankle's inversion), so Y and Z are missing.
- Hip angles: `hip_flexion`, `hip_adduction`, `hip_rotation`: flexion, adduction and internal rotation
  positive on both sides, as Plug-in Gait. Knee angles are not mapped: `knee_angle_r` is negative in flexion
  in gait2392 and positive in Rajagopal 2016, and the file does not say which model wrote it.
- Moments: inverse dynamics gives the net generalized force of each coordinate, positive in the direction
  the coordinate increases (the internal, muscular moment). The study's moments are external, so each is
  negated: `-ankle_angle_r_moment` is X of `RAnkleMoment` (a plantarflexor stance moment is positive, as in
  Plug-in Gait), likewise the hip's three. Units are N m (moment_units "Nm"): divided by body mass later.
- Ground reaction forces: every set of columns `<prefix>ground_force_<body>v{x,y,z}` with its
  `p{x,y,z}` (OpenSim's `ground_force_vx`, `1_ground_force_vx`, `r_ground_force_vx`, AddBiomechanics'
  `ground_force_calcn_r_vx`) is one plate, the force on the foot in N and its point of application in m
  (here mm); the foot is told by an `r`/`l`/`right`/`left` or `calcn_r`/`calcn_l` in the prefix or body.

Refused in words: a file whose columns are none of the three, a coordinate file without `inDegrees` (its
angles could be degrees or radians), a file that lacks the ankle coordinates of the models named above
(named with the names it lacks), rows of another width than the labels, and a trial missing one of its
three files. Nothing is filled with zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from runrisk.errors import InputError
from runrisk.io.trial import Plate, Trial

KINEMATICS, DYNAMICS, FORCES = "inverse kinematics", "inverse dynamics", "ground reaction forces"
ROLES = (KINEMATICS, DYNAMICS, FORCES)
SIDES = {"r": "R", "l": "L"}
ANKLE = "ankle_angle_{side}"
# OpenSim coordinate -> (canonical output, component, sign that gives Plug-in Gait's clinical sign)
ANGLE_MAP = {
    "ankle_angle_{side}": ("AnkleAngles", 0, +1),
    "hip_flexion_{side}": ("HipAngles", 0, +1),
    "hip_adduction_{side}": ("HipAngles", 1, +1),
    "hip_rotation_{side}": ("HipAngles", 2, +1),
}
# the study's moments are external: the negated generalized force of the coordinate
MOMENT_MAP = {
    f"{name}_moment": (output.replace("Angles", "Moment"), axis, -sign)
    for name, (output, axis, sign) in ANGLE_MAP.items()
}
GRF_COLUMN = re.compile(r"^(?P<set>.*?ground_force_(?:.*_)?)(?P<kind>[vp])(?P<axis>[xyz])$", re.IGNORECASE)
SIDE_WORD = re.compile(r"(?:^|[_\W])(r|l|right|left)(?=$|[_\W])", re.IGNORECASE)
ROLE_SUFFIX = re.compile(
    r"[_\- ]*(ik|id|grf|grfs|forces?|inverse_?kinematics|inverse_?dynamics|kinematics|dynamics)$", re.IGNORECASE
)
OPENSIM_TO_LAB = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])  # lab = M @ opensim


@dataclass
class Storage:
    """One OpenSim Storage file: its header's key=value pairs (keys lower case), labels and numbers."""

    path: Path
    header: dict[str, str]
    labels: list[str]
    data: np.ndarray  # (rows, columns)

    def column(self, label: str) -> np.ndarray:
        return self.data[:, self.labels.index(label)]

    @property
    def time(self) -> np.ndarray:
        return self.column(self.labels[0])


def read_storage(path: str | Path) -> Storage:
    """The header, labels and numbers of a .mot/.sto file; bad shapes refused with the row they are in."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    lines = re.split(r"\r\n|\r|\n", text)
    end = next((i for i, line in enumerate(lines) if line.strip().lower() == "endheader"), None)
    if end is None:
        raise InputError(path, "no 'endheader' line: not an OpenSim .mot/.sto file")
    header = {}
    for line in lines[:end]:
        key, sep, value = line.partition("=")
        if sep:
            header[key.strip().lower()] = value.strip()
    body = [(number, line) for number, line in enumerate(lines[end + 1 :], start=end + 2) if line.strip()]
    if not body:
        raise InputError(path, "no column labels after 'endheader'")
    labels = body[0][1].split("\t") if "\t" in body[0][1] else body[0][1].split()
    labels = [label.strip() for label in labels]
    if labels[0].lower() != "time":
        raise InputError(path, "the first column is not time")
    rows = []
    for number, line in body[1:]:
        cells = line.split("\t") if "\t" in line else line.split()
        if len(cells) != len(labels):
            raise InputError(path, f"line {number} has {len(cells)} values for {len(labels)} column labels")
        try:
            rows.append([float(cell) for cell in cells])
        except ValueError as exc:
            raise InputError(path, f"line {number} holds a value that is not a number") from exc
    data = np.array(rows, dtype=float).reshape(len(rows), len(labels))
    stated = header.get("nrows", header.get("datarows"))
    if stated is not None and stated.strip().isdigit() and int(stated) != len(rows):
        raise InputError(path, f"the header states {stated} rows, the file holds {len(rows)} (a cut or merged file)")
    return Storage(path, header, labels, data)


def role_of(storage: Storage) -> str:
    """Which of the three OpenSim results a file holds, told by its columns (names vary, columns do not)."""
    labels = [label.lower() for label in storage.labels[1:]]
    if any(GRF_COLUMN.match(label) for label in labels):
        return FORCES
    if any(label.endswith(("_moment", "_force")) for label in labels):
        return DYNAMICS
    if labels:
        return KINEMATICS
    raise InputError(storage.path, "holds a time column only")


def _require(storage: Storage, names: list[str], what: str) -> None:
    lacking = [name for name in names if name not in storage.labels]
    if lacking:
        raise InputError(
            storage.path,
            f"{what} of another model: lacks {', '.join(lacking)} (read: the coordinates of OpenSim's gait2392, "
            "Hamner 2010 and Rajagopal 2016 models and their AddBiomechanics outputs)",
        )


def angles_in_degrees(storage: Storage) -> bool:
    value = storage.header.get("indegrees", "").strip().lower()
    if value not in {"yes", "no"}:
        found = "no inDegrees line" if not value else f"inDegrees={value[:20]}"
        raise InputError(
            storage.path, f"cannot tell whether its angles are in degrees or radians ({found} in the header)"
        )
    return value == "yes"


def mapped_outputs(storage: Storage, table: dict, scale: float, n: int) -> dict[str, np.ndarray]:
    """Canonical outputs ((3, n), NaN where the model has no such component) from the mapped columns."""
    outputs: dict[str, np.ndarray] = {}
    for side_code, side in SIDES.items():
        for template, (output, axis, sign) in table.items():
            label = template.format(side=side_code)
            if label in storage.labels:
                values = outputs.setdefault(side + output, np.full((3, n), np.nan))
                values[axis] = sign * scale * storage.column(label)
    return outputs


def pelvis_origin(storage: Storage) -> dict[str, np.ndarray]:
    """The pelvis's origin (Plug-in Gait's PELO) in the lab frame, mm, from the model's pelvis translations
    (m whatever inDegrees says): the trial's speed comes from its travel, as from pelvis markers."""
    names = ("pelvis_tx", "pelvis_ty", "pelvis_tz")
    if not all(name in storage.labels for name in names):
        return {}
    return {"PELO": OPENSIM_TO_LAB @ np.stack([storage.column(name) for name in names]) * 1000.0}


def source_columns(storage: Storage, table: dict) -> dict[str, str]:
    """Canonical output -> the file's columns that gave it, "-" for the negated (trials' signal_labels)."""
    sources: dict[str, list[str]] = {}
    for side_code, side in SIDES.items():
        for template, (output, _, sign) in table.items():
            label = template.format(side=side_code)
            if label in storage.labels:
                sources.setdefault(side + output, []).append(("-" if sign < 0 else "") + label)
    return {output: ",".join(columns) for output, columns in sources.items()}


def read_kinematics(path: str | Path | Storage) -> tuple[Storage, dict[str, np.ndarray]]:
    storage = path if isinstance(path, Storage) else read_storage(path)
    _require(storage, [ANKLE.format(side=s) for s in SIDES], "coordinates")
    scale = 1.0 if angles_in_degrees(storage) else float(np.degrees(1.0))
    return storage, mapped_outputs(storage, ANGLE_MAP, scale, len(storage.data))


def read_dynamics(path: str | Path | Storage) -> tuple[Storage, dict[str, np.ndarray]]:
    storage = path if isinstance(path, Storage) else read_storage(path)
    _require(storage, [f"{ANKLE.format(side=s)}_moment" for s in SIDES], "joint moments")
    return storage, mapped_outputs(storage, MOMENT_MAP, 1.0, len(storage.data))


def side_of_force_set(name: str) -> str:
    words = {m.group(1).lower()[0] for m in SIDE_WORD.finditer(name.replace("ground_force", " "))}
    return SIDES[words.pop()] if len(words) == 1 else ""


def read_forces(path: str | Path | Storage) -> tuple[Storage, list[Plate]]:
    """One plate per force set (its force on the foot in N, its point of application in mm), lab frame."""
    storage = path if isinstance(path, Storage) else read_storage(path)
    sets: dict[str, dict[str, int]] = {}
    for index, label in enumerate(storage.labels):
        match = GRF_COLUMN.match(label)
        if match:
            sets.setdefault(match["set"], {})[match["kind"].lower() + match["axis"].lower()] = index
    plates = []
    for name, columns in sets.items():
        lacking = [c for c in ("vx", "vy", "vz", "px", "py", "pz") if c not in columns]
        if lacking:  # said by component: a set's prefix is the file's free text
            raise InputError(storage.path, f"a ground reaction force set lacks its {', '.join(lacking)} column(s)")
        force = OPENSIM_TO_LAB @ storage.data[:, [columns[c] for c in ("vx", "vy", "vz")]].T
        point = OPENSIM_TO_LAB @ storage.data[:, [columns[c] for c in ("px", "py", "pz")]].T * 1000.0
        plates.append(Plate(len(plates), force, point, side_hint=side_of_force_set(name)))
    return storage, plates


def trial_key(path: Path) -> str:
    """The trial a file belongs to: its name without the extension and a trailing role word
    (run400_ik.mot, run400_id.sto and run400_grf.mot are trial run400)."""
    return ROLE_SUFFIX.sub("", path.stem).lower()


def group_trials(paths: list[Path]) -> list[list[Path]]:
    """A participant's OpenSim files, one list per trial (files of one name stem), in the paths' order.
    A file named by its role alone (OpenSim's default `inverse_dynamics.sto`) joins the one trial beside
    it; beside several it is a trial of its own, which names the files it lacks."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(trial_key(path), []).append(path)
    named = [key for key in groups if key]
    if "" in groups and len(named) == 1:
        joined = groups[named[0]] + groups.pop("")
        groups[named[0]] = [p for p in paths if p in joined]
    return list(groups.values())


def read_opensim(paths: list[str | Path]) -> Trial:
    """One trial from its inverse kinematics, inverse dynamics and ground reaction force files."""
    paths = [Path(p) for p in paths]
    by_role: dict[str, Storage] = {}
    for path in paths:
        storage = read_storage(path)
        role = role_of(storage)
        if role in by_role:
            # said without the stem: a file's own name may be a person's
            raise InputError(path, f"a second {role} file of one trial (files of one name stem)")
        by_role[role] = storage
    missing = [role for role in ROLES if role not in by_role]
    if missing:
        raise InputError(paths[0], f"the trial (files of one name stem) has no {' and no '.join(missing)} file")
    kinematics, angles = read_kinematics(by_role[KINEMATICS])
    pelvis = pelvis_origin(kinematics)
    dynamics, moments = read_dynamics(by_role[DYNAMICS])
    forces, plates = read_forces(by_role[FORCES])
    time = kinematics.time
    rate = _rate(time, kinematics.path)
    moments = {label: _resampled(values, dynamics, time) for label, values in moments.items()}
    force_rate = _rate(forces.time, forces.path)
    return Trial(
        path=str(dynamics.path),
        point_rate=rate,
        analog_rate=force_rate,
        points={**angles, **moments, **pelvis},
        angle_labels=set(angles),
        moment_labels=set(moments),
        moment_units="Nm",
        plates=_aligned(plates, forces.time, time[0], forces.path),
        source_format="opensim",
        manufacturer="OpenSim",
        frames=len(time),
        signal_labels={**source_columns(kinematics, ANGLE_MAP), **source_columns(dynamics, MOMENT_MAP)},
    )


def _rate(time: np.ndarray, path: Path) -> float:
    steps = np.diff(time)
    if len(steps) < 1 or not np.all(steps > 0):
        raise InputError(path, "the time column does not increase row by row")
    return round(1.0 / float(np.median(steps)), 6)


def _resampled(values: np.ndarray, storage: Storage, time: np.ndarray) -> np.ndarray:
    """Moments on the coordinates' time (OpenSim writes both at one rate; a shorter ID run leaves NaN)."""
    source = storage.time
    if len(source) == len(time) and np.allclose(source, time):
        return values
    inside = (time >= source[0]) & (time <= source[-1])
    out = np.full(values.shape, np.nan)
    for axis in range(3):
        if np.isfinite(values[axis]).any():
            out[axis, inside] = np.interp(time[inside], source, values[axis])
    return out


def _aligned(plates: list[Plate], force_time: np.ndarray, start: float, path: Path) -> list[Plate]:
    """Forces cut to the coordinates' start: stance times are counted from the trial's first frame."""
    if force_time[0] > start + 1e-6:
        raise InputError(
            path,
            f"the forces start {force_time[0] - start:.3f} s after the coordinates: export both over one time range",
        )
    keep = force_time >= start - 1e-9
    return [Plate(p.index, p.force[:, keep], p.cop_mm[:, keep], side_hint=p.side_hint) for p in plates]
