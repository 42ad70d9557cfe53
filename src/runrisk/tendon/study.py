"""One row of the tendon table per participant and scan: the study's baseline MRI measured from the
scanner's files (a multi-echo series and a tendon mask), or taken from the radiologist's measurements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from runrisk.config import Section
from runrisk.errors import InputError
from runrisk.io import mri
from runrisk.io.csvfiles import read_study_csv
from runrisk.io.layout import participant_folder
from runrisk.io.quarantine import attempt
from runrisk.tendon.measures import REJECTED, Geometry, Plausible, roi_measures
from runrisk.tendon.t2star import Acceptance, fit_t2star

MRI_KIND = "mri"
# the tendon table's measures that a model may use as terms (models.terms[].column)
COVARIATES = ("t2star_median_ms", "csa_max_mm2", "thickness_max_mm", "volume_mm3")
# the tendon table's one schema, whatever a shard holds (images, the radiologist's measures, or nothing):
# counts are nullable integers, a radiologist's row has none
TABLE_COLUMNS = {
    "participant_id": "string",
    "scan": "string",
    "source": "string",
    **dict.fromkeys(("echoes", "slices_used", "roi_voxels"), "Int64"),
    **dict.fromkeys(("volume_mm3", "csa_max_mm2", "csa_mean_mm2", "thickness_max_mm"), "float64"),
    **dict.fromkeys(("t2star_median_ms", "t2star_iqr_ms"), "float64"),
    **dict.fromkeys(("voxels_fitted", *REJECTED.values()), "Int64"),
    "qc_reason": "string",
    "abnormal": "boolean",
    "files_not_used": "string",
}
MEASUREMENT_COLUMNS = {"thickness_mm": "thickness_max_mm", "csa_mm2": "csa_max_mm2", "t2star_ms": "t2star_median_ms"}
YES_NO = {"yes": True, "no": False, "y": True, "n": False, "1": True, "0": False, "true": True, "false": False}


@dataclass(frozen=True)
class TendonSettings(Section):
    """What measuring the tendon reads of the tendon section."""

    SECTION = "tendon"

    fit: Literal["rician", "offset", "loglinear"]
    series_number: int | None  # which of several multi-echo DICOM series to measure (None: the only one)
    min_r2: float
    min_snr: float
    t2star_range_ms: tuple[float, float]
    plausible_csa_mm2: tuple[float, float]
    plausible_thickness_mm: tuple[float, float]

    @property
    def acceptance(self) -> Acceptance:
        return Acceptance(self.min_r2, self.min_snr, tuple(self.t2star_range_ms))

    @property
    def plausible(self) -> Plausible:
        return Plausible(tuple(self.plausible_csa_mm2), tuple(self.plausible_thickness_mm))


@dataclass(frozen=True)
class AbnormalTendon(Section):
    """When a baseline tendon counts as abnormal, and whether that excludes the participant."""

    SECTION = "tendon.abnormal"

    exclude: bool
    thickness_mm: float | None  # thicker than this is abnormal (null: no such rule)
    t2star_ms: float | None  # a longer ROI median T2* is abnormal (null: no such rule)

    def of_table(self, tendon: pd.DataFrame) -> pd.Series:
        """Per row: the radiologist's flag, or a measure beyond its configured limit."""
        flagged = tendon["abnormal"].astype("boolean").fillna(False).astype(bool)
        if self.thickness_mm is not None:
            flagged |= tendon["thickness_max_mm"].astype(float) > self.thickness_mm
        if self.t2star_ms is not None:
            flagged |= tendon["t2star_median_ms"].astype(float) > self.t2star_ms
        return flagged


def has_mri(raw_dir: str | Path) -> bool:
    """The study has a baseline MRI: raw_dir/mri/ holds a participant's folder (an empty mri/, as
    `runrisk init` leaves it, is a study without one)."""
    folder = Path(raw_dir) / MRI_KIND
    return folder.is_dir() and any(entry.is_dir() for entry in folder.iterdir())


def measured_row(folder: Path, files: mri.ScanFiles, raw_id: str, settings: TendonSettings) -> dict:
    scan = mri.read_scan(files, folder, raw_id, series_number=settings.series_number)
    image, mask = scan.image, scan.mask
    label = mri.label_of(files.images[0], folder)  # the series, by its first file's label
    roi = image.signal[mask]
    unusable = int((~(np.isfinite(roi) & (roi >= 0))).any(axis=1).sum())
    if unusable:
        raise InputError(
            label,
            f"{unusable} of {len(roi)} ROI voxels have a NaN or negative signal in some echo: a magnitude series"
            " has neither (a phase or processed series?)",
            raw_id,
        )
    sigma = mri.corner_sigma(image.signal) if settings.fit == "rician" else None
    if settings.fit == "rician" and not (sigma and np.isfinite(sigma) and sigma > 0):
        raise InputError(label, "no noise in the image's corners to measure (sigma is 0): is it a magnitude?", raw_id)
    fit = fit_t2star(roi, image.echo_times_ms, settings.fit, sigma, acceptance=settings.acceptance)
    row = roi_measures(mask, fit, Geometry.of(image.affine), settings.plausible)
    return {
        "scan": "mri-1",
        "source": "images",
        "echoes": int(image.echo_times_ms.size),
        **row,
        "abnormal": pd.NA,
        "files_not_used": scan.not_used,
    }


def radiologist_rows(path: Path, folder: Path, raw_id: str, settings: TendonSettings | None = None) -> list[dict]:
    """tendon_measurements.csv: participant, thickness_mm, csa_mm2, t2star_ms, abnormal (yes/no); empty
    cells are measures not taken. A value no tendon has in the column's unit (thickness 0.6: centimetres?
    T2* 0.009: seconds?) is refused with its row, never taken as it is."""
    try:
        table = read_study_csv(path, required=[])
    except InputError as error:  # named by the file's path, perhaps with the CSV parser's own words
        reason = "not a readable CSV" if error.reason.startswith("not a readable CSV") else error.reason
        raise InputError(mri.label_of(path, folder), reason, raw_id, row=error.row) from None
    plausible = radiologist_ranges(settings)
    rows = []
    for index, record in enumerate(table.to_dict("records"), start=2):
        named = str(record.get("participant", "") or "").strip()
        if named and named.lower() != raw_id.lower():
            raise InputError(
                mri.label_of(path, folder), "participant names someone other than the folder's", raw_id, row=index
            )
        row = {"scan": f"mri-{index - 1}", "source": "radiologist"}
        for column, name in MEASUREMENT_COLUMNS.items():
            text = str(record.get(column, "") or "").strip()
            try:
                value = float(text) if text else np.nan
            except ValueError:
                raise InputError(mri.label_of(path, folder), f"{column} is not a number", raw_id, row=index) from None
            if text and not (0 < value < 1e4):
                raise InputError(mri.label_of(path, folder), f"{column} is not a possible value", raw_id, row=index)
            low, high = plausible.get(column, (0, np.inf))
            if text and not low <= value <= high:
                unit = column.rsplit("_", 1)[1]
                raise InputError(
                    mri.label_of(path, folder),
                    f"{column} {value:g} is no tendon's in {unit} ({low:g}-{high:g} {unit}): written in another unit?",
                    raw_id,
                    row=index,
                )
            row[name] = value
        flag = str(record.get("abnormal", "") or "").strip().lower()
        if flag and flag not in YES_NO:
            raise InputError(mri.label_of(path, folder), "abnormal is not yes or no", raw_id, row=index)
        rows.append({**row, "abnormal": YES_NO[flag] if flag else pd.NA})
    return rows


def radiologist_ranges(settings: TendonSettings | None) -> dict[str, tuple[float, float]]:
    """The values a radiologist's column may hold: the plausible tendon sizes and T2* of the settings."""
    if settings is None:
        return {}
    return {
        "thickness_mm": tuple(settings.plausible_thickness_mm),
        "csa_mm2": tuple(settings.plausible_csa_mm2),
        "t2star_ms": tuple(settings.t2star_range_ms),
    }


@dataclass(frozen=True)
class TendonView:
    """What the QC figure shows of one scan: the middle ROI slice's first echo, its ROI and T2* map."""

    first_echo: np.ndarray  # (x, y)
    roi: np.ndarray  # (x, y) bool
    t2star_ms: np.ndarray  # (x, y), NaN outside the ROI and where a voxel's fit was rejected
    t2star_median_ms: float
    echoes: int
    spacing_mm: tuple[float, float]  # along the slice's x and y voxel axes
    directions: tuple[str, str]  # the patient direction (R, L, A, P, S, I) each voxel axis increases towards


def tendon_view(raw_dir: str | Path, raw_id: str, settings: TendonSettings) -> TendonView | None:
    """The view of a participant's images (None without them)."""
    folder = participant_folder(Path(raw_dir), MRI_KIND, raw_id)
    files = mri.scan_files(folder) if folder is not None else None
    if files is None or not files.images:
        return None
    scan = mri.read_scan(files, folder, raw_id, series_number=settings.series_number)
    image, mask = scan.image, scan.mask
    used = np.flatnonzero(mask.sum(axis=(0, 1)))
    if not used.size:
        return None
    k = int(used[len(used) // 2])
    sigma = mri.corner_sigma(image.signal) if settings.fit == "rician" else None
    fit = fit_t2star(
        image.signal[:, :, k][mask[:, :, k]], image.echo_times_ms, settings.fit, sigma, acceptance=settings.acceptance
    )
    t2star = np.full(mask.shape[:2], np.nan)
    t2star[mask[:, :, k]] = np.where(fit.fitted, fit.t2star_ms, np.nan)
    median = float(np.nanmedian(t2star)) if np.isfinite(t2star).any() else float("nan")
    geometry = Geometry.of(image.affine)
    return TendonView(
        image.signal[:, :, k, 0],
        mask[:, :, k],
        t2star,
        median,
        int(image.echo_times_ms.size),
        geometry.spacing_mm[:2],
        (towards(image.affine, 0), towards(image.affine, 1)),
    )


RAS_LETTERS = (("L", "R"), ("P", "A"), ("I", "S"))  # RAS: x increases to the right, y anterior, z superior


def towards(affine: np.ndarray, axis: int) -> str:
    """The patient direction a voxel axis mostly increases towards, from a RAS affine."""
    column = np.asarray(affine, dtype=float)[:3, axis]
    dominant = int(np.argmax(np.abs(column)))
    return RAS_LETTERS[dominant][int(column[dominant] > 0)]


def first_view(
    raw_dir: str | Path, participants: pd.DataFrame, preferred: str, tendon: pd.DataFrame, settings: TendonSettings
) -> tuple[str, TendonView] | None:
    """(pseudonym, view) of the preferred participant's scanned series, else the first participant's with
    one (participants indexed by raw id); a series that cannot be read here was named by the tendon rule."""
    scanned = set(tendon.loc[tendon["source"] == "images", "participant_id"])
    for raw_id in dict.fromkeys([preferred, *participants.index]):
        if raw_id not in participants.index or participants.at[raw_id, "participant_id"] not in scanned:
            continue
        try:
            view = tendon_view(raw_dir, raw_id, settings)
        except InputError:
            continue
        if view is not None:
            return str(participants.at[raw_id, "participant_id"]), view
    return None


def participant_tendon(raw_dir: str | Path, raw_id: str, settings: TendonSettings) -> list[dict]:
    """The participant's tendon rows: measured from the images when there are any, else the radiologist's;
    none without an MRI folder."""
    folder = participant_folder(Path(raw_dir), MRI_KIND, raw_id)
    if folder is None:
        return []
    files = mri.scan_files(folder)
    if files.images:
        return [measured_row(folder, files, raw_id, settings)]
    if files.measurements is not None:
        not_used = mri.not_used_text(files.not_used, folder)
        return [
            {**row, "files_not_used": not_used}
            for row in radiologist_rows(files.measurements, folder, raw_id, settings)
        ]
    listed = mri.not_used_text(files.not_used, folder)
    raise InputError(
        "mri",
        "the MRI folder holds neither images nor tendon_measurements.csv" + (f": {listed}" if listed else ""),
        raw_id,
    )


def tendon_table(rows: list[dict]) -> pd.DataFrame:
    """Tendon rows in the table's one schema (TABLE_COLUMNS), so every shard's table has the same."""
    frame = pd.DataFrame(rows).reindex(columns=list(TABLE_COLUMNS))
    frame["qc_reason"] = frame["qc_reason"].where(frame["source"] == "images", "")
    frame["files_not_used"] = frame["files_not_used"].fillna("")
    return frame.astype(TABLE_COLUMNS)


def shard_tendon(members: pd.DataFrame, raw_dir: str | Path, settings: TendonSettings, quarantine) -> pd.DataFrame:
    """The tendon rows of one shard's participants (indexed by raw id, with participant_id); a participant
    whose MRI is bad input is named by the error, or set aside by the quarantine."""
    rows = []
    for raw_id, person in members.iterrows():
        found = attempt(quarantine, MRI_KIND, lambda r=raw_id: participant_tendon(raw_dir, r, settings))
        rows += [{"participant_id": person["participant_id"], **row} for row in found or []]
    return tendon_table(rows)


def tendon_covariates(tendon: pd.DataFrame, abnormal: AbnormalTendon | None = None) -> pd.DataFrame:
    """One row per participant for the models: the first scan's measures, and whether it was abnormal."""
    first = tendon.sort_values(["participant_id", "scan"]).drop_duplicates("participant_id")
    frame = first[["participant_id", *COVARIATES]].reset_index(drop=True)
    if abnormal is not None:
        frame["abnormal_tendon"] = abnormal.of_table(first.reset_index(drop=True)).to_numpy()
    return frame


SUMMARY_LABELS = {
    "t2star_median_ms": "ROI median T2* (ms)",
    "csa_max_mm2": "Maximum cross-sectional area (mm²)",
    "thickness_max_mm": "Maximum antero-posterior thickness (mm)",
    "volume_mm3": "ROI volume (mm³)",
}


def tendon_summary(tendon: pd.DataFrame, abnormal: AbnormalTendon) -> pd.DataFrame:
    """The report's tendon table: per measure and source (images, radiologist), the scans with a value and
    their median and interquartile range; then the scans by QC reason and the abnormal count (no
    participant named)."""
    rows = []
    for source, scans in tendon.groupby("source", sort=True):
        for column, label in SUMMARY_LABELS.items():
            values = pd.to_numeric(scans[column], errors="coerce").dropna()
            q1, median, q3 = np.percentile(values, [25, 50, 75]) if len(values) else (np.nan,) * 3
            rows.append({"source": source, "measure": label, "scans": len(values), "median": median})
            rows[-1] |= {"q1": q1, "q3": q3}
        if "qc_reason" in scans:
            for reason, count in scans["qc_reason"].fillna("").replace("", "none").value_counts().sort_index().items():
                rows.append({"source": source, "measure": f"QC: {reason}", "scans": int(count)})
        rows.append({"source": source, "measure": "abnormal tendon", "scans": int(abnormal.of_table(scans).sum())})
    columns = ["source", "measure", "scans", "median", "q1", "q3"]
    return pd.DataFrame(rows, columns=columns)
