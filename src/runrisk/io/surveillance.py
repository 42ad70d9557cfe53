"""Participants, weekly injury reports (OSTRC-O2) and physician diagnoses from the study's CSVs.

Only contract columns leave this module: names, e-mails or birth dates in a raw CSV are dropped here.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.errors import InputError, described, first_reasons
from runrisk.ids import pseudonymise
from runrisk.io.csvfiles import read_study_csv, spreadsheet_row
from runrisk.io.quarantine import Quarantine, attempt
from runrisk.io.vocabulary import Vocabulary, sex_code

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


def _yes_no(text: str) -> bool:
    token = text.strip().lower()
    if token in YES:
        return True
    if token in NO:
        return False
    raise ValueError(text)


def _date(text: str) -> pd.Timestamp:
    stamp = pd.Timestamp(dt.datetime.strptime(text.strip(), "%Y-%m-%d"))
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
    ("sex", "sex", sex_code, "F or M"),  # or a word for either: io.vocabulary.SEX
    ("height_cm", "height_m", lambda t: _in_range(100, 230)(t) / 100, "a height in cm (100-230)"),
    ("body_mass_kg", "body_mass_kg", _in_range(25, 250), "a body mass in kg (25-250)"),
    ("runner", "runner", _yes_no, "yes/no"),
    ("prior_achilles_problems", "prior_achilles", _yes_no, "yes/no"),
    ("enrolment_date", "enrolment_date", _date, "a date YYYY-MM-DD between 1980 and 2099"),
]
EARLIEST_DATE, LATEST_DATE = pd.Timestamp("1980-01-01"), pd.Timestamp("2100-01-01")
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _not_valid(column: str, text: str, what: str) -> str:
    return f"{column} is not {what} (found {described(text)})"


def _field(path: Path, row: int, pid: str, column: str, text: str, convert, what: str):
    try:
        return convert(text)
    except (ValueError, TypeError, KeyError):
        raise InputError(path, _not_valid(column, text, what), participant=pid, row=row) from None


def _participant_row(path: Path, row: int, record: dict) -> dict:
    pid = record["participant_id"].strip()
    if not SAFE_ID.fullmatch(pid) or ".." in pid:
        raise InputError(  # the id is not repeated: a name or an e-mail typed as an id must not reach a log
            path,
            f"the participant id ({described(pid)}) may hold only letters, digits, '.', '-' and '_' "
            "(it names the participant's raw folders)",
            participant=pid,
            row=row,
            name_participant=False,
        )
    parsed = {"raw_id": pid, "participant_id": pseudonymise(pid)}
    for column, name, convert, what in PARTICIPANT_FIELDS:
        parsed[name] = _field(path, row, pid, column, record[column], convert, what)
    # optional: which lab (and so which model-output convention) measured the participant
    parsed["lab"] = record.get("lab", "").strip()
    return parsed


def raw_participant_ids(path: str | Path) -> list[str]:
    """Every raw id of participants.csv, in file order, read as ingestion reads them: the workflow's DAG
    cuts its shards from this list, so the DAG and the shard jobs agree on who is in which shard."""
    return read_study_csv(path, ["participant_id"])["participant_id"].str.strip().tolist()


def read_participants(
    path: str | Path, quarantine: Quarantine | None = None, only: set[str] | None = None
) -> pd.DataFrame:
    """Validated participants with raw ids kept beside pseudonyms (raw ids never leave ingestion);
    with `only`, just those raw ids are validated (a shard's members), so a shard costs O(shard) rows of
    Python, not O(N).

    Only the contract columns are read: names, e-mails or birth dates in the file are never touched.
    """
    path = Path(path)
    raw = read_study_csv(path, PARTICIPANT_COLUMNS)
    if raw.empty:
        raise InputError(path, "no participants: the file has a header and no rows")
    ids = raw["participant_id"].str.strip()
    duplicated = set(ids[ids.duplicated()])
    wanted = np.flatnonzero(ids.isin(only)) if only is not None else np.arange(len(raw))
    rows = []
    for index, record in zip(wanted, raw.iloc[wanted].to_dict("records"), strict=True):
        row = spreadsheet_row(path, int(index))
        if ids.iat[index] in duplicated:
            error = InputError(path, "participant id appears more than once", participant=ids.iat[index], row=row)
            if quarantine is None:
                raise error
            # every row is one enrolled person in the flow: the rows of a shared id get pseudonyms of their own
            first = index == int(np.flatnonzero(ids.to_numpy() == ids.iat[index])[0])
            quarantine.add(error, "participants", pseudonym=None if first else pseudonymise(f"{ids.iat[index]}#{row}"))
            continue
        parsed = attempt(quarantine, "participants", lambda r=record, n=row: _participant_row(path, n, r))
        if parsed is not None:
            rows.append(parsed)
    return pd.DataFrame(rows, columns=["raw_id", "participant_id", *[f[1] for f in PARTICIPANT_FIELDS], "lab"])


ICD10 = re.compile(r"[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?")  # ICD-10 and ICD-10-CM, with or without the dot
# the OSTRC-O2 scoring of each question (Clarsen et al. 2020): anything else is not an answer
OSTRC_CODES = {
    "q1_participation": (0, 8, 17, 25),
    "q2_training_volume": (0, 6, 13, 19, 25),
    "q3_performance": (0, 6, 13, 19, 25),
    "q4_symptoms": (0, 8, 17, 25),
}


def _ostrc_code(codes: tuple[int, ...]):
    def convert(text: str) -> int:
        value = float(text)
        if value not in codes:
            raise ValueError(text)
        return int(value)

    return convert


def _parsed(column: pd.Series, convert) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text, converted value and failure per row of a categorical column, each distinct text converted
    once (by the same converters the row-wise participant reader uses)."""
    texts = np.asarray(column.cat.categories.astype(str).tolist() + [""], dtype=object)
    values, failed = [], []
    for text in texts:
        try:
            values.append(convert(text))
            failed.append(False)
        except (ValueError, TypeError, KeyError):
            values.append(None)
            failed.append(True)
    codes = column.cat.codes.to_numpy()  # -1 (missing) points at the trailing ""
    return texts[codes], np.asarray(values + [None], dtype=object)[codes], np.asarray(failed + [True])[codes]


def _invalid(column: str, text: np.ndarray, failed: np.ndarray, what: str) -> tuple[np.ndarray, object]:
    """The column-wise form of _field's check: rows whose text failed to convert, and their reason."""
    return failed, lambda i: _not_valid(column, text[i], what)


def _parsed_dates(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text, datetime64 (NaT where invalid) and failure per row of a categorical date column."""
    text, value, failed = _parsed(column, _date)
    return text, value.astype("datetime64[ns]"), failed


def _set_aside_or_raise(
    path: Path,
    raw_ids: np.ndarray,
    reasons: dict[int, str],
    unknown: np.ndarray,
    quarantine: Quarantine | None,
    stage: str,
) -> set[str]:
    """Raise the first bad row's error (stop mode), or quarantine every bad row's participant; returns
    the raw ids set aside."""
    for i, reason in reasons.items():
        error = InputError(path, reason, participant=raw_ids[i], row=spreadsheet_row(path, i))
        if quarantine is None:
            raise error
        quarantine.add(error, stage, enrolled=not unknown[i])
    return {raw_ids[i] for i in reasons if not unknown[i]}


def _participant_rows(
    path: Path,
    raw: pd.DataFrame,
    participants: pd.DataFrame,
    quarantine: Quarantine | None,
    stage: str,
    checks,
) -> pd.DataFrame:
    """Validated rows of a per-participant CSV, checked column-wise. checks(enrolment) gives
    (failed rows, reason of a row) pairs in the order a row is checked; rows of participants already set
    aside are skipped, and a participant with any bad row loses every row (quarantine mode)."""
    known = participants.set_index("raw_id")
    _, raw_ids, _ = _parsed(raw["participant_id"], str.strip)
    ids = pd.Series(raw_ids, dtype=object)
    unknown = ~ids.isin(known.index).to_numpy()
    skipped = ids.isin(quarantine.raw_ids if quarantine is not None else set()).to_numpy()
    enrolment = ids.map(known["enrolment_date"]).to_numpy("datetime64[ns]")
    reasons = first_reasons(
        [(unknown, lambda i: "participant is not in participants.csv"), *checks(enrolment)], len(raw)
    )
    reasons = {i: reason for i, reason in reasons.items() if not skipped[i]}
    dropped = _set_aside_or_raise(path, raw_ids, reasons, unknown, quarantine, stage)
    if quarantine is not None:  # a participant quarantined half-way through loses every row
        dropped |= {p for p in quarantine.raw_ids if p in known.index}
    keep = ~unknown & ~skipped & ~ids.isin(dropped).to_numpy()
    return pd.DataFrame({"participant_id": ids[keep].map(known["participant_id"]).to_numpy(object)}).assign(
        _row=np.flatnonzero(keep)
    )


def _before_enrolment(
    what: str, date: np.ndarray, failed: np.ndarray, enrolment: np.ndarray, days: int, hint: str = ""
) -> tuple[np.ndarray, object]:
    early = ~failed & (date < enrolment - np.timedelta64(days, "D"))
    return (
        early,
        lambda i: (
            f"{what} dated {pd.Timestamp(date[i]).date()} is before enrolment ({pd.Timestamp(enrolment[i]).date()})"
            + hint
        ),
    )


def read_weekly_reports(
    path: str | Path, participants: pd.DataFrame, regions: Vocabulary, quarantine: Quarantine | None = None
) -> pd.DataFrame:
    path = Path(path)
    raw = read_study_csv(path, REPORT_COLUMNS, categorical=True)
    date_text, date, bad_date = _parsed_dates(raw["report_date"])
    answers = {c: _parsed(raw[c], _ostrc_code(codes)) for c, codes in OSTRC_CODES.items()}
    region_text, region, bad_region = _parsed(raw["body_region"], regions.canonical)

    def checks(enrolment):
        return [
            _invalid("report_date", date_text, bad_date, "a date YYYY-MM-DD"),
            _before_enrolment("weekly report", date, bad_date, enrolment, days=7),
            *[
                _invalid(c, text, failed, f"an OSTRC-O2 code of this question ({', '.join(map(str, OSTRC_CODES[c]))})")
                for c, (text, _, failed) in answers.items()
            ],
            _invalid("body_region", region_text, bad_region, regions.describe()),
        ]

    rows = _participant_rows(path, raw, participants, quarantine, "weekly_reports", checks)
    kept = rows.pop("_row").to_numpy()
    reports = rows.assign(
        report_date=date[kept],
        **{c: values[kept].astype(int) for c, (_, values, _) in answers.items()},
        body_region=region[kept].astype(str),
    )
    reports["severity"] = reports[REPORT_COLUMNS[2:6]].sum(axis=1).astype(int)
    return reports


def read_diagnoses(
    path: str | Path, participants: pd.DataFrame, sides: Vocabulary, quarantine: Quarantine | None = None
) -> pd.DataFrame:
    path = Path(path)
    raw = read_study_csv(path, DIAGNOSIS_COLUMNS, categorical=True)
    date_text, date, bad_date = _parsed_dates(raw["diagnosis_date"])
    code_text, code, bad_code = _parsed(raw["icd10"], _icd10)
    side_text, side, bad_side = _parsed(raw["side"], sides.canonical)

    def checks(enrolment):
        hint = "; record prior problems in participants.csv instead"
        return [
            _invalid("diagnosis_date", date_text, bad_date, "a date YYYY-MM-DD"),
            _before_enrolment("diagnosis", date, bad_date, enrolment, days=0, hint=hint),
            _invalid("icd10", code_text, bad_code, "an ICD-10 code such as M76.6"),
            _invalid("side", side_text, bad_side, sides.describe()),
        ]

    rows = _participant_rows(path, raw, participants, quarantine, "diagnoses", checks)
    kept = rows.pop("_row").to_numpy()
    return rows.assign(
        diagnosis_date=date[kept],
        side=side[kept].astype(str),
        icd10=code[kept],
    )


def _icd10(text: str) -> str:
    code = text.strip().upper()
    if not ICD10.fullmatch(code):
        raise ValueError(text)
    return code
