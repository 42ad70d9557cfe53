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


def is_mask(path: Path) -> bool:
    return any(word in path.name.lower() for word in MASK_WORDS)


# ------------------------------------------------------------------------------------------ DICOM


def _dicom_headers(paths: list[Path], folder: Path, participant: str):
    import pydicom

    headers = []
    for path in paths:
        try:
            headers.append((path, pydicom.dcmread(path)))
        except Exception as exc:  # pydicom raises many kinds for a file that is no DICOM
            raise InputError(label_of(path, folder), f"not a DICOM file ({type(exc).__name__})", participant) from None
    return headers


def _float(ds, keyword: str, path: Path, folder: Path, participant: str, size: int | None = None):
    value = getattr(ds, keyword, None)
    if value is None or value == "":
        raise InputError(label_of(path, folder), f"DICOM {keyword} is missing", participant)
    values = np.asarray(value if size else [value], dtype=float)
    if size and values.size != size:
        raise InputError(label_of(path, folder), f"DICOM {keyword} has {values.size} values, not {size}", participant)
    return values if size else float(values[0])


def read_dicom_series(paths: list[Path], folder: Path, participant: str) -> MultiEcho:
    """One multi-echo series from its files (one per slice and echo)."""
    headers = _dicom_headers(paths, folder, participant)
    ids = {str(getattr(ds, "PatientID", "")) for _, ds in headers}
    if len(ids) > 1:
        labels = ", ".join(label_of(p, folder) for p, _ in headers[:3])
        raise InputError(
            labels + (" ..." if len(headers) > 3 else ""),
            "the series' files name more than one patient (PatientID differs between them)",
            participant,
        )
    frames: dict[float, list] = {}
    geometry = None
    for path, ds in headers:
        te = _float(ds, "EchoTime", path, folder, participant)
        orientation = _float(ds, "ImageOrientationPatient", path, folder, participant, 6)
        spacing = _float(ds, "PixelSpacing", path, folder, participant, 2)
        position = _float(ds, "ImagePositionPatient", path, folder, participant, 3)
        shape = (int(ds.Rows), int(ds.Columns))
        this = (tuple(np.round(orientation, 4)), tuple(np.round(spacing, 4)), shape)
        if geometry is None:
            geometry = this
        elif this != geometry:
            raise InputError(
                label_of(path, folder),
                "echoes or slices of mixed geometry (orientation, spacing or matrix)",
                participant,
            )
        frames.setdefault(te, []).append((position, path, ds))
    echo_times = sorted(frames)
    if len(echo_times) < 2:
        raise InputError(label_of(paths[0], folder), "a single echo: T2* needs at least two echo times", participant)
    counts = {len(v) for v in frames.values()}
    if len(counts) > 1:
        raise InputError(label_of(paths[0], folder), "the echoes have different numbers of slices", participant)
    orientation = np.array(geometry[0])
    row, column = orientation[:3], orientation[3:]
    normal = np.cross(row, column)
    volumes, first_positions = [], None
    for te in echo_times:
        ordered = sorted(frames[te], key=lambda item: float(item[0] @ normal))
        positions = np.array([p for p, _, _ in ordered])
        if first_positions is None:
            first_positions = positions
        elif not np.allclose(positions, first_positions, atol=1e-3):
            raise InputError(
                label_of(ordered[0][1], folder), "the echoes' slices lie at different positions", participant
            )
        volumes.append(np.stack([_pixels(ds, path, folder, participant) for _, path, ds in ordered], axis=-1))
    signal = np.stack(volumes, axis=-1).transpose(1, 0, 2, 3)  # DICOM rows are y: (columns=x, rows=y, z, echo)
    return MultiEcho(signal, np.array(echo_times), _dicom_affine(row, column, geometry[1], first_positions))


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


def _pixels(ds, path: Path, folder: Path, participant: str) -> np.ndarray:
    try:
        native = _native_pixels(ds)
        pixels = (native if native is not None else ds.pixel_array).astype(float)
    except Exception as exc:
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        name = getattr(syntax, "name", "") or "an unknown transfer syntax"
        raise InputError(
            label_of(path, folder), f"pixels in {name} cannot be decoded here ({type(exc).__name__})", participant
        ) from None
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    return pixels * slope + float(getattr(ds, "RescaleIntercept", 0) or 0)


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
    dicoms = [p for p in files if p.suffix.lower() in DICOM_SUFFIXES and p not in masks]
    measurements = next((p for p in files if p.name.lower() == MEASUREMENTS), None)
    return ScanFiles(niftis or dicoms, masks, measurements)


def read_series(files: ScanFiles, folder: Path, participant: str) -> MultiEcho:
    if not files.images:
        raise InputError("mri", "no DICOM or NIfTI images in the participant's MRI folder", participant)
    if is_nifti(files.images[0]):
        return read_nifti_series(files.images, folder, participant)
    return read_dicom_series(files.images, folder, participant)


def corner_sigma(signal: np.ndarray, size: int = 6) -> float:
    """The noise SD from the first echo's four in-plane corner patches, where an ankle field of view has
    air: magnitudes there are Rayleigh-distributed, mean sigma sqrt(pi/2)."""
    first = signal[..., 0]
    n = min(size, first.shape[0] // 4, first.shape[1] // 4) or 1
    corners = [first[:n, :n], first[-n:, :n], first[:n, -n:], first[-n:, -n:]]
    values = np.concatenate([c.ravel() for c in corners])
    values = values[np.isfinite(values)]
    return float(values.mean() / np.sqrt(np.pi / 2)) if values.size else float("nan")
