import datetime as dt
import json
import random
import re
import shutil
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from real_files import real_files, real_path
from workflow_runner import demo_config

from runrisk.cohort.exposure import exposure_summary, weekly_volume
from runrisk.cohort.shards import shard_activities, shard_participants
from runrisk.errors import InputError
from runrisk.io.fitabase import read_fitabase_daily
from runrisk.io.garmin import DETAILS, read_fit, read_gpx, read_tcx
from runrisk.io.quarantine import Quarantine
from runrisk.io.wearables import (
    DYNAMICS,
    WearableSettings,
    _fitbit_start_times,
    activities_frame,
    flag_duplicates,
    flag_uncountable_runs,
    parse_fitbit_time,
    read_fitbit_exercise,
)

PRAGUE = ZoneInfo("Europe/Prague")
SETTINGS = demo_config()["wearables"]


# --- Fitbit -------------------------------------------------------------------------------------


LOG_253307636 = 12  # that record's place in the export


def test_real_fitbit_archive_export():
    rows = read_fitbit_exercise(real_path("fitbit/fitport_exercise-0.json"), "P1", PRAGUE)
    assert len(rows) == 100
    runs = [r for r in rows if r["is_run"]]
    assert len(runs) == 11
    first = next(r for r in runs if r["log_id"] == str(LOG_253307636))  # rows name records by place, not logId
    assert first["distance_km"] == pytest.approx(4.345576)
    assert first["duration_s"] == pytest.approx(2707.0)
    assert str(first["local_date"]) == "2015-06-22"
    assert first["start_utc"].hour == 4  # 06:14 in Prague summer time is 04:14 UTC


def test_real_fitbit_strava_manual_runs():
    rows = read_fitbit_exercise(real_path("fitbit/fitport_exercise-700.json"), "P1", PRAGUE)
    runs = [r for r in rows if r["is_run"]]
    assert len(rows) == 80 and len(runs) == 8
    assert sum(r["distance_km"] is not None and r["distance_km"] > 0 for r in runs) == 7
    frame = activities_frame(
        [{"participant_id": "p", "source": "fitbit", "source_file": "f", "excluded_reason": "", **r} for r in rows]
    )
    flagged = flag_uncountable_runs(frame, 120, 0.2)
    assert (flagged.loc[flagged["is_run"], "excluded_reason"] == "run without a distance").sum() == 1


def test_real_fitbit_web_api_response_keeps_its_own_offset():
    rows = read_fitbit_exercise(real_path("fitbit/fitbit_webapi_activity_list_doc_example.json"), "P1", PRAGUE)
    assert len(rows) == 1
    assert rows[0]["start_utc"] == dt.datetime(2019, 1, 3, 20, 8, 29)
    assert str(rows[0]["local_date"]) == "2019-01-03"  # the -08:00 of the record, not Prague


def _export(tmp_path, records, name="exercise-0.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records))
    return path


def _run(start, distance, unit="Kilometer", name="Run", minutes=30, log_id=1):
    return {
        "logId": log_id,
        "activityName": name,
        "startTime": start,
        "duration": minutes * 60000,
        "distance": distance,
        "distanceUnit": unit,
    }


def test_miles_and_localised_activity_names(tmp_path):
    rows = read_fitbit_exercise(
        _export(tmp_path, [_run("03/04/19 07:00:00", 2.0, "Mile", name="ランニング")]), "P1", PRAGUE
    )
    assert rows[0]["distance_km"] == pytest.approx(3.218688)
    assert rows[0]["is_run"]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (_run("03/04/19 07:00:00", 2.0, "Furlong"), r"no known distanceUnit \(found text of 7 characters\)"),
        (_run("2019-13-45", 2.0), r"startTime is not a Fitbit date and time \(found a date in another form\)"),
        (_run("03/04/19 07:00:00", -5.0), "negative distance"),
        (_run("03/04/19 07:00:00", 500.0), "distance 500.0 km is outside 0-250 km"),
    ],
)
def test_bad_records_name_file_participant_and_reason(tmp_path, record, reason):
    with pytest.raises(InputError, match=rf"file fitbit-1, participant 4H9: record 0: .*{reason}"):
        read_fitbit_exercise(_export(tmp_path, [record]), "4H9", PRAGUE)


def test_invalid_json_is_a_clear_error(tmp_path):
    path = tmp_path / "exercise-0.json"
    path.write_text("[{")
    with pytest.raises(InputError, match="exercise-0.json, participant 4H9: not valid UTF-8 JSON"):
        read_fitbit_exercise(path, "4H9", PRAGUE)


def test_empty_export_has_no_activities(tmp_path):
    assert read_fitbit_exercise(_export(tmp_path, []), "P1", PRAGUE) == []


# --- Garmin FIT, GPX, TCX -----------------------------------------------------------------------


def test_real_fit_run_with_device_time_zone():
    (row,) = read_fit(real_path("garmin/fitdecode_activity-small-fenix2-run.fit"), "P1", ZoneInfo("UTC"))
    assert row["is_run"] and row["distance_km"] == pytest.approx(9.00822)
    assert row["start_utc"] == dt.datetime(2015, 8, 15, 14, 45, 8)
    assert row["duration_s"] == pytest.approx(2832.0)
    assert str(row["local_date"]) == "2015-08-15"


def test_real_fit_device_offset_moves_the_local_date():
    (row,) = read_fit(real_path("garmin/fitdecode_garmin-fenix-5-run.fit"), "P1", ZoneInfo("Asia/Tokyo"))
    # 14:34 UTC; the watch was on UTC-7 (07:34 local), so the 11th, not Tokyo's 11th 23:34
    assert str(row["local_date"]) == "2017-06-11" and row["start_utc"].hour == 14


def test_real_multisport_fit_keeps_only_running_sessions_as_runs():
    rows = read_fit(real_path("garmin/fitdecode_activity-large-fenix2-multisport.fit"), "P1", PRAGUE)
    assert [r["activity"] for r in rows] == ["other", "other", "run", "other", "run", "other", "ride"]
    assert sum(r["distance_km"] for r in rows if r["is_run"]) == pytest.approx(2.24523 + 12.74037)


def test_real_walk_is_not_a_run():
    (row,) = read_fit(real_path("garmin/fitdecode_garmin-fenix-5-walk.fit"), "P1", PRAGUE)
    assert not row["is_run"]


def test_fit_with_relative_timestamps_is_refused_not_dated():
    with pytest.raises(InputError, match="start_time is a device-relative counter"):
        read_fit(real_path("garmin/fitdecode_compressed-speed-distance_fr70_run.fit"), "P1", PRAGUE)


def test_corrupt_fit_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="unexpected-eof.fit, participant P1: corrupt or truncated FIT file"):
        read_fit(real_path("garmin/fitdecode_invalid_activity-unexpected-eof.fit"), "P1", PRAGUE)
    junk = tmp_path / "junk.fit"
    junk.write_bytes(b"not a fit file at all" * 10)
    with pytest.raises(InputError, match="junk.fit"):
        read_fit(junk, "P1", PRAGUE)


def test_real_gpx_track_totals():
    (row,) = read_gpx(real_path("garmin/slither_running_polar_m400.gpx"), "P1", PRAGUE, "running")
    assert row["start_utc"] == dt.datetime(2020, 10, 26, 17, 7, 30)
    assert row["duration_s"] == pytest.approx(3041.0, abs=0.1)
    assert 5.0 < row["distance_km"] < 10.0 and row["is_run"]
    totals = {"log_id", "activity", "is_run", "start_utc", "local_date", "duration_s", "distance_km"}
    assert set(row) == totals | set(DETAILS) | set(DYNAMICS)


def test_real_tcx_lap_totals():
    (row,) = read_tcx(real_path("garmin/slither_running_runtastic.tcx"), "P1", PRAGUE)
    assert row["is_run"] and row["distance_km"] == pytest.approx(2.2) and row["duration_s"] == pytest.approx(750)
    assert str(row["local_date"]) == "2016-12-11"


# --- Fitabase -------------------------------------------------------------------------------------


def test_real_fitabase_file_of_many_users_is_refused():
    path = real_path("fitbit/fitabase_dailyActivity_merged_2016-04-12_2016-05-12.csv")
    with pytest.raises(InputError, match="holds 33 Fitabase Ids"):
        read_fitabase_daily(path, "P1", PRAGUE, "VeryActiveDistance")


def test_real_fitabase_one_user(tmp_path):
    frame = pd.read_csv(real_path("fitbit/fitabase_dailyActivity_merged_2016-04-12_2016-05-12.csv"), dtype=str)
    user = frame[frame["Id"] == frame["Id"].iloc[0]]
    path = tmp_path / "dailyActivity.csv"
    user.to_csv(path, index=False)
    rows = read_fitabase_daily(path, "P1", PRAGUE, "VeryActiveDistance")
    worn_days = int((user["TotalSteps"].astype(int) > 0).sum())
    assert len(rows) == worn_days and 0 < worn_days <= 31
    assert sum(r["distance_km"] for r in rows) == pytest.approx(user["VeryActiveDistance"].astype(float).sum())
    assert str(rows[0]["local_date"]) == "2016-04-12"  # M/D/YYYY


# --- one activities table: duplicates, short runs, weeks -----------------------------------------


def test_same_run_from_a_watch_and_fitbit_counts_once(tmp_path):
    raw = tmp_path / "raw"
    (raw / "garmin" / "A1").mkdir(parents=True)
    (raw / "fitbit" / "A1").mkdir(parents=True)
    shutil.copy(real_path("garmin/fitdecode_activity-small-fenix2-run.fit"), raw / "garmin" / "A1")
    shutil.copy(real_path("garmin/slither_running_polar_m400.gpx"), raw / "garmin" / "A1")
    # Fitbit synced the same run, starting 2 min later in its local (Prague, UTC+2) clock, and twice
    record = _run("08/15/15 16:47:08", 9.1, minutes=47)
    _export(raw / "fitbit" / "A1", [record])
    _export(raw / "fitbit" / "A1", [record], name="exercise-100.json")
    (raw / "participants.csv").write_text(
        "participant_id,age,sex,height_cm,body_mass_kg,runner,"
        "prior_achilles_problems,enrolment_date\nA1,30,F,165,60,yes,no,2015-08-10\n"
    )
    members = shard_participants(raw / "participants.csv", ["A1"], None)
    activities = shard_activities(members, raw, "Europe/Prague", WearableSettings.from_config(SETTINGS))
    counted = activities[activities["excluded_reason"] == ""]
    assert len(activities) == 4 and len(counted) == 2  # the FIT run and the GPX run
    assert set(counted["source"]) == {"fit", "gpx"}
    assert activities["excluded_reason"].str.startswith("duplicate of fit").sum() == 2
    assert not {"lat", "lon", "latitude", "longitude"} & set(activities.columns)


def test_short_runs_stay_visible_but_uncounted():  # the 57 s fenix 5 run
    rows = read_fit(real_path("garmin/fitdecode_garmin-fenix-5-run.fit"), "P1", PRAGUE)
    frame = activities_frame(
        [{"participant_id": "p", "source": "fit", "source_file": "f", "excluded_reason": "", **r} for r in rows]
    )
    flagged = flag_uncountable_runs(frame, 120, 0.2)
    assert flagged["excluded_reason"].iloc[0] == "run shorter than 120 s or 0.2 km"


def _activity(day, km, run=True, source="fitbit", hour=7, log_id="1"):
    start = pd.Timestamp(f"{day} {hour:02d}:00")
    return {
        "participant_id": "a",
        "source": source,
        "source_file": "f",
        "log_id": log_id,
        "activity": "Run" if run else "Walk",
        "is_run": run,
        "start_utc": start,
        "local_date": pd.Timestamp(day),
        "duration_s": 1800.0,
        "distance_km": km,
        "excluded_reason": "",
    }


PARTICIPANT = pd.DataFrame({"participant_id": ["a"], "enrolment_date": [pd.Timestamp("2019-03-25")]})


def test_weekly_volume_marks_unworn_weeks_missing_not_zero():
    rows = [
        _activity("2019-03-26", 5.0),
        _activity("2019-03-31", 7.0, hour=23),  # Sunday of the DST change
        _activity("2019-04-01", 3.0, hour=0),  # 00:30 local on Monday is still Sunday in UTC: week 2 by local date
        _activity("2019-04-16", None, run=False),
    ]
    weekly = weekly_volume(activities_frame(rows), PARTICIPANT, 5, 1).set_index("week")
    assert weekly.loc[1, "running_km"] == pytest.approx(12.0) and weekly.loc[1, "runs"] == 2
    assert weekly.loc[2, "running_km"] == pytest.approx(3.0)
    assert pd.isna(weekly.loc[3, "running_km"]) and not weekly.loc[3, "worn"]
    assert weekly.loc[4, "running_km"] == 0.0 and weekly.loc[4, "worn"]
    assert pd.isna(weekly.loc[0, "running_km"])
    assert weekly.loc[1, "pace_s_per_km"] == pytest.approx(3600 / 12.0)
    summary = exposure_summary(weekly.reset_index()).iloc[0]
    assert (summary["whole_follow_up_weeks_worn"], summary["last_worn_week"]) == (3, 4)
    assert summary["whole_follow_up_mean_weekly_km"] == pytest.approx(5.0)


def test_worn_week_rule_and_uncounted_rows():
    rows = [
        _activity("2019-03-26", 5.0),
        _activity("2019-03-27", 4.0, log_id="2"),
        {**_activity("2019-03-27", 4.0, log_id="3"), "excluded_reason": "duplicate of fitbit f 2"},
        _activity("2019-04-02", 6.0),
    ]
    weekly = weekly_volume(activities_frame(rows), PARTICIPANT, 2, 2).set_index("week")
    assert weekly.loc[1, "worn"] and weekly.loc[1, "running_km"] == pytest.approx(9.0)  # duplicate not counted
    assert not weekly.loc[2, "worn"]  # one day of data is not a worn week under min_worn_days_per_week = 2


def test_change_from_previous_week_and_previous_four():
    days = {1: 10.0, 2: 20.0, 4: 10.0, 5: 40.0}
    rows = [
        _activity(str((pd.Timestamp("2019-03-25") + pd.Timedelta(days=7 * (w - 1) + 1)).date()), km)
        for w, km in days.items()
    ]
    weekly = weekly_volume(activities_frame(rows), PARTICIPANT, 5, 1).set_index("week")
    assert weekly.loc[2, "change_pct"] == pytest.approx(100.0)
    assert pd.isna(weekly.loc[4, "change_pct"])  # week 3 was not worn
    assert weekly.loc[5, "ratio_to_prior_4wk"] == pytest.approx(40.0 / ((10 + 20 + 10) / 3))
    assert weekly.loc[5, "change_pct"] == pytest.approx(300.0)


def test_flag_duplicates_prefers_the_configured_source():
    rows = [
        _activity("2019-03-26", 5.0, source="fitbit", log_id="fb"),
        {**_activity("2019-03-26", 5.2, source="fit", log_id="g"), "start_utc": pd.Timestamp("2019-03-26 07:03")},
    ]
    flagged = flag_duplicates(activities_frame(rows), 300, ["fit", "fitbit"]).set_index("log_id")
    assert flagged.loc["g", "excluded_reason"] == ""
    assert flagged.loc["fb", "excluded_reason"] == "duplicate of fit f g"


@pytest.mark.parametrize("zone", ["Europe/Prague", "America/New_York", "Australia/Lord_Howe"])
def test_batch_start_times_equal_the_per_record_parser(zone):
    """The vectorised archive-time path (numpy, pandas zone tables) must give exactly what strptime and
    zoneinfo give record by record, including invalid dates, seconds of 60 and DST gaps and overlaps."""
    rng = random.Random(7)
    texts = [
        f"{rng.randint(0, 13):02d}/{rng.randint(0, 32):02d}/{rng.randint(0, 99):02d} "
        f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}:{rng.randint(0, 61):02d}"
        for _ in range(5000)
    ]
    texts += ["3/4/19 07:00:00", "2019-01-03T12:08:29.000-08:00", "02/29/00 00:00:00", "02/29/00 00:00:00 "]
    texts += ["03/31/19 02:30:00", "10/27/19 02:30:00", "03/10/19 02:30:00", "11/03/19 01:30:00", "04/07/19 01:45:00"]
    texts += ["", "None", "é2/29/00 00:00:00", "ab/cd/ef 00:00:00"]
    tz = ZoneInfo(zone)
    utc, local_date, errors = _fitbit_start_times(texts, tz)
    parsed = 0
    for text, u, day, error in zip(texts, utc, local_date, errors, strict=True):
        try:
            start = parse_fitbit_time(text, tz)
        except ValueError:
            assert error is not None, text
            continue
        parsed += 1
        assert error is None, text
        assert u == np.datetime64(start.astimezone(dt.UTC).replace(tzinfo=None), "ns"), text
        assert day == np.datetime64(start.date(), "ns"), text
    assert 3000 < parsed < len(texts)  # both paths were exercised


# where the study's wearable ingestion looks for each kind of public file (raw_dir/<kind>/<participant>/)
REAL_WEARABLE_KINDS = {".json": "fitbit", ".csv": "fitabase", ".fit": "garmin", ".gpx": "garmin", ".tcx": "garmin"}


def test_every_real_wearable_file_gives_activities_or_says_why_through_the_study_reader(tmp_path):
    """Each public watch or Fitbit file as a participant's only wearable file, read by the shard job's
    reader in quarantine mode: activity rows, or a quarantine row whose reason is words (never an
    exception's class and text); no file gives nothing without a word."""
    files = [f"garmin/{name}" for name in real_files("garmin", "*")] + [
        f"fitbit/{name}" for name in real_files("fitbit", "*")
    ]
    raw_ids = {relative: f"W{k:03d}" for k, relative in enumerate(files)}
    for relative, raw_id in raw_ids.items():
        path = real_path(relative)
        folder = tmp_path / REAL_WEARABLE_KINDS[path.suffix.lower()] / raw_id
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
    members = pd.DataFrame(
        {"participant_id": [f"P{raw_id}" for raw_id in raw_ids.values()]},
        index=pd.Index(list(raw_ids.values()), name="raw_id"),
    )
    quarantine = Quarantine()
    activities = shard_activities(
        members, tmp_path, "Europe/Prague", WearableSettings.from_config(SETTINGS), quarantine
    )
    refused = {record["raw_id"]: record["reason"] for record in quarantine.records}
    read = set(activities["participant_id"])
    silent = [relative for relative, raw_id in raw_ids.items() if raw_id not in refused and f"P{raw_id}" not in read]
    assert silent == []
    for relative, raw_id in raw_ids.items():
        if raw_id in refused:
            said = refused[raw_id]
            assert len(said.split()) >= 3 and not re.search(r"\w+(Error|Exception)\b", said), (relative, said)
    assert len(read) > len(refused) > 0  # most are read; the truncated FIT and the many-user Fitabase are not
