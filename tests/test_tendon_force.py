"""Achilles tendon force per stance (runrisk.biomech.tendon_force): hand-computed values, the moment arm's
refusal as configuration, a missing or sign-flipped moment in words, units."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from workflow_runner import SCHEMA, schema_defaults, stance_settings

from runrisk.biomech.conventions import to_documented_convention
from runrisk.biomech.stances import extract_stances
from runrisk.biomech.tendon_force import (
    GRAVITY,
    TendonSettings,
    stance_tendon_load,
    step_length,
    tendon_force_bw,
    trial_speed,
)
from runrisk.cohort.shards import TrialReading
from runrisk.config import ConfigError, validate_config
from runrisk.io.trial import Trial

CONSTANT = TendonSettings(moment_arm_m=0.05, moment_arm_change_m_per_deg=0.0)


def test_force_is_the_plantarflexor_moment_over_the_moment_arm_by_hand():
    """2.5 Nm/kg over 5 cm is 50 N/kg, 50 / 9.81 = 5.097 BW; a 70 kg runner 3500 N. A triangle rising to it
    in 0.1 s and back in 0.1 s: impulse 0.5 x 0.2 s x 5.097 BW = 0.510 BW s, loading rate 5.097 / 0.1 s."""
    rate = 1000.0
    rise = np.linspace(0, 2.5, 101)
    moment = np.concatenate([rise, rise[::-1][1:]])  # 201 samples, peak at 0.1 s
    load = stance_tendon_load(moment, None, rate, 0.0, 70.0, CONSTANT)
    assert load["at_reason"] == ""
    assert load["at_force_peak_bw"] == pytest.approx(2.5 / 0.05 / GRAVITY)
    assert load["at_force_peak_bw"] == pytest.approx(5.097, abs=1e-3)
    assert load["at_force_peak_n"] == pytest.approx(3500.0)
    assert load["at_impulse_bws"] == pytest.approx(0.5 * 0.2 * 5.0968, rel=1e-3)
    assert load["at_loading_rate_bw_s"] == pytest.approx(5.0968 / 0.1, rel=1e-3)
    # the plate's contact 20 ms before the first frame: the loading rate counts from contact
    late = stance_tendon_load(moment, None, rate, 0.02, 70.0, CONSTANT)
    assert late["at_loading_rate_bw_s"] == pytest.approx(5.0968 / 0.12, rel=1e-3)


def test_a_dorsiflexor_moment_is_no_tendon_load():
    """Early stance of a rearfoot strike: a small dorsiflexor (negative) moment pulls no tendon."""
    moment = np.array([-0.2, -0.1, 0.0, 1.0, 2.0, 1.0, 0.0])
    assert list(tendon_force_bw(moment, 0.05)[:3]) == [0.0, 0.0, 0.0]
    load = stance_tendon_load(moment, None, 100.0, 0.0, 70.0, CONSTANT)
    assert load["at_impulse_bws"] == pytest.approx(np.trapezoid(np.clip(moment, 0, None) / (0.05 * GRAVITY), dx=0.01))


def test_angle_dependent_arm_lengthens_with_plantarflexion():
    """0.29 mm per degree (Maganaris et al. 2000: 4.3-5.6 cm over 45 deg): at 20 deg plantarflexion 5.58 cm."""
    settings = TendonSettings(moment_arm_m=0.05, moment_arm_change_m_per_deg=0.00029)
    assert settings.arm_at(np.array([20.0, -10.0])) == pytest.approx([0.0558, 0.0471])
    moment, angle = np.full(11, 2.0), np.full(11, 20.0)
    load = stance_tendon_load(moment, angle, 100.0, 0.0, 70.0, settings)
    assert load["at_force_peak_bw"] == pytest.approx(2.0 / (0.0558 * GRAVITY))
    without_angle = stance_tendon_load(moment, None, 100.0, 0.0, 70.0, settings)
    assert without_angle["at_reason"].startswith("no sagittal ankle angle")
    assert np.isnan(without_angle["at_force_peak_bw"])


@pytest.mark.parametrize(
    ("arm", "change", "words"),
    [
        (5.0, 0.0, "500.0 to 500.0 cm"),  # cm written as m would be a 5 m arm
        (0.02, 0.0, "2.0 to 2.0 cm"),
        (0.05, 0.0008, "2.6 to 8.6 cm"),  # in range at a neutral ankle, not at 30 deg dorsiflexion or 45 plantarflexion
    ],
)
def test_a_moment_arm_outside_the_literature_is_refused_as_configuration(arm, change, words):
    with pytest.raises(ConfigError, match=f"{words}.*outside the in vivo range 3-7 cm"):
        TendonSettings(moment_arm_m=arm, moment_arm_change_m_per_deg=change)
    config = schema_defaults()
    config["biomechanics"]["tendon"] = {"moment_arm_m": arm, "moment_arm_change_m_per_deg": change}
    if not 0.03 <= arm <= 0.07:  # the schema's bounds at a neutral ankle, before any rule
        with pytest.raises(ConfigError, match="biomechanics.tendon.moment_arm_m"):
            validate_config(config, SCHEMA)
    # every angle's arm when the workflow's common.smk parses the trial-reading settings
    with pytest.raises(ConfigError, match="biomechanics.tendon: the Achilles moment arm"):
        TrialReading.from_config(config["biomechanics"])


def test_missing_gapped_or_sign_flipped_moments_are_reasons_in_words():
    for moment, reason in [
        (np.array([]), "no sagittal ankle moment during the stance"),
        (np.full(5, np.nan), "no sagittal ankle moment during the stance"),
        (np.array([0.5, np.nan, 2.0]), "the sagittal ankle moment has gaps during the stance"),
    ]:
        load = stance_tendon_load(moment, None, 100.0, 0.0, 70.0, CONSTANT)
        assert load["at_reason"] == reason and np.isnan(load["at_force_peak_bw"])
    flipped = stance_tendon_load(-np.sin(np.linspace(0, np.pi, 21)) * 2.5, None, 100.0, 0.0, 70.0, CONSTANT)
    assert flipped["at_reason"].startswith("unknown sign convention: the sagittal ankle moment is mostly negative")
    assert "(-2.50 against 0.00 Nm/kg)" in flipped["at_reason"] and np.isnan(flipped["at_force_peak_n"])
    for mass in (np.nan, None, pd.NA, 0.0):
        no_mass = stance_tendon_load(np.full(5, 2.0), None, 100.0, 0.0, mass, CONSTANT)
        assert no_mass["at_reason"] == "no body mass for the participant: the force in N is not given"
        assert np.isnan(no_mass["at_force_peak_n"]) and no_mass["at_force_peak_bw"] > 0


def running_trial(moment_label_units: str, scale: float, rate: float = 100.0) -> Trial:
    """A 1 s trial: a sacrum travelling 3 m/s along y (mm), one right stance on a plate from 0.2 to 0.5 s
    whose ankle moment is a half sine of 2.5 Nm/kg written in the given units (scale: the file's value of
    1 Nm/kg)."""
    from runrisk.io.trial import Plate

    n = int(rate)
    t = np.arange(n) / rate
    tau = np.clip((t - 0.2) / 0.3, 0, 1)
    moment = np.zeros((3, n))
    moment[0] = 2.5 * np.sin(np.pi * tau) * scale
    sacrum = np.vstack([np.zeros(n), 3000.0 * t, np.full(n, 1000.0)])
    analog = np.arange(1000) / 1000.0
    inside = (analog >= 0.2) & (analog < 0.5)
    force = np.zeros((3, 1000))
    force[2] = np.where(inside, 1500.0 * np.sin(np.pi * (analog - 0.2) / 0.3), 0.0)
    cop = np.zeros((3, 1000))
    plate = Plate(index=0, force=force, cop_mm=cop, side_hint="R")
    return Trial(
        path="made.c3d",
        point_rate=rate,
        analog_rate=1000.0,
        points={"RAnkleMoment": moment, "SACR": sacrum},
        moment_labels={"RAnkleMoment"},
        moment_units=moment_label_units,
        plates=[plate],
    )


@pytest.mark.parametrize(("units", "scale"), [("Nmm/kg", 1000.0), ("Nm/kg", 1.0), ("Nm", 80.0)])
def test_the_moments_units_give_the_same_force(units, scale):
    """Plug-in Gait's Nmm/kg, Nm/kg, and Nm divided by an 80 kg body mass: one tendon force, 2.5 / (0.05 g) BW."""
    trial = to_documented_convention(running_trial(units, scale), "plugin_gait", body_mass_kg=80.0)
    (row,) = extract_stances(trial, replace(stance_settings(), required_signals=()), body_mass_kg=80.0)
    assert row["at_reason"] == ""
    assert row["at_force_peak_bw"] == pytest.approx(2.5 / (0.05 * GRAVITY), rel=0.02)
    assert row["at_force_peak_n"] == pytest.approx(row["at_force_peak_bw"] * 80.0 * GRAVITY)
    assert row["trial_speed_m_s"] == pytest.approx(3.0, rel=1e-3)  # mm over s, in m/s (filtered)
    assert np.isnan(row["step_length_m"])  # one contact: no step


def test_visual3d_internal_moments_read_as_plug_in_gait_are_an_unknown_sign_convention():
    trial = to_documented_convention(running_trial("Nm/kg", -1.0), "plugin_gait")
    (row,) = extract_stances(trial, replace(stance_settings(), required_signals=()), body_mass_kg=80.0)
    assert row["at_reason"].startswith("unknown sign convention")
    visual3d = to_documented_convention(running_trial("Nm/kg", -1.0), "visual3d")
    (row,) = extract_stances(visual3d, replace(stance_settings(), required_signals=()), body_mass_kg=80.0)
    assert row["at_reason"] == "" and row["at_force_peak_bw"] > 5


def test_a_trial_without_an_ankle_moment_says_so():
    trial = running_trial("Nm/kg", 1.0)
    trial = replace(trial, points={"SACR": trial.points["SACR"]}, moment_labels=set())
    (row,) = extract_stances(trial, replace(stance_settings(), required_signals=()), body_mass_kg=80.0)
    assert row["at_reason"] == "no sagittal ankle moment in the trial"
    assert np.isnan(row["at_force_peak_bw"]) and np.isnan(row["at_impulse_bws"])


def test_speed_from_pelvis_markers_or_a_reason():
    trial = running_trial("Nm/kg", 1.0)
    assert trial_speed(trial) == (pytest.approx(3.0), "")
    assert trial_speed(replace(trial, points={}))[1].startswith("no pelvis marker")
    hidden = trial.points["SACR"].copy()
    hidden[:, 30:] = np.nan  # seen over 30 % of the trial
    assert "visible over half the trial" in trial_speed(replace(trial, points={"SACR": hidden}))[1]
    treadmill = np.vstack([np.zeros(100), np.full(100, 500.0), np.full(100, 1000.0)])
    speed, reason = trial_speed(replace(trial, points={"SACR": treadmill}))
    assert np.isnan(speed) and "treadmill" in reason


def test_step_length_is_speed_times_the_contralateral_step_time():
    rows = [
        {"side": "R", "contact_s": 0.10},
        {"side": "L", "contact_s": 0.45},
        {"side": "R", "contact_s": 0.81},
        {"side": "", "contact_s": np.nan},
    ]
    assert step_length(rows, 3.5) == pytest.approx(3.5 * (0.35 + 0.36) / 2)
    assert np.isnan(step_length(rows[:1], 3.5)) and np.isnan(step_length(rows, np.nan))
    assert np.isnan(step_length([{"side": "R", "contact_s": 0.1}, {"side": "R", "contact_s": 0.8}], 3.5))
