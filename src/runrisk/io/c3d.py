"""Reading one C3D trial (ezc3d) into a Trial, with errors that name the file."""

from __future__ import annotations

import struct
from pathlib import Path

import ezc3d
import numpy as np

from runrisk.errors import InputError, described
from runrisk.io.force_plates import plate_outputs
from runrisk.io.trial import POSITION_TO_MM, SUPPORTED_PLATE_TYPES, Event, Plate, Trial

# ezc3d reads Intel and DEC files; it stops at the first byte of a MIPS (SGI) file's processor flag.
PROCESSOR_NAMES = {84: "Intel", 85: "DEC (VAX)", 86: "MIPS (SGI)"}


def _labels(group: dict, base: str) -> list[str]:
    labels = list(group.get(base, {}).get("value", []))
    i = 2
    while f"{base}{i}" in group:
        labels.extend(group[f"{base}{i}"]["value"])
        i += 1
    return [str(label).strip() for label in labels]


# MANUFACTURER:COMPANY is free text ("File Import by Charnwood Dynamics Ltd.", a lab's own name): only the
# vendor it names leaves the reader
VENDORS = {
    "vicon": "Vicon",
    "qualisys": "Qualisys",
    "motion analysis": "Motion Analysis",
    "charnwood": "Codamotion",
    "codamotion": "Codamotion",
    "bts": "BTS",
    "c-motion": "C-Motion",
    "visual3d": "C-Motion",
    "optitrack": "OptiTrack",
    "naturalpoint": "OptiTrack",
    "noraxon": "Noraxon",
    "xsens": "Xsens",
    "simi": "Simi",
    "kistler": "Kistler",
    "amti": "AMTI",
    "bertec": "Bertec",
    "motek": "Motek",
    "ezc3d": "ezc3d",
    "btk": "BTK",
}


def vendor_of(company: str) -> str:
    """The vendor a MANUFACTURER:COMPANY text names, "other" for any other text, "" when there is none."""
    text = company.strip().lower()
    if not text:
        return ""
    return next((vendor for word, vendor in VENDORS.items() if word in text), "other")


def _first_string(group: dict, name: str, default: str) -> str:
    values = group.get(name, {}).get("value", [])
    return str(values[0]).strip() if len(values) else default


def processor_of(path: Path) -> str:
    """The processor a C3D was written on, read from the parameter section header."""
    with path.open("rb") as handle:
        first_block = handle.read(1)
        if not first_block or first_block[0] < 1:
            return "unknown"
        handle.seek(512 * (first_block[0] - 1) + 3)
        code = handle.read(1)
    return PROCESSOR_NAMES.get(code[0], f"unknown processor code {code[0]}") if code else "unknown"


def _plate_types(path: Path, params: dict) -> list[int]:
    group = params.get("FORCE_PLATFORM", {})
    used = int(np.asarray(group.get("USED", {}).get("value", [0])).ravel()[0]) if group else 0
    types = [int(t) for t in np.asarray(group.get("TYPE", {}).get("value", [])).ravel()[:used]]
    unsupported = [(i + 1, t) for i, t in enumerate(types) if t not in SUPPORTED_PLATE_TYPES]
    if unsupported:
        plate, kind = unsupported[0]
        raise InputError(path, f"force plate {plate} is FORCE_PLATFORM:TYPE {kind}; supported types are 1-4")
    return types


def _event_seconds(group: dict) -> np.ndarray:
    """EVENT:TIMES as seconds; stored as (minutes, seconds) pairs, (2, n) or flattened."""
    times = np.asarray(group["TIMES"]["value"], float)
    pairs = times.T if times.ndim == 2 and times.shape[0] == 2 else times.reshape(-1, 2)
    return pairs[:, 0] * 60 + pairs[:, 1]


def _events(params: dict, first_frame: int, point_rate: float, n_frames: int) -> list[Event]:
    group = params.get("EVENT", {})
    labels = _labels(group, "LABELS") if group else []
    if not labels:
        return []
    contexts = _labels(group, "CONTEXTS") or [""] * len(labels)
    seconds = _event_seconds(group)
    # Most writers count from frame 1 of the capture; some (Qualisys) from the trial's first frame.
    shifted = seconds - first_frame / point_rate
    duration = n_frames / point_rate
    if (shifted < -1 / point_rate).any() and ((seconds >= 0) & (seconds <= duration)).all():
        shifted = seconds
    return [Event(c, lab, float(t)) for c, lab, t in zip(contexts, labels, shifted, strict=False)]


def expected_size(path: Path) -> int | None:
    """Bytes the file's own header promises (data start plus every frame of points and analogs).

    Read before ezc3d, which pads a truncated file's missing frames or stops with a terse message.
    None when the header cannot say: a MIPS file, or a 16-bit last frame that overflowed.
    """
    with path.open("rb") as handle:
        header = handle.read(20)
    processor = processor_of(path)
    if len(header) < 20 or processor not in ("Intel", "DEC (VAX)"):
        return None
    points, analog_per_frame, first, last = struct.unpack_from("<HHHH", header, 2)
    data_start = struct.unpack_from("<H", header, 16)[0]
    if last == 0xFFFF or last < first or data_start < 2:
        return None
    # the sign of the scale factor says float (negative) or integer storage; VAX floats keep it in byte 13
    negative = header[13 if processor.startswith("DEC") else 15] & 0x80
    bytes_per_value = 4 if negative else 2
    return 512 * (data_start - 1) + (last - first + 1) * (4 * points + analog_per_frame) * bytes_per_value


def analog_rate(path: Path, params: dict, point_rate: float) -> float:
    """Analog samples per second: the point rate times the analog samples per frame that the header
    lays the data out by (ANALOG:RATE is optional in files from some writers, and then ezc3d reports a
    placeholder), else ANALOG:RATE, else 0 for a file without analog data."""
    with path.open("rb") as handle:
        header = handle.read(6)
    processor = processor_of(path)
    used = int(np.asarray(params.get("ANALOG", {}).get("USED", {}).get("value", [0])).ravel()[0] or 0)
    announced = struct.unpack_from("<H", header, 4)[0] if len(header) == 6 else 0
    if processor in ("Intel", "DEC (VAX)") and announced and not used:
        raise InputError(
            path,
            f"the header announces {announced} analog values per frame but the ANALOG group has no usable "
            "RATE/USED, so no force plate can be read; re-export the trial with its ANALOG parameters",
        )
    if processor in ("Intel", "DEC (VAX)") and used > 0 and announced:
        return float(point_rate * announced / used)
    stated = np.asarray(params.get("ANALOG", {}).get("RATE", {}).get("value", [0.0])).ravel()
    return float(stated[0]) if len(stated) and stated[0] > 0 else 0.0


def _open(path: Path) -> ezc3d.c3d:
    """The file without ezc3d's force-platform extraction: runrisk.io.force_plates computes the same
    from the analogs, over whole arrays."""
    try:
        return ezc3d.c3d(str(path))
    except Exception as exc:  # ezc3d raises bare RuntimeError/ValueError with terse messages
        processor = processor_of(path)
        if processor.startswith("MIPS"):
            raise InputError(
                path,
                f"written on a {processor} processor, which ezc3d cannot read; "
                "re-export it from the capture software as an Intel (PC) C3D",
            ) from exc
        raise InputError(path, f"ezc3d could not read it: {exc}") from exc


def read_trial(path: str | Path) -> Trial:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "C3D file does not exist")
    if path.stat().st_size < 512:
        raise InputError(path, f"not a C3D file: {path.stat().st_size} bytes, shorter than one C3D header block")
    promised = expected_size(path)
    if promised is not None and path.stat().st_size < promised:
        raise InputError(path, f"truncated: {path.stat().st_size} bytes where the header promises {promised}")
    c3d = _open(path)
    params = c3d["parameters"]
    plate_types = _plate_types(path, params)
    point_group = params["POINT"]
    unit = _first_string(point_group, "UNITS", "mm")
    if unit not in POSITION_TO_MM:
        raise InputError(path, f"POINT:UNITS is not one of {sorted(POSITION_TO_MM)} (found {described(unit)})")
    angle_labels = set(_labels(point_group, "ANGLES"))
    moment_labels = set(_labels(point_group, "MOMENTS"))
    model_labels = (
        angle_labels | moment_labels | set(_labels(point_group, "POWERS")) | set(_labels(point_group, "FORCES"))
    )
    raw = c3d["data"]["points"][:3]
    points: dict[str, np.ndarray] = {}
    # LABELS may hold more names than POINT:USED (c3d.org samples do): the data decides
    for i, label in enumerate(_labels(point_group, "LABELS")[: raw.shape[1]]):
        if label in points:  # duplicated labels exist in real files: keep the first
            continue
        scale = 1.0 if label in model_labels else POSITION_TO_MM[unit]
        points[label] = raw[:, i, :] * scale
    point_rate = float(point_group["RATE"]["value"][0])
    rate = analog_rate(path, params, point_rate)  # first: its message explains a plate without analogs
    plates = []
    for i, outputs in enumerate(plate_outputs(c3d["data"]["analogs"][0], params, plate_types, path)):
        # COP and corners come in the unit of FORCE_PLATFORM:CORNERS, which labs write in POINT:UNITS
        scale = POSITION_TO_MM[unit]
        plates.append(
            Plate(
                i,
                outputs.force,
                outputs.cop * scale,
                outputs.corners * scale,
                plate_type=plate_types[i],
                free_moment_nmm=outputs.free_moment,
                origin_convention=outputs.origin_convention,
            )
        )
    first_frame = int(c3d["header"]["points"]["first_frame"])
    # frames from the header: a file may hold no markers (rotations or analogs only) and still have them
    n_frames = max(int(c3d["header"]["points"]["last_frame"]) - first_frame + 1, raw.shape[2])
    return Trial(
        path=str(path),
        point_rate=point_rate,
        analog_rate=rate,
        frames=n_frames,
        points=points,
        angle_labels=angle_labels,
        moment_labels=moment_labels,
        moment_units=_first_string(point_group, "MOMENT_UNITS", "Nmm/kg"),
        plates=plates,
        events=_events(params, first_frame, point_rate, n_frames),
        source_format="c3d",
        manufacturer=vendor_of(_first_string(params.get("MANUFACTURER", {}), "COMPANY", "")),
        processing=processing_values(params),
    )


def processing_values(params: dict) -> dict[str, float]:
    """The PROCESSING group's numbers (Vicon's subject measurements: Bodymass, RLegLength, ...)."""
    values = {}
    for name, entry in params.get("PROCESSING", {}).items():
        if name.startswith("__") or not isinstance(entry, dict):
            continue
        value = np.asarray(entry.get("value", [])).ravel()
        if value.size and np.issubdtype(value.dtype, np.number):
            values[name] = float(value[0])
    return values
