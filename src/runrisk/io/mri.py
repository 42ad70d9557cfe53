"""Readers of a participant's tendon MRI as a radiology department delivers it, under raw_dir/mri/<id>/:

- a multi-echo gradient-echo series as DICOM, one file per slice and echo (pydicom), or as NIfTI with
  its echo times in dcm2niix/BIDS JSON sidecars (nibabel): one 3-D file per echo (`*_e1.nii.gz` beside
  `*_e1.json`) or one 4-D file whose sidecar lists them;
- the tendon's region of interest: a label mask as NIfTI or NRRD (ITK-SNAP, 3D Slicer), in the image's
  geometry or resampled onto it through both affines (nearest voxel);
- or the radiologist's own measures: tendon_measurements.csv (see read_measurements).

Images come out as (x, y, slice, echo) float arrays with a RAS affine (voxel index -> patient mm), as
nibabel gives them; DICOM's LPS patient axes are turned to RAS here. Of a DICOM header only the geometry,
the echo time, the rescale and the PatientID (compared between files, never kept or shown) are read:
names, birth dates, institutions and accession numbers never leave the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from runrisk.errors import InputError

DICOM_SUFFIXES = ("", ".dcm", ".ima")
NIFTI_SUFFIXES = (".nii", ".nii.gz")
MASK_WORDS = ("mask", "roi", "seg", "label")  # a NIfTI/NRRD whose name holds one of these is the ROI
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])


@dataclass(frozen=True)
class MultiEcho:
    signal: np.ndarray  # (x, y, slices, echoes), rescaled magnitude
    echo_times_ms: np.ndarray  # (echoes,), ascending
    affine: np.ndarray  # (4, 4) RAS


def label_of(path: Path, folder: Path) -> str:
    """A file's label, mri-<n> by name order in the participant's folder: never the file's own name, which
    a scanner may have built from the patient's name or an accession number."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return f"mri-{files.index(path) + 1}" if path in files else "mri"


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


def dicom_headers(paths: list[Path], folder: Path, participant: str) -> list[tuple[Path, object]]:
    """Every file's dataset; the files must all name one patient (PatientID, compared and never kept)."""
    import pydicom

    headers = []
    for path in paths:
        try:
            headers.append((path, pydicom.dcmread(path)))
        except Exception as exc:  # pydicom raises many kinds for a file that is no DICOM
            raise InputError(label_of(path, folder), f"not a DICOM file ({type(exc).__name__})", participant) from None
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


def classic_frame(path: Path, ds, folder: Path, participant: str) -> Frame:
    orientation = _float(ds, "ImageOrientationPatient", path, folder, participant, 6)
    spacing = _float(ds, "PixelSpacing", path, folder, participant, 2)
    return Frame(
        _float(ds, "EchoTime", path, folder, participant),
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

        echo, plane = group("MREchoSequence"), group("PlaneOrientationSequence")
        measures, position = group("PixelMeasuresSequence"), group("PlanePositionSequence")
        has_transform = any("PixelValueTransformationSequence" in g for g in (groups, shared))
        transform = group("PixelValueTransformationSequence") if has_transform else None
        frames.append(
            Frame(
                _float(echo, "EffectiveEchoTime", path, folder, participant),
                _float(position, "ImagePositionPatient", path, folder, participant, 3),
                _geometry(
                    _float(plane, "ImageOrientationPatient", path, folder, participant, 6),
                    _float(measures, "PixelSpacing", path, folder, participant, 2),
                    ds,
                ),
                lambda index=index, transform=transform: frame_pixels(index, transform),
                path,
                _series_number(ds),
            )
        )
    return frames


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
        if str(ds.get("SOPClassUID", "")) == ENHANCED_MR_STORAGE:
            frames += enhanced_frames(path, ds, folder, participant)
        else:
            frames.append(classic_frame(path, ds, folder, participant))
    return assembled(multi_echo_series(frames, folder, participant, series_number), folder, participant)


def multi_echo_series(frames: list[Frame], folder: Path, participant: str, series_number: int | None) -> list[Frame]:
    """The frames of the series to measure, when a folder holds several (by SeriesNumber): the one with more
    than one echo time (a localizer or a T1 beside it has one), or the configured one among several such."""
    by_series: dict[int | None, list[Frame]] = {}
    for frame in frames:
        by_series.setdefault(frame.series, []).append(frame)
    if len(by_series) == 1:
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
    except Exception as exc:
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        name = getattr(syntax, "name", "") or "an unknown transfer syntax"
        raise InputError(
            label_of(path, folder), f"pixels in {name} cannot be decoded here ({type(exc).__name__})", participant
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


def _sidecar_echo_times(path: Path, folder: Path, participant: str) -> list[float]:
    sidecar = Path(str(path).removesuffix(".gz").removesuffix(".nii") + ".json")
    if not sidecar.is_file():
        raise InputError(label_of(path, folder), "no JSON sidecar with EchoTime beside the NIfTI file", participant)
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(label_of(sidecar, folder), "not readable JSON", participant) from None
    value = data.get("EchoTime", data.get("EchoTimes"))
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int | float) and v > 0 for v in values):
        raise InputError(label_of(sidecar, folder), "EchoTime is missing or not a positive number", participant)
    return [1000.0 * v for v in values]  # BIDS and dcm2niix give seconds


def read_nifti_series(paths: list[Path], folder: Path, participant: str) -> MultiEcho:
    import nibabel

    volumes, times, affine = [], [], None
    for path in sorted(paths):
        image = nibabel.load(path)
        data = np.asarray(image.dataobj, dtype=float)
        echoes = _sidecar_echo_times(path, folder, participant)
        data = data[..., None] if data.ndim == 3 else data
        if data.ndim != 4 or data.shape[3] != len(echoes):
            raise InputError(
                label_of(path, folder),
                f"{data.shape[3] if data.ndim == 4 else '?'} volumes but {len(echoes)} echo times",
                participant,
            )
        if affine is not None and (
            not np.allclose(image.affine, affine, atol=1e-3) or data.shape[:3] != volumes[0].shape[:3]
        ):
            raise InputError(label_of(path, folder), "echoes of mixed geometry (affine or matrix)", participant)
        affine = image.affine
        volumes.append(data)
        times += echoes
    signal = np.concatenate(volumes, axis=3)
    order = np.argsort(times)
    if len(times) < 2:
        raise InputError(label_of(paths[0], folder), "a single echo: T2* needs at least two echo times", participant)
    return MultiEcho(signal[..., order], np.asarray(times)[order], np.asarray(affine, dtype=float))


# ------------------------------------------------------------------------------------------ masks


def read_mask(path: Path, folder: Path, participant: str) -> tuple[np.ndarray, np.ndarray]:
    """(label array, RAS affine) of a NIfTI or NRRD mask; any non-zero label is the tendon."""
    if is_nifti(path):
        import nibabel

        image = nibabel.load(path)
        return np.asarray(image.dataobj) != 0, np.asarray(image.affine, dtype=float)
    if path.suffix.lower() == ".nrrd":
        import nrrd

        data, header = nrrd.read(str(path))
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
    except Exception as exc:  # highdicom raises ValueError, RuntimeError ... for a SEG it cannot make a volume of
        raise InputError(
            label_of(path, folder), f"DICOM-SEG without a regular volume ({type(exc).__name__})", participant
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


MEASUREMENTS = "tendon_measurements.csv"


def scan_files(folder: Path) -> ScanFiles:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    masks = [p for p in files if (is_nifti(p) or p.suffix.lower() == ".nrrd") and is_mask(p)]
    niftis = [p for p in files if is_nifti(p) and p not in masks]
    dicoms = [p for p in files if p not in masks and p not in niftis and is_dicom(p)]
    measurements = next((p for p in files if p.name.lower() == MEASUREMENTS), None)
    return ScanFiles(niftis or dicoms, masks, measurements)


def read_series(files: ScanFiles, folder: Path, participant: str, series_number: int | None = None) -> MultiEcho:
    return read_scan(files, folder, participant, with_mask=False, series_number=series_number).image


@dataclass(frozen=True)
class Scan:
    image: MultiEcho
    mask: np.ndarray | None  # (x, y, slice) bool on the image's voxels
    mask_label: str


NO_MASK = "no tendon mask (a NIfTI or NRRD file named *mask*, *roi*, *seg* or *label*, or a DICOM-SEG)"


def read_scan(
    files: ScanFiles, folder: Path, participant: str, with_mask: bool = True, series_number: int | None = None
) -> Scan:
    """The participant's series and its tendon mask on the image's voxels: a NIfTI/NRRD mask by its name,
    else a DICOM-SEG among the DICOM files (told by its SOP class, whatever its name)."""
    if not files.images:
        raise InputError("mri", "no DICOM or NIfTI images in the participant's MRI folder", participant)
    segmentations = []
    if is_nifti(files.images[0]):
        image = read_nifti_series(files.images, folder, participant)
    else:
        headers = dicom_headers(files.images, folder, participant)
        segmentations = [(path, ds) for path, ds in headers if _is_segmentation(ds)]
        image = series_of(headers, folder, participant, series_number)
    if not with_mask:
        return Scan(image, None, "")
    if files.masks:
        label = label_of(files.masks[0], folder)
        labels, affine = read_mask(files.masks[0], folder, participant)
    elif segmentations:
        label = label_of(segmentations[0][0], folder)
        labels, affine = read_dicom_mask(*segmentations[0], folder, participant)
    else:
        raise InputError("mri", NO_MASK, participant)
    return Scan(image, mask_on_image(labels, affine, image, label, participant), label)


def corner_sigma(signal: np.ndarray, size: int = 6) -> float:
    """The noise SD from the first echo's four in-plane corner patches, where an ankle field of view has
    air: magnitudes there are Rayleigh-distributed, mean sigma sqrt(pi/2)."""
    first = signal[..., 0]
    n = min(size, first.shape[0] // 4, first.shape[1] // 4) or 1
    corners = [first[:n, :n], first[-n:, :n], first[:n, -n:], first[-n:, -n:]]
    values = np.concatenate([c.ravel() for c in corners])
    values = values[np.isfinite(values)]
    return float(values.mean() / np.sqrt(np.pi / 2)) if values.size else float("nan")
