"""raw_dir beyond the enrolled participants' files: folders of people not enrolled, files two people share."""

from __future__ import annotations

import pytest

from runrisk.cohort.census import shared_contents, unenrolled_folders
from runrisk.ids import pseudonymise
from runrisk.io.quarantine import Quarantine
from runrisk.io.surveillance import PARTICIPANT_COLUMNS, read_participants


def touch(path, content=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_folders_of_people_not_enrolled_are_counted_under_pseudonyms(tmp_path):
    touch(tmp_path / "c3d/A1/run.c3d")
    touch(tmp_path / "c3d/a2/run.c3d")  # A2's, matched without regard to case
    touch(tmp_path / "c3d/Jane Roe/run.c3d")
    touch(tmp_path / "c3d/Jane Roe/walk.c3d")
    touch(tmp_path / "fitbit/ZZ9/e.json")
    touch(tmp_path / "garmin/loose.fit")
    touch(tmp_path / "mri/A1/IM_01_001.dcm")
    touch(tmp_path / "mri/ZZ8/series/IM_01_001.dcm")  # a scan of somebody not enrolled, in a series folder
    touch(tmp_path / "mri/ZZ8/series/IM_01_002.dcm")
    table = unenrolled_folders(tmp_path, ["A1", "A2"])
    assert table.to_dict("records") == [
        {"kind": "c3d", "participant_id": pseudonymise("Jane Roe"), "files": 2},
        {"kind": "fitbit", "participant_id": pseudonymise("ZZ9"), "files": 1},
        {"kind": "garmin", "participant_id": pseudonymise("loose.fit"), "files": 1},
        {"kind": "mri", "participant_id": pseudonymise("ZZ8"), "files": 2},
    ]
    assert "Jane" not in table.to_string()


def test_one_files_bytes_under_two_participants_is_bad_input_for_both(tmp_path):
    trial = bytes(range(256)) * 400
    touch(tmp_path / "c3d/A1/run.c3d", trial)
    touch(tmp_path / "c3d/A2/a.c3d", b"other")
    touch(tmp_path / "c3d/A2/copy.c3d", trial)
    touch(tmp_path / "c3d/A3/run.c3d", trial[:-1] + b"!")  # same size and start, other bytes
    touch(tmp_path / "fitbit/A3/e.json", b"[]")
    touch(tmp_path / "fitbit/A3/e2.json", b"[]")  # one person's duplicate is not two people's
    errors = shared_contents(tmp_path, ["A1", "A2", "A3"])
    assert [(e.participant, e.path) for e in errors] == [("A1", "c3d-1"), ("A2", "c3d-2")]
    assert pseudonymise("A2") in errors[0].reason and "one person's data under two" in errors[0].reason


def test_every_row_of_a_shared_id_is_one_enrolled_person(tmp_path):
    csv = tmp_path / "participants.csv"
    rows = ["A1,30,F,165,60,yes,no,2019-03-04", "A1,41,M,180,80,no,yes,2019-04-01", "A2,35,F,170,65,yes,no,2019-03-04"]
    csv.write_text("\n".join([",".join(PARTICIPANT_COLUMNS), *rows]) + "\n")
    quarantine = Quarantine()
    assert list(read_participants(csv, quarantine)["raw_id"]) == ["A2"]
    pseudonyms = [r["participant_id"] for r in quarantine.records]
    assert len(pseudonyms) == 2 and len(set(pseudonyms)) == 2 and pseudonymise("A1") in pseudonyms
    with pytest.raises(Exception, match="row 2, participant A1: participant id appears more than once"):
        read_participants(csv)
