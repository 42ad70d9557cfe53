"""Fitbit account-export `exercise-N.json` files from the weekly truth of one participant."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.simulate.cohort import STREAM_FITBIT, participant_rng

KM_PER_MILE = 1.609344
RECORDS_PER_FILE = 100  # Fitbit splits the archive every 100 records, named by offset
FITBIT_TIME = "%m/%d/%y %H:%M:%S"


def _record(
    rng: np.random.Generator,
    name: str,
    start: dt.datetime,
    seconds: float,
    km: float | None,
    uses_miles: bool,
    log_type: str,
) -> dict:
    record = {
        "logId": int(rng.integers(10**9, 10**11)),
        "activityName": name,
        "activityTypeId": 90009 if name == "Run" else 90013,
        "averageHeartRate": int(rng.integers(95, 170)),
        "calories": int(seconds / 60 * (11 if name == "Run" else 4)),
        "duration": int(round(seconds * 1000)),
        "activeDuration": int(round(seconds * 1000)),
        "steps": int(seconds * (2.7 if name == "Run" else 1.8)),
        "logType": log_type,
        "manualValuesSpecified": {"calories": False, "distance": False, "steps": False},
        "lastModified": (start + dt.timedelta(hours=2)).strftime(FITBIT_TIME),
        "startTime": start.strftime(FITBIT_TIME),
        "originalStartTime": start.strftime(FITBIT_TIME),
        "originalDuration": int(round(seconds * 1000)),
        "hasGps": False,
        "shouldFetchDetails": False,
    }
    if km is not None:
        record["distance"] = round(km / KM_PER_MILE, 6) if uses_miles else round(km, 6)
        record["distanceUnit"] = "Mile" if uses_miles else "Kilometer"
    return record


def week_start(enrolment: dt.date, week: int) -> dt.date:
    """Week 0 is the baseline week before enrolment; week w >= 1 starts 7(w-1) days after it."""
    return enrolment + dt.timedelta(days=7 * (week - 1))


def week_records(rng: np.random.Generator, enrolment: dt.date, week: int, km: float, uses_miles: bool) -> list[dict]:
    records = []
    first_day = week_start(enrolment, week)
    if km > 0:
        n_runs = int(np.clip(round(km / rng.uniform(5, 9)), 1, 6))
        days = np.sort(rng.choice(7, size=n_runs, replace=False))
        shares = rng.dirichlet(np.full(n_runs, 4.0))
        run_km = np.round(km * shares, 6)
        run_km[-1] = round(km - run_km[:-1].sum(), 6)  # runs sum exactly to the weekly truth
        pace_s_per_km = rng.uniform(290, 400)
        for day, distance in zip(days, run_km, strict=True):
            start = dt.datetime.combine(
                first_day + dt.timedelta(days=int(day)),
                dt.time(int(rng.integers(6, 20)), int(rng.integers(0, 60)), int(rng.integers(0, 60))),
            )
            records.append(
                _record(rng, "Run", start, distance * pace_s_per_km, float(distance), uses_miles, "auto_detected")
            )
    for _ in range(1 + int(rng.poisson(2))):
        day = int(rng.integers(0, 7))
        start = dt.datetime.combine(
            first_day + dt.timedelta(days=day), dt.time(int(rng.integers(7, 21)), int(rng.integers(0, 60)))
        )
        seconds = float(rng.uniform(600, 3600))
        distance = seconds / 60 * 0.08 if rng.random() < 0.5 else None
        records.append(_record(rng, "Walk", start, seconds, distance, uses_miles, "auto_detected"))
    return records


def write_fitbit_export(person: dict, weeks: pd.DataFrame, out_dir: Path, seed: int) -> list[Path]:
    """exercise-0.json, exercise-100.json, ... like a Fitbit account archive; nothing if never worn."""
    rng = participant_rng(seed, person["index"], STREAM_FITBIT)
    records = []
    for row in weeks.itertuples():
        if row.worn:
            records.extend(
                week_records(rng, person["enrolment_date"], int(row.week), float(row.km), person["uses_miles"])
            )
    if not records:
        return []
    records.sort(key=lambda r: dt.datetime.strptime(r["startTime"], FITBIT_TIME))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for offset in range(0, len(records), RECORDS_PER_FILE):
        path = out_dir / f"exercise-{offset}.json"
        # compact: json's indenting encoder is pure Python, a tenth of the default's speed; readers don't care
        path.write_text(json.dumps(records[offset : offset + RECORDS_PER_FILE]))
        paths.append(path)
    return paths
