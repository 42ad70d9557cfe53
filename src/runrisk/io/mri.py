"""Readers of a participant's tendon MRI as a radiology department delivers it, under raw_dir/mri/<id>/:

- a multi-echo gradient-echo series as DICOM, one file per slice and echo (pydicom), or as NIfTI with
  its echo times in dcm2niix/BIDS JSON sidecars (nibabel): one 3-D file per echo (`*_e1.nii.gz` beside
  `*_e1.json`) or one 4-D file whose sidecar lists them;
- the tendon's region of interest: a label mask as NIfTI or NRRD (ITK-SNAP, 3D Slicer), in the image's
  geometry or resampled onto it through both affines (nearest voxel);
- or the radiologist's own measures: tendon_measurements.csv (see read_measurements).

Images come out as (x, y, slice, echo) float arrays with a RAS affine (voxel index -> patient mm), as
nibabel gives them; DICOM's LPS patient axes are turned to RAS here. Of a DICOM header only the SOP class,
the image type, the geometry, the echo time, the rescale and the PatientID (compared between files, never
kept or shown) are read: names, birth dates, institutions and accession numbers never leave the file.

Only magnitude images are measured. Every file of the folder that is not used is listed by its label with
the reason (a phase image, a DICOMDIR, another series, a format not read here): nothing is dropped without
a word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from runrisk.errors import InputError

DICOM_SUFFIXES = ("", ".dcm", ".ima")
NIFTI_SUFFIXES = (".nii", ".nii.gz")
MASK_WORDS = ("mask", "roi", "seg", "label")  # a NIfTI/NRRD whose name holds one of these is the ROI
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])


NotUsed = tuple[Path, str]  # a file of the folder that is not measured, and why (in words)


@dataclass(frozen=True)
class MultiEcho:
    signal: np.ndarray  # (x, y, slices, echoes), rescaled magnitude
    echo_times_ms: np.ndarray  # (echoes,), ascending
    affine: np.ndarray  # (4, 4) RAS
    not_used: tuple[NotUsed, ...] = ()  # the series' files set aside: phase images, other series, an index


def _folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def label_of(path: Path, folder: Path) -> str:
    """A file's label, mri-<n> by name order in the participant's folder: never the file's own name, which
    a scanner may have built from the patient's name or an accession number."""
    files = _folder_files(folder)
    return f"mri-{files.index(path) + 1}" if path in files else "mri"


def labels_of(paths, folder: Path) -> str:
    """Several files' labels, runs of consecutive ones shortened (mri-3 to mri-10)."""
    index = {path: n for n, path in enumerate(_folder_files(folder), start=1)}
    numbers = sorted({index[p] for p in paths if p in index})
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"mri-{r[0]}" if len(r) == 1 else f"mri-{r[0]} to mri-{r[-1]}" for r in runs) or "mri"


def not_used_text(not_used, folder: Path) -> str:
    """The files set aside as one text, by reason: 'mri-9 to mri-16: phase images, ...; mri-1: a DICOMDIR ...'."""
    by_reason: dict[str, list[Path]] = {}
    for path, reason in not_used:
        by_reason.setdefault(reason, []).append(path)
    return "; ".join(f"{labels_of(paths, folder)}: {reason}" for reason, paths in by_reason.items())


# an MR scanner's echo times: ultrashort-TE sequences reach some 10 microseconds, the longest spin echoes a
# few hundred ms; a value beyond is a unit mix-up (seconds for ms, or the reverse)
SCANNER_ECHO_TIME_MS = (0.005, 500.0)


def checked_echo_time_ms(value_ms: float, path: Path, folder: Path, participant: str, written: str) -> float:
    """An echo time in ms that a scanner can produce, else a refusal naming the file and the unit expected
    (written: how the file gives it, e.g. 'DICOM EchoTime 0.0015, in milliseconds')."""
    low, high = SCANNER_ECHO_TIME_MS
    if low <= value_ms <= high:
        return value_ms
    raise InputError(
        label_of(path, folder),
        f"{written} makes an echo time of {value_ms:g} ms, {'shorter' if value_ms < low else 'longer'} than an"
        f" MR scanner's echoes ({low:g} to {high:g} ms): is it in another unit?",
        participant,
    )


SHORTEST_ECHO_TRAIN_MS = 1.0  # every echo's readout takes a fraction of a ms: a train cannot end sooner


def checked_echo_train(times_ms, paths: list[Path], folder: Path, participant: str, unit: str) -> None:
    """A multi-echo train whose last echo comes within SHORTEST_ECHO_TRAIN_MS of excitation is no scanner's
    (ultrashort first echoes are followed by later ones): seconds taken for milliseconds, each value
    possible alone (0.006 s read as 0.006 ms)."""
    if max(times_ms) < SHORTEST_ECHO_TRAIN_MS:
        raise InputError(
            labels_of(paths, folder),
            f"every echo time is under {SHORTEST_ECHO_TRAIN_MS:g} ms (the last {max(times_ms):g} ms): no scanner"
            f" reads a train of echoes that fast; {unit}",
            participant,
        )


# the complex part of an image by its DICOM ImageType values (from the third on: Siemens M/P/R/I, Philips
# M_FFE, P_FFE ...), dcm2niix's sidecar ImageType (the same values), Enhanced MR ComplexImageComponent and
# the BIDS part- entity
PARTS = {"M": "magnitude", "MAGNITUDE": "magnitude", "MAG": "magnitude", "P": "phase", "PHASE": "phase"}
PARTS |= {"R": "real", "REAL": "real", "I": "imaginary", "IMAGINARY": "imaginary", "IMAG": "imaginary"}
PARTS |= {"MIXED": "mixed"}


def part_of_image_type(values) -> str | None:
    """'magnitude', 'phase', 'real', 'imaginary' by the first image type value that says, else None."""
    values = [values] if isinstance(values, str) else list(values or [])
    for value in values[2:]:
        token = str(value).strip().upper()
        part = PARTS.get(token) or (PARTS.get(token.split("_")[0]) if "_" in token else None)
        if part:
            return part
    return None


def not_magnitude(part: str | None, told_by: str) -> str:
    return f"{part} images ({told_by}): T2* is measured on magnitude images only"


def is_nifti(path: Path) -> bool:
    return path.name.lower().endswith(NIFTI_SUFFIXES)


def is_dicom(path: Path) -> bool:
    """A DICOM file by its name (.dcm, .ima, none) or by its PS3.10 preamble: departments name files by
    their UIDs (1.2.826.0.1....7), whose last part reads as a suffix."""
    if path.suffix.lower() in DICOM_SUFFIXES:
        return True
    with path.open("rb") as file:
        return file.read(132)[128:] == b"DICM"


def is_mask(path: Path) -> bool:
    return any(word in path.name.lower() for word in MASK_WORDS)


# ------------------------------------------------------------------------------------------ DICOM


DIRECTORY_STORAGE = "1.2.840.10008.1.3.10"  # a DICOMDIR: the index of a CD or PACS export


def _sop_class(ds) -> str:
    meta = getattr(ds, "file_meta", None)
    return str(ds.get("SOPClassUID", "") or getattr(meta, "MediaStorageSOPClassUID", "") or "")


def unused_object(ds) -> str | None:
    """Why a DICOM object is no part of the series to measure (None: an MR image or a segmentation)."""
    sop = _sop_class(ds)
    if sop == DIRECTORY_STORAGE or "DirectoryRecordSequence" in ds:
        return "a DICOMDIR, the index of an export's files, not an image"
    if sop in MR_CLASSES or sop == SEGMENTATION_STORAGE:
        return None
    if sop:
        from pydicom.uid import UID

        return f"a DICOM {UID(sop).name} object, not an MR image"
    modality = str(ds.get("Modality", "") or "")
    return f"a DICOM image of modality {modality}, not MR" if modality and modality != "MR" else None


def dicom_headers(
    paths: list[Path], folder: Path, participant: str, not_used: list | None = None
) -> list[tuple[Path, object]]:
    """The datasets of the MR images and segmentations; every other object (a DICOMDIR, a CT, a report) is
    added to not_used with its reason. They must all name one patient (PatientID, compared, never kept)."""
    import pydicom

    headers = []
    for path in paths:
        try:
            ds = pydicom.dcmread(path)
        except Exception:  # pydicom raises many kinds for a file that is no DICOM
            raise InputError(label_of(path, folder), "not a DICOM file that pydicom can read", participant) from None
        reason = unused_object(ds)
        if reason is None:
            headers.append((path, ds))
        elif not_used is not None:
            not_used.append((path, reason))
    if len({str(getattr(ds, "PatientID", "")) for _, ds in headers}) > 1:
        labels = ", ".join(label_of(p, folder) for p, _ in headers[:3])
        raise InputError(
            labels + (" ..." if len(headers) > 3 else ""),
            "the series' files name more than one patient (PatientID differs between them)",
            participant,
        )
    return headers


def _float(ds, keyword: str, path: Path, folder: Path, participant: str, size: int | None = None):
    value = getattr(ds, keyword, None)
    if value is None or value == "":
        raise InputError(label_of(path, folder), f"DICOM {keyword} is missing", participant)
    values = np.asarray(value if size else [value], dtype=float)
    if size and values.size != size:
        raise InputError(label_of(path, folder), f"DICOM {keyword} has {values.size} values, not {size}", participant)
    return values if size else float(values[0])


MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4"
ENHANCED_MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4.1"
LEGACY_ENHANCED_MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4.4"  # classic images converted to one multi-frame object
MR_CLASSES = (MR_IMAGE_STORAGE, ENHANCED_MR_STORAGE, LEGACY_ENHANCED_MR_STORAGE)
SEGMENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4"


@dataclass(frozen=True)
class Frame:
    """One slice of one echo, from a classic file or a frame of an Enhanced MR object."""

    echo_time: float
    position: np.ndarray  # ImagePositionPatient, LPS mm
    geometry: tuple  # (orientation, spacing, matrix), rounded: equal for every frame of a series
    pixels: Callable[[], np.ndarray]  # (rows, columns), rescaled
    path: Path
    series: int | None  # SeriesNumber: a folder may hold a localizer and other series beside the multi-echo one
    part: str | None = None  # magnitude, phase, real, imaginary (None: the file does not say)
    told_by: str = "DICOM ImageType"  # what said the part


def _dicom_echo_time(ds, keyword: str, path: Path, folder: Path, participant: str) -> float:
    value = _float(ds, keyword, path, folder, participant)
    return checked_echo_time_ms(value, path, folder, participant, f"DICOM {keyword} {value:g}, in milliseconds,")


def classic_frame(path: Path, ds, folder: Path, participant: str) -> Frame:
    part = part_of_image_type(ds.get("ImageType"))
    if part not in (None, "magnitude"):  # set aside before its header is judged: a phase image is no echo
        return Frame(float("nan"), np.zeros(3), (), lambda: np.empty(0), path, _series_number(ds), part)
    orientation = _float(ds, "ImageOrientationPatient", path, folder, participant, 6)
    spacing = _float(ds, "PixelSpacing", path, folder, participant, 2)
    return Frame(
        _dicom_echo_time(ds, "EchoTime", path, folder, participant),
        _float(ds, "ImagePositionPatient", path, folder, participant, 3),
        _geometry(orientation, spacing, ds),
        lambda: _rescaled(_decoded(ds, path, folder, participant), ds),
        path,
        _series_number(ds),
    )


def _geometry(orientation: np.ndarray, spacing: np.ndarray, ds) -> tuple:
    return (tuple(np.round(orientation, 4)), tuple(np.round(spacing, 4)), (int(ds.Rows), int(ds.Columns)))


def _functional_group(ds, frame_groups, sequence: str, path: Path, folder: Path, participant: str):
    """A functional group's item for one frame: its own (per-frame) or the object's shared one."""
    shared = ds.get("SharedFunctionalGroupsSequence") or [None]
    for groups in (frame_groups, shared[0]):
        items = groups.get(sequence) if groups is not None else None
        if items:
            return items[0]
    raise InputError(label_of(path, folder), f"Enhanced MR frame without {sequence}", participant)


def enhanced_frames(path: Path, ds, folder: Path, participant: str) -> list[Frame]:
    """The frames of an Enhanced MR Image object (PS3.3 A.36-2): geometry and echo time from each frame's
    functional groups, else the shared ones; pixels decoded once for all frames."""
    per_frame = ds.get("PerFrameFunctionalGroupsSequence") or []
    count = int(ds.get("NumberOfFrames", 1) or 1)
    if len(per_frame) != count:
        raise InputError(label_of(path, folder), "Enhanced MR object without a functional group per frame", participant)
    decoded: list[np.ndarray] = []

    def frame_pixels(index: int, transform) -> np.ndarray:
        if not decoded:
            decoded.append(_decoded(ds, path, folder, participant).reshape(count, int(ds.Rows), int(ds.Columns)))
        return _rescaled(decoded[0][index], transform)

    shared = (ds.get("SharedFunctionalGroupsSequence") or [{}])[0]
    frames = []
    for index, groups in enumerate(per_frame):

        def group(name: str, groups=groups):
            return _functional_group(ds, groups, name, path, folder, participant)

        part, told_by = _enhanced_part(ds, groups, shared)
        if part not in (None, "magnitude"):
            nothing = (float("nan"), np.zeros(3), (), lambda: np.empty(0))
            frames.append(Frame(*nothing, path, _series_number(ds), part, told_by))
            continue
        echo, plane = group("MREchoSequence"), group("PlaneOrientationSequence")
        measures, position = group("PixelMeasuresSequence"), group("PlanePositionSequence")
        has_transform = any("PixelValueTransformationSequence" in g for g in (groups, shared))
        transform = group("PixelValueTransformationSequence") if has_transform else None
        frames.append(
            Frame(
                _dicom_echo_time(echo, "EffectiveEchoTime", path, folder, participant),
                _float(position, "ImagePositionPatient", path, folder, participant, 3),
                _geometry(
                    _float(plane, "ImageOrientationPatient", path, folder, participant, 6),
                    _float(measures, "PixelSpacing", path, folder, participant, 2),
                    ds,
                ),
                lambda index=index, transform=transform: frame_pixels(index, transform),
                path,
                _series_number(ds),
                part,
            )
        )
    return frames


def _enhanced_part(ds, groups, shared) -> tuple[str | None, str]:
    """(part, what told it) of a frame: its ComplexImageComponent (its MR Image Frame Type, per frame or
    shared, else the object's), else the object's ImageType."""
    for holder in (groups, shared):
        items = holder.get("MRImageFrameTypeSequence") if holder is not None else None
        if items and items[0].get("ComplexImageComponent"):
            return PARTS.get(str(items[0].ComplexImageComponent).upper()), "DICOM ComplexImageComponent"
    if ds.get("ComplexImageComponent"):
        return PARTS.get(str(ds.ComplexImageComponent).upper()), "DICOM ComplexImageComponent"
    return part_of_image_type(ds.get("ImageType")), "DICOM ImageType"


def read_dicom_series(paths: list[Path], folder: Path, participant: str, series_number: int | None = None) -> MultiEcho:
    """One multi-echo series from its files: classic MR images (one per slice and echo) or Enhanced MR
    objects (one or more, frames for slices and echoes); a DICOM-SEG among them is left to read_dicom_mask."""
    return series_of(dicom_headers(paths, folder, participant), folder, participant, series_number)


def _series_number(ds) -> int | None:
    value = ds.get("SeriesNumber")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def series_of(
    headers: list[tuple[Path, object]], folder: Path, participant: str, series_number: int | None = None
) -> MultiEcho:
    frames: list[Frame] = []
    for path, ds in headers:
        if _is_segmentation(ds):
            continue
        if str(ds.get("SOPClassUID", "")) in (ENHANCED_MR_STORAGE, LEGACY_ENHANCED_MR_STORAGE):
            frames += enhanced_frames(path, ds, folder, participant)
        else:
            frames.append(classic_frame(path, ds, folder, participant))
    magnitude = [f for f in frames if f.part in (None, "magnitude")]
    set_aside = {f.path: not_magnitude(f.part, f.told_by) for f in frames if f.part not in (None, "magnitude")}
    if frames and not magnitude:
        raise InputError(
            "mri", f"no magnitude images among the DICOM files: {not_used_text(set_aside.items(), folder)}", participant
        )
    chosen = multi_echo_series(magnitude, folder, participant, series_number)
    others = {f.path: f"series {_number_text(f.series)}, not the multi-echo series measured" for f in magnitude}
    for frame in chosen:
        others.pop(frame.path, None)
    image = assembled(chosen, folder, participant)
    used = {f.path for f in chosen}  # an Enhanced object may hold magnitude and phase frames both
    not_used = [(p, r) for p, r in {**set_aside, **others}.items() if p not in used]
    return MultiEcho(image.signal, image.echo_times_ms, image.affine, tuple(not_used))


def _number_text(number: int | None) -> str:
    return str(number) if number is not None else "without a number"


def multi_echo_series(frames: list[Frame], folder: Path, participant: str, series_number: int | None) -> list[Frame]:
    """The frames of the series to measure, when a folder holds several (by SeriesNumber): the one with more
    than one echo time (a localizer or a T1 beside it has one), or the configured one among several such."""
    by_series: dict[int | None, list[Frame]] = {}
    for frame in frames:
        by_series.setdefault(frame.series, []).append(frame)
    if len(by_series) <= 1:
        return frames

    def numbers(keys) -> str:
        return ", ".join(str(k) if k is not None else "none" for k in sorted(keys, key=lambda k: (k is None, k or 0)))

    if series_number is not None:
        if series_number not in by_series:
            raise InputError(
                "mri",
                f"no series number {series_number} (tendon.series_number) among {numbers(by_series)}",
                participant,
            )
        return by_series[series_number]
    multi = [k for k, members in by_series.items() if len({f.echo_time for f in members}) > 1]
    if len(multi) == 1:
        return by_series[multi[0]]
    if not multi:
        raise InputError(
            "mri",
            f"none of the folder's {len(by_series)} series ({numbers(by_series)}) has more than one echo time:"
            " T2* needs a multi-echo series",
            participant,
        )
    raise InputError(
        "mri",
        f"{len(multi)} multi-echo series (numbers {numbers(multi)}): set tendon.series_number to the one to measure",
        participant,
    )


def assembled(frames: list[Frame], folder: Path, participant: str) -> MultiEcho:
    """The frames as (x, y, slice, echo): one geometry, each echo with the same slice positions."""
    if not frames:
        raise InputError("mri", "no MR images among the participant's DICOM files", participant)
    geometry = frames[0].geometry
    by_echo: dict[float, list[Frame]] = {}
    for frame in frames:
        if frame.geometry != geometry:
            raise InputError(
                label_of(frame.path, folder),
                "echoes or slices of mixed geometry (orientation, spacing or matrix)",
                participant,
            )
        by_echo.setdefault(frame.echo_time, []).append(frame)
    echo_times = sorted(by_echo)
    if len(echo_times) < 2:
        raise InputError(
            label_of(frames[0].path, folder), "a single echo: T2* needs at least two echo times", participant
        )
    checked_echo_train(echo_times, [frames[0].path], folder, participant, "DICOM gives EchoTime in milliseconds")
    for te, members in by_echo.items():
        _one_image_per_position(members, te, folder, participant)
    if len({len(v) for v in by_echo.values()}) > 1:
        raise InputError(label_of(frames[0].path, folder), "the echoes have different numbers of slices", participant)
    orientation = np.array(geometry[0])
    row, column = orientation[:3], orientation[3:]
    normal = np.cross(row, column)
    volumes, first_positions = [], None
    for te in echo_times:
        ordered = sorted(by_echo[te], key=lambda frame: float(frame.position @ normal))
        positions = np.array([frame.position for frame in ordered])
        if first_positions is None:
            first_positions = positions
        elif not np.allclose(positions, first_positions, atol=1e-3):
            raise InputError(
                label_of(ordered[0].path, folder), "the echoes' slices lie at different positions", participant
            )
        volumes.append(np.stack([frame.pixels() for frame in ordered], axis=-1))
    signal = np.stack(volumes, axis=-1).transpose(1, 0, 2, 3)  # DICOM rows are y: (columns=x, rows=y, z, echo)
    return MultiEcho(signal, np.array(echo_times), _dicom_affine(row, column, geometry[1], first_positions))


def _one_image_per_position(frames: list[Frame], te: float, folder: Path, participant: str) -> None:
    """Two images of one echo time at one slice position are two echoes given one time (or a second kind
    of image the header does not tell apart): which is which cannot be known, so the series is refused."""
    seen: dict[tuple, Path] = {}
    for frame in frames:
        key = tuple(np.round(frame.position, 2))
        if key in seen:
            raise InputError(
                labels_of([seen[key], frame.path], folder),
                f"two images at echo time {te:g} ms and one slice position: each echo needs its own echo time"
                " (two echoes given one time, or images of another kind without ImageType)",
                participant,
            )
        seen[key] = frame.path


def _is_segmentation(ds) -> bool:
    return str(ds.get("SOPClassUID", "")) == SEGMENTATION_STORAGE


NATIVE_LITTLE_ENDIAN = ("1.2.840.10008.1.2.1", "1.2.840.10008.1.2")  # explicit and implicit VR


def _native_pixels(ds) -> np.ndarray | None:
    """Uncompressed little-endian 16-bit greyscale straight from PixelData (what most scanners send):
    pydicom's pixel_array takes ten times longer for the same array. None for any other encoding."""
    syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", ""))
    if syntax not in NATIVE_LITTLE_ENDIAN or ds.get("BitsAllocated") != 16 or ds.get("SamplesPerPixel", 1) != 1:
        return None
    if ds.get("NumberOfFrames", 1) not in (1, "1", None):
        return None
    dtype = "<i2" if ds.get("PixelRepresentation", 0) == 1 else "<u2"
    data = np.frombuffer(ds.PixelData, dtype=dtype)
    rows, columns = int(ds.Rows), int(ds.Columns)
    return data[: rows * columns].reshape(rows, columns) if data.size >= rows * columns else None


def _decoded(ds, path: Path, folder: Path, participant: str) -> np.ndarray:
    try:
        native = _native_pixels(ds)
        return (native if native is not None else ds.pixel_array).astype(float)
    except Exception:  # pydicom's decoders raise many kinds: the transfer syntax says what is missing
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        name = getattr(syntax, "name", "") or "an unknown transfer syntax"
        raise InputError(
            label_of(path, folder),
            f"pixels in {name} cannot be decoded here (no decoder installed, or the pixel data is damaged)",
            participant,
        ) from None


def _rescaled(pixels: np.ndarray, transform) -> np.ndarray:
    """Stored values to the modality's: RescaleSlope and RescaleIntercept of the file or of the frame's
    PixelValueTransformationSequence (absent: identity)."""
    if transform is None:
        return pixels
    slope = float(getattr(transform, "RescaleSlope", 1) or 1)
    return pixels * slope + float(getattr(transform, "RescaleIntercept", 0) or 0)


def _dicom_affine(row: np.ndarray, column: np.ndarray, spacing, positions: np.ndarray) -> np.ndarray:
    """Voxel (column i, row j, slice k) -> LPS mm by DICOM PS3.3 C.7.6.2.1.1, then to RAS."""
    affine = np.eye(4)
    affine[:3, 0] = row * spacing[1]  # along a row: the column index, spaced by the column spacing
    affine[:3, 1] = column * spacing[0]
    affine[:3, 2] = (
        (positions[-1] - positions[0]) / max(len(positions) - 1, 1) if len(positions) > 1 else np.cross(row, column)
    )
    affine[:3, 3] = positions[0]
    return LPS_TO_RAS @ affine


# ------------------------------------------------------------------------------------------ NIfTI


def sidecar_of(path: Path) -> Path:
    return Path(str(path).removesuffix(".gz").removesuffix(".nii") + ".json")


def _sidecar(path: Path, folder: Path, participant: str) -> dict | None:
    sidecar = sidecar_of(path)
    if not sidecar.is_file():
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"), object_pairs_hook=_pairs)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(label_of(sidecar, folder), "not readable JSON", participant) from None
    except KeyError as twice:  # a key given twice: JSON readers keep the last without a word
        raise InputError(
            label_of(sidecar, folder), f"{twice.args[0]} is given twice: which one is the scan's?", participant
        ) from None
    if not isinstance(data, dict):
        raise InputError(label_of(sidecar, folder), "a JSON sidecar must be an object of named values", participant)
    return data


def _pairs(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    twice = next((key for key in keys if keys.count(key) > 1), None)
    if twice is not None:
        raise KeyError(twice)
    return dict(pairs)


# BIDS's part- entity (part-mag, part-phase, part-real, part-imag) and dcm2niix's _ph, _real, _imaginary
NAMED_PART = re.compile(r"_part-(mag|phase|real|imag)(?=[_.])|_(ph|real|imaginary)(?=\.nii)", re.IGNORECASE)
NAME_PARTS = {"mag": "magnitude", "phase": "phase", "ph": "phase", "real": "real", "imag": "imaginary"}
NAME_PARTS |= {"imaginary": "imaginary"}


def nifti_part(path: Path, sidecar: dict | None) -> tuple[str | None, str]:
    """(part, what told it) of a NIfTI image: its BIDS/dcm2niix name, else its sidecar's ImageType."""
    named = NAMED_PART.search(path.name)
    if named:
        return NAME_PARTS[(named.group(1) or named.group(2)).lower()], "its name's part"
    return part_of_image_type((sidecar or {}).get("ImageType")), "its sidecar's ImageType"


def _sidecar_echo_times(path: Path, data: dict | None, folder: Path, participant: str) -> list[float]:
    sidecar = sidecar_of(path)
    if data is None:
        raise InputError(label_of(path, folder), "no JSON sidecar with EchoTime beside the NIfTI file", participant)
    value = data.get("EchoTime", data.get("EchoTimes"))
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in values):
        raise InputError(label_of(sidecar, folder), "EchoTime is missing or not a positive number", participant)
    # BIDS and dcm2niix give seconds
    return [
        checked_echo_time_ms(1000.0 * v, sidecar, folder, participant, f"EchoTime {v:g}, in seconds as BIDS gives it,")
        for v in values
    ]


def _nifti_image(path: Path, folder: Path, participant: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(RAS affine in mm, data) of a NIfTI file placed in the patient (an sform or qform code): a header
    that places its voxels nowhere gets nibabel's default affine, which ties it to no image."""
    import nibabel

    try:
        image = nibabel.load(path)
        data = np.asarray(image.dataobj)
    except Exception:  # nibabel, gzip and numpy raise many kinds for a damaged or foreign file
        raise InputError(label_of(path, folder), f"not a NIfTI {what} that nibabel can read", participant) from None
    header = image.header
    if int(header.get("sform_code", 0)) == 0 and int(header.get("qform_code", 0)) == 0:
        raise InputError(
            label_of(path, folder),
            f"the NIfTI {what}'s header places it nowhere in the patient (sform and qform codes 0): its voxels"
            " cannot be tied to the image's; save it with the image's geometry",
            participant,
        )
    affine = np.asarray(image.affine, dtype=float).copy()
    affine[:3] *= _scaled_to_mm(header)
    return affine, data


SPATIAL_UNITS_MM = {"meter": 1000.0, "mm": 1.0, "micron": 0.001, "unknown": 1.0}


def _scaled_to_mm(header) -> float:
    """The factor from the header's spatial unit (xyzt_units) to millimetres: the NIfTI standard lets a file
    give metres or microns, which nibabel's affine keeps as they are (ITK converts them, as here)."""
    unit = header.get_xyzt_units()[0] if hasattr(header, "get_xyzt_units") else "mm"
    return SPATIAL_UNITS_MM.get(unit, 1.0)


def read_nifti_series(paths: list[Path], folder: Path, participant: str) -> MultiEcho:
    """The magnitude images among the NIfTI files (phase, real and imaginary ones set aside, by name or
    sidecar), their echo times from the sidecars, each echo with a time of its own."""
    volumes, times, affine, not_used, sources = [], [], None, [], []
    for path in sorted(paths):
        data_sidecar = _sidecar(path, folder, participant)
        part, told_by = nifti_part(path, data_sidecar)
        if part not in (None, "magnitude"):
            not_used.append((path, not_magnitude(part, told_by)))
            continue
        echoes = _sidecar_echo_times(path, data_sidecar, folder, participant)
        image_affine, data = _nifti_image(path, folder, participant, "image")
        data = data.astype(float)
        data = data[..., None] if data.ndim == 3 else data
        if data.ndim != 4 or data.shape[3] != len(echoes):
            raise InputError(
                label_of(path, folder),
                f"{data.shape[3] if data.ndim == 4 else '?'} volumes but {len(echoes)} echo times",
                participant,
            )
        if affine is not None and (
            not np.allclose(image_affine, affine, atol=1e-3) or data.shape[:3] != volumes[0].shape[:3]
        ):
            raise InputError(label_of(path, folder), "echoes of mixed geometry (affine or matrix)", participant)
        affine = image_affine
        volumes.append(data)
        times += echoes
        sources += [path] * len(echoes)
    if not volumes:
        raise InputError(
            "mri", f"no magnitude images among the NIfTI files: {not_used_text(not_used, folder)}", participant
        )
    _one_time_per_echo(times, sources, folder, participant)
    sidecars = [sidecar_of(p) for p in dict.fromkeys(sources)]
    checked_echo_train(times, sidecars, folder, participant, "BIDS sidecars give EchoTime in seconds")
    signal = np.concatenate(volumes, axis=3)
    order = np.argsort(times)
    if len(times) < 2:
        raise InputError(label_of(paths[0], folder), "a single echo: T2* needs at least two echo times", participant)
    return MultiEcho(signal[..., order], np.asarray(times)[order], np.asarray(affine, dtype=float), tuple(not_used))


def _one_time_per_echo(times: list[float], sources: list[Path], folder: Path, participant: str) -> None:
    """Two volumes given one echo time cannot both be that echo: refused, naming their files and the time."""
    seen: dict[float, Path] = {}
    for te, path in zip(times, sources, strict=True):
        key = round(te, 6)
        if key in seen:
            raise InputError(
                labels_of([seen[key], path], folder),
                f"two echoes at echo time {te:g} ms: each echo needs its own echo time (a sidecar giving one"
                " echo another's time, or images of another kind not named as such)",
                participant,
            )
        seen[key] = path


# ------------------------------------------------------------------------------------------ masks


def read_mask(path: Path, folder: Path, participant: str) -> tuple[np.ndarray, np.ndarray]:
    """(label array, RAS affine) of a NIfTI or NRRD mask; any non-zero label is the tendon."""
    if is_nifti(path):
        affine, data = _nifti_image(path, folder, participant, "mask")
        return data != 0, affine
    if path.suffix.lower() == ".nrrd":
        import nrrd

        try:
            data, header = nrrd.read(str(path))
        except Exception:  # pynrrd raises its own and numpy's kinds for a damaged file
            raise InputError(label_of(path, folder), "not an NRRD mask that pynrrd can read", participant) from None
        if header.get("space directions") is None or data.ndim != 3:
            raise InputError(
                label_of(path, folder),
                "the NRRD mask has no space directions for three axes: its voxels cannot be tied to the image's",
                participant,
            )
        directions = np.asarray(header.get("space directions"), dtype=float)
        origin = np.asarray(header.get("space origin", [0, 0, 0]), dtype=float)
        affine = np.eye(4)
        affine[:3, :3], affine[:3, 3] = directions.T, origin
        space = str(header.get("space", "left-posterior-superior")).lower()
        if space in {"left-posterior-superior", "lps"}:
            affine = LPS_TO_RAS @ affine
        return data != 0, affine
    raise InputError(label_of(path, folder), "a mask must be NIfTI (.nii, .nii.gz) or NRRD (.nrrd)", participant)


def read_dicom_mask(path: Path, ds, folder: Path, participant: str) -> tuple[np.ndarray, np.ndarray]:
    """(label array, RAS affine) of a DICOM Segmentation (PS3.3 A.51), every segment the tendon: highdicom
    builds the volume from the frames' plane positions (binary and fractional segmentations alike)."""
    import highdicom

    try:
        volume = highdicom.seg.Segmentation.from_dataset(ds, copy=False).get_volume(combine_segments=True)
    except Exception:  # highdicom raises ValueError, RuntimeError ... for a SEG it cannot make a volume of
        raise InputError(
            label_of(path, folder),
            "DICOM-SEG without a regular volume (its frames do not stack into evenly spaced parallel slices)",
            participant,
        ) from None
    return np.asarray(volume.array) != 0, LPS_TO_RAS @ np.asarray(volume.affine, dtype=float)


def mask_on_image(mask: np.ndarray, mask_affine: np.ndarray, image: MultiEcho, label: str, participant: str):
    """The mask in the image's voxels: as it is when both share a geometry, else each image voxel takes
    the mask voxel its centre falls in."""
    shape = image.signal.shape[:3]
    if mask.shape == shape and np.allclose(mask_affine, image.affine, atol=1e-3):
        return mask
    index = np.indices(shape).reshape(3, -1)
    world = image.affine @ np.vstack([index, np.ones(index.shape[1])])
    voxel = np.rint((np.linalg.inv(mask_affine) @ world)[:3]).astype(int)
    inside = np.all((voxel >= 0) & (voxel < np.array(mask.shape)[:, None]), axis=0)
    if not inside.any():
        raise InputError(label, "the ROI mask lies outside the image", participant)
    resampled = np.zeros(index.shape[1], bool)
    resampled[inside] = mask[tuple(voxel[:, inside])]
    return resampled.reshape(shape)


# ------------------------------------------------------------------------------------------ a folder


@dataclass(frozen=True)
class ScanFiles:
    images: list[Path]  # one series: DICOM files, or NIfTI files with sidecars
    masks: list[Path]
    measurements: Path | None  # the radiologist's tendon_measurements.csv
    not_used: tuple[NotUsed, ...] = ()  # the folder's other files, each with its reason


MEASUREMENTS = "tendon_measurements.csv"
# formats a department or a converter may leave beside the series, named so the list says what they are
OTHER_FORMATS = {
    ".par": "a Philips PAR/REC header",
    ".rec": "Philips PAR/REC pixels",
    ".hdr": "an Analyze header",
    ".img": "Analyze pixels",
    ".mnc": "a MINC image",
    ".mgh": "a FreeSurfer MGH image",
    ".mgz": "a FreeSurfer MGH image",
    ".gii": "a GIFTI surface",
}
NOT_READ = (
    "not read here (the tendon reads DICOM, NIfTI with its JSON sidecar, an NRRD or NIfTI mask,"
    " tendon_measurements.csv)"
)


def _other_reason(path: Path) -> str:
    if path.name.startswith("."):
        return "a hidden file (its name starts with a dot), not read"
    if path.suffix.lower() == ".json":
        return "a JSON file without a NIfTI image of its name beside it, not read"
    kind = OTHER_FORMATS.get(path.suffix.lower())
    return f"{kind}: convert it to NIfTI (dcm2niix) to have it read" if kind else NOT_READ


def scan_files(folder: Path) -> ScanFiles:
    """The folder's files by role: images (NIfTI before DICOM), masks, the radiologist's measures; every
    other file with the reason it is not read."""
    files = _folder_files(folder)
    visible = [p for p in files if not p.name.startswith(".")]
    masks = [p for p in visible if (is_nifti(p) or p.suffix.lower() == ".nrrd") and is_mask(p)]
    niftis = [p for p in visible if is_nifti(p) and p not in masks]
    sidecars = {sidecar_of(p) for p in niftis + masks if is_nifti(p)}
    measurements = next((p for p in visible if p.name.lower() == MEASUREMENTS), None)
    known = {*masks, *niftis, *sidecars, measurements}
    dicoms = [p for p in visible if p not in known and _readable_as_dicom(p)]
    not_used = [(p, "a DICOM file beside NIfTI images: the NIfTI series is measured") for p in dicoms if niftis]
    not_used += [(p, _other_reason(p)) for p in files if p not in known and p not in dicoms]
    return ScanFiles(niftis or dicoms, masks, measurements, tuple(sorted(not_used)))


def _readable_as_dicom(path: Path) -> bool:
    try:
        return is_dicom(path)
    except OSError:
        return False


def read_series(files: ScanFiles, folder: Path, participant: str, series_number: int | None = None) -> MultiEcho:
    return read_scan(files, folder, participant, with_mask=False, series_number=series_number).image


@dataclass(frozen=True)
class Scan:
    image: MultiEcho
    mask: np.ndarray | None  # (x, y, slice) bool on the image's voxels
    mask_label: str
    not_used: str = ""  # the folder's files not measured, by label with the reason (not_used_text)


NO_MASK = "no tendon mask (a NIfTI or NRRD file named *mask*, *roi*, *seg* or *label*, or a DICOM-SEG)"


def read_scan(
    files: ScanFiles, folder: Path, participant: str, with_mask: bool = True, series_number: int | None = None
) -> Scan:
    """The participant's series and its tendon mask on the image's voxels: a NIfTI/NRRD mask by its name,
    else a DICOM-SEG among the DICOM files (told by its SOP class, whatever its name)."""
    if not files.images:
        raise InputError("mri", no_images(files, folder), participant)
    segmentations, objects = [], []
    if is_nifti(files.images[0]):
        image = read_nifti_series(files.images, folder, participant)
    else:
        headers = dicom_headers(files.images, folder, participant, objects)
        segmentations = [(path, ds) for path, ds in headers if _is_segmentation(ds)]
        if len(segmentations) == len(headers):
            masks = [(path, "a DICOM segmentation, a mask with no image to lay it on") for path, _ in segmentations]
            raise InputError("mri", no_images(files, folder, [*objects, *masks]), participant)
        image = series_of(headers, folder, participant, series_number)
    not_used = not_used_text(sorted([*files.not_used, *objects, *image.not_used]), folder)
    if not with_mask:
        return Scan(image, None, "", not_used)
    if files.masks:
        label = label_of(files.masks[0], folder)
        labels, affine = read_mask(files.masks[0], folder, participant)
    elif segmentations:
        label = label_of(segmentations[0][0], folder)
        labels, affine = read_dicom_mask(*segmentations[0], folder, participant)
    else:
        raise InputError("mri", NO_MASK, participant)
    return Scan(image, mask_on_image(labels, affine, image, label, participant), label, not_used)


def no_images(files: ScanFiles, folder: Path, objects=()) -> str:
    """Why a folder gives no series, with every file it holds and why it is not one."""
    listed = not_used_text(sorted([*files.not_used, *objects]), folder)
    return "no DICOM MR or NIfTI images in the participant's MRI folder" + (f": {listed}" if listed else "")


def corner_sigma(signal: np.ndarray, size: int = 6) -> float:
    """The noise SD from the first echo's four in-plane corner patches, where an ankle field of view has
    air: magnitudes there are Rayleigh-distributed, mean sigma sqrt(pi/2)."""
    first = signal[..., 0]
    n = min(size, first.shape[0] // 4, first.shape[1] // 4) or 1
    corners = [first[:n, :n], first[-n:, :n], first[:n, -n:], first[-n:, -n:]]
    values = np.concatenate([c.ravel() for c in corners])
    values = values[np.isfinite(values)]
    return float(values.mean() / np.sqrt(np.pi / 2)) if values.size else float("nan")
