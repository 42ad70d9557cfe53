"""Participants, weekly injury reports (OSTRC-O2) and physician diagnoses from the study's CSVs.

Only contract columns leave this module: names, e-mails or birth dates in a raw CSV are dropped here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from runrisk.errors import InputError
from runrisk.ids import pseudonymise

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


def _parse(frame: pd.DataFrame, column: str, path: Path, convert, what: str) -> pd.Series:
    values = []
    for row, (pid, text) in enumerate(zip(frame["participant_id"], frame[column], strict=True), start=2):
        try:
            values.append(convert(text))
        except (ValueError, TypeError):
            raise InputError(path, f"{column} {text!r} is not {what}", participant=pid, row=row) from None
    return pd.Series(values, index=frame.index)


def _yes_no(text: str) -> bool:
    token = text.strip().lower()
    if token in YES:
        return True
    if token in NO:
        return False
    raise ValueError(text)


def _date(text: str) -> pd.Timestamp:
    return pd.Timestamp(pd.to_datetime(text.strip(), format="%Y-%m-%d"))


def _in_range(low: float, high: float):
    def convert(text: str) -> float:
        value = float(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return convert


def read_participants(path: str | Path) -> pd.DataFrame:
    """Validated participants with raw ids kept beside pseudonyms (raw ids never leave ingestion)."""
    path = Path(path)
    raw = read_csv(path, PARTICIPANT_COLUMNS)
    duplicated = raw["participant_id"][raw["participant_id"].duplicated()]
    if len(duplicated):
        raise InputError(path, f"participant id appears more than once: {sorted(set(duplicated))[:5]}")
    sex = raw["sex"].str.strip().str.upper()
    bad_sex = raw.index[~sex.isin(["F", "M"])]
    if len(bad_sex):
        i = bad_sex[0]
        raise InputError(
            path, f"sex {raw.at[i, 'sex']!r} is not F or M", participant=raw.at[i, "participant_id"], row=i + 2
        )
    return pd.DataFrame(
        {
            "raw_id": raw["participant_id"].str.strip(),
            "participant_id": [pseudonymise(i.strip()) for i in raw["participant_id"]],
            "age": _parse(raw, "age", path, _in_range(10, 100), "an age in years between 10 and 100"),
            "sex": sex,
            "height_m": _parse(raw, "height_cm", path, _in_range(100, 230), "a height in cm (100-230)") / 100,
            "body_mass_kg": _parse(raw, "body_mass_kg", path, _in_range(25, 250), "a body mass in kg (25-250)"),
            "runner": _parse(raw, "runner", path, _yes_no, "yes/no"),
            "prior_achilles": _parse(raw, "prior_achilles_problems", path, _yes_no, "yes/no"),
            "enrolment_date": _parse(raw, "enrolment_date", path, _date, "a date YYYY-MM-DD"),
            # optional: which lab (and so which model-output convention) measured the participant
            "lab": raw["lab"].str.strip() if "lab" in raw.columns else "",
        }
    )


def _link(frame: pd.DataFrame, participants: pd.DataFrame, path: Path) -> pd.Series:
    known = dict(zip(participants["raw_id"], participants["participant_id"], strict=True))
    unknown = frame.index[~frame["participant_id"].isin(known)]
    if len(unknown):
        i = unknown[0]
        raise InputError(
            path, "participant is not in participants.csv", participant=frame.at[i, "participant_id"], row=i + 2
        )
    return frame["participant_id"].map(known)


def read_weekly_reports(path: str | Path, participants: pd.DataFrame) -> pd.DataFrame:
    path = Path(path)
    raw = read_csv(path, REPORT_COLUMNS)
    answers = {
        c: _parse(raw, c, path, lambda t: int(_in_range(0, 25)(t)), "an OSTRC answer 0-25").astype(int)
        for c in REPORT_COLUMNS[2:6]
    }
    reports = pd.DataFrame(
        {
            "participant_id": _link(raw, participants, path),
            "report_date": _parse(raw, "report_date", path, _date, "a date YYYY-MM-DD"),
            **answers,
            "body_region": raw["body_region"].str.strip().str.lower(),
        }
    )
    reports["severity"] = reports[REPORT_COLUMNS[2:6]].sum(axis=1)
    return reports


def read_diagnoses(path: str | Path, participants: pd.DataFrame) -> pd.DataFrame:
    path = Path(path)
    raw = read_csv(path, DIAGNOSIS_COLUMNS)
    diagnoses = pd.DataFrame(
        {
            "participant_id": _link(raw, participants, path),
            "diagnosis_date": _parse(raw, "diagnosis_date", path, _date, "a date YYYY-MM-DD"),
            "side": raw["side"].str.strip().str.lower(),
            "icd10": raw["icd10"].str.strip().str.upper(),
        }
    )
    enrol = diagnoses["participant_id"].map(participants.set_index("participant_id")["enrolment_date"])
    early = diagnoses.index[diagnoses["diagnosis_date"] < enrol]
    if len(early):
        i = early[0]
        raise InputError(
            path,
            f"diagnosis dated {raw.at[i, 'diagnosis_date']} is before enrolment "
            f"({enrol[i].date()}); record prior problems in participants.csv instead",
            participant=raw.at[i, "participant_id"],
            row=i + 2,
        )
    return diagnoses
