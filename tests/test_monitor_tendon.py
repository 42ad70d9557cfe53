"""The coach's runner page: the week's Achilles tendon load beside km for a runner with lab trials
(runrisk.monitor.tendon_load), with the trial's date and the assumptions; runners without trials unchanged."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from real_files import real_path
from test_monitor_inputs import fit_run
from test_opensim import OPENSIM_REQUIRED, ROLES, TRIAL, participants, raw_folder, reading
from test_screening import write_model
from workflow_runner import schema_defaults

from runrisk.cohort.shards import shard_stances
from runrisk.cohort.tendon_load import SpeedRelation, run_tendon_load
from runrisk.monitor.season import monitor
from runrisk.monitor.tendon_load import LabTendon, lab_tendon, with_tendon_load
from runrisk.screening import model as screening
from runrisk.simulate import c3d_writer, cohort

WATCH = "garmin/slither_running_fr45.fit"  # a real run with cadence: 2021-03-13, 7.9 km
TRIAL_DAY = dt.datetime(2021, 3, 1, 12, 0)
RELATION = SpeedRelation.from_config(schema_defaults()["exposure"]["tendon_load"])


def study_load(lab: LabTendon, km, duration_s) -> np.ndarray:
    """The study's weekly tendon load (run_tendon_load) of runs of these km and times by a participant whose
    lab values are the runner's: the lab's impulse per km is its stance's times its steps per km / 2."""
    steps = 1000.0 / lab.step_length_m
    limb = pd.DataFrame(
        {
            "participant_id": ["p"],
            "at_impulse_per_km_bws": [lab.impulse_bws * steps / 2],
            "at_force_peak_bw": [lab.peak_bw],
            "steps_per_km": [steps],
            "trial_speed_m_s": [lab.speed_m_s],
        }
    )
    runs = pd.DataFrame({"participant_id": "p", "distance_km": km, "duration_s": duration_s})
    return run_tendon_load(runs, limb, RELATION)["at_load_bws"].to_numpy(float)


def older_model(path: Path, model: Path) -> Path:
    """The model file as an older release wrote it: its settings without the speed relation."""
    document = json.loads(model.read_text())
    del document["settings"]["tendon_load"]
    document["content_sha256"] = screening.content_hash(document)
    path.write_text(json.dumps(document))
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return write_model(tmp_path_factory.mktemp("model") / "model.json")


def runner(squad: Path, folder: str, label: str, extra: list[Path]) -> Path:
    path = squad / folder
    path.mkdir(parents=True)
    (path / "runner.yaml").write_text(yaml.safe_dump({"label": label, "age": 30, "sex": "M", "body_mass_kg": 72.94}))
    shutil.copy(real_path(WATCH), path / "run.fit")
    for file in extra:
        shutil.copy(file, path / file.name)
        os.utime(path / file.name, (TRIAL_DAY.timestamp(), TRIAL_DAY.timestamp()))
    return path


def test_the_weeks_tendon_load_stands_beside_km_for_a_runner_with_opensim_trials(model, tmp_path):
    """OpenSim trials give the tendon impulse per stance; the week's steps come from the watch's cadence and
    pace: load = km x cadence x pace / 2 x impulse (the trials give no speed to carry the stance to the week's
    pace from, and the page says so). A runner without trials keeps the page as it was."""
    trials = [real_path(TRIAL.format(role)) for role in ROLES]
    squad, out = tmp_path / "squad", tmp_path / "out"
    runner(squad, "a", "S01", trials)
    runner(squad, "b", "S02", [])
    monitor(squad, model, out, today=dt.date(2021, 12, 1))
    weeks = pd.read_parquet(out / "weeks.parquet")
    ran = weeks[(weeks["runner"] == "S01") & (weeks["km"] > 0)].iloc[0]
    raw = raw_folder(tmp_path / "raw", trials).parents[1]
    stances, _ = shard_stances(participants(), raw, reading(required_signals=OPENSIM_REQUIRED))
    valid = (stances["at_reason"] == "") & (stances["qc_reason"] == "")
    impulse = stances.loc[valid, "at_impulse_bws"].mean()  # the study's own reader
    assert np.isfinite(ran["cadence_spm"]) and impulse > 0
    expected = ran["km"] * ran["cadence_spm"] * ran["pace_min_per_km"] / 2 * impulse
    assert ran["tendon_load_bws"] == pytest.approx(expected)
    assert weeks.loc[weeks["runner"] == "S02", "tendon_load_bws"].isna().all()  # no trials: missing, not 0
    page = html.unescape((out / "runners/s01.html").read_text())
    assert 'data-trial-date="2021-03-01"' in page and "Rests on the lab trials of 2021-03-01" in page
    assert f"its impulse {impulse:.2f} BW·s" in page and "over a 5.0 cm Achilles moment arm" in page
    assert f'data-value="{ran["tendon_load_bws"]:.3f}"' in page
    # AddBiomechanics' OpenSim results give no trial speed: the stance is not carried to the pace, said
    assert "The lab trials give no running speed" in page
    other = (out / "runners/s02.html").read_text()
    assert 'id="tendon-load"' not in other


def test_trials_without_a_tendon_force_say_why_and_give_no_number(model, tmp_path):
    """The public Qualisys running C3D has no ankle moment: the block names the reason, the column is NaN."""
    squad, out = tmp_path / "squad", tmp_path / "out"
    runner(squad, "a", "S01", [real_path("c3d/pyorerun_Running_0002.c3d")])
    monitor(squad, model, out, today=dt.date(2021, 12, 1))
    weeks = pd.read_parquet(out / "weeks.parquet")
    assert weeks["tendon_load_bws"].isna().all()
    page = html.unescape((out / "runners/s01.html").read_text())
    assert "No tendon load for this runner: no stance with a tendon force: no sagittal ankle moment" in page
    monitor(squad, model, tmp_path / "nl", lang="nl", today=dt.date(2021, 12, 1))
    assert "Geen peesbelasting voor deze loper:" in html.unescape((tmp_path / "nl/runners/s01.html").read_text())


def test_the_weeks_load_is_the_studys_load_of_the_same_runs():
    """The page's week and the study's run: the same km, pace and lab values give the same tendon load, the
    lab stance carried to the pace by the study's speed relation (a faster km loads the tendon less, a pace
    outside the relation's range is held to it, km without a time have no pace: no number, as the study)."""
    lab = LabTendon("2021-03-01", 1, 2, 0.5, 6.0, 1.25, 3.5, "", 0.05)
    km = np.array([10.0, 10.0, 8.0, 12.0, 5.0])
    duration_s = np.array([1000 * 10 / 3.5, 1000 * 10 / 4.5, 1000 * 8 / 2.8, 1000 * 12 / 7.0, 0.0])
    weeks = pd.DataFrame({"km": km, "cadence_spm": np.nan, "pace_min_per_km": duration_s / 60 / km})
    load = with_tendon_load(weeks, lab, RELATION)["tendon_load_bws"].to_numpy(float)
    study = study_load(lab, km, duration_s)
    assert load[:4] == pytest.approx(study[:4]) and np.isnan(load[4]) and np.isnan(study[4])
    assert load[0] == pytest.approx(10 * 400 * 0.5)  # at the lab's own speed: 800 steps per km x 0.5 BW s / 2
    assert load[1] < load[0] < load[2]  # per km: faster, fewer and shorter stances
    # the watch's cadence x pace counts the week's steps; the stance's impulse is still carried to the pace
    cadenced = with_tendon_load(weeks.assign(cadence_spm=180.0), lab, RELATION)["tendon_load_bws"].iloc[1]
    carried = RELATION.impulse_per_step(0.5, 4.5 / 3.5)
    assert cadenced == pytest.approx(10 * 180 * weeks["pace_min_per_km"].iloc[1] / 2 * carried)


def test_without_the_relation_every_km_counts_the_lab_stance():
    """A model file of an older release has no speed relation: the lab stance at every pace (the page says
    so, see test_c3d_trials_give_their_step_length_where_the_watch_has_no_cadence); a week of 0 km is 0."""
    lab = LabTendon("2021-03-01", 1, 2, 0.5, 6.0, 1.25, 3.5, "", 0.05)
    weeks = pd.DataFrame({"km": [10.0, 0.0, 5.0], "cadence_spm": [np.nan, np.nan, 180.0]}).assign(
        pace_min_per_km=[4, np.nan, 5]
    )
    load = with_tendon_load(weeks, lab, None)["tendon_load_bws"].tolist()
    # 1000 / 1.25 m = 800 steps per km, 400 per leg x 0.5 BW s; a week of 0 km is 0; 180 spm x 5 min/km
    assert load == pytest.approx([10 * 400 * 0.5, 0.0, 5 * 900 / 2 * 0.5])
    unusable = LabTendon("2021-03-01", 1, 0, np.nan, np.nan, np.nan, np.nan, "no stance")
    assert with_tendon_load(weeks, unusable, RELATION)["tendon_load_bws"].isna().all()


def test_c3d_trials_give_their_step_length_where_the_watch_has_no_cadence(model, sim_config, tmp_path):
    """A synthetic lab's C3D trials (3.5 m/s from the sacral marker, feet 1.2 m apart) and a watch without
    cadence: steps per km from the lab's step length, the load the study's run of the same km and pace has;
    with a model file of an older release (no speed relation), km x 1000 / step length / 2 x impulse, said."""

    cfg = replace(sim_config, trial_sd_fraction=0.0)
    person = {**cohort.draw_person(cfg, 3), "lab": "gait_lab_a"}
    squad, out = tmp_path / "squad", tmp_path / "out"
    folder = squad / "a"
    folder.mkdir(parents=True)
    (folder / "runner.yaml").write_text(yaml.safe_dump({"label": "S01", "age": 30, "sex": "F", "body_mass_kg": 60}))
    c3d_writer.write_trials(person, folder, 2, cfg.seed, 0.0, cfg.biomechanics)
    (folder / "run.fit").write_bytes(fit_run(dt.date(2026, 3, 3), 10.0))
    monitor(squad, model, out, today=dt.date(2026, 4, 1))
    week = pd.read_parquet(out / "weeks.parquet").query("km > 0").iloc[0]
    assert np.isnan(week["cadence_spm"])
    lab = lab_tendon(folder, 60.0, schema_defaults()["biomechanics"])
    assert lab.step_length_m == pytest.approx(1.2, abs=0.1) and lab.speed_m_s == pytest.approx(3.5, abs=0.05)
    study = study_load(lab, [week["km"]], [week["run_time_min"] * 60])[0]  # the study's run of the same pace
    assert week["tendon_load_bws"] == pytest.approx(study)
    page = html.unescape((out / "runners/s01.html").read_text())
    assert "Trial speed 3.5 m/s." in page
    assert "carried to the week's pace (its time over its km) by the study's speed relation" in page
    assert "older release" not in page
    # a model file of an older release: the lab stance at every pace, and the page says so
    monitor(squad, older_model(tmp_path / "older.json", model), tmp_path / "older", today=dt.date(2026, 4, 1))
    older = pd.read_parquet(tmp_path / "older/weeks.parquet").query("km > 0").iloc[0]
    assert older["tendon_load_bws"] == pytest.approx(10.0 * 1000 / lab.step_length_m / 2 * lab.impulse_bws)
    assert older["tendon_load_bws"] != pytest.approx(study)
    page = html.unescape((tmp_path / "older/runners/s01.html").read_text())
    assert "The study's model file is of an older release and has no speed relation" in page
