"""Fitabase dailyActivity CSVs: one row per day (worn or not), with a running distance proxy.

Fitabase daily files carry no activity types. The running distance of a day is the configured column
(default VeryActiveDistance, km); a day with no steps was not worn.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from runrisk.errors import InputError, described
from runrisk.io.csvfiles import parser_error_words
from runrisk.io.wearables import make_activity

REQUIRED = ["Id", "ActivityDate", "TotalSteps", "TotalDistance", "VeryActiveMinutes"]


def _number(text: str, column: str, path: Path, participant: str, line: int) -> float:
    """A cell as a number, or bad input naming the column (a cell's text is never repeated)."""
    try:
        value = float(text)
    except ValueError:
        raise InputError(path, f"{column} is not a number (found {described(text)})", participant, row=line) from None
    if value != value:
        raise InputError(path, f"{column} is not a number", participant, row=line)
    return value


def read_fitabase_daily(path: str | Path, participant: str, tz: dt.tzinfo, running_column: str) -> list[dict]:
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not a readable UTF-8 CSV: not UTF-8 text (byte {exc.start})", participant) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "not a readable UTF-8 CSV: the file is empty (no header)", participant) from exc
    except pd.errors.ParserError as exc:
        raise InputError(path, f"not a readable UTF-8 CSV: {parser_error_words(exc)}", participant) from exc
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
        except ValueError:
            raise InputError(path, "ActivityDate is not a date written M/D/YYYY", participant, row=line) from None
        steps = _number(record.TotalSteps, "TotalSteps", path, participant, line)
        if steps <= 0:
            continue  # no steps: the tracker was not worn that day
        minutes = _number(record.VeryActiveMinutes, "VeryActiveMinutes", path, participant, line)
        km = _number(getattr(record, running_column), running_column, path, participant, line)
        try:
            row = make_activity(str(line), "daily_summary", day, tz, 60.0 * minutes, km)
        except ValueError as exc:  # make_activity's own words: a distance or duration out of range
            raise InputError(path, f"{exc}", participant, row=line) from exc
        row["is_run"] = row["distance_km"] > 0
        rows.append(row)
    return rows
