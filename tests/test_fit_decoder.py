"""runrisk's FIT decoder (runrisk.io.fit) against fitdecode on every FIT file we have and on damaged
copies of them: the same sessions, fields, records' dynamics and refusals."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import fitdecode
import numpy as np
import pytest
from fit_reference import fitdecode_contents, refusal_words
from real_files import IN_REPOSITORY, SHARED

from runrisk.errors import InputError
from runrisk.io.fit import crc16
from runrisk.io.garmin import fit_rows, read_fit
from runrisk.simulate.squad_writer import SquadRun, fit_bytes

PRAGUE = ZoneInfo("Europe/Prague")
FIT_FILES = sorted({p.name: p for base in (SHARED, IN_REPOSITORY) for p in base.rglob("*.fit")}.values())


def _reference_rows(path: Path) -> list[dict] | str:
    """fitdecode's rows of the file, or the refusal runrisk gives for fitdecode's error."""
    try:
        contents = fitdecode_contents(path)
    except fitdecode.FitError as exc:
        return refusal_words(exc)
    try:
        return fit_rows(path, "P1", PRAGUE, contents)
    except InputError as exc:
        return exc.reason


def _our_rows(path: Path) -> list[dict] | str:
    try:
        return read_fit(path, "P1", PRAGUE)
    except InputError as exc:
        return exc.reason


def _same(ours, reference) -> bool:
    if isinstance(ours, str) or isinstance(reference, str):
        return ours == reference
    return len(ours) == len(reference) and all(
        a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a) for a, b in zip(ours, reference, strict=True)
    )


def _equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9)
    return a == b


def test_every_real_fit_file_is_found():
    names = {p.name for p in FIT_FILES}
    assert {"fitdecode_activity-small-fenix2-run.fit", "slither_running_fr45.fit"} <= names and len(names) >= 7


@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: p.name)
def test_decoder_gives_fitdecodes_sessions_fields_and_refusals(path):
    ours, reference = _our_rows(path), _reference_rows(path)
    assert _same(ours, reference), (ours, reference)


@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: p.name)
def test_decoder_gives_fitdecodes_records(path):
    from runrisk.io.fit import FitDecodeError, read_fit_contents

    try:
        reference = fitdecode_contents(path).records
    except fitdecode.FitError:
        with pytest.raises(FitDecodeError):
            read_fit_contents(path)
        return
    ours = read_fit_contents(path).records
    for column, values in reference.items():
        np.testing.assert_allclose(ours[column], values, rtol=1e-9, equal_nan=True, err_msg=column)


def _damaged(path: Path, tmp_path: Path) -> list[Path]:
    """Copies of the file cut short at seven points and with one byte changed at five."""
    data = path.read_bytes()
    copies = []
    for k, cut in enumerate([5, 13, 20, 40, len(data) // 3, len(data) // 2, len(data) - 1]):
        copies.append(tmp_path / f"cut{k}.fit")
        copies[-1].write_bytes(data[:cut])
    for k, at in enumerate([3, 12, len(data) // 4, len(data) // 2, len(data) - 3]):
        changed = bytearray(data)
        changed[at] ^= 0x5A
        copies.append(tmp_path / f"changed{k}.fit")
        copies[-1].write_bytes(bytes(changed))
    return copies


@pytest.mark.parametrize("name", ["fitdecode_garmin-fenix-5-run.fit", "slither_running_fr45.fit"])
def test_damaged_copies_are_refused_as_fitdecode_refuses_them(name, tmp_path):
    path = next(p for p in FIT_FILES if p.name == name)
    for copy in _damaged(path, tmp_path):
        ours, reference = _our_rows(copy), _reference_rows(copy)
        assert _same(ours, reference), (copy.name, ours, reference)
    refusals = {_our_rows(c) for c in _damaged(path, tmp_path)}
    assert any("checksum" in r for r in refusals) and any("ends before" in r for r in refusals)


def test_squad_writers_zones_rpe_and_feel_read_as_fitdecode_reads_them(tmp_path):
    run = SquadRun(
        dt.datetime(2026, 3, 2, 7, 0, tzinfo=PRAGUE),
        10.5,
        3300,
        80,
        151,
        178,
        (60, 600, 900, 1200, 400, 100, 40),
        6,
        75,
    )
    path = tmp_path / "run.fit"
    path.write_bytes(fit_bytes(run))
    ours, reference = _our_rows(path), _reference_rows(path)
    assert _same(ours, reference) and ours[0]["rpe"] == 6 and ours[0]["hard_hr_s"] == 540


def test_crc_is_fits_checksum():
    data = bytes(range(256)) * 37 + b"runrisk"
    assert crc16(data) == fitdecode.utils.compute_crc(data)
    assert crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's check value


def _watch_session(name: str) -> dict:
    return fitdecode_contents(next(p for p in FIT_FILES if p.name == name)).sessions[0]


def test_running_dynamics_from_the_records_are_the_watchs_own_session_averages():
    name = "fitdecode_garmin-fenix-5-run.fit"  # a fenix 5 with running dynamics: 57 s, 21 records
    (row,) = read_fit(next(p for p in FIT_FILES if p.name == name), "P1", PRAGUE)
    watch = _watch_session(name)
    assert row["cadence_spm"] == pytest.approx(
        2 * (watch["avg_running_cadence"] + watch["avg_fractional_cadence"]), rel=0.05
    )
    assert row["stance_time_ms"] == pytest.approx(watch["avg_stance_time"], rel=0.06)
    assert row["vertical_oscillation_mm"] == pytest.approx(watch["avg_vertical_oscillation"], rel=0.02)
    assert row["step_length_mm"] == pytest.approx(watch["avg_step_length"], rel=0.04)


def test_steps_and_cadence_of_an_hour_are_the_watchs_own():
    name = "slither_running_fr45.fit"  # a Forerunner 45: cadence, no dynamics pod
    (row,) = read_fit(next(p for p in FIT_FILES if p.name == name), "P1", PRAGUE)
    watch = _watch_session(name)
    assert row["steps"] == pytest.approx(2 * watch["total_strides"], rel=0.02)
    assert row["cadence_spm"] == pytest.approx(
        2 * (watch["avg_running_cadence"] + watch["avg_fractional_cadence"]), rel=0.01
    )
    assert math.isnan(row["stance_time_ms"]) and math.isnan(row["step_length_mm"])  # not recorded: missing, not 0
    (hour,) = read_fit(next(p for p in FIT_FILES if p.name == "fitdecode_activity-small-fenix2-run.fit"), "P1", PRAGUE)
    assert hour["cadence_spm"] == pytest.approx(2 * 81, rel=0.01) and hour["vertical_oscillation_mm"] == pytest.approx(
        106.2, rel=0.01
    )


def test_a_ride_has_no_steps():
    rows = read_fit(next(p for p in FIT_FILES if "multisport" in p.name), "P1", PRAGUE)
    ride = next(r for r in rows if r["activity"] == "ride")
    assert all(math.isnan(ride[c]) for c in ("cadence_spm", "steps"))
    assert all(r["steps"] > 0 for r in rows if r["activity"] == "run")
