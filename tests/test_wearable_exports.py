"""Athletes' exports read in place through the one dispatcher (runrisk.io.wearable_files): gzipped
files, a Strava export folder, a Garmin Connect export (zips inside a zip), and the archives refused."""

from __future__ import annotations

import gzip
import io
import logging
import math
import shutil
import zipfile
from zoneinfo import ZoneInfo

import pytest
from real_files import real_path

from runrisk.errors import InputError
from runrisk.io.garmin import read_fit, read_gpx
from runrisk.io.layout import wearable_format
from runrisk.io.wearable_files import read_wearable_file
from runrisk.io.wearables import WearableSettings

PRAGUE = ZoneInfo("Europe/Prague")
SETTINGS = WearableSettings(
    duplicate_window_s=300,
    source_priority=("fit", "gpx", "tcx", "fitbit", "fitabase"),
    min_run_s=120,
    min_run_km=0.2,
    max_daily_run_km=150,
    gpx_default_activity="running",
    fitabase_running_column="VeryActiveDistance",
)
RUN = "garmin/fitdecode_garmin-fenix-5-run.fit"
HOUR = "garmin/slither_running_fr45.fit"
GPX = "garmin/slither_running_polar_m400.gpx"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_one_table_names_every_format_and_gzipped_activity_files():
    assert [wearable_format(n) for n in ("a.FIT", "b.fit.gz", "c.gpx.gz", "d.tcx.GZ", "e.json", "f.csv", "g.zip")] == [
        "fit",
        "fit",
        "gpx",
        "tcx",
        "fitbit",
        "fitabase",
        "export",
    ]
    assert wearable_format("h.json.gz") is None and wearable_format("i.xlsx") is None


def test_gzipped_files_read_as_their_plain_forms(tmp_path):
    for name, plain in (
        (RUN, read_fit(real_path(RUN), "P1", PRAGUE)),
        (GPX, read_gpx(real_path(GPX), "P1", PRAGUE, "running")),
    ):
        packed = tmp_path / (real_path(name).name + ".gz")
        packed.write_bytes(gzip.compress(real_path(name).read_bytes()))
        source, rows = read_wearable_file(packed, "P1", PRAGUE, SETTINGS)
        assert source == real_path(name).suffix[1:] and str(rows) == str(plain)


def test_a_garmin_connect_export_is_read_in_place_and_its_other_files_counted(tmp_path, caplog):
    uploaded = _zip(
        {"UploadedFiles_0-_Part1/a.fit": real_path(RUN).read_bytes(), "b.fit": real_path(HOUR).read_bytes()}
    )
    export = tmp_path / "export.zip"
    wellness = {f"DI_CONNECT/DI-Connect-Wellness/{k}_sleepData.json": b"[]" for k in range(5)}
    export.write_bytes(_zip({"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": uploaded, **wellness}))
    with caplog.at_level(logging.INFO):
        source, rows = read_wearable_file(export, "P1", PRAGUE, SETTINGS)
    assert source == "export" and [r["source"] for r in rows] == ["fit", "fit"]
    assert rows[1]["distance_km"] == pytest.approx(read_fit(real_path(HOUR), "P1", PRAGUE)[0]["distance_km"])
    assert rows[1]["steps"] > 8000  # the records' dynamics come with it
    assert [r["log_id"] for r in rows] == ["1.1/0", "1.2/0"]
    assert "an export: 5 files that are not activity files (wellness, settings) skipped" in caplog.text
    assert "export.zip" not in caplog.text  # the file's own name never reaches the log


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"../../outside.fit": b"x"}, "member 1's path leaves the archive"),
        ({"/etc/passwd.fit": b"x"}, "member 1's path leaves the archive"),
        ({"a.json": b"{}", "zeros.fit": bytes(8_000_000)}, "member 2 unpacks to too much (a zip bomb)"),
    ],
)
def test_an_archive_that_leaves_itself_or_unpacks_to_too_much_is_refused_by_label(tmp_path, members, reason):
    export = tmp_path / "export.zip"
    export.write_bytes(_zip(members))
    with pytest.raises(
        InputError, match="export.zip, participant P1: " + reason.replace("(", r"\(").replace(")", r"\)")
    ):
        read_wearable_file(export, "P1", PRAGUE, SETTINGS)


def test_an_unreadable_member_and_a_broken_archive_are_refused_in_words(tmp_path):
    data = bytearray(_zip({"run.fit": real_path(HOUR).read_bytes()}))
    data[60] ^= 0xFF  # inside the member's packed bytes
    export = tmp_path / "export.zip"
    export.write_bytes(bytes(data))
    with pytest.raises(InputError, match="member 1 cannot be read"):
        read_wearable_file(export, "P1", PRAGUE, SETTINGS)
    export.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(InputError, match="not a readable zip archive"):
        read_wearable_file(export, "P1", PRAGUE, SETTINGS)
    (tmp_path / "bad.fit.gz").write_bytes(gzip.compress(b"x" * 100)[:20])
    with pytest.raises(InputError, match="a gzip file that cannot be unpacked"):
        read_wearable_file(tmp_path / "bad.fit.gz", "P1", PRAGUE, SETTINGS)


def test_a_strava_export_folder_is_a_runners_folder_for_the_monitor(tmp_path):
    from runrisk.monitor.squad import SessionCache, read_runner_folder

    folder = tmp_path / "runner"
    (folder / "activities").mkdir(parents=True)
    (folder / "activities" / "123.fit.gz").write_bytes(gzip.compress(real_path(HOUR).read_bytes()))
    (folder / "activities" / "124.gpx.gz").write_bytes(gzip.compress(real_path(GPX).read_bytes()))
    (folder / "activities.csv").write_text("Activity ID,Activity Date,Activity Name,Filename\n123,x,Morning Run,a\n")
    shutil.copy(real_path(RUN), folder / "loose.fit")
    (folder / "runner.yaml").write_text("label: S01\nage: 30\nsex: F\nbody_mass_kg: 60\n")
    person, rows = read_runner_folder(folder, 1, PRAGUE, SETTINGS, SessionCache(tmp_path / "cache.json"), {}, {})
    assert sorted(r["source"] for r in rows) == ["fit", "fit", "gpx"] and person.problems == []
    assert {r["source_file"] for r in rows} == {"fit-1", "fit-2", "gpx-1"}  # labels, never the files' names


def test_the_study_reads_a_participants_exports_through_the_same_dispatcher(tmp_path):
    from runrisk.cohort.shards import shard_activities, shard_participants

    raw = tmp_path / "raw"
    folder = raw / "garmin" / "A1"
    folder.mkdir(parents=True)
    (folder / "run.fit.gz").write_bytes(gzip.compress(real_path(HOUR).read_bytes()))
    (folder / "export.zip").write_bytes(_zip({"a/run.fit": real_path(RUN).read_bytes(), "b/settings.json": b"{}"}))
    (raw / "participants.csv").write_text(
        "participant_id,age,sex,height_cm,body_mass_kg,runner,"
        "prior_achilles_problems,enrolment_date\nA1,30,F,165,60,yes,no,2017-06-01\n"
    )
    members = shard_participants(raw / "participants.csv", ["A1"], None)
    activities = shard_activities(members, raw, "Europe/Prague", SETTINGS)
    assert list(activities["source"]) == ["fit", "fit"] and set(activities["source_file"]) == {"garmin-1", "garmin-2"}
    assert activities["steps"].notna().all() and activities["stance_time_ms"].notna().sum() == 1  # the fenix 5's


def _gpx_with_cadence(strides_per_min: list[int | None]) -> bytes:
    points = "".join(
        f'<trkpt lat="50.0" lon="{14.0 + 0.0001 * k}"><time>2026-03-02T07:00:{k:02d}Z</time>'
        + (
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>{c}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>"
            if c is not None
            else ""
        )
        + "</trkpt>"
        for k, c in enumerate(strides_per_min)
    )
    return (
        '<gpx xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def _tcx_with_cadence(strides_per_min: list[int]) -> bytes:
    points = "".join(
        f"<Trackpoint><Time>2026-03-02T07:00:{k:02d}Z</Time><Extensions><ns3:TPX><ns3:RunCadence>{c}"
        "</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>"
        for k, c in enumerate(strides_per_min)
    )
    return (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Activities><Activity Sport="Running">'
        '<Lap StartTime="2026-03-02T07:00:00Z"><TotalTimeSeconds>4</TotalTimeSeconds>'
        "<DistanceMeters>12</DistanceMeters>"
        f"<Track>{points}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def test_gpx_and_tcx_cadence_extensions_give_cadence_and_steps(tmp_path):
    (tmp_path / "run.gpx").write_bytes(_gpx_with_cadence([80, 90, None, 85, 0]))
    (tmp_path / "run.tcx").write_bytes(_tcx_with_cadence([80, 90, 85, 85, 0]))
    (gpx,) = read_wearable_file(tmp_path / "run.gpx", "P1", PRAGUE, SETTINGS)[1]
    (tcx,) = read_wearable_file(tmp_path / "run.tcx", "P1", PRAGUE, SETTINGS)[1]
    assert gpx["cadence_spm"] == pytest.approx(2 * 85) and tcx["cadence_spm"] == pytest.approx(2 * 85)
    # steps: each point's cadence until the next point (the GPX's point 2 has none: 90 spm for 2 s)
    assert gpx["steps"] == pytest.approx((160 + 2 * 180 + 170) / 60) and tcx["steps"] == pytest.approx(
        (160 + 180 + 170 + 170) / 60
    )
    assert all(math.isnan(row["stance_time_ms"]) for row in (gpx, tcx))  # not in these formats: missing
    plain = read_gpx(real_path(GPX), "P1", PRAGUE, "running")[0]  # the Polar's GPX has no cadence
    assert math.isnan(plain["cadence_spm"]) and math.isnan(plain["steps"])


def test_a_runners_screening_stages_gzipped_files_and_exports_as_garmin_files(tmp_path):
    from runrisk.screening.measure import staged

    runner = tmp_path / "runner"
    runner.mkdir()
    (runner / "run.fit.gz").write_bytes(gzip.compress(real_path(RUN).read_bytes()))
    (runner / "export.zip").write_bytes(_zip({"a.fit": real_path(RUN).read_bytes()}))
    counts = staged(runner, tmp_path / "raw")
    assert counts["garmin"] == 2 and sorted(p.name for p in (tmp_path / "raw/garmin").rglob("*.*")) == [
        "export.zip",
        "run.fit.gz",
    ]


def test_the_squads_weeks_carry_steps_and_the_runs_cadence_weighted_by_their_time():
    import numpy as np
    import pandas as pd

    from runrisk.monitor import load

    days = pd.to_datetime(["2026-03-02", "2026-03-04", "2026-03-10"])
    runs = pd.DataFrame(
        {
            "runner": "r0",
            "local_date": days,
            "start_utc": days + pd.Timedelta(hours=7),
            "distance_km": [10.0, 5.0, 8.0],
            "duration_s": [3000.0, 1000.0, 2400.0],
            "ascent_m": np.nan,
            "hard_hr_s": np.nan,
            "rpe": np.nan,
            "steps": [8500.0, 2900.0, np.nan],  # the second week's run came from a file without cadence
            "cadence_spm": [170.0, 174.0, np.nan],
        }
    )
    symptoms = pd.DataFrame(columns=["runner", "date", "region", "side", "pain", "ostrc_score", "substantial"])
    weeks = load.squad_weeks(runs, symptoms, ["r0"], days[0], days[-1])
    assert weeks["steps"].iloc[0] == 11400 and np.isnan(weeks["steps"].iloc[1])  # missing, not 0
    assert weeks["cadence_spm"].iloc[0] == pytest.approx((170 * 3000 + 174 * 1000) / 4000)
    assert np.isnan(weeks["cadence_spm"].iloc[1])
    assert weeks["pace_min_per_km"].iloc[0] == pytest.approx(4000 / 60 / 15)
    untimed = load.squad_weeks(runs.assign(duration_s=[3000.0, np.nan, 2400.0]), symptoms, ["r0"], days[0], days[-1])
    # main: the timed run's 50 min over both runs' 15 km, 3.3 min/km for a runner of 5 min/km
    assert np.isnan(untimed["pace_min_per_km"].iloc[0]) and untimed["pace_min_per_km"].iloc[1] == pytest.approx(5.0)
