"""A study team's first hour: `runrisk init`, the intake check, the demo key refused on real data, and the
reasons of the flow in words."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bad_input.corpus import build_study
from real_files import real_path
from workflow_runner import ROOT, SCHEMA, copy_workflow

from runrisk.cli import main as runrisk_main
from runrisk.cli.check import merged
from runrisk.cohort.outcomes import CASE_BOX, CONTROL_BOX, EXCLUSION_BOXES, QUARANTINE_BOXES
from runrisk.cohort.reasons import (
    FlowRules,
    closing_summary,
    flow_reasons,
    participant_reasons,
    set_aside_only,
    stance_qc,
)
from runrisk.config import complete_config, validate_config
from runrisk.ids import PSEUDONYM_KEY_ENV, pseudonymise
from runrisk.io.quarantine import set_aside_by_modality
from runrisk.io.surveillance import DIAGNOSIS_COLUMNS, PARTICIPANT_COLUMNS, REPORT_COLUMNS


def test_init_writes_a_config_that_validates_and_raw_csvs_with_their_headers(tmp_path, capsys):
    study = tmp_path / "pilot"
    assert runrisk_main(["init", str(study), "--name", "Pilot 2027", "--timezone", "Europe/Amsterdam"]) == 0
    said = capsys.readouterr().out
    assert f"runrisk check --directory {study} --configfile {study}/config.yaml" in said
    assert "RUNRISK_PSEUDONYM_KEY" in said
    own = yaml.safe_load((study / "config.yaml").read_text())
    assert own == {
        "study": {"name": "Pilot 2027", "timezone": "Europe/Amsterdam"},
        "raw_dir": f"{study.as_posix()}/raw",
        "simulate": {"enabled": False},
    }
    # as Snakemake merges it over the workflow's own config/config.yaml
    config = merged(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), own)
    validate_config(config, SCHEMA)
    assert complete_config(config, SCHEMA)["simulate"]["enabled"] is False
    heads = {name: (study / "raw" / name).read_text().strip().split(",") for name in ("participants.csv",)}
    assert heads["participants.csv"] == PARTICIPANT_COLUMNS
    assert (study / "raw" / "weekly_reports.csv").read_text().strip().split(",") == REPORT_COLUMNS
    assert (study / "raw" / "diagnoses.csv").read_text().strip().split(",") == DIAGNOSIS_COLUMNS
    assert {p.name for p in (study / "raw").iterdir() if p.is_dir()} >= {"c3d", "fitbit", "garmin", "mri"}
    text = (study / "config.yaml").read_text()
    for choice in ("on_bad_input: quarantine", "on_unfittable: report", "signal_names", "shard_size"):
        assert f"# {choice}" in text or f"#   {choice}" in text or choice in text, choice


def test_init_refuses_a_folder_in_use_and_a_zone_that_is_none(tmp_path, capsys):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("x")
    assert runrisk_main(["init", str(tmp_path / "used")]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert runrisk_main(["init", str(tmp_path / "new"), "--timezone", "Mars/Olympus"]) == 2
    assert "not an IANA time zone" in capsys.readouterr().err and not (tmp_path / "new").exists()


def test_the_workflow_refuses_the_demo_key_on_real_data_in_one_line(tmp_path):
    workdir = copy_workflow(tmp_path / "wf")
    study = tmp_path / "study"
    assert runrisk_main(["init", str(study), "--timezone", "UTC"]) == 0
    env = {k: v for k, v in __import__("os").environ.items() if k != PSEUDONYM_KEY_ENV}
    command = [str(Path(sys.executable).with_name("snakemake")), "-n", "--configfile", str(study / "config.yaml")]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, env=env)
    assert result.returncode != 0
    said = result.stdout + result.stderr
    lines = [line for line in said.splitlines() if "public demo key" in line]
    assert len(lines) == 1 and "RUNRISK_PSEUDONYM_KEY" in lines[0] and "Traceback" not in said


# --- the intake check --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pilot(tmp_path_factory) -> tuple[Path, list[str]]:
    """Four synthetic participants in real formats: one walks on the plates (a real Vicon walking trial),
    one has no wearable files, one a weekly report with a body region that is no word of the vocabulary."""
    raw = tmp_path_factory.mktemp("pilot") / "raw"
    ids = build_study(raw, n=4)
    for trial in (raw / "c3d" / ids[0]).iterdir():
        trial.unlink()
    shutil.copy(real_path("c3d/btk_PiG_Motion3_noFF.c3d"), raw / "c3d" / ids[0] / "walk_01.c3d")
    shutil.rmtree(raw / "fitbit" / ids[1])
    reports = pd.read_csv(raw / "weekly_reports.csv", dtype=str, keep_default_na=False)
    first = reports.index[reports["participant_id"] == ids[2]][0]
    reports.loc[first, "body_region"] = "elbow-ish"
    reports.to_csv(raw / "weekly_reports.csv", index=False)
    return raw, ids


def run_check(raw: Path, tmp_path: Path, monkeypatch, capsys, mode: str) -> tuple[int, str, pd.DataFrame]:
    config = tmp_path / f"{mode}.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "study": {"name": "pilot", "timezone": "Europe/Prague"},
                "raw_dir": str(raw),
                "simulate": {"enabled": False},
            }
            | {"on_bad_input": mode}
        )
    )
    monkeypatch.chdir(ROOT)
    out = tmp_path / mode / "results" / "report" / "intake.csv"
    code = runrisk_main(["check", "--configfile", str(config), "--directory", str(tmp_path / mode), "--cores", "2"])
    return code, capsys.readouterr().out, pd.read_csv(out, keep_default_na=False)


def test_the_intake_check_names_every_reason_by_participant_and_file_label(pilot, tmp_path, monkeypatch, capsys):
    raw, ids = pilot
    code, said, table = run_check(raw, tmp_path, monkeypatch, capsys, "quarantine")
    assert code == 0
    by_id = table.set_index("participant_id")
    assert list(by_id.index) == [pseudonymise(i) for i in ids]  # the table: pseudonyms only
    walker = by_id.loc[pseudonymise(ids[0])]
    assert walker["outlook"] == EXCLUSION_BOXES[1] and walker["trial_files"] == 1
    assert "longer than 0.5 s (walking or standing)" in walker["reasons"] or "missing signal" in walker["reasons"]
    assert by_id.loc[pseudonymise(ids[1]), "outlook"] == EXCLUSION_BOXES[2]
    assert "no wearable files" in by_id.loc[pseudonymise(ids[1]), "reasons"]
    region = by_id.loc[pseudonymise(ids[2])]
    assert region["outlook"] == "set aside (quarantine)" and "weekly_reports.csv, row" in region["reasons"]
    assert "elbow-ish" not in said and "elbow-ish" not in region["reasons"]  # described, never echoed
    assert by_id.loc[pseudonymise(ids[3]), "outlook"] == "ready"
    for raw_id in ids[:3]:  # the terminal names the study's own ids, each with its reason
        assert f"  {raw_id}: " in said
    assert not any(raw_id in table.to_csv() for raw_id in ids)
    assert "wrote" in said and str(tmp_path) in said


def test_in_stop_mode_the_intake_check_says_what_would_stop_the_run(pilot, tmp_path, monkeypatch, capsys):
    raw, ids = pilot
    code, said, table = run_check(raw, tmp_path, monkeypatch, capsys, "stop")
    assert code == 1
    assert "would stop the run" in said and "on_bad_input: quarantine" in said
    assert table.set_index("participant_id").loc[pseudonymise(ids[2]), "outlook"].startswith("stops the run")


# --- the flow's reasons ------------------------------------------------------------------------------


def test_every_excluded_participant_gets_a_reason_and_the_summary_counts_them():
    ids = [f"P{i:012d}" for i in range(7)]
    trials_box = QUARANTINE_BOXES["lab trials"]
    boxes = [trials_box, EXCLUSION_BOXES[1], EXCLUSION_BOXES[1], EXCLUSION_BOXES[1], EXCLUSION_BOXES[2]]
    outcomes = pd.DataFrame(
        {
            "participant_id": ids,
            "box": [*boxes, CASE_BOX, CONTROL_BOX],
            "weeks_worn": [0, 40, 40, 40, 2, 40, 40],
            "missing_terms": "",
        }
    )
    stances = pd.DataFrame(
        {
            "participant_id": [ids[1], ids[1], ids[2], ids[5]],
            "side": ["R", "R", "L", "R"],
            "qc_reason": [
                "contact of 0.595 s is longer than 0.5 s (walking or standing)",
                "contact of 0.612 s is longer than 0.5 s (walking or standing)",
                "",
                "",
            ],
        }
    )
    trials = pd.DataFrame({"participant_id": [ids[1], ids[2], ids[5]], "model_source": ["file"] * 3})
    quarantine = pd.DataFrame(
        {
            "participant_id": [ids[0], ids[5]],
            "enrolled": [True, True],
            "stage": ["trials", "mri"],
            "modality": ["lab trials", "mri"],  # the MRI's: not used by this analysis, so ids[5] is analysed
            "reason": ["truncated C3D file", "the MRI folder holds neither images nor tendon_measurements.csv"],
        }
    )
    people = participant_reasons(outcomes, stances, trials, quarantine, FlowRules("R", 1, 4))
    reason = people.set_index("participant_id")["reason"]
    assert reason[ids[0]] == "trials: truncated C3D file"
    assert reason[ids[1]] == "contact of 0.595 s is longer than 0.5 s (walking or standing)"
    assert reason[ids[2]] == "no stance of the right foot on a force plate"
    assert reason[ids[3]] == "no trial files"
    assert reason[ids[4]] == "wore the device 2 weeks, fewer than 4"
    assert set(people["participant_id"]) == set(ids[:5])
    flow = pd.DataFrame({"box": ["enrolled", *dict.fromkeys(boxes), CASE_BOX, CONTROL_BOX], "n": [7, 1, 3, 1, 1, 1]})
    kept = set_aside_only(outcomes, set_aside_by_modality(quarantine))
    assert kept == {"record": 0, "wearable": 0, "lab trials": 0, "mri": 1}  # ids[5]: a control, its scan set aside
    text = closing_summary("pilot", flow, flow_reasons(people), set_aside_only=kept)
    assert "not used by this analysis, so their participants stay in it: mri of 1 participant(s)" in text
    assert "1  no trial files" in text and f"({ids[3]})" in text  # few participants: named by pseudonym
    assert "wore the device 2 weeks, fewer than 4" in text and "results/report/exclusions.csv" in text
    qc = stance_qc(stances)
    assert qc.to_dict("records") == [
        {
            "reason": "contact of 0.595-0.612 s is longer than 0.5 s (walking or standing)",
            "stances": 2,
            "participants": 1,
        }
    ]
