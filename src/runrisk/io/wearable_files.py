"""Every wearable file, by its name: the one table of formats and the one dispatch the study
(runrisk.cohort.shards) and the squad monitor (runrisk.monitor.squad) read with.

Athletes' exports are read in place: a file compressed with gzip (`.fit.gz`, `.gpx.gz`, `.tcx.gz`, as
Strava's bulk export writes them) as its plain form; a zip archive (Garmin Connect's account export, zips
inside a zip) member by member in memory, its activity files (FIT, GPX, TCX, plain or gzipped) read and
everything else (wellness, settings, profiles) counted and skipped in one line of the log; Strava's
`activities.csv` index beside its `activities/` folder is skipped the same way. An archive is refused,
naming the member by its place (never its name), when it would unpack to more than MAX_UNPACKED_BYTES or
a member to more than MAX_RATIO times its packed size (a zip bomb), when a member's path leaves the
archive (`../`, an absolute path), or when a member cannot be read (damaged, encrypted).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import logging
import math
import zipfile
import zlib
from pathlib import Path, PurePosixPath

__all__ = ["read_wearable_file", "wearable_format"]

from runrisk.errors import InputError
from runrisk.io.fitabase import read_fitabase_daily
from runrisk.io.garmin import DETAILS, read_fit, read_gpx, read_tcx
from runrisk.io.layout import ACTIVITY_FORMATS, GZIP, wearable_format
from runrisk.io.wearables import WearableSettings, load_fitbit_records, read_fitbit_exercise

log = logging.getLogger(__name__)

STRAVA_INDEX = "activities.csv"  # Strava's list of the export's activities, beside activities/
MAX_UNPACKED_BYTES = 4 * 1024**3  # more than any account's export of activity files: a zip bomb
MAX_RATIO = 200  # FIT and XML pack 2-20x; a member that would unpack to more is a zip bomb
MAX_NESTING = 3  # Garmin Connect: export.zip / DI_CONNECT/.../UploadedFiles_*.zip / *.fit
FITBIT_HARD_ZONES = ("cardio", "peak")  # Fitbit's two highest heart-rate zones


def is_export_index(path: Path) -> bool:
    """Strava's activities.csv beside its activities/ folder: a list of the export, not activities."""
    return path.name.lower() == STRAVA_INDEX and (path.parent / "activities").is_dir()


def read_wearable_file(
    path: Path,
    participant: str,
    tz: dt.tzinfo,
    settings: WearableSettings,
    kind: str | None = None,
    label: str = "an export",
) -> tuple[str, list[dict]]:
    """(source, rows) of one wearable file, each row an activity with the session's details; kind: the
    study's kind folder (fitbit, garmin, fitabase), which decides where the name leaves a choice; label:
    the file's name in the log (a file's own name may hold a person's name: it never reaches a log)."""
    found = wearable_format(path.name)
    if kind == "fitbit" or (kind is None and found == "fitbit"):
        records = load_fitbit_records(path, participant)
        rows = read_fitbit_exercise(path, participant, tz, records)
        return "fitbit", [row | fitbit_details(records[int(row["log_id"])]) for row in rows]
    if kind == "fitabase" or found == "fitabase":
        rows = read_fitabase_daily(path, participant, tz, settings.fitabase_running_column)
        return "fitabase", [row | dict.fromkeys(DETAILS, math.nan) for row in rows]
    if found == "export":
        rows, skipped = read_export(path, participant, tz, settings)
        if skipped:
            log.info("%s: %d files that are not activity files (wellness, settings) skipped", label, skipped)
        return "export", rows
    data = _gunzipped(path, participant) if path.name.lower().endswith(GZIP) else None
    return found, read_activity(path, found, participant, tz, settings, data)


def read_activity(
    path: Path, found: str, participant: str, tz: dt.tzinfo, settings: WearableSettings, data: bytes | None
) -> list[dict]:
    if found == "fit":
        return read_fit(path, participant, tz, data)
    if found == "gpx":
        return read_gpx(path, participant, tz, settings.gpx_default_activity, data)
    if found == "tcx":
        return read_tcx(path, participant, tz, data)
    raise InputError(path, "not a kind of wearable file runrisk reads", participant)


def _gunzipped(path: Path, participant: str, data: bytes | None = None) -> bytes:
    packed = path.read_bytes() if data is None else data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
            plain = stream.read(MAX_RATIO * len(packed) + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(path, "a gzip file that cannot be unpacked (damaged or cut short)", participant) from exc
    if len(plain) > MAX_RATIO * len(packed):
        raise InputError(path, f"a gzip file that unpacks to over {MAX_RATIO} times its size (a zip bomb)", participant)
    return plain


def read_export(path: Path, participant: str, tz: dt.tzinfo, settings: WearableSettings) -> tuple[list[dict], int]:
    """The activity rows of a zip export (each carrying its member's source) and the number of members
    that are not activity files."""
    rows, skipped = [], 0
    for place, name, data in _members(path, path.read_bytes(), participant, depth=1):
        found = wearable_format(name)
        if found not in ACTIVITY_FORMATS:
            skipped += 1
            continue
        if name.lower().endswith(GZIP):
            data = _gunzipped(Path(f"{path.name} member {place}"), participant, data)
        where = Path(f"{path.name} member {place}")  # a member's own name may hold a person's name
        for row in read_activity(where, found, participant, tz, settings, data):
            rows.append(row | {"source": found, "log_id": f"{place}/{row['log_id']}"})
    return rows, skipped


def _members(path: Path, data: bytes, participant: str, depth: int, prefix: str = ""):
    """(place, name, bytes) of every file in the archive, archives inside it opened in memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(path, f"not a readable zip archive{_in(prefix)} (damaged or cut short)", participant) from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _refuse_unsafe(path, infos, participant, prefix)
        for k, info in enumerate(infos, start=1):
            place = f"{prefix}{k}"
            try:
                member = _read_member(archive, info)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError) as exc:
                raise InputError(
                    path, f"member {place} cannot be read (damaged, encrypted or packed in an unknown way)", participant
                ) from exc
            if info.filename.lower().endswith(".zip") and depth < MAX_NESTING:
                yield from _members(path, member, participant, depth + 1, f"{place}.")
            else:
                yield place, info.filename, member


def _in(prefix: str) -> str:
    return f" (member {prefix.rstrip('.')})" if prefix else ""


def _refuse_unsafe(path: Path, infos: list[zipfile.ZipInfo], participant: str, prefix: str) -> None:
    total = 0
    for k, info in enumerate(infos, start=1):
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise InputError(
                path, f"member {prefix}{k}'s path leaves the archive (../ or an absolute path)", participant
            )
        total += info.file_size
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) or total > MAX_UNPACKED_BYTES:
            raise InputError(path, f"member {prefix}{k} unpacks to too much (a zip bomb)", participant)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, reading no further than its declared size allows (a header may lie)."""
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise zipfile.BadZipFile("more bytes than declared")
    return data


def fitbit_details(record: dict) -> dict:
    """A Fitbit exercise record's ascent, average heart rate and minutes in its two highest zones."""
    zones = record.get("heartRateZones") if isinstance(record, dict) else None
    hard = [
        z.get("minutes")
        for z in zones or []
        if isinstance(z, dict) and str(z.get("name", "")).lower() in FITBIT_HARD_ZONES
    ]
    hard = [m for m in hard if isinstance(m, int | float)]

    def number(key):
        value = record.get(key) if isinstance(record, dict) else None
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan

    return dict.fromkeys(DETAILS, math.nan) | {
        "ascent_m": number("elevationGain"),
        "avg_hr": number("averageHeartRate"),
        "hard_hr_s": 60.0 * sum(hard) if hard else math.nan,
    }
