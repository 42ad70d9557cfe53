"""A runner's response logs: how the Achilles tendon answers the load, as a clinic or a coach follows it.

Four CSV files in a runner's folder (file names without regard to case; Excel's encodings and delimiters
as every study CSV; headers in English or Dutch, without regard to case; any other column, a note, is
never read):

- `visa_a.csv`: the VISA-A questionnaire (Robinson et al. 2001, BJSM 35:335; Dutch version validated by
  de Knikker et al. 2008). `date`/`datum`, `q1` ... `q7` and `q8` as the form scores them: items 1-6
  0-10 points, item 7 one of 0, 4, 7, 10; `q8_part`/`q8_deel` the part of item 8 the runner answered
  (A no pain while loading the tendon in sport, B pain that does not stop the training, C pain that
  stops it) and `q8` its points (A: 0, 7, 14, 21, 30; B: 0, 4, 10, 14, 20; C: 0, 2, 5, 7, 10). The
  score is their sum, 0-100 (100: no symptoms).
- `pain_monitoring.csv`: the pain-monitoring model's numbers (Silbernagel et al. 2007, AJSM 35:897),
  0-10 each, any of them on a row: `morning_pain`/`ochtendpijn`, `morning_stiffness`/`ochtendstijfheid`
  (on getting up), `pain_during`/`pijn_tijdens` and `pain_after`/`pijn_na` (a run or a training that day).
- `heel_raise.csv`: the single-leg heel-raise test (Silbernagel et al. 2020's capacity test, to fatigue):
  `date`/`datum`, `side`/`zijde` (left/right, links/rechts) and `reps`/`herhalingen`, a count.
- `capacity.csv`: capacity work, one row a session: `date`/`datum`, `kind`/`soort` (strength/kracht,
  calf/kuit, heel_raise/hielheffen) and optional `minutes`/`minuten`.

A bad row is that row alone (an item out of its range, a count that is not a count, pain outside 0-10,
a date after today): it is listed by its row number with the reason and the log's other rows are read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.errors import InputError
from runrisk.io.csvfiles import read_study_csv
from runrisk.io.vocabulary import Vocabulary

VISA_A, PAIN_LOG, HEEL_RAISE, CAPACITY = "visa_a.csv", "pain_monitoring.csv", "heel_raise.csv", "capacity.csv"
RESPONSE_FILES = (VISA_A, PAIN_LOG, HEEL_RAISE, CAPACITY)
DATE_WORDS = ("date", "datum")

# VISA-A's points per item as the published form scores them (Robinson et al. 2001): items 1-6 a 0-10
# scale, item 7 four categories, item 8 one of three parts by whether pain stops the training
VISA_ITEMS = {f"q{n}": tuple(range(11)) for n in range(1, 7)} | {"q7": (0, 4, 7, 10)}
VISA_Q8 = {"A": (0, 7, 14, 21, 30), "B": (0, 4, 10, 14, 20), "C": (0, 2, 5, 7, 10)}
VISA_WORDS = {f"q{n}": (f"q{n}", f"vraag{n}", f"vraag_{n}") for n in range(1, 9)} | {
    "q8_part": ("q8_part", "q8_deel", "q8 part", "q8 deel")
}
VISA_COLUMNS = ["date", *VISA_ITEMS, "q8_part", "q8", "visa_a", "row"]

PAIN_WORDS = {
    "morning_pain": ("morning_pain", "ochtendpijn", "pijn_ochtend"),
    "morning_stiffness": ("morning_stiffness", "ochtendstijfheid", "stijfheid_ochtend"),
    "pain_during": ("pain_during", "pijn_tijdens"),
    "pain_after": ("pain_after", "pijn_na"),
}
PAIN_COLUMNS = ["date", *PAIN_WORDS, "row"]

HEEL_WORDS = {"side": ("side", "zijde", "kant"), "reps": ("reps", "repetitions", "herhalingen", "aantal")}
HEEL_SIDES = Vocabulary.of(
    "side (left or right)",
    "runrisk.io.response.HEEL_SIDES",
    ("left", "right"),
    {"left": ("l", "lt", "links", "li"), "right": ("r", "rt", "rechts", "re")},
)
HEEL_COLUMNS = ["date", "side", "reps", "row"]

CAPACITY_WORDS = {"kind": ("kind", "soort", "type"), "minutes": ("minutes", "minuten", "min")}
CAPACITY_KINDS = Vocabulary.of(
    "kind of capacity work (strength, calf or heel_raise)",
    "runrisk.io.response.CAPACITY_KINDS",
    ("strength", "calf", "heel_raise"),
    {
        "strength": ("kracht", "krachttraining", "strength training", "gym"),
        "calf": ("kuit", "kuiten", "calf raises", "kuitspieren"),
        "heel_raise": ("heel raises", "hielheffen", "hakheffen", "heel rise", "heel rises"),
    },
)
CAPACITY_COLUMNS = ["date", "kind", "minutes", "row"]
MAX_SESSION_MINUTES = 600


@dataclass(frozen=True)
class ResponseLog:
    rows: pd.DataFrame  # the file's columns (VISA_COLUMNS ...), one per good row
    bad_rows: list[InputError]  # one per row set aside, with its row number and reason


def _columns(table: pd.DataFrame, words: dict, label: str, participant: str) -> pd.DataFrame:
    """The table with its read columns under their English names (header words in English or Dutch,
    without regard to case); a column given twice is bad input as a whole."""
    lowered = [str(c).strip().lower() for c in table.columns]
    spelling = {w: name for name, spellings in (words | {"date": DATE_WORDS}).items() for w in spellings}
    names = [spelling.get(c, "") for c in lowered]
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        twice_words = f"column(s) {twice} appear more than once (English and Dutch names count as one)"
        raise InputError(label, twice_words, participant)
    if "date" not in names:
        raise InputError(label, "no date column (date or datum)", participant)
    read = {name: table.iloc[:, i] for i, name in enumerate(names) if name}
    return pd.DataFrame(read, index=table.index)


def _date(text: str, label: str, row: int, participant: str, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(label, "date is not a date written YYYY-MM-DD", participant, row=row) from None
    if day > today:
        raise InputError(label, f"dated {day}, after today ({today}): set aside", participant, row=row)
    return day


def _whole(text: str, column: str, label: str, row: int, participant: str) -> int | None:
    text = str(text).strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = np.nan
    if not np.isfinite(value) or value != int(value):
        raise InputError(label, f"{column} is not a whole number", participant, row=row)
    return int(value)


def _scale(text: str, column: str, label: str, row: int, participant: str) -> float:
    """A 0-10 rating (a decimal comma is a Dutch spreadsheet's decimal point); NaN where empty."""
    text = str(text).strip()
    if not text:
        return np.nan
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = np.nan
    if not 0 <= value <= 10:
        raise InputError(label, f"{column} is not a number 0-10", participant, row=row)
    return value


def _rows(path: Path, label: str, participant: str, words: dict, one_row) -> ResponseLog:
    table = _columns(read_study_csv(path, required=[], skip_empty_rows=True), words, label, participant)
    rows, bad = [], []
    for index, record in zip(table.index + 2, table.to_dict("records"), strict=True):  # 2: the header's row
        try:
            rows.append(one_row(record, int(index)) | {"row": int(index)})
        except InputError as error:
            bad.append(error)
    return ResponseLog(pd.DataFrame(rows), bad)


def visa_a_score(items: dict[str, int], part: str, q8: int) -> int:
    """The VISA-A score, 0-100: items 1-7 and the points of item 8's answered part, summed (Robinson et
    al. 2001); ValueError naming the first item out of its range."""
    for item, allowed in VISA_ITEMS.items():
        if items[item] not in allowed:
            raise ValueError(f"{item} must be {_allowed(allowed)} (found {items[item]})")
    if part not in VISA_Q8:
        raise ValueError("q8_part must be A, B or C (the part of item 8 answered)")
    if q8 not in VISA_Q8[part]:
        raise ValueError(f"q8 of part {part} must be {_allowed(VISA_Q8[part])} (found {q8})")
    return int(sum(items.values()) + q8)


def _allowed(points: tuple[int, ...]) -> str:
    steps = np.diff(points)
    return f"{points[0]}-{points[-1]}" if len(steps) and (steps == 1).all() else ", ".join(map(str, points))


def read_visa_a(path: Path, label: str, participant: str, today: dt.date) -> ResponseLog:
    """One row per questionnaire: date, the eight items' points, item 8's part, the score, the row."""

    def one(record: dict, row: int) -> dict:
        day = _date(record.get("date", ""), label, row, participant, today)
        items = {item: _whole(record.get(item, ""), item, label, row, participant) for item in (*VISA_ITEMS, "q8")}
        missing = [item for item, value in items.items() if value is None]
        if missing:
            raise InputError(label, f"item(s) {missing} not answered: no VISA-A score", participant, row=row)
        part = str(record.get("q8_part", "")).strip().upper()
        q8 = items.pop("q8")
        try:
            score = visa_a_score(items, part, q8)
        except ValueError as error:
            raise InputError(label, str(error), participant, row=row) from None
        return {"date": day, **items, "q8_part": part, "q8": q8, "visa_a": score}

    log = _rows(path, label, participant, VISA_WORDS, one)
    return ResponseLog(log.rows.reindex(columns=VISA_COLUMNS), log.bad_rows)


def read_pain_log(path: Path, label: str, participant: str, today: dt.date) -> ResponseLog:
    """One row per logged day: date, morning pain and stiffness, pain during and after activity (NaN where
    not given), the row."""

    def one(record: dict, row: int) -> dict:
        day = _date(record.get("date", ""), label, row, participant, today)
        values = {name: _scale(record.get(name, ""), name, label, row, participant) for name in PAIN_WORDS}
        if all(np.isnan(v) for v in values.values()):
            none = "no rating on the row (morning pain, stiffness, pain during or after)"
            raise InputError(label, none, participant, row=row)
        return {"date": day, **values}

    log = _rows(path, label, participant, PAIN_WORDS, one)
    return ResponseLog(log.rows.reindex(columns=PAIN_COLUMNS), log.bad_rows)


def _closed_word(vocabulary, value, reason: str, label: str, row: int, participant: str) -> str:
    """The vocabulary's word for a cell; an empty or unknown cell is this row's error, named by `reason`
    (never the cell's own text: it may be a note)."""
    try:
        word = vocabulary.canonical(str(value))
    except ValueError:
        word = ""
    if not word:
        raise InputError(label, reason, participant, row=row)
    return word


def read_heel_raises(path: Path, label: str, participant: str, today: dt.date) -> ResponseLog:
    """One row per test and side: date, side (left/right), repetitions, the row."""

    def one(record: dict, row: int) -> dict:
        day = _date(record.get("date", ""), label, row, participant, today)
        side = _closed_word(
            HEEL_SIDES, record.get("side", ""), "side is not left or right (links/rechts)", label, row, participant
        )
        text = str(record.get("reps", "")).strip()
        try:
            reps = int(text)
        except ValueError:
            reps = -1
        if reps < 0:
            raise InputError(label, "reps is not a count (a whole number, 0 or more)", participant, row=row)
        return {"date": day, "side": side, "reps": reps}

    log = _rows(path, label, participant, HEEL_WORDS, one)
    return ResponseLog(log.rows.reindex(columns=HEEL_COLUMNS), log.bad_rows)


def read_capacity(path: Path, label: str, participant: str, today: dt.date) -> ResponseLog:
    """One row per session of capacity work: date, kind (strength, calf, heel_raise), minutes (NaN where
    not given), the row."""

    def one(record: dict, row: int) -> dict:
        day = _date(record.get("date", ""), label, row, participant, today)
        kind = _closed_word(
            CAPACITY_KINDS, record.get("kind", ""), f"kind is not {CAPACITY_KINDS.what}", label, row, participant
        )
        text = str(record.get("minutes", "")).strip()
        try:
            minutes = float(text.replace(",", ".")) if text else np.nan
        except ValueError:
            minutes = -1.0
        if text and not 0 < minutes <= MAX_SESSION_MINUTES:
            wrong = f"minutes is not a number over 0 and up to {MAX_SESSION_MINUTES}"
            raise InputError(label, wrong, participant, row=row)
        return {"date": day, "kind": kind, "minutes": minutes}

    log = _rows(path, label, participant, CAPACITY_WORDS, one)
    return ResponseLog(log.rows.reindex(columns=CAPACITY_COLUMNS), log.bad_rows)


READERS = {VISA_A: read_visa_a, PAIN_LOG: read_pain_log, HEEL_RAISE: read_heel_raises, CAPACITY: read_capacity}
WORD_COLUMNS = ("q8_part", "side", "kind")  # the logs' columns of closed words; the others are numbers
COLUMNS = {VISA_A: VISA_COLUMNS, PAIN_LOG: PAIN_COLUMNS, HEEL_RAISE: HEEL_COLUMNS, CAPACITY: CAPACITY_COLUMNS}


def read_response_log(path: Path, name: str, participant: str, today: dt.date) -> ResponseLog:
    """The response file `name` (one of RESPONSE_FILES) read by its reader; labelled by its name."""
    return READERS[name](path, name, participant, today)
