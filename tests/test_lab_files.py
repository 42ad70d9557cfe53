"""Trials as real labs write them: units, plate types, drift, double and partial contacts, missing
markers, events, Plug-in Gait vs Visual3D conventions, Visual3D ASCII exports, filtering."""

import re
import struct

import numpy as np
import pytest
from real_files import real_path
from trialkit import FZ1, MY1, analogs, simulated_c3d, to_visual3d_text, write_and_read
from workflow_runner import stance_settings

from runrisk.biomech.conventions import to_documented_convention
from runrisk.biomech.stances import extract_stances, lowpass
from runrisk.errors import InputError
from runrisk.io.c3d import read_trial
from runrisk.io.trial import Trial
from runrisk.io.visual3d import read_visual3d
from runrisk.simulate.c3d_writer import _set_int_parameter

SETTINGS = stance_settings()


def right_stance(trial):
    return next(r for r in extract_stances(trial, SETTINGS) if r["plate"] == 1)


@pytest.fixture
def reference(sim_config, tmp_path):
    person, c3d = simulated_c3d(sim_config)
    return person, right_stance(write_and_read(c3d, tmp_path / "reference.c3d"))


def test_reference_stance_is_valid_and_right(reference):
    person, row = reference
    assert row["side"] == "R" and row["qc_reason"] == ""
    assert row["strike_index_pct"] == pytest.approx(person["strike_index"], abs=1.5)


def test_positions_in_metres_give_the_same_stance(sim_config, tmp_path, reference):
    _, c3d = simulated_c3d(sim_config)
    model = set(c3d["parameters"]["POINT"]["ANGLES"]["value"]) | set(c3d["parameters"]["POINT"]["MOMENTS"]["value"])
    markers = [i for i, label in enumerate(c3d["parameters"]["POINT"]["LABELS"]["value"]) if label not in model]
    c3d["data"]["points"][:3, markers, :] /= 1000.0
    c3d["parameters"]["POINT"]["UNITS"]["value"] = ["m"]
    c3d["parameters"]["FORCE_PLATFORM"]["CORNERS"]["value"] = (
        c3d["parameters"]["FORCE_PLATFORM"]["CORNERS"]["value"] / 1000
    )
    c3d["parameters"]["FORCE_PLATFORM"]["ORIGIN"]["value"] = (
        c3d["parameters"]["FORCE_PLATFORM"]["ORIGIN"]["value"] / 1000
    )
    analogs(c3d)[[3, 4, 5, 9, 10, 11]] /= 1000.0  # moments in Nm with positions in m
    row = right_stance(write_and_read(c3d, tmp_path / "metres.c3d"))
    assert row["strike_index_pct"] == pytest.approx(reference[1]["strike_index_pct"], abs=0.2)
    assert row["ankle_external_rotation_peak"] == pytest.approx(reference[1]["ankle_external_rotation_peak"], abs=1e-3)


def test_type_1_plate_gives_the_same_stance(sim_config, tmp_path, reference):
    _, c3d = simulated_c3d(sim_config)
    channels = analogs(c3d)
    fz = channels[FZ1].copy()
    cop_x = (-40.0 * channels[0] - channels[MY1]) / fz  # the Type-2 COP offset from the plate centre
    cop_y = (channels[3] - 40.0 * channels[1]) / -fz
    loaded = np.abs(fz) > 1
    channels[3] = np.where(loaded, cop_x, 0.0)  # Type 1: Fx, Fy, Fz, COPx, COPy, Tz
    channels[4] = np.where(loaded, -cop_y, 0.0)
    channels[5] = 0.0
    _set_int_parameter(c3d, "FORCE_PLATFORM", "TYPE", np.array([1, 2]))
    trial = write_and_read(c3d, tmp_path / "type1.c3d")
    assert trial.plates[0].plate_type == 1
    row = right_stance(trial)
    assert row["qc_reason"] == ""
    assert row["strike_index_pct"] == pytest.approx(reference[1]["strike_index_pct"], abs=1.0)


def test_unsupported_plate_type_is_a_clear_error(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    _set_int_parameter(c3d, "FORCE_PLATFORM", "TYPE", np.array([2, 6]))
    c3d.write(str(tmp_path / "type6.c3d"))
    with pytest.raises(InputError, match="type6.c3d: force plate 2 is FORCE_PLATFORM:TYPE 6; supported types are 1-4"):
        read_trial(tmp_path / "type6.c3d")


def test_offset_drift_and_noise_do_not_move_the_stance(sim_config, tmp_path, reference):
    _, c3d = simulated_c3d(sim_config)
    channels = analogs(c3d)
    n = channels.shape[1]
    rng = np.random.default_rng(1)
    channels[FZ1] -= 25.0 + np.linspace(0, 30.0, n) + rng.normal(0, 4.0, n)  # Fz is negative under load
    row = right_stance(write_and_read(c3d, tmp_path / "drift.c3d"))
    assert row["qc_reason"] == ""
    assert row["contact_s"] == pytest.approx(reference[1]["contact_s"], abs=0.004)
    assert row["toe_off_s"] == pytest.approx(reference[1]["toe_off_s"], abs=0.004)


def test_double_contact_on_one_plate_is_flagged(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    channels = analogs(c3d)
    loaded = np.flatnonzero(channels[FZ1] < -20)
    gap = slice(loaded[0] + 100, loaded[0] + 130)
    channels[:6, gap] = 0.0
    row = right_stance(write_and_read(c3d, tmp_path / "double.c3d"))
    assert row["qc_reason"].startswith("double contact")


def test_cop_off_the_plate_edge_is_a_partial_contact(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    channels = analogs(c3d)
    near = analogs(c3d).copy()
    channels[MY1] += 195.0 * -channels[FZ1]  # COP 195 mm further along x: past the 200 mm half-width
    row = right_stance(write_and_read(c3d, tmp_path / "edge.c3d"))
    assert re.fullmatch(
        r"partial contact: COP is outside the plate by \d+ mm while the force exceeds 50 N", row["qc_reason"]
    )
    _, c3d = simulated_c3d(sim_config)
    channels = analogs(c3d)
    channels[:] = near
    channels[MY1] += 110.0 * -channels[FZ1]  # 110 mm: inside the plate, within the 10 mm margin of its edge
    reason = right_stance(write_and_read(c3d, tmp_path / "near.c3d"))["qc_reason"]
    assert re.fullmatch(
        r"partial contact: COP comes within \d+ mm of the plate edge while the force exceeds 50 N \(margin 10 mm\)",
        reason,
    )


def test_the_cop_is_judged_only_where_the_force_defines_it(sim_config, tmp_path):
    """Below cop_threshold_n the COP is noise over a small force: a wild COP there is no partial contact."""
    _, c3d = simulated_c3d(sim_config)
    channels = analogs(c3d)
    fz = -channels[FZ1]
    light = (fz > 20.0) & (fz < 45.0)  # the stance's first and last instants: above the force threshold only
    assert light.any()
    channels[MY1] += np.where(light, 600.0 * fz, 0.0)  # the COP 600 mm off the plate there
    assert right_stance(write_and_read(c3d, tmp_path / "light.c3d"))["qc_reason"] == ""
    channels[MY1] += np.where((fz > 60.0) & (fz < 70.0), 600.0 * fz, 0.0)  # and where it counts
    assert "outside the plate by" in right_stance(write_and_read(c3d, tmp_path / "heavy.c3d"))["qc_reason"]


def test_missing_foot_markers_fall_back_to_events(sim_config, tmp_path, reference):
    _, c3d = simulated_c3d(sim_config)
    labels = list(c3d["parameters"]["POINT"]["LABELS"]["value"])
    for name in ("RHEE", "RTOE", "LHEE", "LTOE"):
        c3d["data"]["points"][:3, labels.index(name), :] = np.nan
    c3d.write(str(tmp_path / "nomarkers.c3d"))
    without_events = right_stance(to_documented_convention(read_trial(tmp_path / "nomarkers.c3d"), "plugin_gait"))
    assert without_events["qc_reason"] == "no heel/toe markers or events to tell which foot is on the plate"
    contact = reference[1]["contact_s"]
    c3d.add_event([0, contact], context="Right", label="Foot Strike")
    trial = write_and_read(c3d, tmp_path / "events.c3d")
    # the foot is known from the events; with the markers the strike index needs, the stance is not valid
    row = right_stance(trial)
    assert row["side"] == "R" and row["qc_reason"].startswith("missing signal(s) RHEE, RTOE:")
    angles_only = stance_settings(required_signals=("AnkleAngles", "AnkleMoment"))
    row = next(r for r in extract_stances(trial, angles_only) if r["plate"] == 1)
    assert row["side"] == "R" and row["qc_reason"] == ""
    assert np.isnan(row["strike_index_pct"])  # no foot axis without markers
    assert row["knee_flexion_angle_peak"] == pytest.approx(reference[1]["knee_flexion_angle_peak"], abs=1e-6)


def test_visual3d_export_gives_the_plug_in_gait_values(sim_config, tmp_path):
    person, c3d = simulated_c3d(sim_config)
    documented = write_and_read(c3d, tmp_path / "pig.c3d")
    export = tmp_path / "trial.txt"
    export.write_text(to_visual3d_text(documented), newline="")
    v3d = to_documented_convention(read_visual3d(export), "visual3d")
    assert v3d.point_rate == pytest.approx(200.0)
    assert {p.index for p in v3d.plates} == {0, 1}
    by_side = {r["side"]: r for r in extract_stances(v3d, SETTINGS)}
    reference = {r["side"]: r for r in extract_stances(documented, SETTINGS)}
    for side in ("R", "L"):
        assert by_side[side]["qc_reason"] == ""
        for name in ("ankle_external_rotation_peak", "ankle_inversion_moment_peak", "knee_flexion_moment_peak"):
            assert by_side[side][name] == pytest.approx(reference[side][name], rel=0.03, abs=0.02), (side, name)
        assert by_side[side]["strike_index_pct"] == pytest.approx(reference[side]["strike_index_pct"], abs=3)
    # read as if it were Plug-in Gait, the mirrored left side and internal moments come out wrong
    wrong = {
        r["side"]: r for r in extract_stances(to_documented_convention(read_visual3d(export), "plugin_gait"), SETTINGS)
    }
    assert wrong["R"]["ankle_inversion_moment_peak"] != pytest.approx(
        reference["R"]["ankle_inversion_moment_peak"], rel=0.1
    )


def test_absolute_moments_need_body_mass():
    trial = Trial(
        "t.txt", 100, 100, {"RAnkleMoment": np.ones((3, 5)) * 70.0}, moment_labels={"RAnkleMoment"}, moment_units="Nm"
    )
    assert to_documented_convention(trial, "plugin_gait", 70.0).points["RAnkleMoment"][0, 0] == pytest.approx(1.0)
    with pytest.raises(InputError, match="t.txt: moments are in Nm, not normalised"):
        to_documented_convention(trial, "plugin_gait", None)
    with pytest.raises(InputError, match="convention 'vicon' is not one of"):
        to_documented_convention(trial, "vicon", 70.0)


def test_lowpass_is_zero_lag_and_keeps_gaps():
    rate = 200.0
    t = np.arange(400) / rate
    slow = np.sin(2 * np.pi * 2 * t)
    noisy = slow + 0.3 * np.sin(2 * np.pi * 60 * t)
    noisy[150:160] = np.nan
    out = lowpass(noisy[None, :], rate, 15.0, 4)[0]
    assert np.isnan(out[150:160]).all()
    inner = np.r_[20:130, 180:380]
    assert np.abs(out[inner] - slow[inner]).max() < 0.02
    assert np.argmax(out[:75]) == np.argmax(slow[:75])  # no phase lag


def test_real_visual3d_treadmill_export():
    trial = read_visual3d(real_path("visual3d/gaitway2visual3d_filename_converted.txt"))
    assert trial.analog_rate == pytest.approx(1000.0)
    assert [p.side_hint for p in trial.plates] == ["R", "", "L"]  # FFP-R, FP, FP-L
    rows = extract_stances(trial, stance_settings(max_stance_s=1.0))
    by_plate = {r["plate"]: r for r in rows}
    assert 1 not in by_plate  # the right-foot channels stay at zero in these 0.55 s
    assert by_plate[3]["side"] == "L"
    # 0.55 s of treadmill walking: the loading runs past the end of the recording
    assert all(r["qc_reason"].startswith("partial contact") for r in rows)


def test_visual3d_without_time_needs_a_rate(tmp_path):
    path = tmp_path / "frames.txt"
    rows = ["\tx.c3d", "\tFP1", "\tFORCE", "\tORIGINAL", "ITEM\tZ"] + [
        f"{i}\t{v}" for i, v in enumerate([0, 0, 100, 0])
    ]
    path.write_text("\n".join(rows))
    with pytest.raises(InputError, match="frames.txt: no time column to infer the sampling rate"):
        read_visual3d(path)
    assert read_visual3d(path, rate_hz=500).analog_rate == 500


def _parameter_at(data: bytearray, group: bytes, name: bytes) -> int:
    """Where a parameter's name starts in a C3D's parameter section (records: name length, group id,
    name; a group's own record carries its id negated)."""
    start = 512 * (data[0] - 1)
    at = data.index(group, start)
    group_id = 256 - data[at - 1]  # stored as a negative signed byte
    at = start
    while True:
        at = data.index(name, at + 1)
        if data[at - 1] == group_id and data[at - 2] in (len(name), 256 - len(name)):
            return at


def _rename_parameter(path, group: bytes, name: bytes, new: bytes) -> None:
    data = bytearray(path.read_bytes())
    at = _parameter_at(data, group, name)
    data[at : at + len(name)] = new
    path.write_bytes(bytes(data))


def _set_scalar_float(path, group: bytes, name: bytes, value: float) -> None:
    """Overwrite a float parameter in place (Intel file): after the name, 2 bytes of offset, the type,
    the number of dimensions and the dimensions, then the value."""
    data = bytearray(path.read_bytes())
    at = _parameter_at(data, group, name) + len(name) + 2
    assert data[at] == 4, "not a float parameter"
    value_at = at + 2 + data[at + 1]
    data[value_at : value_at + 4] = struct.pack("<f", value)
    path.write_bytes(bytes(data))


def test_analog_rate_without_analog_rate_is_refused_not_read_as_no_force(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    c3d.write(str(tmp_path / "with.c3d"))
    assert read_trial(tmp_path / "with.c3d").summary()["analog_rate_hz"] == 1000.0  # 200 Hz x 5 per frame
    # without ANALOG:RATE, or with a placeholder, ezc3d reads no analog channel at all: a trial without
    # forces that would pass for one nobody stepped on, unless it is refused
    c3d.write(str(tmp_path / "without.c3d"))
    _rename_parameter(tmp_path / "without.c3d", b"ANALOG", b"RATE", b"RATX")
    c3d.write(str(tmp_path / "placeholder.c3d"))
    _set_scalar_float(tmp_path / "placeholder.c3d", b"ANALOG", b"RATE", 1.0)
    for name in ("without", "placeholder"):
        with pytest.raises(InputError, match=rf"{name}\.c3d: the header announces 60 analog values per frame"):
            read_trial(tmp_path / f"{name}.c3d")


def test_frames_are_the_files_even_without_signals():
    trial = Trial("t.c3d", 100, 1000, {}, frames=340)
    assert trial.summary()["n_frames"] == 340


def test_non_finite_force_is_named_or_said(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    channels = analogs(c3d)
    channels[FZ1, 500:505] = np.inf
    trial = write_and_read(c3d, tmp_path / "overflow.c3d")
    with pytest.raises(InputError, match=r"overflow\.c3d: force plate 1: vertical force is infinite at sample 500"):
        extract_stances(trial, SETTINGS)
    channels[FZ1] = np.nan
    rows = extract_stances(write_and_read(c3d, tmp_path / "empty.c3d"), SETTINGS)
    assert [r["qc_reason"] for r in rows if r["plate"] == 1] == ["no finite vertical force on this plate"]
