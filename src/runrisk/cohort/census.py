"""What raw_dir holds beyond the enrolled participants' own files: folders of people who are not in
participants.csv, and one file's content under two participants.

A folder `4H00999/` for nobody, or a trial copied into a second participant's folder, is not a reader's
business (each reader sees one participant) but it is the study's: the first is counted in the flow as
records of people not enrolled, the second is bad input for both participants.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from runrisk.errors import InputError
from runrisk.ids import pseudonymise
from runrisk.io.layout import TRIAL_KINDS, WEARABLE_KINDS, labelled_files, participant_folder
from runrisk.tendon.study import MRI_KIND

KINDS = {**TRIAL_KINDS, **WEARABLE_KINDS}
FOLDERS = (*KINDS, MRI_KIND)  # a scan of somebody not enrolled is counted like their trials
UNENROLLED_COLUMNS = ["kind", "participant_id", "files"]
PREFIX_BYTES = 1 << 16


def unenrolled_folders(raw_dir: str | Path, raw_ids: Iterable[str]) -> pd.DataFrame:
    """One row per kind folder's entry that belongs to no enrolled participant: its pseudonym (the
    folder's own name never leaves here) and how many files it holds; a loose file counts as its own."""
    raw = Path(raw_dir)
    ids = list(raw_ids)
    rows = []
    for kind in FOLDERS:
        folder = raw / kind
        if not folder.is_dir():
            continue
        claimed = {p.name for raw_id in ids if (p := participant_folder(raw, kind, raw_id)) is not None}
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name in claimed or entry.name.startswith("."):
                continue
            files = sum(1 for p in entry.rglob("*") if p.is_file()) if entry.is_dir() else 1
            rows.append({"kind": kind, "participant_id": pseudonymise(entry.name), "files": files})
    return pd.DataFrame(rows, columns=UNENROLLED_COLUMNS)


def shared_contents(raw_dir: str | Path, raw_ids: Iterable[str]) -> list[InputError]:
    """One error per participant whose file has the same bytes as another participant's file: the same
    trial or export in two folders gives two people one person's data. Only files of equal size and
    equal first 64 KiB are hashed whole, so the check costs little more than listing the files."""
    candidates = defaultdict(list)
    for raw_id in raw_ids:
        # not strict: a link out of raw_dir is the shard job's to report; its bytes still count here
        for path, label in labelled_files(raw_dir, raw_id, KINDS, strict=False):
            if not path.exists():  # a link to nothing: the shard job's reader names it, by label
                continue
            size = path.stat().st_size
            if size:  # an empty file is nobody's data (and the readers report it)
                candidates[(size, _digest(path, PREFIX_BYTES))].append((raw_id, label, path))
    owners = defaultdict(list)
    for group in candidates.values():
        if len({raw_id for raw_id, _, _ in group}) > 1:
            for raw_id, label, path in group:
                owners[_digest(path)].append((raw_id, label))
    errors: dict[str, InputError] = {}
    for shared in owners.values():
        for raw_id, label in shared:
            others = sorted({pseudonymise(other) for other, _ in shared if other != raw_id})
            if others and raw_id not in errors:
                errors[raw_id] = InputError(
                    label,
                    f"the same bytes as a file of participant(s) {', '.join(others)}: one person's data under two",
                    participant=raw_id,
                )
    return [errors[raw_id] for raw_id in sorted(errors)]


def _digest(path: Path, limit: int | None = None) -> str:
    with path.open("rb") as handle:
        if limit is not None:
            return hashlib.sha256(handle.read(limit)).hexdigest()
        return hashlib.file_digest(handle, "sha256").hexdigest()
