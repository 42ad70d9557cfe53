"""What the tendon's region of interest gives: T2* over its fitted voxels, and its morphology.

Geometry comes from the image's affine (voxel index -> patient millimetres, RAS as nibabel gives it):
slices are the image's third axis, taken across the tendon (axial images of the Achilles), and the
thickness is measured along the patient's antero-posterior axis as it lies in the slice plane, whatever
the angle of the image's voxel grid to the patient (in-plane rotation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import map_coordinates

from runrisk.tendon.t2star import FITTED, STATUS_NAMES, T2StarMap

MIN_FITTED_VOXELS = 10  # fewer fitted voxels give no T2* median worth a number
# the table's count of ROI voxels rejected for each reason, by status code
REJECTED = {code: f"voxels_rejected_{name.replace(' ', '_')}" for code, name in STATUS_NAMES.items() if code != FITTED}


SAMPLES_PER_VOXEL = 4  # lines and points per voxel width along and across A-P


@dataclass(frozen=True)
class Plausible:
    """A tendon's size beyond which the ROI cannot be the tendon (config tendon.plausible_csa_mm2 and
    plausible_thickness_mm, whose defaults and their sources live in the schema)."""

    csa_mm2: tuple[float, float]
    thickness_mm: tuple[float, float]


@dataclass(frozen=True)
class Geometry:
    spacing_mm: tuple[float, float, float]  # along the image's three voxel axes
    affine: np.ndarray  # voxel index -> RAS mm

    @classmethod
    def of(cls, affine: np.ndarray) -> Geometry:
        affine = np.asarray(affine, dtype=float)
        return cls(tuple(float(s) for s in np.linalg.norm(affine[:3, :3], axis=0)), affine)

    @property
    def pixel_area_mm2(self) -> float:
        return float(np.linalg.norm(np.cross(self.affine[:3, 0], self.affine[:3, 1])))

    def in_plane_ap(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(A-P, M-L) unit vectors in the slice plane: the patient's anterior axis with its part along the
        slice normal removed; None when it runs mostly through the slices (not axial images)."""
        normal = np.cross(self.affine[:3, 0], self.affine[:3, 1])
        normal /= np.linalg.norm(normal)
        anterior = np.array([0.0, 1.0, 0.0]) - normal[1] * normal  # RAS: y is anterior
        if np.linalg.norm(anterior) < 0.5:  # more than 60 degrees out of the slice plane
            return None
        anterior /= np.linalg.norm(anterior)
        return anterior, np.cross(normal, anterior)


def ap_thickness_mm(mask: np.ndarray, k: int, geometry: Geometry) -> float:
    """The largest antero-posterior extent of the ROI in slice k, in the patient's frame: lines along the
    patient's A-P direction (in the slice plane) a quarter voxel apart, each sampled every quarter voxel
    and the span from its first to its last point inside the ROI taken; the largest span. On a voxel grid
    aligned with the patient this is the count of voxels along A-P times their spacing."""
    axes = geometry.in_plane_ap()
    if axes is None:
        return float("nan")
    anterior, lateral = axes
    affine = geometry.affine
    voxels = np.argwhere(mask[:, :, k])
    centres = affine[:3, :2] @ voxels.T.astype(float)  # in-plane offsets from the slice's origin
    origin = affine[:3, 2] * k + affine[:3, 3]
    u, v = anterior @ centres, lateral @ centres
    half_u = 0.5 * (abs(anterior @ affine[:3, 0]) + abs(anterior @ affine[:3, 1]))  # a voxel's half extent
    half_v = 0.5 * (abs(lateral @ affine[:3, 0]) + abs(lateral @ affine[:3, 1]))
    step = min(geometry.spacing_mm[:2]) / SAMPLES_PER_VOXEL
    us = np.arange(u.min() - half_u, u.max() + half_u, step) + step / 2
    vs = np.arange(v.min() - half_v, v.max() + half_v, step) + step / 2
    grid_u, grid_v = np.meshgrid(us, vs, indexing="ij")  # (along A-P, across)
    points = origin[:, None] + np.outer(anterior, grid_u.ravel()) + np.outer(lateral, grid_v.ravel())
    index = np.linalg.solve(affine[:3, :3], points - affine[:3, 3:4])[:2]
    # the mask interpolated between voxel centres: its 0.5 line runs midway between an ROI voxel and the
    # next, so a turned grid's staircase does not lengthen the span through its corners
    inside = map_coordinates(mask[:, :, k].astype(float), index, order=1, mode="constant", cval=0.0)
    hit = (inside >= 0.5).reshape(grid_u.shape)
    lines = hit.any(axis=0)
    if not lines.any():
        return 0.0
    first = np.argmax(hit, axis=0)
    last = hit.shape[0] - 1 - np.argmax(hit[::-1], axis=0)
    return float(((last - first + 1)[lines]).max() * step)


def implausible(row: dict, plausible: Plausible | None) -> str:
    """Why the ROI cannot be a tendon (its largest cross-section or thickness beyond the plausible), or ''."""
    if plausible is None:
        return ""
    for value, (low, high), what, key in (
        (row["csa_max_mm2"], plausible.csa_mm2, "largest cross-section", "plausible_csa_mm2"),
        (row["thickness_max_mm"], plausible.thickness_mm, "largest thickness", "plausible_thickness_mm"),
    ):
        unit = "mm2" if key.endswith("mm2") else "mm"
        if np.isfinite(value) and not low <= value <= high:
            return (
                f"the ROI's {what} {value:.0f} {unit} lies outside a tendon's {low:g}-{high:g} {unit}"
                f" (tendon.{key}): is the mask the tendon? No measure is given"
            )
    return ""


# what a mask that cannot be the tendon leaves empty: every measure a model or a summary may use
UNTRUSTED = ("volume_mm3", "csa_max_mm2", "csa_mean_mm2", "thickness_max_mm", "t2star_median_ms", "t2star_iqr_ms")


def roi_measures(
    mask: np.ndarray, fit: T2StarMap | None, geometry: Geometry, plausible: Plausible | None = None
) -> dict:
    # fit: of every image voxel, or of the ROI's voxels in mask order
    """One row of the tendon table for one scan: T2* (ROI median and IQR over fitted voxels, counts of
    fitted and rejected voxels by reason), cross-sectional area per slice and its maximum, maximum A-P
    thickness, volume, slices used, and why a measure is missing (qc_reason): a mask beyond a tendon's
    plausible size gives none."""
    mask = np.asarray(mask, dtype=bool)
    pixel = geometry.pixel_area_mm2
    voxel = abs(float(np.linalg.det(geometry.affine[:3, :3])))
    per_slice = mask.sum(axis=(0, 1))
    used = np.flatnonzero(per_slice)
    row = {
        "slices_used": int(used.size),
        "roi_voxels": int(mask.sum()),
        "volume_mm3": float(mask.sum() * voxel),
        "csa_max_mm2": float(per_slice.max() * pixel) if used.size else np.nan,
        "csa_mean_mm2": float(per_slice[used].mean() * pixel) if used.size else np.nan,
        "thickness_max_mm": max((ap_thickness_mm(mask, k, geometry) for k in used), default=np.nan),
        "t2star_median_ms": np.nan,
        "t2star_iqr_ms": np.nan,
        "voxels_fitted": 0,
        **dict.fromkeys(REJECTED.values(), 0),
        "qc_reason": "",
    }
    if not used.size:
        return {**row, "qc_reason": "the ROI mask is empty"}
    if not np.isfinite(row["thickness_max_mm"]):
        row["qc_reason"] = "the slices do not cross the tendon (the patient's A-P axis runs through them)"
    reason = implausible(row, plausible)
    if reason:
        return {**row, **dict.fromkeys(UNTRUSTED, np.nan), "qc_reason": reason}
    if fit is None:
        return row
    inside = fit.status.size == mask.sum()  # a fit of the ROI's voxels only, else of the whole image
    status = fit.status if inside else fit.status.reshape(mask.shape)[mask]
    values = (fit.t2star_ms if inside else fit.t2star_ms.reshape(mask.shape)[mask])[status == FITTED]
    for code, column in REJECTED.items():
        row[column] = int((status == code).sum())
    row["voxels_fitted"] = int(values.size)
    if values.size < MIN_FITTED_VOXELS:
        return {**row, "qc_reason": f"{values.size} ROI voxels fitted, fewer than {MIN_FITTED_VOXELS}"}
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return {**row, "t2star_median_ms": float(median), "t2star_iqr_ms": float(q3 - q1)}
