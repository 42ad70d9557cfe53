"""The one reader of a study's CSVs (participants, weekly reports, diagnoses), as spreadsheets save them.

Excel writes a UTF-8 byte-order mark, European Excel separates fields with `;`, Czech Excel saves in
cp1250, and a sheet keeps rows that only look empty. Here: UTF-8 with or without the mark; `,`, `;` or
tab as the delimiter, told from the header and stated in the log; any other encoding refused with how to
re-save the file; a column named twice and a row of empty fields are bad input; and a bad row is named
by its spreadsheet row (blank lines counted, as the spreadsheet shows them).
"""

from __future__ import annotations

import csv
import functools
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from runrisk.errors import InputError

log = logging.getLogger(__name__)
ENCODING = "utf-8-sig"  # UTF-8, with Excel's byte-order mark or without
DELIMITERS = (",", ";", "\t")
RESAVE = "save it as UTF-8 CSV (Excel: File > Save As > 'CSV UTF-8 (Comma delimited)')"


def header_line(path: Path) -> str:
    try:
        with path.open(encoding=ENCODING, newline="") as handle:
            return handle.readline()
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start}); {RESAVE}") from exc


def delimiter_of(path: Path) -> str:
    """The delimiter that splits the header into the most fields (a header has no quoted delimiters in
    practice, and a one-column file is read with commas)."""
    line = header_line(path)
    counts = {d: len(next(csv.reader([line], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 1 else ","


def parser_error_words(error: pd.errors.ParserError) -> str:
    """pandas' parser error in words (its own text, "Error tokenizing data. C error: ...", is not)."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if found:
        expected, line, saw = found.groups()
        return f"line {line} has {saw} fields where the header has {expected} (a delimiter inside an unquoted value?)"
    return "its rows do not split into the header's columns (quotes or delimiters out of place)"


def read_study_csv(
    path: str | Path, required: list[str], categorical: bool = False, skip_empty_rows: bool = False
) -> pd.DataFrame:
    """Every column as text ("" where empty); categorical=True stores each distinct text once (a weekly
    file of a large cohort has millions of cells but few distinct values). A row with every field empty
    is bad input, or with skip_empty_rows left out (it holds nothing; the index keeps the others' places)."""
    path = Path(path)
    delimiter = delimiter_of(path)
    if delimiter != ",":
        log.info("%s: fields separated by %r, as the file's header shows", path.name, delimiter)
    header = next(csv.reader([header_line(path)], delimiter=delimiter), [])
    twice = sorted({name.strip() for name in header if [h.strip() for h in header].count(name.strip()) > 1})
    if twice:
        raise InputError(path, f"column(s) {twice} appear more than once in the header: which one holds the data?")
    try:
        frame = pd.read_csv(
            path, sep=delimiter, dtype="category" if categorical else str, keep_default_na=False, encoding=ENCODING
        )
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start}); {RESAVE}") from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "not a readable CSV: the file is empty (no header)") from exc
    except pd.errors.ParserError as exc:
        raise InputError(path, f"not a readable CSV: {parser_error_words(exc)}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; found {list(frame.columns)}")
    if skip_empty_rows:
        return frame[~_all_fields_empty(frame)]
    empty = np.flatnonzero(_all_fields_empty(frame))
    if len(empty):
        raise InputError(
            path,
            "every field of this row is empty (a row the spreadsheet kept); delete it",
            row=spreadsheet_row(path, empty[0]),
        )
    return frame


def _all_fields_empty(frame: pd.DataFrame) -> np.ndarray:
    empty = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        empty &= frame[column].astype(str).str.strip().eq("").to_numpy()
    return empty


def spreadsheet_row(path: str | Path, record: int) -> int:
    """The spreadsheet row of a data record (0 = the first under the header): blank lines count as the
    rows they are, and a quoted field over several lines is one row."""
    path = Path(path)
    stat = path.stat()
    return int(_record_rows(str(path), stat.st_mtime_ns, stat.st_size)[record])


@functools.lru_cache(maxsize=8)
def _record_rows(path: str, _mtime_ns: int, _size: int) -> np.ndarray:
    """Spreadsheet row of every non-blank record, read once per file version (only when a row is bad)."""
    rows = []
    with open(path, encoding=ENCODING, newline="") as handle:
        for number, fields in enumerate(csv.reader(handle, delimiter=delimiter_of(Path(path))), start=1):
            blank = len(fields) <= 1 and not "".join(fields).strip()  # pandas skips these lines
            if number > 1 and not blank:
                rows.append(number)
    return np.asarray(rows, dtype=np.int64)
