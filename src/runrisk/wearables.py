"""Fitbit account-export exercise logs into one row per recorded activity."""

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
RUN_NAMES = {"run", "running", "treadmill", "outdoor run"}
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
]
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


def fitbit_activity(record: dict, tz: ZoneInfo) -> dict:
    start = parse_fitbit_time(str(record["startTime"]), tz)
    name = str(record.get("activityName", "")).strip()
    return {
        "log_id": str(record.get("logId", "")),
        "activity": name,
        "is_run": name.lower() in RUN_NAMES,
        "start_utc": start.astimezone(dt.UTC).replace(tzinfo=None),
        "local_date": start.astimezone(tz).date(),
        "duration_s": float(record.get("duration", 0)) / 1000.0,
        "distance_km": distance_km(record),
    }


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
    # one run synced twice (same start, same type) counts once
    return frame.drop_duplicates(["participant_id", "activity", "start_utc"], keep="first")
