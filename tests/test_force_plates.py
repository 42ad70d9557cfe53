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
