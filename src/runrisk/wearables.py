"""Wearable exports into one row per recorded activity: the shared row builder and Fitbit JSON.

Garmin FIT, GPX and TCX live in runrisk.garmin; Fitabase daily CSVs in runrisk.fitabase.
GPS coordinates are read only to sum distances and never leave these modules.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from runrisk.errors import InputError

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
    "excluded_reason",
]
MAX_ACTIVITY_KM = 250.0  # longer than any ultra a wearable logs in one activity: a unit or sync error
FITBIT_FORMATS = ("%m/%d/%y %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")


def parse_fitbit_time(text: str, tz: ZoneInfo) -> dt.datetime:
    """Aware datetime from Fitbit's archive (local, no zone) or Web API (ISO with offset) form."""
    for fmt in FITBIT_FORMATS:
        try:
            stamp = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=tz)
    raise ValueError(f"startTime {text!r} matches none of {FITBIT_FORMATS}")


def distance_km(record: dict) -> float | None:
    if record.get("distance") is None:
        return None
    unit = str(record.get("distanceUnit", "")).strip().lower()
    if unit not in KM_PER_UNIT:
        raise ValueError(
            f"distance {record['distance']} has distanceUnit {record.get('distanceUnit')!r}; "
            f"expected one of Kilometer, Mile, Meter"
        )
    value = float(record["distance"])
    if value < 0:
        raise ValueError(f"negative distance {value}")
    return value * KM_PER_UNIT[unit]


def make_activity(
    log_id: str, activity: str, start: dt.datetime, local_tz: dt.tzinfo, duration_s: float, distance_km: float | None
) -> dict:
    """One activities row from an aware start time; the local date is in the participant's zone."""
    if start.tzinfo is None:
        raise ValueError("start time has no time zone")
    if distance_km is not None and not 0 <= distance_km <= MAX_ACTIVITY_KM:
        raise ValueError(f"distance {distance_km:.1f} km is outside 0-{MAX_ACTIVITY_KM:g} km for one activity")
    if not 0 <= duration_s <= 48 * 3600:
        raise ValueError(f"duration {duration_s:.0f} s is outside 0-48 h")
    return {
        "log_id": str(log_id),
        "activity": activity,
        "is_run": activity.strip().lower() in RUN_NAMES,
        "start_utc": start.astimezone(dt.UTC).replace(tzinfo=None),
        "local_date": start.astimezone(local_tz).date(),
        "duration_s": float(duration_s),
        "distance_km": distance_km,
    }


def fitbit_activity(record: dict, tz: ZoneInfo) -> dict:
    start = parse_fitbit_time(str(record["startTime"]), tz)
    # the Web API writes the zone into startTime; the archive writes local time without one
    local_tz = start.tzinfo if start.tzinfo is not tz else tz
    return make_activity(
        str(record.get("logId", "")),
        str(record.get("activityName", "")).strip(),
        start,
        local_tz,
        float(record.get("duration", 0)) / 1000.0,
        distance_km(record),
    )


def read_fitbit_exercise(path: str | Path, participant: str, tz: ZoneInfo) -> list[dict]:
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, f"not valid UTF-8 JSON: {exc}", participant=participant) from exc
    records = payload.get("activities", payload) if isinstance(payload, dict) else payload
    if not isinstance(records, list):
        raise InputError(path, "expected a JSON list of exercise records", participant=participant)
    rows = []
    for i, record in enumerate(records):
        try:
            rows.append(fitbit_activity(record, tz))
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(path, f"record {i}: {exc}", participant=participant) from exc
    return rows


def activities_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=ACTIVITY_COLUMNS)
    frame["is_run"] = frame["is_run"].astype(bool)
    frame["start_utc"] = pd.to_datetime(frame["start_utc"])
    frame["local_date"] = pd.to_datetime(frame["local_date"])
    for column in ("duration_s", "distance_km"):
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


def flag_duplicates(activities: pd.DataFrame, tolerance_s: float, source_priority: list[str]) -> pd.DataFrame:
    """The same activity synced from two sources (or twice) counts once.

    Rows are one activity when they belong to the same participant, are both runs or both not, and each
    starts within tolerance_s of the one before it. The row counted is from the source first in
    source_priority (then the longer distance, then file and log id), so the choice never depends on
    file order; the others stay in the table with excluded_reason naming the row they duplicate.
    """
    candidates = activities[activities["excluded_reason"] == ""]
    if candidates.empty:
        return activities
    rank = {source: i for i, source in enumerate(source_priority)}
    ordered = candidates.assign(
        _rank=candidates["source"].map(rank).fillna(len(rank)), _km=-candidates["distance_km"].fillna(0)
    )
    ordered = ordered.sort_values(["participant_id", "is_run", "start_utc"], kind="mergesort")
    same_kind = ordered[["participant_id", "is_run"]].eq(ordered[["participant_id", "is_run"]].shift()).all(axis=1)
    gap = ordered["start_utc"].diff().dt.total_seconds()
    ordered["_cluster"] = (~(same_kind & (gap <= tolerance_s))).cumsum()
    ranked = ordered.sort_values(["_cluster", "_rank", "_km", "source_file", "log_id"], kind="mergesort")
    counted = ranked.groupby("_cluster").head(1)
    duplicates = ranked.drop(index=counted.index)
    kept = counted.set_index("_cluster")
    labels = ("duplicate of " + kept["source"] + " " + kept["source_file"] + " " + kept["log_id"]).to_dict()
    activities.loc[duplicates.index, "excluded_reason"] = duplicates["_cluster"].map(labels)
    return activities
