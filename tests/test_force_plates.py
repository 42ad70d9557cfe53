"""runrisk.io.force_plates computes what ezc3d's force-platform module computes, over whole arrays: the same
numbers on every public real file with plates (types 2, 3 and 4 from five vendors) and on synthetic trials."""

from __future__ import annotations

import ezc3d
import numpy as np
import pytest
from real_files import MIPS_FILES, real_files, real_path
from trialkit import simulated_c3d

from runrisk.errors import InputError
from runrisk.io.c3d import _plate_types
from runrisk.io.force_plates import plate_outputs
from runrisk.simulate.c3d_writer import _set_int_parameter


def assert_same_where_defined(mine: np.ndarray, theirs: np.ndarray) -> None:
    """Equal where ezc3d's is a number; where it is not (an unloaded plate: Fz = 0), ours is not either (the
    sign of an infinite COP is no result)."""
    defined = np.isfinite(theirs)
    np.testing.assert_allclose(mine[defined], theirs[defined], rtol=1e-9, atol=1e-6)
    assert not np.isfinite(mine[~defined]).any()


def assert_same_as_ezc3d(path):
    reference = ezc3d.c3d(str(path), extract_forceplat_data=True)
    plain = ezc3d.c3d(str(path))
    types = _plate_types(path, plain["parameters"])
    ours = plate_outputs(plain["data"]["analogs"][0], plain["parameters"], types, path)
    theirs = reference["data"]["platform"]
    assert len(ours) == len(theirs)
    for mine, platform in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine.force, platform["force"], rtol=1e-9, atol=1e-9)
        assert_same_where_defined(mine.cop, platform["center_of_pressure"])
        assert_same_where_defined(mine.free_moment, platform["Tz"][2])
        np.testing.assert_allclose(mine.corners, platform["corners"], rtol=0, atol=0)
    return len(ours)


@pytest.mark.parametrize("name", [n for n in real_files("c3d", "*.c3d") if n not in MIPS_FILES])
def test_real_files_give_ezc3d_plate_outputs(name):
    assert_same_as_ezc3d(real_path(f"c3d/{name}"))


@pytest.mark.parametrize("index", [3, 7])
def test_synthetic_trials_give_ezc3d_plate_outputs(sim_config, tmp_path, index):
    _, c3d = simulated_c3d(sim_config, index)
    c3d.write(str(tmp_path / "trial.c3d"))
    assert assert_same_as_ezc3d(tmp_path / "trial.c3d") == 2


def test_a_type_1_plate_gives_ezc3d_plate_outputs(sim_config, tmp_path):
    """No public file has a type-1 plate (Fx, Fy, Fz, COPx, COPy, Tz channels): one made from a synthetic
    trial, with a free moment, so every output of the type is compared."""
    _, c3d = simulated_c3d(sim_config)
    channels = c3d["data"]["analogs"][0]
    channels[3], channels[4] = 0.1 * channels[3], 0.1 * channels[4]  # COP within the plate, mm
    channels[5] = np.linspace(-500.0, 500.0, channels.shape[1])  # Tz, N mm
    _set_int_parameter(c3d, "FORCE_PLATFORM", "TYPE", np.array([1, 2]))
    c3d.write(str(tmp_path / "type1.c3d"))
    assert assert_same_as_ezc3d(tmp_path / "type1.c3d") == 2


def test_a_plate_without_its_channels_is_named(sim_config, tmp_path):
    _, c3d = simulated_c3d(sim_config)
    c3d.write(str(tmp_path / "trial.c3d"))
    plain = ezc3d.c3d(str(tmp_path / "trial.c3d"))
    params = plain["parameters"]
    params["FORCE_PLATFORM"]["CHANNEL"]["value"] = params["FORCE_PLATFORM"]["CHANNEL"]["value"][:, :1]
    with pytest.raises(InputError, match="FORCE_PLATFORM:CHANNEL does not give the 6 channels of force plate 2"):
        plate_outputs(plain["data"]["analogs"][0], params, [2, 2], tmp_path / "trial.c3d")


def test_one_labs_plates_stored_with_opposite_origins_give_the_same_origin(tmp_path):
    """Sample01 stores FORCE_PLATFORM:ORIGIN as the C3D manual defines it (z < 0), Sample02 the same two
    plates negated (z > 0): both are read as the manual's vector, and the trials table says which."""
    from runrisk.io.c3d import read_trial
    from runrisk.io.force_plates import ORIGIN_AS_STORED, ORIGIN_NEGATED, plate_origin

    read = {}
    for name in ("Sample01_Eb015pi", "Sample02_pc_real"):
        path = real_path(f"c3d/{name}.c3d")
        group = ezc3d.c3d(str(path))["parameters"]["FORCE_PLATFORM"]
        read[name] = [plate_origin(group, i, 2, path) for i in range(2)]
        assert read_trial(path).summary()["plate_origins"] == ",".join(c for _, c in read[name])
    for (first, stored), (second, negated) in zip(read["Sample01_Eb015pi"], read["Sample02_pc_real"], strict=True):
        assert (stored, negated) == (ORIGIN_AS_STORED, ORIGIN_NEGATED)
        np.testing.assert_allclose(first[:2], second[:2], atol=0.02)  # the lab recalibrated z by 0.006 mm
        assert first[2] < 0 and second[2] < 0


def test_an_origin_stored_upside_down_gives_the_cop_of_the_right_one(sim_config):
    """A positive z is the manual's vector negated: the plates' COP is that of the file stored correctly."""
    _, c3d = simulated_c3d(sim_config)
    params, analogs = c3d["parameters"], c3d["data"]["analogs"][0]
    types = [2] * int(params["FORCE_PLATFORM"]["USED"]["value"][0])
    origin = np.asarray(params["FORCE_PLATFORM"]["ORIGIN"]["value"], dtype=float)
    params["FORCE_PLATFORM"]["ORIGIN"]["value"] = origin + np.array([[3.0], [-2.0], [-20.0]])  # a real offset
    right = plate_outputs(analogs, params, types, "right.c3d")
    params["FORCE_PLATFORM"]["ORIGIN"]["value"] = -(origin + np.array([[3.0], [-2.0], [-20.0]]))
    flipped = plate_outputs(analogs, params, types, "flipped.c3d")
    for good, bad in zip(right, flipped, strict=True):
        assert (good.origin_convention, bad.origin_convention) == ("c3d", "negated")
        np.testing.assert_array_equal(np.isfinite(good.cop), np.isfinite(bad.cop))
        np.testing.assert_allclose(good.cop[np.isfinite(good.cop)], bad.cop[np.isfinite(bad.cop)])


def test_a_kistler_origin_stored_upside_down_keeps_its_sensor_spacing():
    """Type 3's x and y are the sensors' half-spacings: only z is the stored-upside-down part."""
    from runrisk.io.force_plates import plate_origin

    group = {"ORIGIN": {"value": np.array([[210.0], [350.0], [53.0]])}}
    origin, convention = plate_origin(group, 0, 3, "kistler.c3d")
    np.testing.assert_allclose(origin, [210.0, 350.0, -53.0])
    assert convention == "negated"
