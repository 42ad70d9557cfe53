"""runrisk.io.layout: the one place that knows where raw files live, read as people name them."""

from __future__ import annotations

import logging

import pytest

from runrisk.errors import InputError
from runrisk.io.layout import (
    TRIAL_KINDS,
    WEARABLE_KINDS,
    inventory,
    inventory_digest,
    participant_files,
    trial_files,
    wearable_files,
)
from runrisk.io.surveillance import raw_participant_ids


def touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_kinds_in_order_then_names_and_extensions_in_any_case(tmp_path):
    b = touch(tmp_path / "c3d/A1/b.C3D")
    a = touch(tmp_path / "c3d/A1/a.c3d")
    v = touch(tmp_path / "visual3d/A1/a.TXT")
    ik, id_ = touch(tmp_path / "opensim/A1/run_ik.MOT"), touch(tmp_path / "opensim/A1/run_id.sto")
    touch(tmp_path / "c3d/A1/notes.docx")
    touch(tmp_path / "c3d/A1/.DS_Store")
    touch(tmp_path / "opensim/A1/run_setup.xml")
    assert trial_files(tmp_path, "A1") == [a, b, v, id_, ik]
    fit = touch(tmp_path / "garmin/A1/run.FIT")
    gpx = touch(tmp_path / "garmin/A1/ride.gpx")
    export = touch(tmp_path / "fitbit/A1/exercise-0.JSON")
    daily = touch(tmp_path / "fitabase/A1/daily.csv")
    assert wearable_files(tmp_path, "A1") == [export, gpx, fit, daily]
    assert set(TRIAL_KINDS) | set(WEARABLE_KINDS) == {"c3d", "visual3d", "opensim", "fitbit", "garmin", "fitabase"}


def test_a_participant_without_folders_has_no_files(tmp_path):
    assert participant_files(tmp_path, "nobody", {**TRIAL_KINDS, **WEARABLE_KINDS}) == []


def test_a_folder_named_like_a_trial_is_skipped_with_a_warning(tmp_path, caplog):
    (tmp_path / "c3d/A1/old.c3d").mkdir(parents=True)
    kept = touch(tmp_path / "c3d/A1/run.c3d")
    with caplog.at_level(logging.WARNING):
        assert trial_files(tmp_path, "A1") == [kept]
    assert "a folder in c3d/ is named like a c3d file" in caplog.text and "old.c3d" not in caplog.text


def test_a_symlink_out_of_raw_dir_is_bad_input(tmp_path):
    outside = touch(tmp_path / "elsewhere/run.c3d")
    raw = tmp_path / "raw"
    (raw / "c3d/A1").mkdir(parents=True)
    (raw / "c3d/A1/run.c3d").symlink_to(outside)
    inside = touch(raw / "shared/trial.c3d")
    (raw / "c3d/A1/copy.c3d").symlink_to(inside)
    with pytest.raises(InputError, match="symbolic link that leads outside raw_dir") as error:
        trial_files(raw, "A1")
    assert error.value.participant == "A1"
    (raw / "c3d/A1/run.c3d").unlink()
    assert trial_files(raw, "A1") == [raw / "c3d/A1/copy.c3d"]


def test_a_dangling_link_is_bad_input_named_by_its_label(tmp_path):
    touch(tmp_path / "c3d/A1/run02.c3d")  # after the link by name
    (tmp_path / "c3d/A1/Zelenkova_Katerina_1963-07-19_run01.c3d").symlink_to(tmp_path / "c3d/A1/gone.c3d")
    with pytest.raises(InputError) as error:
        trial_files(tmp_path, "A1")
    assert str(error.value.path) == "c3d-1" and error.value.participant == "A1"
    assert error.value.reason == "is a symbolic link to a file that does not exist (a dangling link)"


NAMED = "Zelenkova_Katerina_1963-07-19_run01"


def test_an_inventory_changes_with_its_files_and_names_none(tmp_path):
    trial = touch(tmp_path / f"c3d/A1/{NAMED}.c3d")
    touch(tmp_path / "garmin/A2/run.fit")
    (tmp_path / "c3d/A2").mkdir(parents=True)
    (tmp_path / "c3d/A2/link.c3d").symlink_to(tmp_path / "nowhere.c3d")  # listed: its reader says what it is
    scan = touch(tmp_path / "mri/A2/IM0001")  # DICOM files often have no extension
    lines = inventory(tmp_path, ["A1", "A2"], "trials")
    assert [line.split("\t")[:3] for line in lines[1:]] == [["1", "1", "1"], ["2", "1", "-1"]]
    assert not [line for line in lines if "Zelenkova" in line or "1963" in line or "A1" in line]
    assert len(inventory(tmp_path, ["A1", "A2"], "wearables")) == 2
    assert inventory(tmp_path, ["A1", "A2"], "mri")[1].startswith("2\t1\t1\t")
    digests = {inventory_digest(tmp_path, ["A1", "A2"], "trials")}
    trial.write_bytes(b"xy")  # rewritten
    digests.add(inventory_digest(tmp_path, ["A1", "A2"], "trials"))
    trial.rename(trial.with_name("run01.c3d"))  # renamed, same size and time
    digests.add(inventory_digest(tmp_path, ["A1", "A2"], "trials"))
    touch(tmp_path / "visual3d/A1/run.txt")  # added
    digests.add(inventory_digest(tmp_path, ["A1", "A2"], "trials"))
    assert len(digests) == 4
    assert inventory_digest(tmp_path, ["A1", "A2"], "trials") == inventory_digest(tmp_path, ["A1", "A2"], "trials")
    scan.unlink()
    assert inventory(tmp_path, ["A1", "A2"], "mri") == inventory(tmp_path, [], "mri")


def test_the_dag_reads_the_ids_that_ingestion_reads(tmp_path):
    csv = tmp_path / "participants.csv"
    csv.write_text("name,participant_id,age\nJane, A2 ,30\n\nJohn,A1,40\n")
    assert raw_participant_ids(csv) == ["A2", "A1"]
    csv.write_text("name,id\nJane,A2\n")
    with pytest.raises(InputError, match=r"missing column\(s\) \['participant_id'\]"):
        raw_participant_ids(csv)


def test_participant_folders_match_without_regard_to_case_when_unambiguous(tmp_path, caplog):
    kept = touch(tmp_path / "c3d/4h00001/run.c3d")
    with caplog.at_level(logging.WARNING):
        assert trial_files(tmp_path, "4H00001") == [kept]
    assert "folder c3d/4h00001 matched without regard to case" in caplog.text
    touch(tmp_path / "fitbit/ab1/e.json")
    touch(tmp_path / "fitbit/AB1 /e.json")
    with pytest.raises(InputError, match=r"file fitbit, participant Ab1: 2 folders differ from the id only in case"):
        wearable_files(tmp_path, "Ab1")
