"""Participants, weekly injury reports (OSTRC-O2) and physician diagnoses from the study's CSVs.

Only contract columns leave this module: names, e-mails or birth dates in a raw CSV are dropped here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from runrisk.errors import InputError
from runrisk.ids import pseudonymise
from runrisk.quarantine import Quarantine, attempt

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
PARTICIPANT_COLUMNS = [
    "participant_id",
    "age",
    "sex",
    "height_cm",
    "body_mass_kg",
    "runner",
    "prior_achilles_problems",
    "enrolment_date",
]
REPORT_COLUMNS = [
    "participant_id",
    "report_date",
    "q1_participation",
    "q2_training_volume",
    "q3_performance",
    "q4_symptoms",
    "body_region",
]
DIAGNOSIS_COLUMNS = ["participant_id", "diagnosis_date", "side", "icd10"]


def read_csv(path: str | Path, required: list[str]) -> pd.DataFrame:
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        raise InputError(path, f"not a readable CSV: {exc}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; found {list(frame.columns)}")
    return frame


def _yes_no(text: str) -> bool:
    token = text.strip().lower()
    if token in YES:
        return True
    if token in NO:
        return False
    raise ValueError(text)


def _date(text: str) -> pd.Timestamp:
    stamp = pd.Timestamp(pd.to_datetime(text.strip(), format="%Y-%m-%d"))
    if not EARLIEST_DATE <= stamp < LATEST_DATE:
        raise ValueError(text)
    return stamp


def _in_range(low: float, high: float):
    def convert(text: str) -> float:
        value = float(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return convert


PARTICIPANT_FIELDS = [  # column, output name, converter, what a valid value is
    ("age", "age", _in_range(10, 100), "an age in years between 10 and 100"),
    ("sex", "sex", lambda t: {"F": "F", "M": "M"}[t.strip().upper()], "F or M"),
    ("height_cm", "height_m", lambda t: _in_range(100, 230)(t) / 100, "a height in cm (100-230)"),
    ("body_mass_kg", "body_mass_kg", _in_range(25, 250), "a body mass in kg (25-250)"),
    ("runner", "runner", _yes_no, "yes/no"),
    ("prior_achilles_problems", "prior_achilles", _yes_no, "yes/no"),
    ("enrolment_date", "enrolment_date", _date, "a date YYYY-MM-DD between 1980 and 2099"),
]
EARLIEST_DATE, LATEST_DATE = pd.Timestamp("1980-01-01"), pd.Timestamp("2100-01-01")
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _field(path: Path, row: int, pid: str, column: str, text: str, convert, what: str):
    try:
        return convert(text)
    except (ValueError, TypeError, KeyError):
        raise InputError(path, f"{column} {text!r} is not {what}", participant=pid, row=row) from None


def _participant_row(path: Path, row: int, record: dict) -> dict:
    pid = record["participant_id"].strip()
    if not SAFE_ID.fullmatch(pid) or ".." in pid:
        raise InputError(
            path,
            f"participant id {pid!r} may hold only letters, digits, '.', '-' and '_' "
            "(it names the participant's raw folders)",
            participant=pid,
            row=row,
        )
    parsed = {"raw_id": pid, "participant_id": pseudonymise(pid)}
    for column, name, convert, what in PARTICIPANT_FIELDS:
        parsed[name] = _field(path, row, pid, column, record[column], convert, what)
    # optional: which lab (and so which model-output convention) measured the participant
    parsed["lab"] = record.get("lab", "").strip()
    return parsed


def read_participants(path: str | Path, quarantine: Quarantine | None = None) -> pd.DataFrame:
    """Validated participants with raw ids kept beside pseudonyms (raw ids never leave ingestion).

    Only the contract columns are read: names, e-mails or birth dates in the file are never touched.
    """
    path = Path(path)
    raw = read_csv(path, PARTICIPANT_COLUMNS)
    if raw.empty:
        raise InputError(path, "no participants: the file has a header and no rows")
    ids = raw["participant_id"].str.strip()
    duplicated = set(ids[ids.duplicated()])
    rows = []
    for index, record in enumerate(raw.to_dict("records")):
        row = index + 2
        if record["participant_id"].strip() in duplicated:
            error = InputError(path, "participant id appears more than once", participant=ids[index], row=row)
            if quarantine is None:
                raise error
            quarantine.add(error, "participants")
            continue
        parsed = attempt(quarantine, "participants", lambda r=record, n=row: _participant_row(path, n, r))
        if parsed is not None:
            rows.append(parsed)
    return pd.DataFrame(rows, columns=["raw_id", "participant_id", *[f[1] for f in PARTICIPANT_FIELDS], "lab"])


ICD10 = re.compile(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?")
OSTRC_ANSWER = ("an OSTRC-O2 answer 0-25", lambda t: int(_in_range(0, 25)(t)))


def _records(
    path: Path, raw: pd.DataFrame, participants: pd.DataFrame, quarantine: Quarantine | None, stage: str, parse_row
) -> list[dict]:
    """Rows of a per-participant CSV, each parsed by parse_row(row, record, participant), or quarantined."""
    known = participants.set_index("raw_id")
    skipped = quarantine.raw_ids if quarantine is not None else set()
    rows = []
    for index, record in enumerate(raw.to_dict("records")):
        row, pid = index + 2, record["participant_id"].strip()
        if pid in skipped:
            continue  # already set aside: its other records say nothing more
        if pid not in known.index:
            error = InputError(path, "participant is not in participants.csv", participant=pid, row=row)
            if quarantine is None:
                raise error
            quarantine.add(error, stage, enrolled=False)
            continue
        parsed = attempt(quarantine, stage, lambda r=record, n=row, p=pid: parse_row(n, r, known.loc[p]))
        if parsed is not None:
            rows.append({"participant_id": known.at[pid, "participant_id"], **parsed})
    if quarantine is not None:  # a participant quarantined half-way through loses every row
        dropped = {known.at[p, "participant_id"] for p in quarantine.raw_ids if p in known.index}
        rows = [r for r in rows if r["participant_id"] not in dropped]
    return rows


def _not_before_enrolment(path: Path, row: int, pid: str, what: str, date: pd.Timestamp, participant, days: int):
    earliest = participant["enrolment_date"] - pd.Timedelta(days=days)
    if date < earliest:
        raise InputError(
            path,
            f"{what} dated {date.date()} is before enrolment ({participant['enrolment_date'].date()})"
            + ("; record prior problems in participants.csv instead" if what == "diagnosis" else ""),
            participant=pid,
            row=row,
        )


def read_weekly_reports(
    path: str | Path, participants: pd.DataFrame, quarantine: Quarantine | None = None
) -> pd.DataFrame:
    path = Path(path)
    raw = read_csv(path, REPORT_COLUMNS)

    def parse_row(row, record, participant):
        pid = participant.name
        date = _field(path, row, pid, "report_date", record["report_date"], _date, "a date YYYY-MM-DD")
        _not_before_enrolment(path, row, pid, "weekly report", date, participant, days=7)
        answers = {
            c: _field(path, row, pid, c, record[c], OSTRC_ANSWER[1], OSTRC_ANSWER[0]) for c in REPORT_COLUMNS[2:6]
        }
        return {"report_date": date, **answers, "body_region": record["body_region"].strip().lower()}

    reports = pd.DataFrame(
        _records(path, raw, participants, quarantine, "weekly_reports", parse_row),
        columns=["participant_id", "report_date", *REPORT_COLUMNS[2:6], "body_region"],
    )
    reports["severity"] = reports[REPORT_COLUMNS[2:6]].sum(axis=1).astype(int)
    return reports


def read_diagnoses(path: str | Path, participants: pd.DataFrame, quarantine: Quarantine | None = None) -> pd.DataFrame:
    path = Path(path)
    raw = read_csv(path, DIAGNOSIS_COLUMNS)

    def parse_row(row, record, participant):
        pid = participant.name
        date = _field(path, row, pid, "diagnosis_date", record["diagnosis_date"], _date, "a date YYYY-MM-DD")
        _not_before_enrolment(path, row, pid, "diagnosis", date, participant, days=0)
        code = record["icd10"].strip().upper()
        if not ICD10.fullmatch(code):
            raise InputError(
                path, f"icd10 {record['icd10']!r} is not an ICD-10 code such as M76.6", participant=pid, row=row
            )
        return {"diagnosis_date": date, "side": record["side"].strip().lower(), "icd10": code}

    return pd.DataFrame(
        _records(path, raw, participants, quarantine, "diagnoses", parse_row),
        columns=["participant_id", "diagnosis_date", "side", "icd10"],
    )
