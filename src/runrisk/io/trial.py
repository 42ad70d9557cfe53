"""One motion-capture trial in plain arrays, whatever file it came from (C3D, Visual3D ASCII)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

POSITION_TO_MM = {"mm": 1.0, "m": 1000.0, "cm": 10.0}
SUPPORTED_PLATE_TYPES = (1, 2, 3, 4)


@dataclass
class Plate:
    """One force plate: force on the foot in the lab frame (N, vertical up) and COP (mm), analog rate."""

    index: int
    force: np.ndarray  # (3, n)
    cop_mm: np.ndarray  # (3, n)
    corners_mm: np.ndarray | None = None  # (3, 4) plate outline, when the file gives it
    side_hint: str = ""  # "R"/"L" for per-foot signals (instrumented treadmills), else ""
    plate_type: int | None = None
    free_moment_nmm: np.ndarray | None = None  # (n,) moment about the vertical at the COP, on the foot
    origin_convention: str = ""  # C3D: how FORCE_PLATFORM:ORIGIN was read (runrisk.io.force_plates)


@dataclass
class Event:
    context: str  # "Right" / "Left" / ...
    label: str  # "Foot Strike" / "Foot Off" / ...
    time_s: float  # from the first sample of the trial


@dataclass
class Trial:
    path: str
    point_rate: float
    analog_rate: float
    points: dict[str, np.ndarray]  # label -> (3, n_frames); markers in mm, model outputs as stored
    angle_labels: set[str] = field(default_factory=set)
    moment_labels: set[str] = field(default_factory=set)
    moment_units: str = "Nmm/kg"
    plates: list[Plate] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    source_format: str = "c3d"
    manufacturer: str = ""
    frames: int | None = None  # as the file states it; None: the length of the signals
    signal_labels: dict[str, str] = field(default_factory=dict)  # canonical name -> the file's label
    processing: dict[str, float] = field(default_factory=dict)  # C3D PROCESSING: subject measurements
    model_source: str = ""  # "file" (the lab's model outputs), "cgm10" (computed here) or "" (none)

    @property
    def n_frames(self) -> int:
        if self.frames is not None:
            return self.frames
        return next(iter(self.points.values())).shape[1] if self.points else 0

    def summary(self) -> dict:
        """What the trials table records about the file (never subject names)."""
        return {
            "format": self.source_format,
            "manufacturer": self.manufacturer,
            "point_rate_hz": self.point_rate,
            "analog_rate_hz": self.analog_rate,
            "n_frames": self.n_frames,
            "n_plates": len(self.plates),
            "plate_types": ",".join(str(p.plate_type) for p in self.plates if p.plate_type is not None),
            "plate_origins": ",".join(p.origin_convention for p in self.plates if p.origin_convention),
            "n_events": len(self.events),
            "has_model_outputs": bool(self.angle_labels or self.moment_labels),
            "model_source": self.model_source,
            "signal_labels": "; ".join(f"{c}={label}" for c, label in sorted(self.signal_labels.items())),
        }
