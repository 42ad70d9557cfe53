"""Fitabase dailyActivity CSVs: one row per day (worn or not), with a running distance proxy.

Fitabase daily files carry no activity types. The running distance of a day is the configured column
(default VeryActiveDistance, km); a day with no steps was not worn.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from runrisk.errors import InputError
from runrisk.io.wearables import make_activity

REQUIRED = ["Id", "ActivityDate", "TotalSteps", "TotalDistance", "VeryActiveMinutes"]


def read_fitabase_daily(path: str | Path, participant: str, tz: dt.tzinfo, running_column: str) -> list[dict]:
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, f"not a readable UTF-8 CSV: {exc}", participant) from exc
    missing = [c for c in [*REQUIRED, running_column] if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing Fitabase column(s) {missing}", participant)
    ids = sorted(set(frame["Id"]))
    if len(ids) > 1:
        raise InputError(
            path, f"holds {len(ids)} Fitabase Ids; a participant's folder must hold one user's rows", participant
        )
    rows = []
    for line, record in enumerate(frame.itertuples(index=False), start=2):
        try:
            day = dt.datetime.strptime(record.ActivityDate.strip(), "%m/%d/%Y").replace(tzinfo=tz)
            if int(float(record.TotalSteps)) <= 0:
                continue  # no steps: the tracker was not worn that day
            row = make_activity(
                str(line),
                "daily_summary",
                day,
                tz,
                60.0 * float(record.VeryActiveMinutes),
                float(getattr(record, running_column)),
            )
        except ValueError as exc:
            raise InputError(path, f"{exc}", participant, row=line) from exc
        row["is_run"] = row["distance_km"] > 0
        rows.append(row)
    return rows
