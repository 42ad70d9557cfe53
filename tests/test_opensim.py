"""OpenSim results as a lab source (runrisk.io.opensim): the real AddBiomechanics running trial in
tests/data/real/opensim (Hamner & Delp 2013, CC BY 4.0), the study's convention, and bad input in words."""

import shutil

import numpy as np
import pandas as pd
import pytest
from real_files import real_path
from workflow_runner import schema_defaults

from runrisk.biomech.conventions import to_documented_convention
from runrisk.cohort.shards import TrialReading, shard_stances
from runrisk.io.opensim import group_trials, read_forces, read_opensim, read_storage
from runrisk.io.quarantine import Quarantine

TRIAL = "opensim/addbiomech_hamner2013_s01_run400_{}"
ROLES = ("ik.mot", "id.sto", "grf.mot")
# AddBiomechanics' mass of Hamner & Delp's subject01 (osim_results/README.txt of the source)
BODY_MASS_KG = 72.94
# OpenSim trials carry no heel/toe markers: a lab reading them asks only for what they hold
OPENSIM_REQUIRED = ["AnkleAngles", "AnkleMoment"]


def real_trial_files() -> list:
    return [real_path(TRIAL.format(role)) for role in ROLES]


def raw_folder(tmp_path, files, raw_id="R001"):
    folder = tmp_path / "opensim" / raw_id
    folder.mkdir(parents=True)
    for path in files:
        shutil.copy(path, folder / path.name)
    return folder


def participants(raw_id="R001"):
    return pd.DataFrame(
        {"participant_id": ["P001"], "body_mass_kg": [BODY_MASS_KG], "height_m": [1.8]},
        index=pd.Index([raw_id], name="raw_id"),
    )


def reading(**overrides):
    return TrialReading.from_config({**schema_defaults()["biomechanics"], **overrides})


def test_the_real_running_trial_maps_to_the_studys_convention():
    """Ankle angle: OpenSim's dorsiflexion-positive radians are Plug-in Gait's degrees; the moment is the
    negated generalized force per kg (external, a plantarflexor stance moment positive, as Plug-in Gait's)."""
    trial = to_documented_convention(read_opensim(real_trial_files()), "plugin_gait", BODY_MASS_KG)
    kinematics = read_storage(real_path(TRIAL.format("ik.mot")))
    dynamics = read_storage(real_path(TRIAL.format("id.sto")))
    assert kinematics.header["indegrees"] == "no"
    np.testing.assert_allclose(trial.points["LAnkleAngles"][0], np.degrees(kinematics.column("ankle_angle_l")))
    np.testing.assert_allclose(trial.points["RHipAngles"][1], np.degrees(kinematics.column("hip_adduction_r")))
    moment = trial.points["LAnkleMoment"][0]
    np.testing.assert_allclose(moment, -dynamics.column("ankle_angle_l_moment") / BODY_MASS_KG)
    assert 3.0 < moment.max() < 4.5  # Nm/kg: the running plantarflexor moment (Hamner & Delp 2013, fig. 3)
    assert np.isnan(trial.points["LAnkleAngles"][1:]).all()  # no ankle inversion in a one-axis ankle
    assert "LKneeAngles" not in trial.points  # knee sign differs between OpenSim models: not guessed
    assert trial.point_rate == 100.0 and trial.source_format == "opensim"


def test_the_real_ground_reaction_forces_are_per_foot_plates_in_the_lab_frame():
    storage, plates = read_forces(real_path(TRIAL.format("grf.mot")))
    assert [p.side_hint for p in plates] == ["R", "L"]
    left = plates[1]
    np.testing.assert_allclose(left.force[2], storage.column("ground_force_calcn_l_vy"))  # OpenSim Y up: lab Z
    np.testing.assert_allclose(left.force[1], -storage.column("ground_force_calcn_l_vz"))  # OpenSim Z right
    np.testing.assert_allclose(left.cop_mm[0], 1000 * storage.column("ground_force_calcn_l_px"))
    assert not plates[0].force.any()  # the right foot is in the air throughout the excerpt


def test_the_real_trial_gives_its_left_stance_through_the_study_reader(tmp_path):
    """The participant's opensim/ folder: three files, one trial, one valid left stance with its peaks."""
    raw_folder(tmp_path, real_trial_files())
    stances, trials = shard_stances(participants(), tmp_path, reading(required_signals=OPENSIM_REQUIRED))
    assert len(trials) == 1 and trials.at[0, "format"] == "opensim" and trials.at[0, "trial"] == "opensim-1"
    assert "LAnkleAngles=ankle_angle_l; LAnkleMoment=-ankle_angle_l_moment;" in trials.at[0, "signal_labels"]
    valid = stances[stances["qc_reason"] == ""]
    assert list(valid["side"]) == ["L"]
    assert valid["contact_time_s"].iloc[0] == pytest.approx(0.25, abs=0.02)  # 1.21-1.45 s in the GRF file
    assert valid["peak_vgrf_n"].iloc[0] == pytest.approx(1942, rel=0.05)


def test_the_default_required_markers_are_named_for_an_opensim_trial(tmp_path):
    """Heel and toe markers are not in OpenSim results: the stance says so instead of a NaN strike index."""
    raw_folder(tmp_path, real_trial_files())
    stances, _ = shard_stances(participants(), tmp_path, reading())
    reason = stances.loc[stances["side"] == "L", "qc_reason"].iloc[0]
    assert reason.startswith("missing signal(s) LHEE, LTOE")


def rewritten(tmp_path, role, change):
    """The real trial's files in a participant folder, one of them rewritten by change(text)."""
    files = real_trial_files()
    folder = raw_folder(tmp_path, files)
    target = folder / real_path(TRIAL.format(role)).name
    target.write_text(change(target.read_text()))
    return folder


def refusal(tmp_path, role, change) -> str:
    rewritten(tmp_path, role, change)
    quarantine = Quarantine()
    shard_stances(participants(), tmp_path, reading(required_signals=OPENSIM_REQUIRED), quarantine)
    assert len(quarantine.records) == 1
    return quarantine.records[0]["reason"]


def test_a_file_of_another_models_coordinates_is_refused_naming_what_it_lacks(tmp_path):
    reason = refusal(tmp_path, "ik.mot", lambda text: text.replace("ankle_angle_", "ankle_"))
    assert "lacks ankle_angle_r, ankle_angle_l" in reason
    assert "gait2392" in reason


def test_moments_of_another_model_are_refused_naming_what_they_lack(tmp_path):
    reason = refusal(tmp_path, "id.sto", lambda text: text.replace("ankle_angle_l_moment", "ankle_l_moment"))
    assert "lacks ankle_angle_l_moment" in reason


def test_coordinates_whose_angle_unit_cannot_be_told_are_refused_in_words(tmp_path):
    reason = refusal(tmp_path, "ik.mot", lambda text: text.replace("inDegrees=no\n", ""))
    assert "cannot tell whether its angles are in degrees or radians (no inDegrees line" in reason


def test_a_trial_without_its_forces_is_refused_naming_the_missing_file(tmp_path):
    folder = raw_folder(tmp_path, real_trial_files()[:2])
    assert sorted(p.name for p in folder.iterdir())[0].endswith("id.sto")
    quarantine = Quarantine()
    stances, trials = shard_stances(participants(), tmp_path, reading(), quarantine)
    assert stances.empty
    assert "has no ground reaction forces file" in quarantine.records[0]["reason"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda text: text.replace("nRows=31", "nRows=205"), "the header states 205 rows, the file holds 31"),
        (lambda text: text.replace("endheader", "end"), "no 'endheader' line"),
        (lambda text: text.rstrip("\n").rsplit("\t", 1)[0] + "\n", "has 37 values for 38 column labels"),
        (lambda text: text.replace("1.3\t", "1.3\tabc", 1), "holds a value that is not a number"),
    ],
)
def test_bad_storage_files_are_refused_with_the_reason(tmp_path, change, words):
    assert words in refusal(tmp_path, "id.sto", change)


def test_two_trials_in_one_folder_are_told_apart_by_their_name_stem(tmp_path):
    """run300_* and run400_*: two trials of three files each; the faster has the shorter contact."""
    files = [real_path(TRIAL.replace("run400", speed).format(role)) for speed in ("run300", "run400") for role in ROLES]
    raw_folder(tmp_path, files)
    stances, trials = shard_stances(participants(), tmp_path, reading(required_signals=OPENSIM_REQUIRED))
    assert list(trials["trial"]) == ["opensim-1", "opensim-4"]  # labelled by each trial's first file
    contact = stances.set_index("trial")["contact_time_s"]
    # above the 20 N threshold: 0.88-1.15 s at 3 m/s, 1.22-1.45 s at 4 m/s
    assert contact["opensim-1"] == pytest.approx(0.27, abs=0.015)
    assert contact["opensim-4"] == pytest.approx(0.24, abs=0.015)


def test_opensim_guis_default_result_names_join_the_trial_beside_them(tmp_path):
    """OpenSim's GUI names its inverse dynamics result inverse_dynamics.sto whatever the trial."""
    files = real_trial_files()
    renamed = tmp_path / "inverse_dynamics.sto"
    shutil.copy(files[1], renamed)
    assert len(group_trials([files[0], renamed, files[2]])) == 1
    assert len(group_trials([*files, *[real_path(TRIAL.replace("run400", "run300").format("ik.mot"))], renamed])) == 3


def test_opensim_3_force_sets_are_told_apart_by_their_prefix(tmp_path):
    """OpenSim's own examples name the sets ground_force_* and 1_ground_force_* (feet set in the external
    loads file, not the .mot: no side), labs often r_/l_; torques are not forces."""
    columns = ["time"]
    for prefix in ("r_", "l_", "", "1_"):
        columns += [f"{prefix}ground_force_{k}{a}" for k in "vp" for a in "xyz"]
    columns += ["ground_torque_x", "ground_torque_y", "ground_torque_z"]
    rows = [[0.01 * i] + [float(i + j) for j in range(len(columns) - 1)] for i in range(5)]
    text = f"grf\nversion=1\nnRows=5\nnColumns={len(columns)}\ninDegrees=yes\nendheader\n"
    text += "\t".join(columns) + "\n" + "\n".join("\t".join(f"{v:g}" for v in row) for row in rows) + "\n"
    path = tmp_path / "walk_grf.mot"
    path.write_text(text)
    _, plates = read_forces(path)
    assert [p.side_hint for p in plates] == ["R", "L", "", ""]
    np.testing.assert_allclose(plates[0].force[2], [row[2] for row in rows])  # r_ vy is vertical
    np.testing.assert_allclose(plates[0].cop_mm[1], [-1000 * row[6] for row in rows])  # -pz is lab Y


def test_tendon_force_of_the_real_running_trials_is_in_the_published_range_and_rises_with_speed(tmp_path):
    """Achilles tendon peak force (plantarflexor moment / the default 5 cm arm) of Hamner & Delp's runner:
    in vivo and model estimates at 3-4.5 m/s are about 5-8 body weights, rising with speed (Scott & Winter
    1990, Med Sci Sports Exerc 22:357: 6.1-8.2 BW at 4.5-5.4 m/s; Komi 1990, J Biomech 23 Suppl 1:23, buckle
    transducer, up to 9 kN at 6 m/s; Almonroeder et al. 2013, Ann Biomed Eng 41:1758: about 6-7 BW at 4 m/s;
    Lyght et al. 2016, J Appl Biomech 32:365: about 5-6 BW at 3.3 m/s). Speeds: the treadmill's, as the study
    reports its trials run300 and run400 (not in the files)."""
    files = [real_path(TRIAL.replace("run400", speed).format(role)) for speed in ("run300", "run400") for role in ROLES]
    raw_folder(tmp_path, files)
    stances, _ = shard_stances(participants(), tmp_path, reading(required_signals=OPENSIM_REQUIRED))
    peak = stances.set_index("trial")["at_force_peak_bw"]
    assert (stances["at_reason"] == "").all()
    assert 5.0 <= peak["opensim-1"] <= 8.0  # 3.0 m/s
    assert 5.0 <= peak["opensim-4"] <= 8.0  # 4.0 m/s
    assert peak["opensim-4"] > peak["opensim-1"]
    newtons = stances.set_index("trial")["at_force_peak_n"]
    assert newtons["opensim-4"] == pytest.approx(peak["opensim-4"] * BODY_MASS_KG * 9.81)
    assert stances["trial_speed_m_s"].isna().all()  # a treadmill's speed is in no file: missing, never guessed


def test_the_pelvis_translation_gives_an_overground_trials_speed_and_a_treadmills_reason(tmp_path):
    """OpenSim's pelvis_tx/ty/tz is the pelvis origin: the trial's speed as from pelvis markers. On Hamner &
    Delp's treadmill it stays put (a reason, no speed); the same trial moved on at 4 m/s gives 4 m/s."""
    files = real_trial_files()
    raw_folder(tmp_path / "treadmill", files)
    _, trials = shard_stances(participants(), tmp_path / "treadmill", reading(required_signals=OPENSIM_REQUIRED))
    assert "a treadmill or standing trial" in trials.at[0, "speed_reason"]
    folder = raw_folder(tmp_path / "overground", files)
    coordinates = read_storage(files[0])
    moved = coordinates.data.copy()
    moved[:, coordinates.labels.index("pelvis_tx")] += 4.0 * (coordinates.time - coordinates.time[0])
    header = ["Coordinates", "version=1", f"nRows={len(moved)}", "inDegrees=no"]
    (folder / files[0].name).write_text(storage_text(coordinates, header, moved))
    stances, trials = shard_stances(participants(), tmp_path / "overground", reading(required_signals=OPENSIM_REQUIRED))
    assert stances.at[0, "trial_speed_m_s"] == pytest.approx(4.0, abs=0.15)
    assert trials.at[0, "speed_reason"] == ""


def test_the_public_qualisys_running_trial_gives_its_speed_and_says_why_no_tendon_force(tmp_path):
    """pyorerun's Running_0002 (Qualisys, markers and plates, no model outputs and not the Plug-in Gait marker
    set the gait model needs): as far as its markers allow, the right stance and the pelvis's running speed;
    the tendon force is missing with its reason, never 0."""
    folder = tmp_path / "c3d" / "R001"
    folder.mkdir(parents=True)
    shutil.copy(real_path("c3d/pyorerun_Running_0002.c3d"), folder / "run.c3d")
    stances, trials = shard_stances(participants(), tmp_path, reading())
    stance = stances.iloc[0]
    assert stance["side"] == "R" and stance["contact_time_s"] == pytest.approx(0.29, abs=0.02)
    assert 2.5 < stance["trial_speed_m_s"] < 4.5  # a running pace, from the pelvis markers
    assert np.isnan(stance["at_force_peak_bw"]) and stance["at_reason"] == "no sagittal ankle moment in the trial"


def storage_text(storage, header: list[str], data: np.ndarray) -> str:
    rows = "\n".join("\t".join(f"{v:.9g}" for v in row) for row in data)
    return "\n".join([*header, "endheader", "\t".join(storage.labels), rows]) + "\n"


def test_coordinates_written_in_degrees_give_the_same_angles(tmp_path):
    """An OpenSim 3 GUI export in degrees (inDegrees=yes) and AddBiomechanics' radians read alike."""
    files = real_trial_files()
    radians = read_storage(files[0])
    degrees = radians.data.copy()
    rotational = [i for i, label in enumerate(radians.labels) if i and not label.startswith("pelvis_t")]
    degrees[:, rotational] = np.degrees(degrees[:, rotational])
    header = ["Coordinates", "version=1", f"nRows={len(degrees)}", f"nColumns={len(radians.labels)}", "inDegrees=yes"]
    path = tmp_path / "run_ik.mot"
    path.write_text(storage_text(radians, header, degrees))
    mine = read_opensim([path, *files[1:]])
    theirs = read_opensim(files)
    np.testing.assert_allclose(mine.points["LAnkleAngles"], theirs.points["LAnkleAngles"], rtol=1e-6)
    np.testing.assert_allclose(mine.points["RHipAngles"], theirs.points["RHipAngles"], rtol=1e-6)


def test_forces_at_a_plates_rate_give_the_same_stance_on_the_coordinates_frames(tmp_path):
    """Labs write GRF .mot at the plates' 1000 Hz beside 100 Hz coordinates, often from an earlier start:
    the stance's times and its tendon force come out as at one rate."""
    files = real_trial_files()
    forces = read_storage(files[2])
    fine = np.arange(forces.time[0] - 0.05, forces.time[-1] + 1e-9, 0.001)
    data = np.column_stack(
        [fine] + [np.interp(fine, forces.time, forces.data[:, j]) for j in range(1, len(forces.labels))]
    )
    path = tmp_path / "run400_grf.mot"
    path.write_text(storage_text(forces, ["nColumns=19", f"nRows={len(fine)}", "version=3"], data))
    trial = read_opensim([*files[:2], path])
    assert trial.analog_rate == 1000.0 and trial.point_rate == 100.0
    assert trial.plates[1].force.shape[1] == len(fine) - 50  # cut to the coordinates' first frame
    settings = reading(required_signals=OPENSIM_REQUIRED)
    from runrisk.biomech.stances import extract_stances

    coarse = extract_stances(to_documented_convention(read_opensim(files), "plugin_gait", BODY_MASS_KG), settings)
    dense = extract_stances(to_documented_convention(trial, "plugin_gait", BODY_MASS_KG), settings)
    assert dense[0]["contact_s"] == pytest.approx(coarse[0]["contact_s"], abs=0.011)
    assert dense[0]["at_force_peak_bw"] == pytest.approx(coarse[0]["at_force_peak_bw"], rel=0.02)


def test_the_qc_figure_draws_an_opensim_trial_without_a_warning(tmp_path):
    """The trial QC figure of a participant whose first trial is OpenSim's: GRF and ankle curves, no COP on
    the foot (no heel and toe markers), and no matplotlib warning in the run's log."""
    import warnings

    from runrisk.biomech.stances import filter_trial
    from runrisk.cohort.shards import first_readable_trial
    from runrisk.report.figures import save, trial_qc_figure

    raw_folder(tmp_path, real_trial_files())
    settings = reading(required_signals=OPENSIM_REQUIRED)
    _, label, trial, stances = first_readable_trial(tmp_path, participants(), "R001", settings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = trial_qc_figure(filter_trial(trial, settings), stances, "QC", settings.cop_threshold_n)
        save(figure, tmp_path / "qc.png", tmp_path / "qc.svg")
    assert label == "opensim-1" and (tmp_path / "qc.png").stat().st_size > 10_000
