"""Weekly Achilles tendon load as a study exposure (runrisk.cohort.tendon_load), against hand-computed values
on small frames with the lab's columns (biomechanics.parquet's at_* contract)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from runrisk.cohort.exposure import exposure_summary, exposure_under, weekly_volume
from runrisk.cohort.tendon_load import (
    SpeedRelation,
    run_tendon_load,
    tendon_exposure_summary,
    weekly_tendon_load,
)

ENROLMENT = pd.Timestamp("2019-03-25")  # a Monday: week 1 is 25-31 March
PEOPLE = pd.DataFrame({"participant_id": ["a", "b"], "enrolment_date": [ENROLMENT, ENROLMENT]})
# runner a measured at 3.5 m/s; runner b has no lab values (no trial of the primary limb)
LIMB = pd.DataFrame(
    {
        "participant_id": ["a", "b"],
        "at_impulse_per_km_bws": [450.0, np.nan],
        "at_force_peak_bw": [6.0, np.nan],
        "steps_per_km": [800.0, np.nan],
        "trial_speed_m_s": [3.5, np.nan],
    }
)
RELATION = SpeedRelation(
    peak_force_speed_exponent=0.4,
    impulse_per_step_speed_exponent=-0.4,
    step_length_speed_exponent=0.7,
    speed_range_m_s=(2.0, 6.0),
    damage_exponent=10.0,
    damage_reference_bw=6.0,
)


def run(person, day, km, seconds, counted=True, is_run=True):
    return {
        "participant_id": person,
        "local_date": ENROLMENT + pd.Timedelta(days=day),
        "is_run": is_run,
        "excluded_reason": "" if counted else "duplicate of fitbit f 1",
        "distance_km": km,
        "duration_s": seconds,
    }


def test_a_run_at_the_lab_speed_costs_the_lab_load_and_other_paces_follow_the_relation():
    runs = pd.DataFrame([run("a", 1, 10.0, 10_000 / 3.5), run("a", 2, 10.0, 10_000 / 2.8), run("b", 1, 5.0, 1500.0)])
    loads = run_tendon_load(runs, LIMB, RELATION)
    # at 3.5 m/s: 10 km x 450 BW s/km, 4,000 of this foot's steps (800 per km of both feet) at the reference 6 BW
    assert loads["at_load_bws"].iloc[0] == pytest.approx(4500.0)
    assert loads["at_damage_steps"].iloc[0] == pytest.approx(4000.0)
    # at 2.8 m/s (ratio 0.8): impulse per km x 0.8^(-1.1), steps x 0.8^-0.7, peak 6 x 0.8^0.4
    ratio = 0.8
    assert loads["at_load_bws"].iloc[1] == pytest.approx(4500.0 * ratio**-1.1)
    assert loads["at_damage_steps"].iloc[1] == pytest.approx(4000.0 * ratio**-0.7 * (ratio**0.4) ** 10)
    # the slower run loads more per km (more, longer steps) and damages less (lower peaks, ^10)
    assert loads["at_load_bws"].iloc[1] > 4500.0 > 0 and loads["at_damage_steps"].iloc[1] < 4000.0
    assert loads[["at_load_bws", "at_damage_steps"]].iloc[2].isna().all()  # no lab values: unknown, not 0


def test_a_pace_outside_the_measured_range_is_held_at_its_end():
    runs = pd.DataFrame([run("a", 1, 2.0, 2000.0), run("a", 1, 2.0, 2000 / 2.0)])  # 1 m/s (a walk) and 2 m/s
    loads = run_tendon_load(runs, LIMB, RELATION)
    assert loads["at_load_bws"].iloc[0] == pytest.approx(loads["at_load_bws"].iloc[1])


def test_a_run_without_a_pace_has_no_load_even_where_pace_does_not_matter():
    """With every speed exponent 0 (benchmarks/tendon_load_world.yaml) numpy's NaN ** 0 is 1: the unpaced
    run got the lab's load before."""
    flat = dataclasses.replace(
        RELATION, peak_force_speed_exponent=0.0, impulse_per_step_speed_exponent=0.0, step_length_speed_exponent=0.0
    )
    runs = pd.DataFrame([run("a", 1, 10.0, np.nan), run("a", 2, 10.0, 3000.0)])
    loads = run_tendon_load(runs, LIMB, flat)
    assert loads[["at_load_bws", "at_damage_steps"]].iloc[0].isna().all()
    assert loads["at_load_bws"].iloc[1] == pytest.approx(4500.0)


def weekly_frames(rows):
    activities = pd.DataFrame(rows)
    weekly = weekly_volume(
        activities.assign(source="fitbit", duration_s=activities["duration_s"].fillna(0.0)), PEOPLE, 4, 1
    )
    return activities, weekly


def test_weekly_load_sums_the_counted_runs_of_worn_weeks_and_missing_stays_missing():
    rows = [
        run("a", 1, 10.0, 10_000 / 3.5),
        run("a", 3, 5.0, 5_000 / 3.5),
        run("a", 3, 5.0, 5_000 / 3.5, counted=False),  # a duplicate weekly_volume does not count
        {**run("a", 8, 1.0, 600.0, is_run=False), "distance_km": None},  # worn week 2, a walk, no run
        run("a", 22, 8.0, np.nan),  # week 4: a run without a duration has no pace
        run("b", 1, 6.0, 1800.0),
    ]
    activities, weekly = weekly_frames(rows)
    load = weekly_tendon_load(activities, PEOPLE, LIMB, weekly, RELATION).set_index(["participant_id", "week"])
    assert load.loc[("a", 1), "at_load_bws"] == pytest.approx(15 * 450.0)
    assert load.loc[("a", 1), "at_damage_steps"] == pytest.approx(15 * 400.0)
    assert load.loc[("a", 2), "at_load_bws"] == 0.0  # worn, not run: no load
    assert pd.isna(load.loc[("a", 3), "at_load_bws"]) and not load.loc[("a", 3), "worn"]  # not worn: unknown
    assert pd.isna(load.loc[("a", 4), "at_load_bws"]) and load.loc[("a", 4), "runs_unpaced"] == 1
    assert load.loc[("b"), "at_load_bws"].isna().all()  # no lab values: every week unknown, none 0
    assert load.loc[("a", 1), "running_km"] == weekly.set_index(["participant_id", "week"]).loc[("a", 1), "running_km"]


def test_tendon_exposure_is_censored_at_the_window_km_uses():
    rows = [run("a", 7 * (week - 1) + 1, km, km * 1000 / 3.5) for week, km in ((1, 10.0), (2, 20.0), (3, 40.0))]
    activities, weekly = weekly_frames(rows)
    load = weekly_tendon_load(activities, PEOPLE, LIMB, weekly, RELATION)
    # an onset in week 3: the pre-onset window ends at week 2, as exposure.parquet's window_end_week says
    window_end = pd.Series({"a": 2}, name="window_end_week")
    km = exposure_summary(weekly, window_end=window_end).set_index("participant_id")
    tendon = tendon_exposure_summary(load, km["window_end_week"]).set_index("participant_id")
    assert tendon.loc["a", "pre_onset_mean_weekly_at_load_bws"] == pytest.approx(15 * 450.0)
    assert km.loc["a", "pre_onset_mean_weekly_km"] == pytest.approx(15.0)  # the same weeks as km's mean
    # week 4 was worn (no data at all: not worn); whole follow-up: weeks 1-3
    assert tendon.loc["a", "whole_follow_up_mean_weekly_at_load_bws"] == pytest.approx(70 / 3 * 450.0)
    assert tendon.loc["a", "pre_onset_weeks_with_tendon_load"] == 2
    assert pd.isna(tendon.loc["b", "pre_onset_mean_weekly_at_load_bws"])
    merged = km.reset_index().merge(tendon.reset_index(), on="participant_id")
    frame = exposure_under(merged, "pre_onset").set_index("participant_id")
    assert frame.loc["a", "mean_weekly_at_load_bws"] == pytest.approx(15 * 450.0)
    assert "mean_weekly_at_damage_steps" in frame and "pre_onset_weeks_with_tendon_load" not in frame


def test_the_default_world_is_unchanged_and_a_tendon_load_world_puts_risk_on_the_tendon():
    """simulate.hazard.exposure: the default (km, every runner the same moment) draws the same people and weeks
    whatever the tendon-load keys say; in a tendon-load world, onsets follow km x impulse per km, not km."""
    from dataclasses import replace

    import statsmodels.api as sm
    from workflow_runner import simulation

    from runrisk.simulate import cohort

    default = simulation(n_participants=300, seed=5)
    people, weeks = cohort.simulate_people(default, range(300))
    assert (people["plantarflexor_moment_peak"] == 2.6).all()
    unused = replace(default, hazard=replace(default.hazard, weekly_tendon_load_per_5000_bws=9.0))
    same_people, same_weeks = cohort.simulate_people(unused, range(300))
    pd.testing.assert_frame_equal(people, same_people)
    assert all(np.array_equal(weeks[k], same_weeks[k], equal_nan=True) for k in weeks)

    world = replace(
        simulation(n_participants=6000, seed=5),
        hazard=replace(default.hazard, exposure="tendon_load", weekly_tendon_load_per_5000_bws=1.6),
        plantarflexor_moment_peak={"mean": 2.6, "sd": 0.8},
    )
    tendons, _ = cohort.simulate_people(world, range(6000))
    impulse = tendons["true_at_impulse_per_km_bws"]
    assert impulse.std() / impulse.mean() > 0.25  # runners' tendons differ per km
    # the moment and contact time give impulses inside the published range per km (some 400-1,000 BW s/km)
    assert 300 < impulse.median() < 1200
    # the same people and week draws: only the hazard's load differs, so the km a runner runs is unchanged
    assert tendons["raw_id"].equals(
        cohort.simulate_people(simulation(n_participants=6000, seed=5), range(6000))[0]["raw_id"]
    )
    frame = tendons[tendons["true_weeks_worn"] >= 4]
    y = (frame["onset_week"] >= 1).astype(float)
    fits = {
        column: sm.Logit(y, sm.add_constant(frame[[column]] / frame[column].std())).fit(disp=False)
        for column in ("true_exposure_km", "true_exposure_at_load_bws")
    }
    assert fits["true_exposure_at_load_bws"].llf > fits["true_exposure_km"].llf + 5
