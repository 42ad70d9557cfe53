"""Where a study's raw files live under raw_dir: the one place that knows it.

The workflow's input lists (workflow/rules/common.smk) and the library's readers both ask here, so a
file the DAG waits for is a file a reader reads, and the other way round.

    raw_dir/participants.csv, weekly_reports.csv, diagnoses.csv
    raw_dir/<kind>/<participant_id>/<file>     kind: c3d, visual3d, opensim, fitbit, garmin, fitabase

A file belongs to its kind by its extension, in any case (`.C3D` is a C3D file: labs and watches write
both). Within a participant, files are in kind order, then by name, so every run reads them alike.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from pathlib import Path

from runrisk.errors import InputError

log = logging.getLogger(__name__)

PARTICIPANTS = "participants.csv"
WEEKLY_REPORTS = "weekly_reports.csv"
DIAGNOSES = "diagnoses.csv"

# kind folder -> extensions (lower case) of the files read from it; an OpenSim trial is three files
# (inverse kinematics .mot, inverse dynamics .sto, ground reaction forces .mot: runrisk.io.opensim)
OPENSIM_SUFFIXES = (".mot", ".sto")
TRIAL_KINDS: dict[str, tuple[str, ...]] = {"c3d": (".c3d",), "visual3d": (".txt",), "opensim": OPENSIM_SUFFIXES}
# the one table of wearable formats (runrisk.io.wearable_files reads them): a file name's ending -> the
# source its rows carry; FIT, GPX and TCX also gzipped (Strava's export), a zip is an athlete's export
WEARABLE_FORMATS = {
    ".fit": "fit",
    ".gpx": "gpx",
    ".tcx": "tcx",
    ".json": "fitbit",
    ".csv": "fitabase",
    ".zip": "export",
}
ACTIVITY_FORMATS = ("fit", "gpx", "tcx")
GZIP = ".gz"
WEARABLE_KINDS: dict[str, tuple[str, ...]] = {
    "fitbit": (".json",),
    "garmin": (".fit", ".gpx", ".tcx", *(f".{f}{GZIP}" for f in ACTIVITY_FORMATS), ".zip"),
    "fitabase": (".csv",),
}


# a modality's files, as the workflow takes stock of them (its inventories; MRI files often have no extension)
MRI = "mri"
MODALITIES: dict[str, dict[str, tuple[str, ...]] | None] = {
    "trials": TRIAL_KINDS,
    "wearables": WEARABLE_KINDS,
    MRI: None,
}


def wearable_format(name: str) -> str | None:
    """The format a file's name says it holds (fit, gpx, tcx, fitbit, fitabase, export), None if none."""
    lower = name.lower()
    if lower.endswith(GZIP):
        found = WEARABLE_FORMATS.get(os.path.splitext(lower[: -len(GZIP)])[1])
        return found if found in ACTIVITY_FORMATS else None
    return WEARABLE_FORMATS.get(os.path.splitext(lower)[1])


def surveillance_files(raw_dir: str | Path) -> dict[str, Path]:
    raw = Path(raw_dir)
    return {"participants": raw / PARTICIPANTS, "reports": raw / WEEKLY_REPORTS, "diagnoses": raw / DIAGNOSES}


def participant_files(
    raw_dir: str | Path, raw_id: str, kinds: dict[str, tuple[str, ...]], strict: bool = True
) -> list[Path]:
    """One participant's files of the given kinds: kind order, then name order.

    A directory named like a data file is skipped with a warning; a symlink that leads out of raw_dir is
    bad input (a study's results must come from the study's own folder). strict=False (the workflow's
    input lists) raises for neither: the participant's shard job reads the files and reports them, so
    that bad input stops or quarantines one participant rather than the building of the whole DAG.
    """
    raw = Path(raw_dir)
    found = []
    for kind, extensions in kinds.items():
        try:
            folder = participant_folder(raw, kind, raw_id)
        except InputError:
            if strict:
                raise
            continue
        if folder is None:
            continue
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if not path.name.lower().endswith(extensions):
                continue
            if path.is_dir():
                # said without its name, which may be a person's, as a file's would be
                log.warning("participant %s: a folder in %s/ is named like a %s file; skipped", raw_id, kind, kind)
                continue
            if strict:
                _check_inside(path, raw, raw_id, f"{kind}-{sum(kind_of(p) == kind for p in found) + 1}")
            found.append(path)
    return found


def participant_folder(raw: Path, kind: str, raw_id: str) -> Path | None:
    """raw/<kind>/<raw_id>, matched as people name folders: exactly, else without regard to case when
    exactly one folder matches so (a folder 4h00001/ for id 4H00001), which the log states."""
    exact = raw / kind / raw_id
    if exact.is_dir():
        return exact
    matches = _folders_by_lower_name(str(raw / kind)).get(raw_id.strip().lower(), [])
    if len(matches) == 1:
        log.warning("participant %s: folder %s/%s matched without regard to case", raw_id, kind, matches[0])
        return raw / kind / matches[0]
    if len(matches) > 1:
        raise InputError(kind, f"{len(matches)} folders differ from the id only in case", participant=raw_id)
    return None


@functools.lru_cache(maxsize=16)
def _folders_by_lower_name(kind_dir: str) -> dict[str, list[str]]:
    """One listing per kind folder and process: a lookup per participant stays O(1) at 9,110."""
    folders: dict[str, list[str]] = {}
    if os.path.isdir(kind_dir):
        for entry in sorted(os.scandir(kind_dir), key=lambda e: e.name):
            if entry.is_dir():
                folders.setdefault(entry.name.strip().lower(), []).append(entry.name)
    return folders


def trial_files(raw_dir: str | Path, raw_id: str) -> list[Path]:
    """A participant's C3D trials, Visual3D ASCII exports and OpenSim results."""
    return participant_files(raw_dir, raw_id, TRIAL_KINDS)


def wearable_files(raw_dir: str | Path, raw_id: str) -> list[Path]:
    """A participant's Fitbit exports, Garmin FIT/GPX/TCX files and Fitabase daily CSVs."""
    return participant_files(raw_dir, raw_id, WEARABLE_KINDS)


def labelled_files(
    raw_dir: str | Path, raw_id: str, kinds: dict[str, tuple[str, ...]], strict: bool = True
) -> list[tuple[Path, str]]:
    """Each file with the label it has in every output, `<kind>-<k>` (k: its place among the participant's
    files of that kind): a file's own name may hold a person's name, so it never leaves ingestion."""
    counts: dict[str, int] = {}
    labelled = []
    for path in participant_files(raw_dir, raw_id, kinds, strict):
        kind = kind_of(path)
        counts[kind] = counts.get(kind, 0) + 1
        labelled.append((path, f"{kind}-{counts[kind]}"))
    return labelled


def file_label(path: str | Path) -> str:
    """The output label of a participant's raw file; the study's own CSVs keep their fixed names."""
    path = Path(path)
    kinds = {**TRIAL_KINDS, **WEARABLE_KINDS}
    kind = kind_of(path)
    if kind not in kinds or not path.parent.is_dir():
        return path.name
    for candidate, label in labelled_files(path.parent.parent.parent, path.parent.name, {kind: kinds[kind]}):
        if candidate.name == path.name:
            return label
    return f"{kind}-?"  # not one of the files read (a folder, another extension)


def kind_of(path: Path) -> str:
    """The kind folder a participant's file sits in (raw_dir/<kind>/<participant_id>/<file>)."""
    return path.parent.parent.name


def _check_inside(path: Path, raw: Path, raw_id: str, label: str) -> None:
    if not path.is_symlink():
        return
    if not path.exists():  # named by its label: the link's own name may be a person's
        reason = "is a symbolic link to a file that does not exist (a dangling link)"
        raise InputError(label, reason, participant=raw_id)
    if not path.resolve().is_relative_to(raw.resolve()):
        raise InputError(label, "is a symbolic link that leads outside raw_dir", participant=raw_id)


def modality_files(raw_dir: str | Path, raw_id: str, modality: str) -> list[Path]:
    """One participant's files of a modality (MODALITIES), as their shard job reads them: trials and
    wearable files by kind and extension, every file under the MRI folder. A dangling symbolic link is
    listed (its reader says what it is); folders that differ from the id only in case are left to the
    shard job, which names them."""
    kinds = MODALITIES[modality]
    if kinds is not None:
        return participant_files(raw_dir, raw_id, kinds, strict=False)
    try:
        folder = participant_folder(Path(raw_dir), MRI, raw_id)
    except InputError:
        return []
    if folder is None:
        return []
    return sorted((p for p in folder.rglob("*") if p.is_file() or p.is_symlink()), key=lambda p: p.parts)


def inventory(raw_dir: str | Path, raw_ids: list[str], modality: str) -> list[str]:
    """What the workflow knows of a shard's files of one modality, one tab-separated line per file: the
    participant's place in the shard, the file's place among theirs, its size and modification time
    (-1 for a link to nothing); the first line a digest of these and every file's path, so that a file
    added, removed, renamed or rewritten changes the inventory. The rules read a shard's inventory, never
    its raw files: Snakemake lists a job's inputs in its job listing and keeps them in .snakemake/log,
    and a file's own name may be a person's name and birth date (Zelenkova_Katerina_1963-07-19_run01.c3d)."""
    raw = Path(raw_dir)
    lines, digest = [], hashlib.sha256()
    for member, raw_id in enumerate(raw_ids, start=1):
        for place, path in enumerate(modality_files(raw, raw_id, modality), start=1):
            size, mtime = _size_and_time(path)
            lines.append(f"{member}\t{place}\t{size}\t{mtime}")
            digest.update(f"{path.relative_to(raw)}\0{lines[-1]}\n".encode(errors="surrogateescape"))
    return [f"# {digest.hexdigest()}", *lines]


def inventory_digest(raw_dir: str | Path, raw_ids: list[str], modality: str) -> str:
    return inventory(raw_dir, raw_ids, modality)[0].removeprefix("# ")


def _size_and_time(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except OSError:  # a link to nothing, or a loop: the shard job's reader says which
        return -1, path.lstat().st_mtime_ns
    return found.st_size, found.st_mtime_ns
