import json
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from runrisk.errors import InputError
from runrisk.exposure import exposure_summary, weekly_volume
from runrisk.wearables import activities_frame, read_fitbit_exercise

PRAGUE = ZoneInfo("Europe/Prague")


def test_real_fitbit_archive_export(real_data):
    rows = read_fitbit_exercise(real_data / "fitbit" / "fitport_exercise-0.json", "P1", PRAGUE)
    assert len(rows) == 100
    runs = [r for r in rows if r["is_run"]]
    assert len(runs) == 11
    first = next(r for r in runs if r["log_id"] == "253307636")
    assert first["distance_km"] == pytest.approx(4.345576)
    assert first["duration_s"] == pytest.approx(2707.0)
    assert str(first["local_date"]) == "2015-06-22"
    assert first["start_utc"].hour == 4  # 06:14 in Prague summer time is 04:14 UTC


def test_real_fitbit_web_api_response_with_offset(real_data):
    rows = read_fitbit_exercise(real_data / "fitbit" / "fitbit_webapi_activity_list_doc_example.json", "P1", PRAGUE)
    assert len(rows) == 1
    assert rows[0]["start_utc"].isoformat().startswith("2019-01-03T20:08:29")
    assert str(rows[0]["local_date"]) == "2019-01-03"


def _export(tmp_path, records):
    path = tmp_path / "exercise-0.json"
    path.write_text(json.dumps(records))
    return path


def _run(start, distance, unit="Kilometer", name="Run"):
    return {
        "logId": 1,
        "activityName": name,
        "startTime": start,
        "duration": 1800000,
        "distance": distance,
        "distanceUnit": unit,
    }


def test_miles_are_converted(tmp_path):
    rows = read_fitbit_exercise(_export(tmp_path, [_run("03/04/19 07:00:00", 2.0, "Mile")]), "P1", PRAGUE)
    assert rows[0]["distance_km"] == pytest.approx(3.218688)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (_run("03/04/19 07:00:00", 2.0, "Furlong"), "distanceUnit 'Furlong'"),
        (_run("2019-13-45", 2.0), "startTime '2019-13-45'"),
        (_run("03/04/19 07:00:00", -5.0), "negative distance"),
    ],
)
def test_bad_records_name_file_participant_and_reason(tmp_path, record, reason):
    with pytest.raises(InputError, match=rf"exercise-0.json.*participant 4H9.*record 0: .*{reason}"):
        read_fitbit_exercise(_export(tmp_path, [record]), "4H9", PRAGUE)


def test_invalid_json_is_a_clear_error(tmp_path):
    path = tmp_path / "exercise-0.json"
    path.write_text("[{")
    with pytest.raises(InputError, match="exercise-0.json.*participant 4H9.*not valid UTF-8 JSON"):
        read_fitbit_exercise(path, "4H9", PRAGUE)


def test_weekly_volume_marks_unworn_weeks_missing_not_zero():
    participants = pd.DataFrame({"participant_id": ["a"], "enrolment_date": [pd.Timestamp("2019-03-04")]})
    rows = [
        {
            "participant_id": "a",
            "source": "t",
            "source_file": "f",
            "log_id": "1",
            "activity": "Run",
            "is_run": True,
            "start_utc": pd.Timestamp("2019-03-05 06:00"),
            "local_date": pd.Timestamp("2019-03-05"),
            "duration_s": 1800.0,
            "distance_km": 5.0,
        },
        {
            "participant_id": "a",
            "source": "t",
            "source_file": "f",
            "log_id": "2",
            "activity": "Run",
            "is_run": True,
            "start_utc": pd.Timestamp("2019-03-10 06:00"),
            "local_date": pd.Timestamp("2019-03-10"),
            "duration_s": 1800.0,
            "distance_km": 7.0,
        },
        {
            "participant_id": "a",
            "source": "t",
            "source_file": "f",
            "log_id": "3",
            "activity": "Walk",
            "is_run": False,
            "start_utc": pd.Timestamp("2019-03-19 06:00"),
            "local_date": pd.Timestamp("2019-03-19"),
            "duration_s": 600.0,
            "distance_km": None,
        },
        # the same run synced twice counts once
        {
            "participant_id": "a",
            "source": "t",
            "source_file": "g",
            "log_id": "4",
            "activity": "Run",
            "is_run": True,
            "start_utc": pd.Timestamp("2019-03-10 06:00"),
            "local_date": pd.Timestamp("2019-03-10"),
            "duration_s": 1800.0,
            "distance_km": 7.0,
        },
    ]
    weekly = weekly_volume(activities_frame(rows), participants, 4, 1).set_index("week")
    assert weekly.loc[1, "running_km"] == pytest.approx(12.0)  # Tuesday and the Sunday that closes week 1
    assert weekly.loc[1, "runs"] == 2
    assert pd.isna(weekly.loc[2, "running_km"]) and not weekly.loc[2, "worn"]
    assert weekly.loc[3, "running_km"] == 0.0 and weekly.loc[3, "worn"]
    summary = exposure_summary(weekly.reset_index()).iloc[0]
    assert summary["weeks_worn"] == 2
    assert summary["mean_weekly_km"] == pytest.approx(6.0)
    assert summary["last_worn_week"] == 3
