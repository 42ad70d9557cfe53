"""Every public real C3D (tests/data/real/c3d, and ../shared/data/real/c3d for the others): read, or refused
clearly."""

import re
import shutil
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from real_files import MIPS_FILES, real_files, real_path
from workflow_runner import schema_defaults, stance_settings

from runrisk.biomech.conventions import to_documented_convention
from runrisk.biomech.signals import resolve_signals
from runrisk.biomech.stances import extract_stances, no_stance_reason, vertical_force
from runrisk.cohort.shards import TrialReading, shard_stances
from runrisk.errors import InputError
from runrisk.io.c3d import read_trial
from runrisk.io.quarantine import Quarantine
from runrisk.io.trial import SUPPORTED_PLATE_TYPES

WALKING = stance_settings(max_stance_s=1.5)
PHYSIOLOGICAL = {
    "knee_flexion_angle_peak": (-10, 90),
    "hip_adduction_angle_peak": (-25, 30),
    "ankle_external_rotation_peak": (-40, 50),
    "ankle_inversion_moment_peak": (-1.5, 1.5),
    "knee_flexion_moment_peak": (-1.5, 3.5),
}


@pytest.mark.parametrize("name", real_files("c3d", "*.c3d"))
def test_every_real_file_is_read_or_refused_clearly(name):
    path = real_path(f"c3d/{name}")
    if path.name in MIPS_FILES:
        with pytest.raises(InputError, match=rf"{path.name}: written on a MIPS \(SGI\) processor"):
            read_trial(path)
        return
    trial = to_documented_convention(read_trial(path), "plugin_gait", body_mass_kg=70.0)
    assert trial.n_frames > 0
    assert all(p.plate_type in SUPPORTED_PLATE_TYPES for p in trial.plates)
    rows = extract_stances(trial, WALKING)
    loaded = [p for p in trial.plates if vertical_force(p).max() > 100]
    assert len(rows) >= len(loaded) > 0 or not trial.plates or not loaded
    for row in rows:
        assert 0 < row["peak_vgrf_n"] < 5000
        assert 0 < row["contact_time_s"] <= len(trial.plates[0].force[2]) / trial.analog_rate
        if row["qc_reason"]:
            continue
        assert row["side"] in {"R", "L"}
        for name, (low, high) in PHYSIOLOGICAL.items():
            value = row[name]
            assert value != value or low <= value <= high, (name, value)


def test_running_trial_has_one_stance_on_plate_one():
    trial = read_trial(real_path("c3d/pyorerun_Running_0002.c3d"))
    rows = extract_stances(trial, stance_settings())
    assert [r["plate"] for r in rows] == [1]
    assert rows[0]["contact_time_s"] == pytest.approx(0.29, abs=0.03)
    assert 1300 < rows[0]["peak_vgrf_n"] < 1500


def test_walking_plugin_gait_trial_is_flagged_as_walking_by_running_settings():
    trial = to_documented_convention(read_trial(real_path("c3d/btk_PiG_Motion-FlatFoot-Full.c3d")), "plugin_gait")
    assert {"RAnkleAngles", "LAnkleAngles", "RKneeAngles"} <= trial.angle_labels
    assert len(trial.events) == 12
    rows = extract_stances(trial, stance_settings())
    assert rows and all("walking or standing" in r["qc_reason"] for r in rows)
    walking = {r["side"]: r for r in extract_stances(trial, WALKING)}
    assert walking["L"]["qc_reason"] == ""
    assert walking["L"]["strike_index_pct"] < 33  # heel strike
    # The right heel lands off plate 1: the COP starts mid-foot and leaves the plate outline.
    assert walking["R"]["qc_reason"].startswith("partial contact: COP")
    assert walking["R"]["strike_index_pct"] > 40


@pytest.mark.parametrize(
    "name",
    [
        "Sample01_Eb015pr.c3d",
        "Sample02_pc_real.c3d",
        "Sample02_dec_int.c3d",
        "ezc3d_Qualisys.c3d",
        "btk_Codamotion_ADemo1_pc_float.c3d",
        "btk_MotionAnalysis_Gait.c3d",
        "ezc3d_BTS.c3d",
    ],
)
def test_vendors_processors_and_plate_types_give_plates(name):
    trial = read_trial(real_path(f"c3d/{name}"))
    assert trial.plates, name


def test_intel_and_dec_copies_of_one_trial_agree():
    intel = read_trial(real_path("c3d/Sample02_pc_real.c3d"))
    dec = read_trial(real_path("c3d/Sample02_dec_int.c3d"))
    for a, b in zip(intel.plates, dec.plates, strict=True):
        assert vertical_force(a).max() == pytest.approx(vertical_force(b).max(), rel=0.02)


def test_events_are_read_in_trial_time():
    trial = read_trial(real_path("c3d/btk_sample09_PlugInC3D.c3d"))
    duration = trial.n_frames / trial.point_rate
    assert len(trial.events) == 8
    assert all(0 <= e.time_s <= duration for e in trial.events)
    assert {e.context for e in trial.events} == {"Right", "Left"}


def test_file_without_force_plates_gives_no_stances():
    trial = read_trial(real_path("c3d/kinematics_tennis_serve_nan.c3d"))
    assert trial.plates == []
    assert extract_stances(trial, stance_settings()) == []


def in_words(reason: str) -> bool:
    """A reason a person reads: words, not an exception's class and its text."""
    return len(str(reason).split()) >= 3 and not re.search(r"\w+(Error|Exception)\b|Traceback", str(reason))


def test_every_real_trial_file_gives_stances_or_says_why_through_the_study_reader(tmp_path):
    """Each public C3D and Visual3D file as a participant's only trial, read by the shard job's reader in
    quarantine mode: stances, a trial row with its no_stance_reason, or a quarantine row, in words."""
    files = [f"c3d/{name}" for name in real_files("c3d", "*.c3d")] + [
        f"visual3d/{name}" for name in real_files("visual3d", "*.txt")
    ]
    raw_ids = {relative: f"R{k:03d}" for k, relative in enumerate(files)}
    members = pd.DataFrame(
        {"participant_id": [f"P{raw_id}" for raw_id in raw_ids.values()], "body_mass_kg": 70.0, "height_m": 1.75},
        index=pd.Index(list(raw_ids.values()), name="raw_id"),
    )
    for relative, raw_id in raw_ids.items():
        kind, name = relative.split("/")
        (tmp_path / kind / raw_id).mkdir(parents=True)
        shutil.copy(real_path(relative), tmp_path / kind / raw_id / name)
    settings = TrialReading.from_config({**schema_defaults()["biomechanics"], "max_stance_s": 1.5})
    quarantine = Quarantine()
    stances, trials = shard_stances(members, tmp_path, settings, quarantine)
    refused = {record["raw_id"]: record["reason"] for record in quarantine.records}
    silent = []
    for relative, raw_id in raw_ids.items():
        mine = trials[trials["participant_id"] == f"P{raw_id}"]
        if raw_id in refused:
            assert in_words(refused[raw_id]), (relative, refused[raw_id])
        elif mine.empty or not ((mine["n_stances"] > 0) | mine["no_stance_reason"].map(in_words)).all():
            silent.append(relative)
    assert silent == []
    assert len(refused) < len(files) and (trials["n_stances"] > 0).any()
    assert set(stances["participant_id"]) <= set(trials["participant_id"])
    # a speed, or why not; a tendon force, or why not: never a silent NaN
    speeds = stances.merge(trials[["participant_id", "trial", "speed_reason"]], on=["participant_id", "trial"])
    no_speed = speeds[speeds["trial_speed_m_s"].isna()]
    assert no_speed["speed_reason"].map(in_words).all() and (speeds["trial_speed_m_s"].notna()).any()
    assert (speeds.loc[speeds["trial_speed_m_s"].notna(), "speed_reason"] == "").all()
    no_force = stances[stances["at_force_peak_bw"].isna()]
    assert no_force["at_reason"].map(in_words).all() and stances["at_force_peak_bw"].notna().any()


def test_a_trial_without_stances_says_why():
    """No frames, no force plate, or nobody on a plate: three reasons a trial gives no stance, in words."""
    settings = stance_settings()
    running = read_trial(real_path("c3d/pyorerun_Running_0002.c3d"))
    assert no_stance_reason(running, extract_stances(running, settings), settings) == ""
    tennis = read_trial(real_path("c3d/kinematics_tennis_serve_nan.c3d"))
    assert no_stance_reason(tennis, [], settings) == "the file describes no force plate"
    empty = replace(running, frames=0)  # ezc3d writes no C3D of zero frames: the header's count, as read
    assert no_stance_reason(empty, [], settings) == "the file holds no frames (an empty recording)"
    assert no_stance_reason(running, [], settings).startswith("no force plate was loaded above")


def documented_with_tendon(name: str, convention: str = "plugin_gait") -> list[dict]:
    """A real file's stances with their tendon force, the body mass from its PROCESSING group (none: 70 kg
    for the units, the force in N then withheld)."""
    raw = read_trial(real_path(f"c3d/{name}"))
    mass = raw.processing.get("Bodymass")
    trial = to_documented_convention(resolve_signals(raw, {}), convention, mass or 70.0)
    return extract_stances(trial, WALKING, mass)


@pytest.mark.parametrize("name", ["btk_PiG_Motion-FlatFoot-Full.c3d", "btk_PiG_Motion3_noFF.c3d"])
def test_vicon_walking_gives_the_published_walking_tendon_force(name):
    """Vicon Nexus Plug-in Gait walking trials (1.2 m/s from their pelvis markers): peak Achilles tendon force
    2.5-4 BW, below running's 5-8, as published for walking (Finni et al. 1998, Eur J Appl Physiol 77:289,
    optic fibre in the tendon; Giddings et al. 2000, Med Sci Sports Exerc 32:627: 3.9 BW), in N from the
    file's body mass; a stance whose moment Nexus left with gaps (the foot off the plate) says so."""
    rows = documented_with_tendon(name)
    given = [r for r in rows if r["at_reason"] == ""]
    assert len(given) >= 1 and all(2.5 <= r["at_force_peak_bw"] <= 4.0 for r in given), rows
    assert all(r["at_force_peak_n"] > 1000 and r["at_impulse_bws"] > 0.5 for r in given)
    assert all(r["trial_speed_m_s"] == pytest.approx(1.2, abs=0.1) for r in rows)
    assert all(0.5 < r["step_length_m"] < 0.8 for r in rows)  # 1.2 m/s x a walking step time of 0.5-0.6 s
    assert {r["at_reason"] for r in rows} <= {"", "the sagittal ankle moment has gaps during the stance"}


def test_real_files_give_a_tendon_force_or_say_why():
    """The Qualisys running trial has pelvis markers (its speed, 3.1 m/s) but no ankle moment and none
    computable from its marker set; c3d.org's sample09 carries no body mass (the force in body weights
    only); the Vicon moments read as Visual3D's internal moments have the wrong sign for a stance."""
    (running,) = documented_with_tendon("pyorerun_Running_0002.c3d")
    assert running["at_reason"] == "no sagittal ankle moment in the trial"
    assert running["trial_speed_m_s"] == pytest.approx(3.1, abs=0.1) and np.isnan(running["at_force_peak_bw"])
    sample09 = documented_with_tendon("btk_sample09_PlugInC3D.c3d")
    assert {r["at_reason"] for r in sample09} == {"no body mass for the participant: the force in N is not given"}
    assert all(r["at_force_peak_bw"] > 1 and np.isnan(r["at_force_peak_n"]) for r in sample09)
    flipped = documented_with_tendon("btk_PiG_Motion3_noFF.c3d", convention="visual3d")
    assert all(r["at_reason"].startswith("unknown sign convention") for r in flipped)
    for name in ["Sample01_Eb015pr.c3d", "btk_MotionAnalysis_Gait.c3d", "btk_Codamotion_ADemo1_pc_float.c3d"]:
        for row in documented_with_tendon(name):
            assert in_words(row["at_reason"]) and np.isnan(row["at_force_peak_bw"]), (name, row["at_reason"])
