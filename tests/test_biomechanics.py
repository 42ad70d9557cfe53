from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from workflow_runner import stance_settings

from runrisk.biomech.conventions import to_documented_convention
from runrisk.biomech.signals import resolve_signals
from runrisk.biomech.stances import (
    PEAK_NAMES,
    contact_segments,
    extract_stances,
    stance_qc,
    summarise_participants,
)
from runrisk.errors import InputError
from runrisk.io.c3d import read_trial
from runrisk.simulate import c3d_writer, cohort

LAB_CONVENTION = {"gait_lab_a": "plugin_gait", "gait_lab_b": "visual3d"}


@pytest.fixture(scope="module", params=sorted(LAB_CONVENTION))
def simulated(tmp_path_factory, sim_config, request):
    """Participant 3's trials as each synthetic lab writes them."""
    cfg = replace(sim_config, trial_sd_fraction=0.0)
    person = {**cohort.draw_person(cfg, 3), "lab": request.param}
    folder = tmp_path_factory.mktemp("c3d")
    paths = c3d_writer.write_trials(person, folder, 2, cfg.seed, 0.0, cfg.biomechanics)
    return person, paths


def test_simulated_trial_reads_back_with_two_plates(simulated):
    person, paths = simulated
    trial = read_trial(paths[0])
    assert trial.point_rate == 200 and trial.analog_rate == 1000
    assert len(trial.plates) == 2
    markers = (
        {"RHEE", "RTOE", "LHEE", "LTOE", "SACR"}
        if person["lab"] == "gait_lab_a"
        else {"R_HEEL", "R_MT2", "L_MT2", "SACRUM"}
    )
    assert markers | {"RAnkleAngles", "LKneeMoment"} <= set(trial.points)
    assert "RAnkleMoment" in trial.moment_labels
    assert paths[0].name == ("run_01.c3d" if person["lab"] == "gait_lab_a" else "RUN_01.C3D")


def test_extraction_recovers_the_simulated_truth(simulated):
    """Either lab's file, in its own convention and marker names, gives the same documented values."""
    person, paths = simulated
    trial = resolve_signals(read_trial(paths[0]), {})
    rows = extract_stances(to_documented_convention(trial, LAB_CONVENTION[person["lab"]]), stance_settings())
    right = next(r for r in rows if r["side"] == "R")
    left = next(r for r in rows if r["side"] == "L")
    assert {r["side"] for r in rows} == {"R", "L"}
    # clinical sign on both limbs: a mirrored or sign-flipped left side would turn these negative
    assert left["ankle_inversion_moment_peak"] > 0 and left["ankle_external_rotation_peak"] > 0
    assert right["qc_reason"] == ""
    assert right["strike_index_pct"] == pytest.approx(person["strike_index"], abs=1.5)
    assert right["contact_time_s"] == pytest.approx(person["contact_time_s"], rel=0.06)
    assert right["peak_vgrf_n"] / (person["body_mass_kg"] * 9.81) == pytest.approx(2.5, abs=0.4)
    for name in ("ankle_external_rotation_peak", "knee_flexion_angle_peak", "hip_adduction_angle_peak"):
        assert right[name] == pytest.approx(person[name], abs=0.05 * abs(person[name]) + 0.05), name
    # Nmm/kg in the file, Nm/kg out
    assert right["ankle_inversion_moment_peak"] == pytest.approx(person["ankle_inversion_moment_peak"], abs=0.01)
    assert right["knee_flexion_moment_peak"] == pytest.approx(person["knee_flexion_moment_peak"], abs=0.02)


def test_tendon_force_of_the_simulated_trial(simulated):
    """The simulator's plantarflexor moment (2.6 Nm/kg peak, in Nmm/kg or as Visual3D's internal Nm/kg) over the
    default 5 cm arm is 2.6 / (0.05 x 9.81) = 5.30 BW, in N with the body mass; the sacrum travels at the
    simulated 3.5 m/s, the feet land 1.2 m apart on the two plates."""
    person, paths = simulated
    trial = to_documented_convention(resolve_signals(read_trial(paths[0]), {}), LAB_CONVENTION[person["lab"]])
    rows = extract_stances(trial, stance_settings(), person["body_mass_kg"])
    for row in rows:
        assert row["at_reason"] == ""
        assert row["at_force_peak_bw"] == pytest.approx(2.6 / (0.05 * 9.81), rel=0.02)
        assert row["at_force_peak_n"] == pytest.approx(row["at_force_peak_bw"] * person["body_mass_kg"] * 9.81)
        # a half sine of 5.3 BW over the contact: 2/pi of peak x contact time; its peak at mid-stance
        assert row["at_impulse_bws"] == pytest.approx(
            2 / np.pi * row["at_force_peak_bw"] * row["contact_time_s"], rel=0.05
        )
        assert row["at_loading_rate_bw_s"] == pytest.approx(
            row["at_force_peak_bw"] / (row["contact_time_s"] / 2), rel=0.1
        )
        assert row["trial_speed_m_s"] == pytest.approx(3.5, abs=0.02)
        assert row["step_length_m"] == pytest.approx(1.2, abs=0.1)
    without_mass = extract_stances(trial, stance_settings())
    assert all(np.isnan(r["at_force_peak_n"]) and r["at_force_peak_bw"] > 5 for r in without_mass)
    assert {r["at_reason"] for r in without_mass} == {"no body mass for the participant: the force in N is not given"}


def test_contact_segments_and_qc_reasons():
    fz = np.array([0, 0, 30, 40, 30, 0, 0, 50, 0], float)
    assert contact_segments(fz, 20) == [(2, 5), (7, 8)]
    settings = stance_settings(min_stance_s=0.1, max_stance_s=0.5)
    assert "partial" in stance_qc(0, 100, 500, 1000, settings, 1)
    assert "shorter" in stance_qc(10, 60, 500, 1000, settings, 1)
    assert "longer" in stance_qc(10, 700, 1000, 1000, settings, 1)
    assert "double" in stance_qc(10, 260, 500, 1000, settings, 2)
    assert stance_qc(10, 260, 500, 1000, settings, 1) == ""


def test_summary_averages_valid_stances_only():
    stances = pd.DataFrame(
        {
            "participant_id": ["a", "a", "a", "b"],
            "side": ["R", "R", "R", "L"],
            "qc_reason": ["", "", "partial contact", ""],
            "strike_index_pct": [10.0, 20.0, 90.0, 50.0],
            "contact_time_s": [0.2, 0.3, 0.1, 0.25],
            **{name: [1.0, 3.0, 100.0, 2.0] for name in PEAK_NAMES},
            "at_force_peak_bw": [5.0, np.nan, 9.0, 6.0],
            "at_impulse_bws": [0.8, np.nan, 2.0, 0.6],
            "at_loading_rate_bw_s": [40.0, np.nan, 90.0, 50.0],
            "trial_speed_m_s": [3.0, 3.4, 5.0, np.nan],
            "step_length_m": [1.2, 1.3, 2.0, np.nan],
        }
    )
    summary = summarise_participants(stances).set_index(["participant_id", "side"])
    assert summary.loc[("a", "R"), "n_stances"] == 2
    assert summary.loc[("a", "R"), "strike_index_pct"] == pytest.approx(15.0)
    assert summary.loc[("b", "L"), "ankle_external_rotation_peak"] == pytest.approx(2.0)
    # a stance without a tendon force is skipped, not a zero: 1.25 m steps are 800 steps per km, 400 of them
    # this foot's, each 0.8 BW s
    assert summary.loc[("a", "R"), "at_force_peak_bw"] == pytest.approx(5.0)
    assert summary.loc[("a", "R"), "steps_per_km"] == pytest.approx(800.0)
    assert summary.loc[("a", "R"), "at_impulse_per_km_bws"] == pytest.approx(320.0)
    assert np.isnan(summary.loc[("b", "L"), "steps_per_km"]) and np.isnan(
        summary.loc[("b", "L"), "at_impulse_per_km_bws"]
    )


def test_bad_c3d_files_name_the_file(tmp_path):
    empty = tmp_path / "empty.c3d"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.c3d.*shorter than one C3D header"):
        read_trial(empty)
    garbage = tmp_path / "garbage.c3d"
    garbage.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputError, match="garbage.c3d"):
        read_trial(garbage)
    with pytest.raises(InputError, match="does not exist"):
        read_trial(Path(tmp_path / "missing.c3d"))
