"""Real files written by other labs and tools (../shared/data/real/c3d, see SOURCES.md there)."""

import pytest

from runrisk.biomechanics import StanceSettings, extract_stances, vertical_force
from runrisk.c3d import read_trial
from runrisk.errors import InputError


def test_running_trial_has_one_stance_on_plate_one(real_data):
    trial = read_trial(real_data / "c3d" / "pyorerun_Running_0002.c3d")
    assert trial.analog_rate == 2000
    loaded = [p for p in trial.plates if vertical_force(p).max() > 20]
    assert [p.index for p in loaded] == [0]
    fz = vertical_force(trial.plates[0])
    assert 1300 < fz.max() < 1500


def test_walking_plugin_gait_trial_has_model_outputs_and_plausible_peaks(real_data):
    trial = read_trial(real_data / "c3d" / "btk_PiG_Motion-FlatFoot-Full.c3d")
    assert {"RAnkleAngles", "LAnkleAngles", "RKneeAngles"} <= trial.angle_labels
    assert {"RAnkleMoment", "LKneeMoment"} <= trial.moment_labels
    rows = extract_stances(trial, StanceSettings(max_stance_s=1.0))
    assert rows, "two AMTI plates in a walking trial: at least one stance"
    for row in rows:
        assert row["side"] in {"R", "L"}
        assert 0.3 < row["contact_time_s"] < 1.0  # walking
        if row["qc_reason"] == "":
            assert 0 <= row["knee_flexion_angle_peak"] < 80
            assert -1 < row["ankle_inversion_moment_peak"] < 1.5


@pytest.mark.parametrize(
    "name",
    [
        "Sample01_Eb015pr.c3d",
        "Sample02_pc_real.c3d",
        "Sample02_dec_int.c3d",
        "ezc3d_Qualisys.c3d",
        "btk_Codamotion_ADemo1_pc_float.c3d",
    ],
)
def test_other_vendors_and_processors_read_with_plates(real_data, name):
    trial = read_trial(real_data / "c3d" / name)
    assert trial.plates, name
    assert trial.n_frames > 0


def test_file_without_force_plates_gives_no_stances(real_data):
    trial = read_trial(real_data / "c3d" / "kinematics_tennis_serve_nan.c3d")
    assert trial.plates == []
    assert extract_stances(trial, StanceSettings()) == []


def test_mips_processor_file_is_a_clear_error(real_data):
    with pytest.raises(InputError, match="Sample02_sgi_real.c3d.*ezc3d could not read it"):
        read_trial(real_data / "c3d" / "Sample02_sgi_real.c3d")
