"""The study's CSVs as spreadsheets save them: BOM, semicolons, tabs, other encodings, blank rows."""

from __future__ import annotations

import logging

import pytest

from runrisk.errors import InputError
from runrisk.io.csvfiles import read_study_csv, spreadsheet_row
from runrisk.io.surveillance import PARTICIPANT_COLUMNS, raw_participant_ids, read_participants

HEADER = ",".join(PARTICIPANT_COLUMNS)
ROWS = ["A1,30,F,165,60,yes,no,2019-03-04", "A2,41,M,180,80,no,yes,2019-04-01"]


def write(path, text: str, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_excel_byte_order_mark_is_read(tmp_path):
    csv = write(tmp_path / "p.csv", "\ufeff" + "\n".join([HEADER, *ROWS]) + "\n")
    assert raw_participant_ids(csv) == ["A1", "A2"]
    assert list(read_participants(csv)["raw_id"]) == ["A1", "A2"]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolons_and_tabs_are_told_from_the_header_and_said(tmp_path, caplog, delimiter):
    lines = [line.replace(",", delimiter) for line in [HEADER, *ROWS]]
    csv = write(tmp_path / "p.csv", "\r\n".join(lines) + "\r\n")
    with caplog.at_level(logging.INFO):
        assert list(read_participants(csv)["raw_id"]) == ["A1", "A2"]
    assert f"p.csv: fields separated by {delimiter!r}" in caplog.text


def test_another_encoding_is_refused_with_how_to_resave(tmp_path):
    csv = write(tmp_path / "p.csv", "\n".join([HEADER + ",město", *[r + ",Plzeň" for r in ROWS]]) + "\n", "cp1250")
    with pytest.raises(InputError, match=r"p\.csv: not UTF-8 text \(byte \d+\); save it as UTF-8 CSV"):
        raw_participant_ids(csv)


def test_a_column_named_twice_is_bad_input(tmp_path):
    csv = write(tmp_path / "p.csv", "\n".join([HEADER + ",age", *[r + ",99" for r in ROWS]]) + "\n")
    with pytest.raises(InputError, match=r"column\(s\) \['age'\] appear more than once in the header"):
        read_study_csv(csv, PARTICIPANT_COLUMNS)


def test_a_row_of_empty_fields_is_bad_input_named_by_its_spreadsheet_row(tmp_path):
    csv = write(tmp_path / "p.csv", "\n".join([HEADER, ROWS[0], "", ROWS[1], ",,,,,,,"]) + "\n")
    with pytest.raises(InputError, match=r"p\.csv, row 5: every field of this row is empty"):
        read_study_csv(csv, PARTICIPANT_COLUMNS)


def test_rows_are_named_as_the_spreadsheet_shows_them(tmp_path):
    quoted = "A3,35,F,170,65,yes,no,2019-13-01"
    text = "\n".join([HEADER + ",note", ROWS[0] + ',"two\nlines"', "", ROWS[1] + ",", quoted + ","]) + "\n"
    csv = write(tmp_path / "p.csv", text)
    assert [spreadsheet_row(csv, i) for i in range(3)] == [2, 4, 5]
    with pytest.raises(InputError, match=r"p\.csv, row 5, participant A3: enrolment_date"):
        read_participants(csv)
