"""Wearable exports into one row per recorded activity: the shared row builder and Fitbit JSON.

Garmin FIT, GPX and TCX live in runrisk.io.garmin; Fitabase daily CSVs in runrisk.io.fitabase.
GPS coordinates are read only to sum distances and never leave these modules.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from runrisk.config import Section
from runrisk.errors import InputError, described, first_reasons

KM_PER_UNIT = {
    "kilometer": 1.0,
    "kilometers": 1.0,
    "km": 1.0,
    "mile": 1.609344,
    "miles": 1.609344,
    "meter": 0.001,
    "meters": 0.001,
}
RUN_NAMES = {
    "run",
    "running",
    "treadmill",
    "outdoor run",
    "trail run",
    "trail_running",
    "treadmill_running",
    "track_running",
    "ランニング",
}
ACTIVITY_COLUMNS = [
    "participant_id",
    "source",
    "source_file",
    "log_id",
    "activity",
    "is_run",
    "start_utc",
    "local_date",
    "duration_s",
    "distance_km",
    "cadence_spm",
    "stance_time_ms",
    "vertical_oscillation_mm",
    "step_length_mm",
    "steps",
    "excluded_reason",
]
# running dynamics and steps (runrisk.io.garmin.session_dynamics): NaN where the watch recorded none
DYNAMICS = ("cadence_spm", "stance_time_ms", "vertical_oscillation_mm", "step_length_mm", "steps")
MAX_ACTIVITY_KM = 250.0  # longer than any ultra a wearable logs in one activity: a unit or sync error
MAX_ACTIVITY_S = 48 * 3600
FITBIT_FORMATS = ("%m/%d/%y %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")


@dataclass(frozen=True)
class WearableSettings(Section):
    """The wearables section: how activities are counted and duplicates resolved."""

    SECTION = "wearables"

    duplicate_window_s: float
    source_priority: tuple[str, ...]
    min_run_s: float
    min_run_km: float
    max_daily_run_km: float
    gpx_default_activity: str
    fitabase_running_column: str


def parse_fitbit_time(text: str, tz: ZoneInfo) -> dt.datetime:
    """Aware datetime from Fitbit's archive (local, no zone) or Web API (ISO with offset) form."""
    for fmt in FITBIT_FORMATS:
        try:
            stamp = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=tz)
    raise ValueError(f"startTime is not a Fitbit date and time (found {described(text)})")


def is_run_name(activity: str) -> bool:
    return activity.strip().lower() in RUN_NAMES


# Activity names are free text (a Fitbit or Strava user names a run "Morning run with Jana"): only one of
# these types leaves ingestion.
ACTIVITY_TYPES = ("run", "walk", "ride", "swim", "hike", "strength", "other")
TYPE_WORDS = {
    "walk": ("walk", "chůze", "procházka"),
    "ride": ("bike", "biking", "cycling", "ride", "cycle", "kolo", "spinning"),
    "swim": ("swim", "plavání"),
    "hike": ("hike", "hiking", "turistika"),
    # FIT's strength_training sub-sport, Strava's WeightTraining, Fitbit's "Weights": capacity work
    "strength": ("strength", "weight", "kracht", "posilování"),
}


def activity_type(name: object) -> str:
    """The closed type of an activity name: "run" exactly when the name counts as a run (is_run_name)."""
    text = str(name or "").strip().lower()
    if is_run_name(text):
        return "run"
    return next((kind for kind, words in TYPE_WORDS.items() if any(w in text for w in words)), "other")


def distance_out_of_range(km: float) -> str:
    return f"distance {km:.1f} km is outside 0-{MAX_ACTIVITY_KM:g} km for one activity"


def duration_out_of_range(seconds: float) -> str:
    return f"duration {seconds:.0f} s is outside 0-{MAX_ACTIVITY_S // 3600} h"


def make_activity(
    log_id: str, activity: str, start: dt.datetime, local_tz: dt.tzinfo, duration_s: float, distance_km: float | None
) -> dict:
    """One activities row from an aware start time; the local date is in the participant's zone."""
    if start.tzinfo is None:
        raise ValueError("start time has no time zone")
    if distance_km is not None and not 0 <= distance_km <= MAX_ACTIVITY_KM:
        raise ValueError(distance_out_of_range(distance_km))
    if not 0 <= duration_s <= MAX_ACTIVITY_S:
        raise ValueError(duration_out_of_range(duration_s))
    return {
        "log_id": str(log_id),
        "activity": activity_type(activity),
        "is_run": is_run_name(activity),
        "start_utc": start.astimezone(dt.UTC).replace(tzinfo=None),
        "local_date": start.astimezone(local_tz).date(),
        "duration_s": float(duration_s),
        "distance_km": distance_km,
    }


FITBIT_FIELDS = {  # field of an exercise record, and its value when the record lacks it
    "logId": "",
    "activityName": "",
    "startTime": None,
    "duration": 0,
    "distance": None,
    "distanceUnit": None,
}


def load_fitbit_records(path: str | Path, participant: str, data: bytes | None = None) -> list[dict]:
    """The exercise records of one Fitbit archive file (a list) or Web API response ({"activities": [...]})."""
    path = Path(path)
    try:
        payload = json.loads((path.read_bytes() if data is None else data).decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid UTF-8 JSON: not UTF-8 text (byte {exc.start})", participant) from exc
    except json.JSONDecodeError as exc:  # its own text quotes the file: where it stopped is said instead
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InputError(path, f"not valid UTF-8 JSON: damaged or cut short ({where})", participant) from exc
    records = payload.get("activities", payload) if isinstance(payload, dict) else payload
    if not isinstance(records, list):
        raise InputError(path, "expected a JSON list of exercise records", participant=participant)
    return records


class FitbitBatch:
    """Fitbit exports of many participants, converted together: per-record Python stops at pulling
    fields out of the parsed JSON, and dates, units and checks run once over the batch in pandas.
    The few records the vectorised path cannot place (Web API offsets, times at a DST change) go
    through the per-record parser, so both paths give the same rows."""

    def __init__(self) -> None:
        self.values: dict[str, list] = {field: [] for field in FITBIT_FIELDS}
        self.files: list[tuple[Path, str, int]] = []  # path, participant, number of records
        self.labels: list[str] = []  # each file's output label (runrisk.io.layout.labelled_files)

    def add(self, path: Path, participant: str, records: list[dict], label: str) -> None:
        try:
            columns = {field: [r.get(field, default) for r in records] for field, default in FITBIT_FIELDS.items()}
        except AttributeError:  # checked only on failure: a type check per record costs more than the pulling
            i = next(i for i, r in enumerate(records) if not isinstance(r, dict))
            raise InputError(path, f"record {i}: not a JSON object", participant=participant) from None
        for field, values in columns.items():
            self.values[field] += values
        self.files.append((path, participant, len(records)))
        self.labels.append(label)

    def activities(self, tz: ZoneInfo) -> tuple[pd.DataFrame, dict[str, InputError]]:
        """Activity rows with raw_id and source_file, and the first bad record of each participant."""
        v, n = self.values, len(self.values["startTime"])
        counts = [count for _, _, count in self.files]
        file_of_row = np.repeat(np.arange(len(self.files)), counts)
        start_utc, local_date, start_error = _fitbit_start_times([str(t) for t in v["startTime"]], tz)
        duration = _numbers(v["duration"]) / 1000.0
        distance = _numbers(v["distance"])
        given = np.not_equal(np.array(v["distance"], dtype=object), None)
        per_unit = per_distinct(v["distanceUnit"], lambda u: KM_PER_UNIT.get(str(u).strip().lower(), np.nan))
        per_unit = per_unit.astype(float)
        km = np.where(given, distance * per_unit, np.nan)
        reasons = first_reasons(
            [
                (start_error != None, lambda i: start_error[i]),  # noqa: E711 (element-wise)
                (np.isnan(duration), lambda i: f"duration is not a number (found {described(v['duration'][i])})"),
                (
                    given & np.isnan(per_unit),
                    lambda i: (
                        f"the distance has no known distanceUnit (found {described(v['distanceUnit'][i] or '')}); "
                        "expected one of Kilometer, Mile, Meter"
                    ),
                ),
                (
                    given & np.isnan(distance),
                    lambda i: f"distance is not a number (found {described(v['distance'][i])})",
                ),
                (given & (distance < 0), lambda i: f"negative distance {float(distance[i])}"),
                (km > MAX_ACTIVITY_KM, lambda i: distance_out_of_range(km[i])),
                ((duration < 0) | (duration > MAX_ACTIVITY_S), lambda i: duration_out_of_range(duration[i])),
            ],
            n,
        )
        first_row = np.concatenate([[0], np.cumsum(counts)])
        errors: dict[str, InputError] = {}
        for i, reason in reasons.items():
            _, participant, _ = self.files[file_of_row[i]]
            record = i - first_row[file_of_row[i]]
            label = self.labels[file_of_row[i]]
            errors.setdefault(participant, InputError(label, f"record {record}: {reason}", participant=participant))
        activity = per_distinct(v["activityName"], lambda a: str(a).strip())
        frame = pd.DataFrame(
            {
                "raw_id": np.array([p for _, p, _ in self.files], dtype=object)[file_of_row],
                "source": "fitbit",
                "source_file": np.array(self.labels, dtype=object)[file_of_row],
                # the record's place in its file: Fitbit's logId is an account identifier
                "log_id": (np.arange(n) - first_row[file_of_row]).astype(str).astype(object),
                "activity": per_distinct(activity, activity_type),
                "is_run": per_distinct(activity, is_run_name).astype(bool),
                "start_utc": start_utc,
                "local_date": local_date,
                "duration_s": duration,
                "distance_km": km,
                **dict.fromkeys(DYNAMICS, np.nan),  # an exercise record carries no running dynamics
                "excluded_reason": "",
            }
        )
        return frame, errors


def per_distinct(values, convert) -> np.ndarray:
    """convert(value) per element, computed once per distinct text: an export has 20,000 records but a
    handful of activity names and units. Missing and non-text values go element by element (1, 1.0 and
    True hash alike; None and NaN factorize alike)."""
    values = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return np.array([convert(x) for x in values] or [], dtype=object)
    codes, distinct = pd.factorize(values)
    out = np.array([convert(x) for x in distinct] + [None], dtype=object)[codes]
    missing = np.flatnonzero(codes < 0)
    is_none = np.equal(values[missing], None)
    if is_none.any():
        out[missing[is_none]] = convert(None)
    out[missing[~is_none]] = [convert(x) for x in values[missing[~is_none]]]
    return out


def _numbers(values: list) -> np.ndarray:
    """Floats, NaN where a value is missing or not a number; JSON true/false are not numbers (numpy
    would read true as 1: a 1 km run out of a broken export)."""
    try:
        numbers = np.array(values, dtype=float)
    except (TypeError, ValueError):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)
    booleans = [i for i, v in enumerate(values) if isinstance(v, bool)]
    numbers[booleans] = np.nan
    return numbers


def _fitbit_start_times(texts: list[str], tz: ZoneInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UTC start, local date and a parse error per record. Archive times (local, no zone) are placed in
    tz at once; the rest (Web API offsets, ambiguous or missing local times) record by record."""
    local = pd.DatetimeIndex(_archive_local_times(texts))
    # pandas places times in a named zone from its transition table, far faster than per-record zoneinfo
    utc = local.tz_localize(tz.key, ambiguous="NaT", nonexistent="NaT").tz_convert("UTC").tz_localize(None)
    utc, local_date = utc.to_numpy("datetime64[ns]").copy(), local.normalize().to_numpy("datetime64[ns]").copy()
    error = np.full(len(texts), None, dtype=object)
    for i in np.flatnonzero(np.isnat(utc)):
        try:
            start = parse_fitbit_time(texts[i], tz)
        except ValueError as exc:
            error[i] = str(exc)
            continue
        # the Web API writes the zone into startTime; the archive writes local time without one
        utc[i] = np.datetime64(start.astimezone(dt.UTC).replace(tzinfo=None), "ns")
        local_date[i] = np.datetime64(start.date(), "ns")
    return utc, local_date, error


ARCHIVE_LAYOUT = "00/00/00 00:00:00"  # FITBIT_FORMATS[0] zero-padded: 0 marks a digit


def _archive_local_times(texts: list[str]) -> np.ndarray:
    """Zero-padded archive times ("MM/DD/YY HH:MM:SS") read from their bytes in numpy; anything else is
    NaT here and left to the per-record parser. Two-digit years follow strptime's %y (69-99 are 19xx)."""
    n, width = len(texts), len(ARCHIVE_LAYOUT)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    valid = np.zeros(n, dtype=bool)
    try:
        chars = np.array(texts, dtype=bytes) if n else np.zeros(0, dtype=f"S{width}")
    except UnicodeEncodeError:  # not ASCII: not an archive time
        chars = np.zeros(0, dtype=f"S{width}")
    if len(chars) and chars.dtype.itemsize >= width:
        code = chars.view(np.uint8).reshape(n, chars.dtype.itemsize).astype(np.int32)
        digit_at = np.array([c == "0" for c in ARCHIVE_LAYOUT])
        separators = np.array([ord(c) for c in ARCHIVE_LAYOUT])[~digit_at]
        digits = code[:, :width][:, digit_at] - ord("0")
        month, day, yy, hour, minute, second = (10 * digits[:, k] + digits[:, k + 1] for k in range(0, 12, 2))
        year = np.where(yy < 69, 2000 + yy, 1900 + yy)
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        days_in_month = DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
        valid = (
            (code[:, width:] == 0).all(axis=1)
            & ((digits >= 0) & (digits <= 9)).all(axis=1)
            & (code[:, :width][:, ~digit_at] == separators).all(axis=1)
            & (month >= 1)
            & (month <= 12)
            & (day >= 1)
            & (day <= days_in_month)
            & (hour < 24)
            & (minute < 60)
            & (second < 60)
        )
        seconds = 86400 * _days_since_epoch(year, month, day) + 3600 * hour + 60 * minute + second
        out[valid] = (seconds[valid].astype(np.int64) * 10**9).view("datetime64[ns]")
    return out


DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _days_since_epoch(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 of proleptic Gregorian dates (H. Hinnant's days_from_civil)."""
    year = year.astype(np.int64) - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def read_fitbit_exercise(path: str | Path, participant: str, tz: ZoneInfo, records: list | None = None) -> list[dict]:
    """One Fitbit export as activity rows (the single-file form of FitbitBatch); records: its exercise
    records if loaded already."""
    batch = FitbitBatch()
    records = load_fitbit_records(path, participant) if records is None else records
    batch.add(Path(path), participant, records, "fitbit-1")
    frame, errors = batch.activities(tz)
    if errors:
        raise next(iter(errors.values()))
    frame = frame.drop(columns=["raw_id", "source", "source_file", "excluded_reason"])
    frame["local_date"] = frame["local_date"].dt.date
    frame["distance_km"] = frame["distance_km"].astype(object).where(frame["distance_km"].notna(), None)
    return frame.to_dict("records")


def activities_frame(rows: list[dict], id_column: str = "participant_id") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[id_column, *ACTIVITY_COLUMNS[1:]])
    frame["is_run"] = frame["is_run"].astype(bool)
    frame["start_utc"] = pd.to_datetime(frame["start_utc"])
    frame["local_date"] = pd.to_datetime(frame["local_date"])
    for column in ("duration_s", "distance_km", *DYNAMICS):
        frame[column] = frame[column].astype(float)
    frame["excluded_reason"] = frame["excluded_reason"].fillna("").astype(str)
    return frame


def flag_uncountable_runs(activities: pd.DataFrame, min_run_s: float, min_run_km: float) -> pd.DataFrame:
    """Runs that cannot count as training stay in the table with the reason: an auto-detection blip
    (7 s, 12 m) or a run logged without a distance (its km would silently read as zero)."""
    open_rows = activities["is_run"] & (activities["excluded_reason"] == "")
    no_distance = open_rows & activities["distance_km"].isna()
    activities.loc[no_distance, "excluded_reason"] = "run without a distance"
    short = (
        open_rows & ~no_distance & ((activities["duration_s"] < min_run_s) | (activities["distance_km"] < min_run_km))
    )
    activities.loc[short, "excluded_reason"] = f"run shorter than {min_run_s:g} s or {min_run_km:g} km"
    return activities


def _start_clusters(person: np.ndarray, is_run: np.ndarray, start: np.ndarray, tolerance_s: float) -> np.ndarray:
    """Cluster number per row: same participant, same run-or-not, each start within tolerance_s of the last."""
    person = pd.factorize(person)[0]
    start = start.astype("datetime64[ns]").astype(np.int64)
    order = np.lexsort((start, is_run, person))
    same_kind = (person[order][1:] == person[order][:-1]) & (is_run[order][1:] == is_run[order][:-1])
    close = np.diff(start[order]) <= tolerance_s * 1e9
    cluster = np.empty(len(order), dtype=np.int64)
    cluster[order] = np.cumsum(np.concatenate([[True], ~(same_kind & close)]))
    return cluster


def flag_duplicates(activities: pd.DataFrame, tolerance_s: float, source_priority: list[str]) -> pd.DataFrame:
    """The same activity synced from two sources (or twice) counts once.

    Rows are one activity when they belong to the same participant, are both runs or both not, and each
    starts within tolerance_s of the one before it. The row counted is from the source first in
    source_priority (then the longer distance, then file and log id), so the choice never depends on
    file order; the others stay in the table with excluded_reason naming the row they duplicate.
    """
    candidates = np.flatnonzero(activities["excluded_reason"].to_numpy() == "")
    cluster = _start_clusters(
        *(activities[column].to_numpy()[candidates] for column in ("participant_id", "is_run", "start_utc")),
        tolerance_s,
    )
    # most activities are alone in their cluster: only the rest are copied out and ranked
    shared = pd.Series(cluster).duplicated(keep=False).to_numpy()
    rank = {source: i for i, source in enumerate(source_priority)}
    contested = activities.iloc[candidates[shared]]
    contested = contested.assign(
        _cluster=cluster[shared],
        _rank=contested["source"].map(rank).fillna(len(rank)),
        _km=-contested["distance_km"].fillna(0),
    )
    ranked = contested.sort_values(["_cluster", "_rank", "_km", "source_file", "log_id"], kind="mergesort")
    counted = ranked.groupby("_cluster").head(1)
    duplicates = ranked.drop(index=counted.index)
    kept = counted.set_index("_cluster")
    labels = "duplicate of " + kept["source"] + " " + kept["source_file"] + " " + kept["log_id"]
    activities.loc[duplicates.index, "excluded_reason"] = duplicates["_cluster"].map(labels)
    return activities
