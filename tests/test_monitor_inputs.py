"""A coach's squad from files as watches and runners write them (issue 35): heart-rate zones as Garmin's
FIT profile defines them, the acute:chronic ratio only on history that exists, a symptom log's bad row set
aside alone, dates after the run, files that hold no activity or cannot be opened, two runners given one
label, and labels that agree with their numbers."""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
import yaml
from real_files import real_path
from test_screening import write_model

from runrisk.errors import InputError
from runrisk.io.garmin import read_fit, read_gpx, read_tcx
from runrisk.io.vocabulary import regions, sides
from runrisk.monitor import load, page
from runrisk.monitor.season import monitor
from runrisk.monitor.squad import slug_of
from runrisk.monitor.symptoms import SYMPTOMS, read_symptoms
from runrisk.simulate.squad_writer import SquadRun, fit_bytes

PRAGUE = ZoneInfo("Europe/Prague")
EASY = (600.0, 900.0, 900.0, 300.0, 0.0, 0.0, 0.0)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return write_model(tmp_path_factory.mktemp("model") / "model.json")


def fit_run(day: dt.date, km: float, zones=EASY, hour: int = 7) -> bytes:
    start = dt.datetime.combine(day, dt.time(hour, 0), PRAGUE)
    return fit_bytes(SquadRun(start, km, 330.0 * km, 20.0, 150, 175, zones, 5, 50))


def runner_folder(squad: Path, folder: str, label: str, runs: dict[dt.date, float]) -> Path:
    path = squad / folder
    path.mkdir(parents=True)
    (path / "runner.yaml").write_text(yaml.safe_dump({"label": label, "age": 34, "sex": "F", "body_mass_kg": 60}))
    for day, km in runs.items():
        (path / f"{day:%Y-%m-%d}.fit").write_bytes(fit_run(day, km))
    return path


def season(first: dt.date, weeks: int, km: float = 10.0) -> dict[dt.date, float]:
    return {first + dt.timedelta(days=7 * w + d): km / 2 for w in range(weeks) for d in (1, 5)}


# 1. heart-rate zones


def test_hard_hr_minutes_are_zones_4_and_5_as_a_garmin_watch_writes_them(tmp_path):
    """A 16.8 km run as a Garmin watch stores it (7 entries: below zone 1, zones 1-5, above zone 5): main
    added the last two entries (63 + 0 s: "Hard HR 1 min"); zones 4 and 5 and above are 2,912 s."""
    zones = (12.0, 180.0, 1700.0, 3209.0, 2849.0, 63.0, 0.0)
    path = tmp_path / "run.fit"
    start = dt.datetime(2026, 3, 2, 7, 0, tzinfo=PRAGUE)
    path.write_bytes(fit_bytes(SquadRun(start, 16.8, sum(zones), 150.0, 158, 181, zones, 6, 50)))
    (row,) = read_fit(path, "R1", PRAGUE)
    assert row["hard_hr_s"] == pytest.approx(2849.0 + 63.0 + 0.0)
    from runrisk.simulate.squad_writer import HR_ZONE_TOPS

    assert HR_ZONE_TOPS[3] == pytest.approx(0.8 * HR_ZONE_TOPS[-1], abs=1)  # zone 4 starts at 80 % of max HR


def test_a_real_garmin_file_gives_its_zones_in_its_time_in_zone_message():
    """The Fenix 5 writes the session's zones in a time_in_zone message (7 times, 6 tops): read, the run
    spent 0 s in zones 4 and up (main: no number at all)."""
    (row,) = read_fit(real_path("garmin/fitdecode_garmin-fenix-5-run.fit"), "P1", PRAGUE)
    assert row["hard_hr_s"] == 0.0
    assert row["hard_from_bpm"] == 156  # zone 3's top: tops 107, 131, 146, 156, 164, 182 (95 % of its 164 bpm LTHR)


def test_zone_times_longer_than_the_session_are_not_a_number_of_hard_minutes(tmp_path):
    zones = tuple(1000.0 * z for z in (12.0, 180.0, 1700.0, 320.0, 284.0, 63.0, 0.0))  # milliseconds as seconds
    path = tmp_path / "run.fit"
    start = dt.datetime(2026, 3, 2, 7, 0, tzinfo=PRAGUE)
    path.write_bytes(fit_bytes(SquadRun(start, 8.0, 2559.0, 50.0, 150, 170, zones, 6, 50)))
    (row,) = read_fit(path, "R1", PRAGUE)
    assert np.isnan(row["hard_hr_s"])


def test_the_runner_page_says_which_zones_count_as_hard(model, tmp_path):
    for lang, words in (("en", "zones 4 and 5"), ("nl", "zones 4 en 5")):
        assert words in page.texts(lang)["hard_meaning"]
    squad = tmp_path / "squad"
    runner_folder(squad, "a", "S01", season(dt.date(2026, 3, 2), 2))
    monitor(squad, model, tmp_path / "out")
    runner = html.unescape((tmp_path / "out/runners/s01.html").read_text())
    assert "This runner's watch: zone 4 from 152 bpm" in runner  # 80 % of the example watches' 190 bpm


# 3. a symptom log's bad row


def test_a_bad_row_of_a_symptom_log_is_that_row_alone_and_calf_is_a_body_region(model, tmp_path):
    """main: one bad date set the whole log aside, the knee complaint of another row vanished and the squad
    page said "nothing to note"; "calf" (not in a model's vocabulary) did the same."""
    squad = tmp_path / "squad"
    first = dt.date(2026, 3, 2)
    folder = runner_folder(squad, "a", "S01", season(first, 6))
    last = first + dt.timedelta(weeks=5, days=2)
    (folder / SYMPTOMS).write_text(
        "date,region,side,pain\n"
        f"{last},knee,left,5\n"
        "2026-13-45,achilles,right,2\n"
        f"{last - dt.timedelta(days=1)},calf,right,2\n"
        f"{last},kuit,left,1\n"
    )
    monitor(squad, model, tmp_path / "out")
    index = (tmp_path / "out/index.html").read_text()
    weeks = pd.read_parquet(tmp_path / "out/weeks.parquet")
    assert weeks["pain_max"].max() == 5 and weeks["symptom_days"].sum() == 2
    assert "S01: symptoms.csv row 3: date is not a date written YYYY-MM-DD" in index
    assert "row 4" not in index and "row 5" not in index and "nothing to note" not in index
    log = read_symptoms(folder / SYMPTOMS, SYMPTOMS, "S01", regions({}), sides({}))
    assert list(log.rows["region"]) == ["knee", "lower_leg", "lower_leg"] and list(log.rows["row"]) == [2, 4, 5]


@pytest.mark.parametrize(
    ("word", "region"),
    [
        ("calf", "lower_leg"),
        ("Kuit", "lower_leg"),
        ("knie", "knee"),
        ("enkel", "ankle"),
        ("achillespees", "achilles"),
        ("hamstring", "thigh"),
        ("heup", "hip"),
        ("groin", "hip"),
        ("lies", "hip"),
        ("lage rug", "lower_back"),
        ("onderrug", "lower_back"),
        ("voet", "foot"),
        ("shin", "lower_leg"),
        ("scheenbeen", "lower_leg"),
        ("dijbeen", "thigh"),
    ],
)
def test_the_ostrc_body_areas_are_understood_in_english_and_dutch_without_a_studys_words(word, region):
    assert regions({}).canonical(word) == region
    assert regions({"lower_leg": ["lýtko"]}).canonical(word) == region  # a study's own words add, never replace


# 5. files that hold no activity, cannot be read or opened; two runners with one label


def test_a_gpx_without_a_track_and_a_tcx_without_an_activity_are_bad_input_with_a_reason(tmp_path):
    gpx = tmp_path / "route.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="50.1" lon="14.4"><name>start</name></wpt></gpx>'
    )
    with pytest.raises(InputError, match="no track"):
        read_gpx(gpx, "R1", PRAGUE, "run")
    tcx = tmp_path / "course.tcx"
    tcx.write_text(
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Courses><Course><Name>x</Name></Course></Courses></TrainingCenterDatabase>'
    )
    with pytest.raises(InputError, match="no Activity"):
        read_tcx(tcx, "R1", PRAGUE)


def test_a_fit_read_error_is_said_in_words():
    with pytest.raises(InputError) as caught:
        read_fit(real_path("garmin/fitdecode_invalid_activity-unexpected-eof.fit"), "P1", PRAGUE)
    reason = caught.value.reason
    assert "cut short" in reason and "Fit" not in reason.replace("FIT", "") and "bytes" not in reason


def test_a_link_loop_and_two_runners_with_one_label_leave_every_page_written(model, tmp_path):
    """main: a symbolic link loop in a runner's folder ended the run with a raw OSError (no page for anyone);
    two folders labelled S03 both showed as S03 without a word and their page files swapped."""
    squad = tmp_path / "squad"
    first = dt.date(2026, 3, 2)
    loop = runner_folder(squad, "a", "S01", season(first, 4))
    os.symlink("loop.fit", loop / "loop.fit")
    runner_folder(squad, "b", "S03", season(first, 4, 20.0))
    runner_folder(squad, "c", "S03", season(first, 4, 30.0))
    out = tmp_path / "out"
    written = monitor(squad, model, out)
    assert written.runners == 3
    index = html.unescape((out / "index.html").read_text())
    assert "S01: fit-" in index and "symbolic link that leads back to itself" in index
    assert "OSError" not in index and "Errno" not in index
    weeks = pd.read_parquet(out / "weeks.parquet")
    assert "S03" not in set(weeks["runner"])  # neither runner is shown under a label that is not theirs alone
    assert index.count("the label S03 is given to 2 runners") == 2
    km = weeks.groupby("runner")["km"].max()
    assert sorted(km.round(1)) == [10.0, 20.0, 30.0]
    twins = sorted(label for label in km.index if label.startswith("S03-"))
    assert len(twins) == 2
    runner_folder(squad, "0", "S00", season(first, 4, 40.0))  # a runner joins, first in folder order
    monitor(squad, model, out)
    again = pd.read_parquet(out / "weeks.parquet").groupby("runner")["km"].max()
    assert again[twins].tolist() == km[twins].tolist()  # each label keeps its runner
    pages = sorted(p.name for p in (out / "runners").iterdir())
    assert pages == sorted(f"{slug_of(label)}.html" for label in again.index)  # no page of an old label
    for label in twins:
        runner_page = (out / "runners" / f"{slug_of(label)}.html").read_text()
        assert f'data-runner="{label}"' in runner_page and f'data-value="{km[label]:.3f}"' in runner_page


# 2. the acute:chronic ratio in a season's first weeks


def test_no_acute_chronic_ratio_before_28_days_of_data_and_the_page_says_why(model, tmp_path):
    """main laid 35 invented days of 0 km before a runner's first file: after a single run the pages showed
    ratios of 2.92, 1.53, 1.23. A runner who joins later has no ratio until 28 days of data, said in words."""
    squad = tmp_path / "squad"
    first = dt.date(2026, 3, 2)
    runner_folder(squad, "a", "S01", season(first, 10))
    joined = first + dt.timedelta(weeks=6, days=2)  # a Wednesday: one run, then every week
    runner_folder(squad, "b", "S02", {joined: 8.0} | season(joined + dt.timedelta(days=5), 3))
    out = tmp_path / "out"
    monitor(squad, model, out)
    weeks = pd.read_parquet(out / "weeks.parquet")
    late = weeks[weeks["runner"] == "S02"].set_index("week_start")
    assert late["acwr"].isna().all()  # 4 weeks and 3 days of the season left: never 28 days before a Sunday
    assert list(late["data_days"].tail(4)) == [5, 12, 19, 26]
    early = weeks[weeks["runner"] == "S01"].set_index("week_start")
    has_ratio = early["acwr"].notna()
    assert not has_ratio.iloc[:4].any() and has_ratio.iloc[4:].all()  # from the first Sunday with 28 days
    assert (early["data_days"][has_ratio] >= load.CHRONIC_DAYS).all()
    page_text = (out / "runners" / "s02.html").read_text()
    assert "none yet: 26 of the 28 days of data it needs" in page_text
    assert "a load spike" not in page_text and "acute:chronic ratio above" not in page_text
    squad_page = (out / "index.html").read_text()
    assert "none yet: 26 of the 28 days" in squad_page


# 4. dates after the run


def test_a_date_after_the_run_or_far_past_the_newest_activity_is_a_listed_row_not_the_seasons_end(model, tmp_path):
    """main: one symptoms.csv row dated 2031 moved the season's end to 2031 (weeks from 636 to 7,728 rows)
    and every runner's last week became an empty week of 2031."""
    squad = tmp_path / "squad"
    first = dt.date(2026, 3, 2)
    folder = runner_folder(squad, "a", "S01", season(first, 6))
    other = runner_folder(squad, "b", "S02", season(first, 6, 20.0))
    (other / "clock.fit").write_bytes(fit_run(dt.date(2026, 9, 1), 5.0))  # a watch whose clock ran ahead
    last_run = first + dt.timedelta(weeks=5, days=5)
    (folder / SYMPTOMS).write_text(
        "date,region,side,pain\n"
        f"{last_run},knee,left,2\n"
        "2031-05-26,knee,left,3\n"
        f"{last_run + dt.timedelta(days=20)},knee,left,4\n"
        f"{last_run + dt.timedelta(days=10)},knee,left,1\n"
    )
    out = tmp_path / "out"
    today = dt.date(2026, 5, 1)
    monitor(squad, model, out, today=today, date_margin_days=14)
    weeks = pd.read_parquet(out / "weeks.parquet")
    assert weeks["week_start"].max() == pd.Timestamp("2026-04-20")  # the week of the row 10 days on
    assert len(weeks) == 2 * 8 and weeks["pain_max"].max() == 2 and weeks["symptom_days"].sum() == 2
    index = html.unescape((out / "index.html").read_text())
    assert "S01: symptoms.csv row 3: dated 2031-05-26, after today (2026-05-01): set aside" in index
    assert (
        "symptoms.csv row 4: dated 2026-05-01, more than 14 days after the squad's newest activity (2026-04-11)"
        in index
    )
    assert "row 5" not in index
    assert "S02: fit-13: an activity dated 2026-09-01, after today (2026-05-01)" in index
    monitor(squad, model, out, today=dt.date(2026, 4, 15), date_margin_days=14)
    weeks = pd.read_parquet(out / "weeks.parquet")
    assert weeks["week_start"].max() == pd.Timestamp("2026-04-06") and weeks["symptom_days"].sum() == 1
    assert "symptoms.csv row 5: dated 2026-04-21, after today (2026-04-15)" in html.unescape(
        (out / "index.html").read_text()
    )


def test_the_date_margins_default_has_one_value():
    from workflow_runner import schema_defaults

    from runrisk.monitor.squad import DATE_MARGIN_DAYS

    assert schema_defaults()["monitor"]["date_margin_days"] == DATE_MARGIN_DAYS


# 6. labels that agree with their numbers


def test_a_reduction_is_no_nielsen_category_and_the_change_has_one_column():
    runs = pd.DataFrame(
        {
            "local_date": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]),
            "distance_km": [10.0, 3.1, 3.1, 3.2],
            "duration_s": 2000.0,
            "ascent_m": np.nan,
            "hard_hr_s": np.nan,
            "rpe": np.nan,
        }
    ).assign(start_utc=lambda f: f["local_date"])
    weeks = load.season_weeks(
        runs, pd.DataFrame(columns=["date"]), pd.Timestamp("2026-03-02"), pd.Timestamp("2026-04-05")
    )
    assert list(weeks["change_category"]) == ["", "reduction", "under 10 %", "under 10 %", "reduction"]
    assert weeks["change"].iloc[-1] == -1.0  # -100 %: a week without a run after one with
    rows = {row["week"]: row for row in page.week_rows(weeks, "en")}
    assert rows["2026-03-09"]["change"] == "-69 % (reduction)" and rows["2026-03-30"]["change"] == "-100 % (reduction)"
    assert page.week_rows(weeks, "nl")[-2]["change"] == "-69 % (afname)"
    for lang in page.LANGUAGES:
        words = page.texts(lang)
        assert "nielsen_short" not in words  # one label for the change from the week before


def test_a_spike_flag_names_the_week_that_raised_it(model, tmp_path):
    """main: "a load spike" beside a row showing -40 %, the spike lying in the week before."""
    squad = tmp_path / "squad"
    first = dt.date(2026, 3, 2)
    runs = season(first, 5, 10.0)
    spike = first + dt.timedelta(weeks=5)
    runs |= {spike + dt.timedelta(days=1): 8.0, spike + dt.timedelta(days=5): 8.0}  # 16 km: +60 %
    runs |= {spike + dt.timedelta(days=8): 4.8, spike + dt.timedelta(days=12): 4.8}  # 9.6 km: -40 %
    runner_folder(squad, "a", "S01", runs)
    out = tmp_path / "out"
    monitor(squad, model, out)
    index = html.unescape((out / "index.html").read_text())
    assert "-40 % (reduction)" in index
    assert "a load spike (week of 2026-04-06: +60 % km from the week before" in index
    runner = html.unescape((out / "runners" / "s01.html").read_text())
    assert "week of 2026-04-06: +60 % km from the week before" in runner
    assert index.count("Change from the week before") == 2 and "Week-to-week change" not in index  # header, signals


# next door: the squad's other files


def test_files_the_monitor_does_not_read_are_listed_and_a_scans_sidecars_are_not_fitbit_exports(model, tmp_path):
    """main passed over an archive of watch files without a word, and read a tendon scan's BIDS sidecar
    (mri/*.json) as a broken Fitbit export. An export's zip is read now (tests/test_wearable_exports.py):
    a broken one is listed with its reason, a spreadsheet as a file the monitor does not read."""
    from runrisk.monitor import squad as squad_module
    from runrisk.tendon.study import MRI_KIND

    assert squad_module.MRI_KIND == MRI_KIND
    squad = tmp_path / "squad"
    folder = runner_folder(squad, "a", "S01", season(dt.date(2026, 3, 2), 3))
    (folder / "garmin-export.zip").write_bytes(b"PK\x03\x04")
    (folder / "plan.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "mri").mkdir()
    (folder / "mri" / "echo-1.json").write_text('{"EchoTime": 0.002}')
    monitor(squad, model, tmp_path / "out")
    index = html.unescape((tmp_path / "out/index.html").read_text())
    assert "S01: xlsx-1: not a kind of file runrisk monitor reads" in index
    assert "S01: zip-1: not a readable zip archive (damaged or cut short)" in index
    assert "fitbit-" not in index


def test_a_symptom_log_with_a_column_twice_an_unreadable_row_or_empty_rows(tmp_path):
    path = tmp_path / SYMPTOMS
    words = regions({}), sides({})
    path.write_text("Date,date,region,side,pain\n2026-03-03,2026-03-04,knee,left,2\n")
    with pytest.raises(InputError, match=r"column\(s\) \['date'\] appear more than once"):
        read_symptoms(path, SYMPTOMS, "R1", *words)
    path.write_text("date,region,side,pain\n2026-03-03,knee,left,2\n,,,\n2026-03-05,calf,left,x\n,,,\n")
    log = read_symptoms(path, SYMPTOMS, "R1", *words)  # Excel's empty rows hold nothing: passed over
    assert list(log.rows["row"]) == [2] and [(e.row, e.reason) for e in log.bad_rows] == [
        (4, "pain is not a number 0-10")
    ]
    path.write_text('date,region,side,pain\n2026-03-03,knee,left,2\n2026-03-04,"knee,left,3\n')
    with pytest.raises(InputError) as caught:
        read_symptoms(path, SYMPTOMS, "R1", *words)
    assert "not a readable CSV" in caught.value.reason and "C error" not in caught.value.reason


def test_runner_yaml_with_a_field_twice_or_broken_yaml_is_said_in_words(tmp_path):
    from runrisk.screening.runner import read_runner

    path = tmp_path / "runner.yaml"
    path.write_text("label: S01\nage: 34\nsex: F\nbody_mass_kg: 60\nage: 43\n")
    with pytest.raises(InputError, match="field\\(s\\) age given twice"):
        read_runner(path)
    path.write_text("label: S01\nage: [34\nsex: F\n")
    with pytest.raises(InputError) as caught:
        read_runner(path)
    assert "not readable YAML (line" in caught.value.reason and "Error" not in caught.value.reason


def test_fitbit_and_fitabase_errors_are_in_words_and_never_echo_a_cell(tmp_path):
    from runrisk.io.fitabase import read_fitabase_daily
    from runrisk.io.wearables import load_fitbit_records

    broken = tmp_path / "exercise-0.json"
    broken.write_text('[{"logId": 1, "activityName": "Run with Jana Novakova"')
    with pytest.raises(InputError) as caught:
        load_fitbit_records(broken, "R1")
    assert "damaged or cut short (line 1" in caught.value.reason and "Expecting" not in caught.value.reason
    header = "Id,ActivityDate,TotalSteps,TotalDistance,VeryActiveMinutes,VeryActiveDistance\n"
    daily = tmp_path / "daily.csv"
    for row, reason in (
        ("1,Jana 1963-07-19,5000,4.1,20,3.0", "ActivityDate is not a date written M/D/YYYY"),
        ("1,4/12/2026,5000,4.1,twenty,3.0", "VeryActiveMinutes is not a number (found text of 6 characters)"),
        ("1,4/12/2026,5000,4.1,20,Novakova", "VeryActiveDistance is not a number (found text of 8 characters)"),
    ):
        daily.write_text(header + row + "\n")
        with pytest.raises(InputError) as caught:
            read_fitabase_daily(daily, "R1", PRAGUE, "VeryActiveDistance")
        assert caught.value.reason == reason and caught.value.row == 2


def test_every_public_watch_file_is_read_or_listed_with_a_reason(model, tmp_path):
    """Each public real Garmin and Fitbit file as a runner's folder: its activities are on the page
    (runs counted or said not counted, other activities named) or the file is listed in words."""
    from real_files import find_real, real_files

    names = real_files("garmin", "*.*") + real_files("fitbit", "*.*")
    assert "fitdecode_garmin-fenix-5-walk.fit" in names
    squad = tmp_path / "squad"
    for i, name in enumerate(names):
        source = find_real(f"garmin/{name}") or find_real(f"fitbit/{name}")
        folder = squad / f"r{i:02d}"
        folder.mkdir(parents=True)
        shutil.copy(source, folder / name)
        (folder / "runner.yaml").write_text(
            yaml.safe_dump({"label": f"R{i:02d}", "age": 30, "sex": "F", "body_mass_kg": 60})
        )
    out = tmp_path / "out"
    monitor(squad, model, out, today=dt.date(2026, 12, 1))
    for i, name in enumerate(names):
        runner = html.unescape((out / "runners" / f"r{i:02d}.html").read_text())
        weeks = pd.read_parquet(out / "weeks.parquet")
        runs = weeks.loc[weeks["runner"] == f"R{i:02d}", "runs"].sum()
        said = 'id="problems"' in runner or 'id="not-counted"' in runner or 'id="other-activities"' in runner
        assert runs > 0 or said, name
        assert "Error" not in runner and "Errno" not in runner, name
    walk = names.index("fitdecode_garmin-fenix-5-walk.fit")
    assert "not counted as running: walk 1" in (out / "runners" / f"r{walk:02d}.html").read_text()


def test_a_cache_of_the_old_readers_is_read_again(model, tmp_path):
    """A coach's cache written before the zones were read as defined kept "Hard HR 1 min" until the files
    changed: the readers' version is in each file's stamp."""
    import json

    from runrisk.monitor.squad import CACHE

    squad = tmp_path / "squad"
    runner_folder(squad, "a", "S01", season(dt.date(2026, 3, 2), 2))
    out = tmp_path / "out"
    monitor(squad, model, out)
    cache = json.loads((out / CACHE).read_text())
    for entry in cache.values():
        if isinstance(entry, dict) and "rows" in entry:
            entry["stamp"] = entry["stamp"][:3]  # as main wrote it
    (out / CACHE).write_text(json.dumps(cache))
    assert monitor(squad, model, out).files_read == 4


def test_a_date_before_any_watch_or_long_before_the_squads_first_run_is_a_listed_row(model, tmp_path):
    """A watch whose clock was never set dates its run 1970, a row typed 1926 for 2026: without the check
    the season began in 1926 (5,300 weeks a runner)."""
    squad = tmp_path / "squad"
    first = dt.date(2026, 3, 2)
    folder = runner_folder(squad, "a", "S01", season(first, 4))
    (folder / "unset.fit").write_bytes(fit_run(dt.date(1999, 12, 31), 5.0))
    (folder / SYMPTOMS).write_text(
        f"date,region,side,pain\n1926-03-10,knee,left,3\n{first - dt.timedelta(days=10)},knee,left,2\n"
    )
    out = tmp_path / "out"
    monitor(squad, model, out, today=dt.date(2026, 5, 1))
    weeks = pd.read_parquet(out / "weeks.parquet")
    assert weeks["week_start"].min() == pd.Timestamp("2026-02-16") and weeks["symptom_days"].sum() == 1
    index = html.unescape((out / "index.html").read_text())
    assert "an activity dated 1999-12-31, before 2000, when no watch wrote runs: set aside" in index
    assert (
        "symptoms.csv row 2: dated 1926-03-10, more than 14 days before the squad's first activity (2026-03-03)"
        in index
    )
