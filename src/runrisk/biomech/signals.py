"""Signal names as labs write them, mapped to the one set of names the stance code reads.

Every lab names its markers and model outputs its own way: Plug-in Gait `RHEE` and `RAnkleAngles`,
Nexus `RAnkleAnglesV` or `Subject:RHEE`, Qualisys `RHeel` and `RMT1`, Codamotion `R.Heel`, BTS
`r heel`, Visual3D `RT_ANKLE_ANGLE`. A trial's labels are matched to canonical Plug-in Gait names in
this order: the exact canonical label; the names the study's config gives for the participant's lab
(`biomechanics.lab_signal_names`), then for every lab (`biomechanics.signal_names`); then the built-in
vocabulary below, compared without case, punctuation, spaces or a `Subject:` prefix. Labels that
match nothing are dropped at reading: no free text from a file travels further.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from runrisk.config import Section
from runrisk.io.trial import Trial

SIDES = {"R": ("R", "RT", "RIGHT"), "L": ("L", "LT", "LEFT")}
# Plug-in Gait lower-body marker -> the spellings of that landmark, most specific first
MARKERS = {
    "ASI": ("ASI", "ASIS"),
    "PSI": ("PSI", "PSIS"),
    "THI": ("THI", "THIGH"),
    "KNE": ("KNE", "KNEE", "LFE", "LEPI"),
    "TIB": ("TIB", "TIBIA", "SHANK"),
    "ANK": ("ANK", "ANKLE", "LMAL", "LATMAL"),
    "HEE": ("HEE", "HEEL", "CAL", "CALC"),
    "TOE": ("TOE", "MT2", "MTH2", "FM2", "MT1", "MTH1", "FM1"),
}
# PELO: Plug-in Gait's pelvis origin (a virtual point), also an OpenSim model's pelvis translation
UNSIDED_MARKERS = {"SACR": ("SACR", "SACRUM", "SAC"), "PELO": ("PELO", "PELVISORIGIN")}
# model output -> its spellings (Plug-in Gait's, Visual3D's singular, Nexus' V-suffixed variant)
OUTPUTS = {
    "HipAngles": ("HIPANGLES", "HIPANGLE"),
    "KneeAngles": ("KNEEANGLES", "KNEEANGLE"),
    "AnkleAngles": ("ANKLEANGLES", "ANKLEANGLE"),
    "FootProgressAngles": ("FOOTPROGRESSANGLES", "FOOTPROGRESSANGLE"),
    "PelvisAngles": ("PELVISANGLES", "PELVISANGLE"),
    "HipMoment": ("HIPMOMENT", "HIPMOMENTS"),
    "KneeMoment": ("KNEEMOMENT", "KNEEMOMENTS"),
    "AnkleMoment": ("ANKLEMOMENT", "ANKLEMOMENTS"),
}
OUTPUT_SUFFIXES = ("", "V")


def _spellings() -> dict[str, tuple[str, ...]]:
    """Canonical name -> normalised spellings, in order of preference."""
    table: dict[str, tuple[str, ...]] = {}
    for side, side_spellings in SIDES.items():
        for name, words in MARKERS.items():
            table[side + name] = tuple(s + w for w in words for s in side_spellings)
        for name, words in OUTPUTS.items():
            table[side + name] = tuple(s + w + x for x in OUTPUT_SUFFIXES for w in words for s in side_spellings)
    for name, words in UNSIDED_MARKERS.items():
        table[name] = words
    return table


SPELLINGS = _spellings()
CANONICAL = tuple(SPELLINGS)


def without_subject(label: str) -> str:
    """Nexus writes `Subject:RHEE` when a trial holds named subjects; the name is not a signal's."""
    return label.rsplit(":", 1)[-1].strip()


def normalised(label: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", without_subject(label).upper())


def match_labels(labels: list[str], configured: dict[str, list[str]]) -> dict[str, str]:
    """Canonical name -> the file's label that carries it (first match in the documented order)."""
    by_label = {}
    by_normalised: dict[str, str] = {}
    for label in labels:
        by_label.setdefault(without_subject(label).upper(), label)
        by_normalised.setdefault(normalised(label), label)
    found = {}
    taken: set[str] = set()
    for canonical in CANONICAL:
        choices = [
            by_label.get(canonical.upper()),
            *(by_label.get(without_subject(name).upper()) for name in configured.get(canonical, [])),
            *(by_normalised.get(spelling) for spelling in SPELLINGS[canonical]),
        ]
        label = next((c for c in choices if c is not None and c not in taken), None)
        if label is not None:
            found[canonical] = label
            taken.add(label)
    return found


@dataclass(frozen=True)
class SignalNaming(Section):
    """How the biomechanics section names and orients a lab's signals."""

    SECTION = "biomechanics"

    convention: str
    lab_conventions: dict[str, str]
    signal_names: dict[str, list[str]]
    lab_signal_names: dict[str, dict[str, list[str]]]
    visual3d_rate_hz: float | None

    def names_for_lab(self, lab: str) -> dict[str, list[str]]:
        """The configured labels of each canonical signal: the lab's own first, then every lab's."""
        own = self.lab_signal_names.get(lab, {})
        common = self.signal_names
        return {name: [*own.get(name, []), *common.get(name, [])] for name in {*own, *common}}

    def convention_of(self, lab: str) -> str:
        return self.lab_conventions.get(lab, self.convention)


def resolve_signals(trial: Trial, configured: dict[str, list[str]]) -> Trial:
    """The trial with its signals under canonical names, which label gave each (trial.signal_labels,
    written without a subject prefix), and nothing else."""
    found = match_labels(list(trial.points), configured)
    points = {canonical: trial.points[label] for canonical, label in found.items()}
    return replace(
        trial,
        points=points,
        angle_labels={c for c, label in found.items() if label in trial.angle_labels},
        moment_labels={c for c, label in found.items() if label in trial.moment_labels},
        # a reader that put a file's columns together under a canonical name (OpenSim) says which
        signal_labels={c: trial.signal_labels.get(label, without_subject(label)) for c, label in found.items()},
    )


def missing_signals(trial: Trial, side: str, required: tuple[str, ...], frames: slice) -> list[str]:
    """Required signals (side-less names: HEE, AnkleAngles, ...) that one foot's stance lacks: not in
    the file, or without a single finite value over the stance's frames (a gap is not a value)."""
    return [
        side + name
        for name in required
        if side + name not in trial.points or not np.isfinite(trial.points[side + name][:, frames]).any()
    ]
