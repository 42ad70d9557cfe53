"""What the tendon's region of interest gives: T2* over its fitted voxels, and its morphology.

Geometry comes from the image's affine (voxel index -> patient millimetres, RAS as nibabel gives it):
slices are the image's third axis, taken across the tendon (axial images of the Achilles), and the
antero-posterior direction is the in-plane voxel axis closest to the patient's A-P axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from runrisk.tendon.t2star import FITTED, STATUS_NAMES, T2StarMap

MIN_FITTED_VOXELS = 10  # fewer fitted voxels give no T2* median worth a number
# the table's count of ROI voxels rejected for each reason, by status code
REJECTED = {code: f"voxels_rejected_{name.replace(' ', '_')}" for code, name in STATUS_NAMES.items() if code != FITTED}


@dataclass(frozen=True)
class Geometry:
    spacing_mm: tuple[float, float, float]  # along the image's three voxel axes
    ap_axis: int  # 0 or 1: the in-plane voxel axis that runs antero-posterior

    @classmethod
    def of(cls, affine: np.ndarray) -> Geometry:
        columns = np.asarray(affine, dtype=float)[:3, :3]
        spacing = tuple(float(s) for s in np.linalg.norm(columns, axis=0))
        ap_axis = int(np.argmax(np.abs(columns[1, :2]) / np.array(spacing[:2])))  # RAS: y is anterior
        return cls(spacing, ap_axis)


def ap_thickness_mm(mask_slice: np.ndarray, geometry: Geometry) -> float:
    """The largest antero-posterior extent of the ROI in one slice: for every line along A-P, the span from
    its first to its last ROI voxel."""
    along = mask_slice if geometry.ap_axis == 0 else mask_slice.T  # (AP, ML)
    spans = []
    for line in along.T:
        hits = np.flatnonzero(line)
        if hits.size:
            spans.append(hits[-1] - hits[0] + 1)
    return float(max(spans) * geometry.spacing_mm[geometry.ap_axis]) if spans else 0.0


def roi_measures(mask: np.ndarray, fit: T2StarMap | None, geometry: Geometry) -> dict:
    # fit: of every image voxel, or of the ROI's voxels in mask order
    """One row of the tendon table for one scan: T2* (ROI median and IQR over fitted voxels, counts of
    fitted and rejected voxels by reason), cross-sectional area per slice and its maximum, maximum A-P
    thickness, volume, slices used, and why a measure is missing (qc_reason)."""
    mask = np.asarray(mask, dtype=bool)
    dx, dy, dz = geometry.spacing_mm
    per_slice = mask.sum(axis=(0, 1))
    used = np.flatnonzero(per_slice)
    row = {
        "slices_used": int(used.size),
        "roi_voxels": int(mask.sum()),
        "volume_mm3": float(mask.sum() * dx * dy * dz),
        "csa_max_mm2": float(per_slice.max() * dx * dy) if used.size else np.nan,
        "csa_mean_mm2": float(per_slice[used].mean() * dx * dy) if used.size else np.nan,
        "thickness_max_mm": max((ap_thickness_mm(mask[:, :, k], geometry) for k in used), default=np.nan),
        "t2star_median_ms": np.nan,
        "t2star_iqr_ms": np.nan,
        "voxels_fitted": 0,
        **dict.fromkeys(REJECTED.values(), 0),
        "qc_reason": "",
    }
    if not used.size:
        return {**row, "qc_reason": "the ROI mask is empty"}
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
