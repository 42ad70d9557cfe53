"""Signal names as labs write them (runrisk.biomech.signals), and the trials table that says which."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from real_files import real_path
from trialkit import simulated_c3d
from workflow_runner import schema_defaults, stance_settings

from runrisk.biomech.signals import SignalNaming, match_labels, resolve_signals
from runrisk.biomech.stances import extract_stances
from runrisk.cohort.shards import TrialReading, load_trial
from runrisk.io.c3d import read_trial

SETTINGS = TrialReading.from_config(schema_defaults()["biomechanics"])
PARTICIPANT = pd.Series({"body_mass_kg": 70.0, "lab": ""})


@pytest.mark.parametrize(
    ("label", "canonical"),
    [
        ("RHEE", "RHEE"),
        ("RHeel", "RHEE"),  # Qualisys
        ("R_Heel", "RHEE"),
        ("R.Heel", "RHEE"),  # Codamotion
        ("r heel", "RHEE"),  # BTS
        ("Derrick:LHEE", "LHEE"),  # Nexus with a named subject
        ("RMT1", "RTOE"),
        ("L.Toe", "LTOE"),
        ("RAnkleAnglesV", "RAnkleAngles"),  # Nexus
        ("RT_ANKLE_ANGLE", "RAnkleAngles"),  # Visual3D
        ("LEFT_KNEE_MOMENT", "LKneeMoment"),
        ("Subject:SACR", "SACR"),
    ],
)
def test_vendor_spellings_are_recognised_without_config(label, canonical):
    assert match_labels([label, "unrelated"], {}) == {canonical: label}


def naming(signal_names: dict, lab_signal_names: dict) -> SignalNaming:
    return SignalNaming("plugin_gait", {}, signal_names, lab_signal_names, None)


def test_the_order_of_preference_exact_then_config_then_vocabulary():
    assert match_labels(["RHeel", "RHEE"], {}) == {"RHEE": "RHEE"}
    assert match_labels(["RMT1", "RMT2"], {})["RTOE"] == "RMT2"  # the second metatarsal is Plug-in Gait's TOE
    configured = naming({"RTOE": ["R_FOOT_TIP"]}, {}).names_for_lab("")
    assert match_labels(["RMT2", "R_FOOT_TIP"], configured)["RTOE"] == "R_FOOT_TIP"
    per_lab = naming({"RTOE": ["A"]}, {"b": {"RTOE": ["B"]}})
    assert match_labels(["A", "B"], per_lab.names_for_lab("b"))["RTOE"] == "B"
    assert match_labels(["A", "B"], per_lab.names_for_lab("other"))["RTOE"] == "A"
    assert match_labels(["RHEE"], {"LHEE": ["RHEE"]}) == {"RHEE": "RHEE"}  # one label carries one signal


def test_v_suffixed_outputs_give_the_same_peaks_as_plain_labels(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    c3d.write(str(tmp_path / "plain.c3d"))
    point = c3d["parameters"]["POINT"]
    renamed = {
        label: f"Jane Roe:{label}V" if label in point["ANGLES"]["value"] else label
        for label in point["LABELS"]["value"]
    }
    for key in ("LABELS", "ANGLES"):
        point[key]["value"] = [renamed.get(label, label) for label in point[key]["value"]]
    c3d.write(str(tmp_path / "suffixed.c3d"))
    plain, suffixed = (load_trial(tmp_path / f"{n}.c3d", PARTICIPANT, SETTINGS) for n in ("plain", "suffixed"))
    assert suffixed.signal_labels["RAnkleAngles"] == "RAnkleAnglesV"  # the subject's name is not kept
    assert "Jane" not in suffixed.summary()["signal_labels"]
    settings = stance_settings()
    rows = extract_stances(plain, settings), extract_stances(suffixed, settings)
    assert len(rows[0]) == 2 and all(r["qc_reason"] == "" for r in rows[0])
    for a, b in zip(*rows, strict=True):
        assert a == pytest.approx(b, nan_ok=True)


def test_a_required_signal_missing_is_the_stance_qc_reason(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    point = c3d["parameters"]["POINT"]
    point["LABELS"]["value"] = [
        ("RAnkleMomentX" if label == "RAnkleMoment" else label) for label in point["LABELS"]["value"]
    ]
    point["MOMENTS"]["value"] = [("RAnkleMomentX" if m == "RAnkleMoment" else m) for m in point["MOMENTS"]["value"]]
    c3d.write(str(tmp_path / "odd.c3d"))
    trial = load_trial(tmp_path / "odd.c3d", PARTICIPANT, SETTINGS)
    right = next(r for r in extract_stances(trial, stance_settings()) if r["side"] == "R")
    assert right["qc_reason"].startswith("missing signal(s) RAnkleMoment: in the file under no known name")
    configured = replace(SETTINGS, signal_names={"RAnkleMoment": ["RAnkleMomentX"]})
    trial = load_trial(tmp_path / "odd.c3d", PARTICIPANT, configured)
    right = next(r for r in extract_stances(trial, stance_settings()) if r["side"] == "R")
    assert right["qc_reason"] == "" and np.isfinite(right["ankle_inversion_moment_peak"])


def test_only_known_signals_travel_on_and_frames_stay_those_of_the_file():
    trial = read_trial(real_path("c3d/Sample01_Eb015pi.c3d"))
    resolved = resolve_signals(trial, {})
    assert resolved.points == {} and resolved.n_frames == trial.n_frames == 450
    assert resolved.summary()["n_frames"] == 450


def test_qualisys_running_trial_gets_its_stance_and_foot():
    trial = load_trial(real_path("c3d/pyorerun_Running_0002.c3d"), PARTICIPANT, SETTINGS)
    assert {"RHEE": "RHeel", "RTOE": "RMT1", "LHEE": "LHeel", "LTOE": "LMT1"}.items() <= trial.signal_labels.items()
    rows = extract_stances(trial, stance_settings(required_signals=("HEE", "TOE")))
    loaded = [r for r in rows if r["side"]]
    assert loaded, rows
    for row in loaded:
        # the foot on the plate is the one whose heel-toe midpoint is nearest the COP at mid-stance
        plate = trial.plates[row["plate"] - 1]
        mid = int((row["contact_s"] + row["toe_off_s"]) / 2 * trial.analog_rate)
        frame = int(round(mid / trial.analog_rate * trial.point_rate))
        cop = plate.cop_mm[:2, mid]
        distance = {
            s: np.hypot(*((trial.points[f"{s}HEE"][:2, frame] + trial.points[f"{s}TOE"][:2, frame]) / 2 - cop))
            for s in "RL"
        }
        assert row["side"] == min(distance, key=distance.get)
        assert distance[row["side"]] < 150  # mm: the foot is on the plate, not near it
        assert 0 <= row["strike_index_pct"] <= 100
