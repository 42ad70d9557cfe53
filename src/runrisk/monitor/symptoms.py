"""A runner's symptoms.csv: date, body region, side, pain 0-10 and/or the OSTRC-O2 answers.

Columns (header names without regard to case; Excel's encodings and delimiters as every study CSV):
`date` (YYYY-MM-DD), `region` and `side` (the study's vocabularies, runrisk.io.vocabulary), `pain`
(0-10, numeric rating scale), and the four OSTRC-O2 questions as answered (Clarsen et al. 2020, BJSM
54:390): `ostrc_participation` (0 full participation without problems ... 3 cannot participate),
`ostrc_volume` and `ostrc_performance` (0 no reduction ... 4 cannot participate), `ostrc_pain` (0 no
pain ... 3 severe pain). A row needs a date and pain or all four answers. Any other column (a note, a
name) is never read: free text stays in the file. A bad row is that row alone: it is listed by its row
number and the log's other rows are read.
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

SYMPTOMS = "symptoms.csv"
# OSTRC-O2's scores per answer (Clarsen et al. 2020): the severity score is their sum, 0-100
OSTRC_SCORES = {
    "ostrc_participation": (0, 8, 17, 25),
    "ostrc_volume": (0, 6, 13, 19, 25),
    "ostrc_performance": (0, 6, 13, 19, 25),
    "ostrc_pain": (0, 8, 17, 25),
}
READ_COLUMNS = {"date", "region", "side", "pain", *OSTRC_SCORES}  # the only columns read
SYMPTOM_COLUMNS = ["date", "region", "side", "pain", "ostrc_score", "substantial", "row"]  # row: in the file


@dataclass(frozen=True)
class SymptomLog:
    rows: pd.DataFrame  # SYMPTOM_COLUMNS, one per good row
    bad_rows: list[InputError]  # one per row set aside, with its row number and reason


def _answer(text: str, column: str, label: str, row: int, participant: str) -> int | None:
    if not text.strip():
        return None
    try:
        answer = int(text)
    except ValueError:
        raise InputError(label, f"{column} is not a whole number", participant, row=row) from None
    if not 0 <= answer < len(OSTRC_SCORES[column]):
        raise InputError(label, f"{column} must be 0-{len(OSTRC_SCORES[column]) - 1}", participant, row=row)
    return answer


def read_symptoms(path: Path, label: str, participant: str, regions: Vocabulary, sides: Vocabulary) -> SymptomLog:
    """One row per logged day: date, region, side, pain (NaN if not given), the OSTRC-O2 severity score
    (NaN unless all four answers are given), whether it is a substantial problem (OSTRC-O2: moderate or
    more reduction of training volume or performance, or unable to participate) and the file's row number;
    the rows set aside, each with its reason. A file without a date column is bad input as a whole."""
    table = read_study_csv(path, required=[], skip_empty_rows=True)
    lowered = [c.lower() for c in table.columns]
    twice = sorted({name for name in lowered if lowered.count(name) > 1} & READ_COLUMNS)
    if twice:
        raise InputError(label, f"column(s) {twice} appear more than once (without regard to case)", participant)
    table.columns = lowered
    if "date" not in table.columns:
        raise InputError(label, "no date column (date, region, side, pain and/or the OSTRC-O2 answers)", participant)
    rows, bad = [], []
    for index, record in zip(table.index + 2, table.to_dict("records"), strict=True):  # 2: the header's row
        index = int(index)
        try:
            rows.append(_symptom_row(record, label, index, participant, regions, sides) | {"row": index})
        except InputError as error:
            bad.append(error)
    return SymptomLog(pd.DataFrame(rows, columns=SYMPTOM_COLUMNS), bad)


def _symptom_row(record: dict, label: str, row: int, participant: str, regions: Vocabulary, sides: Vocabulary):
    try:
        date = dt.date.fromisoformat(str(record.get("date", "")).strip())
    except ValueError:
        raise InputError(label, "date is not a date written YYYY-MM-DD", participant, row=row) from None
    try:
        region = regions.canonical(str(record.get("region", "")))
    except ValueError:
        raise InputError(label, f"region is not {regions.describe()}", participant, row=row) from None
    try:
        side = sides.canonical(str(record.get("side", "")))
    except ValueError:
        raise InputError(label, f"side is not {sides.describe()}", participant, row=row) from None
    pain_text = str(record.get("pain", "")).strip()
    try:
        pain = float(pain_text) if pain_text else np.nan
    except ValueError:
        raise InputError(label, "pain is not a number 0-10", participant, row=row) from None
    if pain_text and not 0 <= pain <= 10:
        raise InputError(label, "pain is not a number 0-10", participant, row=row)
    answers = {c: _answer(str(record.get(c, "")), c, label, row, participant) for c in OSTRC_SCORES}
    given = [a for a in answers.values() if a is not None]
    if given and len(given) < len(answers):
        raise InputError(label, "the OSTRC-O2 answers are incomplete (all four or none)", participant, row=row)
    if not pain_text and not given:
        raise InputError(label, "neither pain nor the OSTRC-O2 answers", participant, row=row)
    score = float(sum(OSTRC_SCORES[c][a] for c, a in answers.items())) if given else np.nan
    substantial = bool(given) and (
        answers["ostrc_participation"] == 3 or answers["ostrc_volume"] >= 2 or answers["ostrc_performance"] >= 2
    )
    return {
        "date": date,
        "region": region,
        "side": side,
        "pain": pain,
        "ostrc_score": score,
        "substantial": substantial,
    }
