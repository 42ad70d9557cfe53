"""The tendon's response (issue 39): the response logs' reader (VISA-A scored as published, pain
monitoring, heel-raise tests, capacity work; a bad row that row alone), the pain-monitoring model's
verdicts and their rules, capacity work from the watch's strength sessions, running dynamics marked
against the runner's own spread, and what to talk about this week."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
import yaml
from test_screening import write_model

from runrisk.io.garmin import read_fit
from runrisk.io.response import (
    CAPACITY,
    HEEL_RAISE,
    PAIN_LOG,
    VISA_A,
    read_capacity,
    read_heel_raises,
    read_pain_log,
    read_visa_a,
    visa_a_score,
)
from runrisk.monitor import load, response, triage
from runrisk.monitor.season import monitor
from runrisk.simulate.squad_writer import VISA_ANSWERS, SquadRun, fit_bytes, strength_fit_bytes

PRAGUE = ZoneInfo("Europe/Prague")
TODAY = dt.date(2026, 12, 7)


def test_visa_a_is_scored_as_the_published_questionnaire_by_hand():
    """Robinson et al. 2001: items 1-6 on 0-10, item 7 one of 0/4/7/10, item 8's part A (0/7/14/21/30),
    B (0/4/10/14/20) or C (0/2/5/7/10); the score is the sum. Scored by hand: 6+7+5+8+4+3+4 = 37, + B's
    10 = 47; 9+9+10+10+9+8+10 = 65, + A's 30 = 95; a runner who cannot train for pain, C's 2: 0+1+2+3+0+0+0+2 = 8."""
    assert visa_a_score({"q1": 6, "q2": 7, "q3": 5, "q4": 8, "q5": 4, "q6": 3, "q7": 4}, "B", 10) == 47
    assert visa_a_score({"q1": 9, "q2": 9, "q3": 10, "q4": 10, "q5": 9, "q6": 8, "q7": 10}, "A", 30) == 95
    assert visa_a_score({"q1": 0, "q2": 1, "q3": 2, "q4": 3, "q5": 0, "q6": 0, "q7": 0}, "C", 2) == 8
    with pytest.raises(ValueError, match="q8 of part B"):
        visa_a_score({"q1": 6, "q2": 7, "q3": 5, "q4": 8, "q5": 4, "q6": 3, "q7": 4}, "B", 30)  # 30 is part A's
    assert [sum(items) + q8 for items, _, q8 in VISA_ANSWERS] == [95, 77, 47]  # the example squad's, by hand


def test_a_dutch_visa_a_file_is_read_and_a_bad_row_is_that_row_alone(tmp_path):
    path = tmp_path / VISA_A
    path.write_text(
        "Datum;Vraag1;Vraag2;Vraag3;Vraag4;Vraag5;Vraag6;Vraag7;Q8_deel;Q8;Notitie\n"
        "2026-03-02;6;7;5;8;4;3;4;b;10;Jana Novakova\n"  # 47
        "2026-03-09;6;7;5;8;4;3;5;B;10;\n"  # item 7 is 0, 4, 7 or 10
        "2026-03-16;6;7;5;11;4;3;4;A;30;\n"  # item 4 over 10
        "2026-03-23;6;7;5;8;4;3;4;A;10;\n"  # 10 is no answer of part A
        "2026-03-30;6;7;5;8;4;3;4;;10;\n"  # no part
        "2031-01-01;6;7;5;8;4;3;4;A;30;\n"  # after today
        "2026-04-06;10;10;10;10;10;10;10;A;30;\n",  # 100
        encoding="utf-8",
    )
    log = read_visa_a(path, VISA_A, "runner", TODAY)
    assert list(log.rows["visa_a"]) == [47, 100] and list(log.rows["row"]) == [2, 8]
    reasons = {error.row: error.reason for error in log.bad_rows}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert reasons[3].startswith("q7 must be 0, 4, 7, 10") and reasons[4].startswith("q4 must be 0-10")
    assert reasons[5].startswith("q8 of part A must be 0, 7, 14, 21, 30") and "A, B or C" in reasons[6]
    assert "after today" in reasons[7]
    assert not any("Jana" in str(error) for error in log.bad_rows)


def test_pain_heel_raise_and_capacity_logs_keep_their_good_rows(tmp_path):
    (tmp_path / PAIN_LOG).write_text(
        "date,ochtendpijn,ochtendstijfheid,pijn_tijdens,pijn_na\n"
        '2026-03-02,1,2,3,\n2026-03-03,2,,11,\n2026-03-04,,,,\n2026-03-05,0,0,"2,5",1\n'
    )
    pain = read_pain_log(tmp_path / PAIN_LOG, PAIN_LOG, "runner", TODAY)
    assert list(pain.rows["row"]) == [2, 5] and list(pain.rows["pain_during"]) == [3.0, 2.5]
    assert np.isnan(pain.rows["pain_after"].iloc[0])  # not given is missing, not 0
    assert [(e.row, e.reason) for e in pain.bad_rows] == [
        (3, "pain_during is not a number 0-10"),
        (4, "no rating on the row (morning pain, stiffness, pain during or after)"),
    ]
    (tmp_path / HEEL_RAISE).write_text(
        "datum,zijde,herhalingen\n2026-03-02,links,25\n2026-03-02,R,2.5\n2026-03-02,x,3\n"
    )
    heel = read_heel_raises(tmp_path / HEEL_RAISE, HEEL_RAISE, "runner", TODAY)
    assert heel.rows[["side", "reps"]].values.tolist() == [["left", 25]]
    assert [(e.row, e.reason) for e in heel.bad_rows] == [
        (3, "reps is not a count (a whole number, 0 or more)"),
        (4, "side is not left or right (links/rechts)"),
    ]
    (tmp_path / CAPACITY).write_text("date,soort,minuten\n2026-03-02,kuit,30\n2026-03-03,yoga,30\n2099-01-01,gym,\n")
    capacity = read_capacity(tmp_path / CAPACITY, CAPACITY, "runner", TODAY)
    assert list(capacity.rows["kind"]) == ["calf"] and [e.row for e in capacity.bad_rows] == [3, 4]


def pain_log(rows: list[tuple]) -> dict:
    frame = pd.DataFrame(rows, columns=["date", "morning_pain", "morning_stiffness", "pain_during", "pain_after"])
    frame["date"] = pd.to_datetime(frame["date"])
    return {"r": {PAIN_LOG: frame}}


def verdicts(logs: dict, mondays: list[str]) -> list[tuple[str, str]]:
    grid = pd.MultiIndex.from_product([["r"], pd.to_datetime(mondays)], names=[load.RUNNER, "week_start"])
    weeks = response.response_weeks(logs, pd.DataFrame(columns=[load.RUNNER, "local_date"]), grid)
    return list(zip(weeks["pain_verdict"], weeks["pain_rule"], strict=True))


def test_the_pain_monitoring_model_judges_each_week_by_its_first_rule():
    """Silbernagel et al. 2007: pain during up to 5 allowed, after up to 5 and settled by the next morning,
    morning pain and stiffness not rising week to week; 0-2 safe, over 2 up to 5 acceptable; a rise of a
    weekly mean by less than one point of the scale is watched, not yet too much."""
    nan = np.nan
    logs = pain_log(
        [
            ("2026-03-02", 1, 1, 2, 1),  # week 1: safe zone
            ("2026-03-03", 1, 1, nan, nan),
            ("2026-03-09", 1, 1, 4, 2),  # week 2: during 4, the acceptable zone
            ("2026-03-16", 1, 1, 6, 1),  # week 3: during over 5
            ("2026-03-23", 1, 1, 2, 3),  # week 4: after 3, and the next morning hurts more: not settled
            ("2026-03-24", 2, 1, nan, nan),
            ("2026-03-30", 3, 1, 1, 1),  # week 5: morning pain 3 against week 4's 1.5: rising
            ("2026-04-06", 3, 3, 1, 1),  # week 6: stiffness 3 against 1: rising
            ("2026-04-13", 7, 3, 7, 8),  # week 7: during over 5 comes first
            ("2026-04-27", 1, 1, 1, 1),
            ("2026-05-04", 1.5, 1, 5, 5),  # week 10: morning pain up half a point, pain during and after 5
            ("2026-05-11", 7, 1, nan, nan),  # week 11: morning pain 7, no run rated
            ("2026-05-18", 7, 1, nan, nan),  # week 12: morning pain 7 again, not rising, over the limit
            ("2026-05-25", 3, 1, nan, nan),  # week 13: falling, in the acceptable zone by the morning alone
        ]
    )
    mondays = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13"]
    assert verdicts(
        logs, [*mondays, "2026-04-20", "2026-04-27", "2026-05-04", "2026-05-11", "2026-05-18", "2026-05-25"]
    ) == [
        ("acceptable", "safe_zone"),
        ("acceptable", "acceptable_zone"),
        ("too much", "during_over_5"),
        ("too much", "not_settled"),
        ("too much", "morning_pain_rising"),
        ("too much", "morning_stiffness_rising"),
        ("too much", "during_over_5"),
        ("", ""),  # no log that week: no verdict, never "acceptable"
        ("acceptable", "safe_zone"),
        ("watch", "morning_pain_creeping"),
        ("too much", "morning_pain_rising"),
        ("too much", "morning_over_5"),  # main: safe_zone
        ("acceptable", "acceptable_zone"),  # main: safe_zone, "pain 0-2/10", with morning pain 3
    ]


def test_a_strength_workout_on_the_watch_is_capacity_work_and_fitdecode_reads_it_alike(tmp_path):
    import fitdecode

    path = tmp_path / "strength.fit"
    path.write_bytes(strength_fit_bytes(dt.datetime(2026, 3, 5, 18, 0, tzinfo=PRAGUE), 40))
    rows = read_fit(path, "P1", PRAGUE)
    assert [(r["activity"], r["is_run"], r["duration_s"]) for r in rows] == [("strength", False, 2400.0)]
    with fitdecode.FitReader(str(path)) as fit:
        session = next(f for f in fit if f.frame_type == fitdecode.FIT_FRAME_DATA and f.name == "session")
        assert (session.get_value("sport"), session.get_value("sub_sport")) == ("training", "strength_training")
    strength = pd.DataFrame({load.RUNNER: ["r", "r"], "local_date": pd.to_datetime(["2026-03-05", "2026-03-19"])})
    grid = pd.MultiIndex.from_product([["r"], pd.to_datetime(["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16"])])
    grid = grid.set_names([load.RUNNER, "week_start"])
    weeks = response.response_weeks({"r": {}}, strength, grid)
    counts = weeks["capacity_sessions"].tolist()
    assert np.isnan(counts[0]) and counts[1:] == [1.0, 0.0, 1.0]  # before the first: unknown, not 0


def test_running_dynamics_outside_the_runners_own_spread_are_marked():
    weeks = pd.MultiIndex.from_product([["a", "b"], pd.date_range("2026-01-05", periods=8, freq="7D")])
    gait = pd.DataFrame(index=weeks.set_names([load.RUNNER, "week_start"]))
    steady = [170.0, 171.0, 169.0, 170.0, 170.5, 169.5, 170.0, 180.0]
    gait["cadence_spm"] = steady + [150.0, 151.0, np.nan, 149.0, 150.0, 150.0, 150.5, 150.0]
    gait["stance_time_ms"] = [250.0] * 16
    marks = load.unusual_dynamics(gait)
    assert marks[:7] == [""] * 7 and marks[7] == "cadence_spm"  # 180 against 170 +/- 2 x 0.6
    assert marks[8:] == [""] * 8  # runner b at 150: their own usual, no population threshold


def week_frame(**columns) -> pd.DataFrame:
    base = {
        "week_start": pd.to_datetime(["2026-03-02", "2026-03-09"]),
        "spike": [False, False],
        "change": [0.0, 0.0],
        "longest_run_change": [0.0, 0.0],
        "symptom_days": [0, 0],
        "substantial": [False, False],
        "pain_max": [np.nan, np.nan],
        "acwr": [1.0, 1.0],
        "pain_verdict": ["", ""],
        "pain_rule": ["", ""],
        "capacity_sessions": [np.nan, np.nan],
        "dynamics_unusual": ["", ""],
    }
    return pd.DataFrame(base | columns)


def test_what_to_talk_about_puts_the_load_first_and_the_squad_orders_by_the_verdict():
    quiet = week_frame()
    assert [t.key for t in triage.talk_about(quiet)] == ["talk_none"]
    too_much = week_frame(pain_verdict=["", "too much"], pain_rule=["", "during_over_5"])
    assert [t.key for t in triage.talk_about(too_much)] == ["talk_pain_too_much"]
    both = week_frame(
        spike=[False, True], change=[0.0, 0.6], pain_verdict=["", "watch"], pain_rule=["", "morning_pain_creeping"]
    )
    assert [t.key for t in triage.talk_about(both)] == ["talk_spike", "talk_pain_watch"]  # the load first
    steep = week_frame(
        spike=[False, True],
        change=[0.0, 0.6],
        acwr=[1.2, 1.9],
        pain_verdict=["", "too much"],
        pain_rule=["", "not_settled"],
    )
    assert [t.key for t in triage.talk_about(steep)] == ["talk_spike", "talk_pain_too_much"]  # one topic of load
    from runrisk.monitor import page

    line = page.talk_text(steep, "en")
    assert (
        line.startswith("The load: the week of 2026-03-09 rose steeply") and "not settled by the next morning" in line
    )
    assert page.talk_text(steep, "nl").startswith("De belasting: de week van 2026-03-09")
    assert triage.attention(too_much) == (1, ["reason_pain_too_much"])
    assert triage.attention(week_frame(pain_verdict=["watch", ""]))[0] == 4
    assert triage.attention(both)[0] == 2
    settled = week_frame(pain_verdict=["too much", "acceptable"], pain_rule=["during_over_5", "safe_zone"])
    assert triage.recent_verdict(settled) == ("too much", "during_over_5", pd.Timestamp("2026-03-02"))
    assert triage.recent_verdict(quiet) is None
    dropped = week_frame(capacity_sessions=[0.0, 0.0], dynamics_unusual=["", "cadence_spm"])
    assert [t.key for t in triage.talk_about(dropped)] == ["talk_capacity", "talk_dynamics"]
    assert triage.attention(dropped) == (5, ["reason_dynamics"])  # a 2 SD band is crossed by chance: no rank


def test_the_runner_page_shows_each_weeks_verdict_and_lists_bad_rows_by_number(tmp_path):
    """A runner with a season of runs and the four response logs: the weeks.parquet verdicts are the
    model's, the page shows them with their rule, the bad rows by number, and no note of any file."""
    squad = tmp_path / "squad"
    folder = squad / "a"
    folder.mkdir(parents=True)
    (folder / "runner.yaml").write_text(yaml.safe_dump({"label": "S01", "age": 34, "sex": "F", "body_mass_kg": 60}))
    first = dt.date(2026, 3, 2)
    for w in range(6):
        for d in (1, 5):
            day = first + dt.timedelta(days=7 * w + d)
            start = dt.datetime.combine(day, dt.time(7, 0), PRAGUE)
            (folder / f"{day}.fit").write_bytes(
                fit_bytes(SquadRun(start, 8.0, 2700.0, 20.0, 150, 175, (0,) * 7, 5, 50))
            )
    (folder / "Pain_Monitoring.csv").write_text(
        "date,morning_pain,pain_during,pain_after,note\n"
        f"{first + dt.timedelta(weeks=4, days=1)},1,1,1,PLANTED-NOTE\n"
        f"{first + dt.timedelta(weeks=5, days=1)},1,7,2,PLANTED-NOTE\n"
        f"{first + dt.timedelta(weeks=5, days=2)},1,12,2,\n"
        "2016-03-08,1,1,1,\n"  # typed 2016 for 2026: set aside, never the season's start
        f"{first + dt.timedelta(weeks=6, days=2)},1,,,\n"  # not running, still logging: the season goes on
    )
    (folder / VISA_A).write_text(f"date,q1,q2,q3,q4,q5,q6,q7,q8_part,q8\n{first},6,7,5,8,4,3,4,B,10\n")
    (folder / HEEL_RAISE).write_text(f"date,side,reps\n{first},left,25\n{first},right,many\n")
    monitor(squad, write_model(tmp_path / "model.json"), tmp_path / "out", today=TODAY)
    weeks = pd.read_parquet(tmp_path / "out/weeks.parquet")
    judged = weeks[weeks["pain_verdict"] != ""]
    assert judged[["pain_verdict", "pain_rule"]].values.tolist() == [
        ["acceptable", "safe_zone"],
        ["too much", "during_over_5"],
        ["acceptable", "safe_zone"],
    ]
    assert weeks["week_start"].min() == pd.Timestamp(first) and len(weeks) == 7
    assert weeks["visa_a"].dropna().tolist() == [47.0] and weeks["heel_raise_right"].isna().all()
    html = (tmp_path / "out/runners/s01.html").read_text()
    assert 'data-verdict="too much" data-rule="during_over_5"' in html
    assert "pain_monitoring.csv row 4: pain_during is not a number 0-10" in html
    assert "heel_raise.csv row 3: reps is not a count" in html
    assert "pain_monitoring.csv row 5: dated 2016-03-08, more than 14 days before the squad" in html
    assert "PLANTED-NOTE" not in html and "many" not in html
    index = (tmp_path / "out/index.html").read_text()
    assert 'data-verdict="too much"' in index and "The tendon: the week of" in index
