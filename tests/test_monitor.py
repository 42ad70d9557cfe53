"""A coach's season (runrisk.monitor): the load signals against their literature and the `acwr` package,
the symptom log, FIT session details, weekly updates that read only what changed, and the pages'
privacy; the squad pages in headless Chromium against the library's numbers."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape
from page_checks import NEGATIVE_ZERO, is_round
from system_tools import chromium
from test_screening import write_model
from workflow_runner import run_snakemake, schema_defaults, simulation

from runrisk.cli import main as runrisk_main
from runrisk.cohort.tendon_load import SpeedRelation
from runrisk.errors import InputError
from runrisk.io.garmin import read_fit
from runrisk.io.vocabulary import regions, sides
from runrisk.io.wearables import WearableSettings
from runrisk.monitor import load, page, triage
from runrisk.monitor.season import monitor
from runrisk.monitor.squad import SessionCache, read_squad, season_span, with_weeks
from runrisk.monitor.symptoms import SYMPTOMS, read_symptoms
from runrisk.monitor.tendon_load import speed_relation
from runrisk.screening.measure import NOT_WEARABLES
from runrisk.simulate import cohort
from runrisk.simulate.squad_writer import (
    DYNAMICS_RUNNER,
    PAIN_PLANTED,
    PLANTED_LAT,
    PLANTED_LON,
    VISA_SCORES,
    SquadRun,
    fit_bytes,
    write_squad,
)

PRAGUE = ZoneInfo("Europe/Prague")
DEFAULTS = schema_defaults()
WORDS = {"regions": DEFAULTS["outcomes"]["region_synonyms"], "sides": DEFAULTS["outcomes"]["side_synonyms"]}


def runs_frame(days_km: dict[str, float]) -> pd.DataFrame:
    dates = pd.to_datetime(list(days_km))
    return pd.DataFrame(
        {
            "local_date": dates,
            "start_utc": dates + pd.Timedelta(hours=6),
            "distance_km": list(days_km.values()),
            "duration_s": [360.0 * km for km in days_km.values()],
            "ascent_m": np.nan,
            "hard_hr_s": np.nan,
            "rpe": 5.0,
        }
    )


def test_week_to_week_change_falls_in_nielsens_categories_at_their_bounds():
    # Mondays of four weeks: 10, 10.99 (+9.9 %), 14.3 (+30.1 %), 15.8 (+10.5 %) km
    runs = runs_frame({"2026-03-02": 10.0, "2026-03-09": 10.99, "2026-03-16": 14.3, "2026-03-23": 15.8})
    weeks = load.season_weeks(
        runs, pd.DataFrame(columns=["date"]), pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-29")
    )
    assert list(weeks["change_category"]) == ["", "under 10 %", "over 30 %", "10-30 %"]
    assert weeks["change"].iloc[2] == pytest.approx(14.3 / 10.99 - 1)
    assert list(weeks["spike"]) == [False, False, True, False]
    assert weeks["srpe_au"].iloc[0] == pytest.approx(5.0 * 60.0)  # Foster: RPE x minutes


def test_a_run_is_judged_against_the_longest_of_the_previous_30_days_only():
    runs = runs_frame({"2026-01-01": 30.0, "2026-01-30": 10.0, "2026-02-09": 12.5, "2026-02-16": 25.5})
    changes = load.run_changes(runs)
    assert np.isnan(changes.iloc[0])  # nothing before it
    assert changes.iloc[1] == pytest.approx(10.0 / 30.0 - 1)  # 29 days after the 30 km
    assert changes.iloc[2] == pytest.approx(0.25)  # the 30 km is 39 days back: against the 10 km
    assert changes.iloc[3] == pytest.approx(25.5 / 12.5 - 1)
    assert [load.category(v, load.FRANDSEN) for v in changes.iloc[2:]] == ["10-30 %", "over 100 %"]


def test_the_ewma_ratio_equals_the_acwr_package_on_the_same_daily_km():
    import acwr

    rng = np.random.default_rng(4)
    days = pd.date_range("2026-01-01", periods=180, freq="D")
    km = pd.Series(np.where(rng.random(180) < 0.55, rng.gamma(3, 3, 180), 0.0), index=days)
    ours = load.ewma_acwr(km)
    theirs = acwr.acwr(km, acute=7, chronic=28, method="ewma", decay="span")
    assert ours.isna().sum() == theirs.isna().sum() == 27  # a ratio only after 28 days of history
    np.testing.assert_allclose(ours.dropna().to_numpy(), theirs.dropna().to_numpy(), rtol=1e-12)


def random_squad(seed: int, runners: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs (some days two, some weeks none, RPE and ascent missing here and there) and symptom rows of
    a few runners over half a year."""
    rng = np.random.default_rng(seed)
    runs, symptoms = [], []
    for r in range(runners):
        days = np.sort(rng.choice(np.arange(180), size=int(rng.integers(30, 90)), replace=True))
        days = days[(days < 60) | (days > 74) | (r % 2 == 0)]  # a fortnight off for every other runner
        km = rng.gamma(2.5, 4.0, days.size)
        dates = pd.Timestamp("2026-01-05") + pd.to_timedelta(days, unit="D")
        runs.append(
            pd.DataFrame(
                {
                    "runner": f"r{r}",
                    "local_date": dates,
                    "start_utc": dates + pd.to_timedelta(rng.integers(5, 20, days.size), unit="h"),
                    "distance_km": km,
                    "duration_s": km * rng.uniform(270, 420, days.size),
                    "ascent_m": np.where(rng.random(days.size) < 0.2, np.nan, rng.uniform(0, 300, days.size)),
                    "hard_hr_s": np.where(rng.random(days.size) < 0.3, np.nan, rng.uniform(0, 900, days.size)),
                    "rpe": np.where(rng.random(days.size) < 0.3, np.nan, rng.integers(2, 9, days.size)),
                }
            )
        )
        logged = np.sort(rng.choice(np.arange(180), size=6, replace=False))
        symptoms.append(
            pd.DataFrame(
                {
                    "runner": f"r{r}",
                    "date": pd.Timestamp("2026-01-05") + pd.to_timedelta(logged, unit="D"),
                    "region": "achilles",
                    "side": "right",
                    "pain": rng.integers(0, 6, 6).astype(float),
                    "ostrc_score": np.where(rng.random(6) < 0.5, np.nan, rng.integers(0, 60, 6)),
                    "substantial": rng.random(6) < 0.3,
                }
            )
        )
    return pd.concat(runs, ignore_index=True), pd.concat(symptoms, ignore_index=True)


def test_the_squads_weeks_computed_at_once_equal_each_runners_weeks_computed_alone():
    runs, symptoms = random_squad(11)
    first, last = pd.Timestamp("2025-12-01"), pd.Timestamp("2026-07-05")
    names = ["r0", "r1", "r2", "r3", "r9"]  # r9: in the squad, no run and no complaint
    squad = load.squad_weeks(runs, symptoms, names, first, last)
    assert len(squad) == len(names) * 31 and list(squad.columns) == ["runner", *load.WEEK_COLUMNS]
    for name in names:
        alone = load.season_weeks(
            runs[runs["runner"] == name].drop(columns="runner"),
            symptoms[symptoms["runner"] == name].drop(columns="runner"),
            first,
            last,
        )
        together = squad[squad["runner"] == name].drop(columns="runner").reset_index(drop=True)
        pd.testing.assert_frame_equal(together, alone)
    quiet = squad[squad["runner"] == "r9"]
    assert (quiet["km"] == 0).all() and quiet["acwr"].isna().all() and (quiet["symptom_days"] == 0).all()
    busy = squad[squad["runner"] == "r0"].set_index("week_start")
    week = busy["runs"].idxmax()
    in_week = runs[(runs["runner"] == "r0") & runs["local_date"].between(week, week + pd.Timedelta(days=6))]
    assert busy.at[week, "km"] == pytest.approx(in_week["distance_km"].sum())
    assert busy.at[week, "srpe_au"] == pytest.approx((in_week["rpe"] * in_week["duration_s"] / 60).sum())
    assert np.isnan(busy["srpe_au"][busy["runs"] == 0]).all()  # no run, no RPE: not a week of zero load
    daily = in_week.groupby("local_date")["distance_km"].sum()
    assert busy.at[week, "runs"] == len(in_week) and busy.at[week, "longest_km"] == in_week["distance_km"].max()
    assert daily.sum() == pytest.approx(busy.at[week, "km"])


def test_the_chart_draws_each_weeks_session_rpe_on_the_seasons_time_axis():
    runs, symptoms = random_squad(5, runners=1)
    weeks = load.season_weeks(
        runs.drop(columns="runner"), symptoms.drop(columns="runner"), runs["local_date"].min(), runs["local_date"].max()
    )
    chart = page.season_chart(weeks, page.texts("en"))
    drawn = {bar["week"]: bar["value"] for bar in chart["rpe"]}
    expected = {f"{w:%Y-%m-%d}": v for w, v in zip(weeks["week_start"], weeks["srpe_au"], strict=True) if v == v}
    assert drawn == pytest.approx(expected) and len(drawn) > 10
    tallest = max(chart["rpe"], key=lambda bar: bar["value"])
    assert tallest["height"] == pytest.approx(page.RPE_BAND) and tallest["value"] == weeks["srpe_au"].max()
    bars = {bar["week"]: bar["x"] for bar in chart["bars"]}
    assert all(bars[bar["week"]] == bar["x"] for bar in chart["rpe"])  # the same week, the same place


@pytest.mark.parametrize("synthetic", [False, True])
def test_a_runners_risk_says_which_training_it_rests_on_and_illustrative_only_for_a_synthetic_model(
    synthetic, tmp_path
):
    from runrisk.monitor.season import Baseline
    from runrisk.monitor.squad import SquadRunner
    from runrisk.screening import model

    document = model.load(write_model(tmp_path / "model.json"))
    document["study"]["synthetic"] = synthetic
    runs, symptoms = random_squad(3, runners=1)
    weeks = load.season_weeks(
        runs.drop(columns="runner"), symptoms.drop(columns="runner"), runs["local_date"].min(), runs["local_date"].max()
    )
    person = SquadRunner("R1", "r1", tmp_path, None, pd.DataFrame(), pd.DataFrame(), [], True, weeks)
    baseline = Baseline(model.Risk(0.031, 0.012, 0.074, -3.4, 0.5), ("2025-06-02", "2026-05-31"))
    for lang, word in (("en", "illustrative"), ("nl", "illustratie")):
        html = page.runner_page(person, baseline, document, lang, [])
        assert "2025-06-02" in html and "2026-05-31" in html
        assert (word in html) is synthetic, lang


def test_runs_the_studys_rules_do_not_count_are_said_on_the_runners_page_by_reason():
    """A run too short to count and the same run synced from a FIT file and a GPX track: the week counts one
    run, and the page says what it did not count and why (a run the watch shows never vanishes)."""
    from runrisk.monitor.squad import DUPLICATE, SquadRunner, counted

    settings = WearableSettings.from_config(DEFAULTS["wearables"])

    def row(source, label, hour, seconds, km):
        start = dt.datetime(2026, 3, 3, hour)
        return {
            "participant_id": "r1",
            "source": source,
            "source_file": label,
            "log_id": "0",
            "activity": "run",
            "is_run": True,
            "start_utc": start,
            "local_date": start.date(),
            "duration_s": seconds,
            "distance_km": km,
            "rpe": np.nan,
        }

    rows = [
        row("fit", "fit-1", 7, 2400.0, 8.0),
        row("gpx", "gpx-1", 7, 2400.0, 8.1),
        row("fit", "fit-2", 18, 57.0, 0.16),
    ]
    person = SquadRunner("R1", "r1", Path("."), None, counted(rows, settings), pd.DataFrame(columns=["date"]))
    with_weeks([person], pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-08"))
    short = f"run shorter than {settings.min_run_s:g} s or {settings.min_run_km:g} km"
    assert person.weeks["runs"].tolist() == [1] and person.weeks["km"].iloc[0] == pytest.approx(8.0)
    assert person.not_counted == sorted([(DUPLICATE, 1), (short, 1)])
    html = page.runner_page(person, None, None, "en", [])
    assert f"1 run(s): {short}" in html and f"1 run(s): {DUPLICATE}" in html
    outside = SquadRunner("R2", "r2", Path("."), None, counted(rows, settings), pd.DataFrame(columns=["date"]))
    with_weeks([outside], pd.Timestamp("2026-03-09"), pd.Timestamp("2026-03-15"))
    assert outside.not_counted == []  # a run before the season is no business of its page


def test_the_symptom_log_takes_excel_files_the_vocabularies_and_ostrc_and_never_its_notes(tmp_path):
    path = tmp_path / SYMPTOMS
    text = (
        "Date;Region;Side;Pain;ostrc_participation;ostrc_volume;ostrc_performance;ostrc_pain;note\n"
        "2026-03-03;Achillova šlacha;pravá;4;1;2;1;2;PLANTED private words\n"
        "2026-03-05;knee;left;1;;;;;\n"
    )
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    table = read_symptoms(path, SYMPTOMS, "R1", regions(WORDS["regions"]), sides(WORDS["sides"])).rows
    assert list(table["region"]) == ["achilles", "knee"] and table["side"].iloc[0] == "right"
    assert table["ostrc_score"].iloc[0] == 8 + 13 + 6 + 17 and bool(table["substantial"].iloc[0])
    assert np.isnan(table["ostrc_score"].iloc[1]) and not table["substantial"].iloc[1]
    assert "PLANTED" not in table.to_csv()
    assert SYMPTOMS in NOT_WEARABLES  # screening never takes the log for a Fitabase export
    bad = {
        "2026-03-03,nowhere,right,4\n": "row 2, participant R1: region is not a known body region",
        "2026-03-03,knee,right,11\n": "row 2, participant R1: pain is not a number 0-10",
        "2026-03-03,knee,right,\n": "row 2, participant R1: neither pain nor the OSTRC-O2 answers",
    }
    for row, reason in bad.items():
        path.write_text("date,region,side,pain\n" + row)
        log = read_symptoms(path, SYMPTOMS, "R1", regions(WORDS["regions"]), sides(WORDS["sides"]))
        (caught,) = log.bad_rows
        assert log.rows.empty and isinstance(caught, InputError)
        assert caught.row == 2 and reason.split(": ", 1)[1] in str(caught) and "nowhere" not in str(caught)


def test_fit_sessions_carry_ascent_heart_rate_zones_rpe_and_feel(tmp_path):
    start = dt.datetime(2026, 3, 2, 7, 0, tzinfo=PRAGUE)
    run = SquadRun(start, 8.0, 2880.0, 85.0, 150, 172, (0.0, 60.0, 600.0, 1200.0, 700.0, 320.0, 0.0), 6, 55)
    path = tmp_path / "run.fit"
    path.write_bytes(fit_bytes(run))
    (row,) = read_fit(path, "R1", PRAGUE)
    assert row["distance_km"] == pytest.approx(8.0) and row["local_date"] == dt.date(2026, 3, 2)
    assert (row["ascent_m"], row["avg_hr"], row["max_hr"]) == (85.0, 150.0, 172.0)
    assert row["hard_hr_s"] == pytest.approx(1020.0) and row["rpe"] == pytest.approx(6.0) and row["feel"] == 55.0


@pytest.fixture(scope="module")
def squad(tmp_path_factory):
    """The example squad's writer on a small synthetic world (no gait trials: raw_dir has none)."""
    root = tmp_path_factory.mktemp("squad")
    truth, weekly = cohort.simulate_truth(simulation(n_participants=60, seed=20250402))
    write_squad(truth.assign(has_trials=False), weekly, root / "raw", root / "squad", 20250402)
    model = write_model(root / "model.json")
    return root / "squad", model


@pytest.mark.slow  # the squad of a 60-participant world
def test_a_new_week_of_files_reads_only_those_files(squad, tmp_path):
    folder, model = squad
    squad_copy = tmp_path / "squad"
    shutil.copytree(folder, squad_copy)
    first = monitor(squad_copy, model, tmp_path / "out")
    files = sum(1 for p in squad_copy.rglob("*.fit")) + 3  # + the GPX, TCX and Fitbit seasons
    assert first.runners == 12 and first.files_read == files and first.pages_written == 12
    again = monitor(squad_copy, model, tmp_path / "out")
    assert again.files_read == 0 and again.pages_written == 0
    weeks = pd.read_parquet(tmp_path / "out/weeks.parquet")
    last = weeks["week_start"].max()
    for label in ("s01", "s03"):  # next Monday's run for two runners
        day = dt.datetime.combine((last + pd.Timedelta(days=7)).date(), dt.time(7, 0), PRAGUE)
        (squad_copy / label / "next.fit").write_bytes(
            fit_bytes(SquadRun(day, 9.0, 3000.0, 40.0, 150, 170, (0, 0, 0, 0, 0, 0, 0), 5, 50))
        )
    update = monitor(squad_copy, model, tmp_path / "out")
    assert update.files_read == 2 and update.pages_written == 12  # every season grew by the new week
    weeks = pd.read_parquet(tmp_path / "out/weeks.parquet")
    newest = weeks[weeks["week_start"] == weeks["week_start"].max()].set_index("runner")["km"]
    assert newest["S01"] == pytest.approx(9.0) and newest["S03"] == pytest.approx(9.0) and newest["S02"] == 0


@pytest.mark.slow  # the squad of a 60-participant world
def test_an_edited_symptom_log_is_read_again_and_a_removed_file_leaves_the_cache(squad, tmp_path):
    from runrisk.monitor.squad import CACHE, path_key

    folder, model = squad
    squad_copy = tmp_path / "squad"
    shutil.copytree(folder, squad_copy)
    monitor(squad_copy, model, tmp_path / "out")
    weeks = pd.read_parquet(tmp_path / "out/weeks.parquet")
    last = weeks["week_start"].max()
    log = squad_copy / "s06" / SYMPTOMS
    log.write_text(f"date,region,side,pain\n{(last + pd.Timedelta(days=1)).date()},achilles,left,7\n")
    removed = sorted((squad_copy / "s05").glob("*.fit"))[-1]
    removed.unlink()
    monitor(squad_copy, model, tmp_path / "out")
    weeks = pd.read_parquet(tmp_path / "out/weeks.parquet").set_index(["runner", "week_start"])
    assert weeks.at[("S06", last), "pain_max"] == 7 and weeks.at[("S06", last), "symptom_days"] == 1
    cache = json.loads((tmp_path / "out" / CACHE).read_text())
    assert path_key(removed.absolute()) not in cache and path_key(log.absolute()) in cache
    assert sum(1 for key in cache if "|" not in key) == sum(
        1 for p in squad_copy.rglob("*") if p.suffix in (".fit", ".gpx", ".tcx", ".json", ".csv")
    )


@pytest.mark.slow  # the squad of a 60-participant world
def test_the_pages_list_unreadable_files_and_show_no_gps_name_note_or_file_name(squad, tmp_path):
    folder, model = squad
    out = tmp_path / "out"
    assert (
        runrisk_main(["monitor", "--model", str(model), "--squad", str(folder), "--out", str(out), "--lang", "nl"]) == 0
    )
    squad_page = (out / "index.html").read_text()
    assert "S04: fit-" in squad_page and "afgebroken" not in squad_page  # the cut file, by label
    names = [p.name for p in folder.rglob("*") if p.is_file() and p.suffix in (".fit", ".gpx", ".tcx", ".json")]
    planted = [f"{PLANTED_LAT:.4f}", f"{PLANTED_LON:.4f}", "PLANTED", "Jana", "Novakova", *names[:50]]
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [p for p in planted if p.encode() in data], path
    assert "Wie aandacht nodig heeft" in squad_page and "geen diagnose" in squad_page


def test_the_squad_is_ordered_spike_with_symptoms_first():
    weeks = pd.DataFrame(
        {
            "spike": [False, True],
            "symptom_days": [0, 2],
            "substantial": [False, True],
            "pain_max": [np.nan, 4.0],
            "acwr": [1.0, 1.2],
        }
    )
    assert triage.attention(weeks) == (0, ["reason_spike_symptoms", "reason_substantial"])
    assert triage.attention(weeks.assign(symptom_days=0, substantial=False, pain_max=np.nan))[0] == 2
    assert triage.attention(weeks.assign(spike=False))[0] == 1
    quiet = weeks.assign(spike=False, symptom_days=0, substantial=False, pain_max=np.nan)
    assert triage.attention(quiet.assign(acwr=1.6))[0] == 3


# every circle, rect and polyline of an SVG inside the SVG's box (a mark outside its plot is a mark lost)
MARKS_OUTSIDE = """selector => {
  const svg = document.querySelector(selector).getBoundingClientRect();
  return [...document.querySelectorAll(selector + ' circle, ' + selector + ' rect, ' + selector + ' polyline')]
    .map(mark => mark.getBoundingClientRect())
    .filter(box => box.left < svg.left - 0.5 || box.right > svg.right + 0.5 || box.top < svg.top - 0.5
      || box.bottom > svg.bottom + 0.5)
    .map(box => [box.left, box.top]);
}"""


def test_the_example_squads_pages_in_headless_chromium_show_the_librarys_numbers(small_run, tmp_path):
    """`snakemake monitor` after the study run: every runner is on the squad page, in attention order, and
    the last week's km and ratio and each runner page's weekly km read from the DOM are the library's."""
    from playwright.sync_api import sync_playwright

    study = tmp_path / "study"
    shutil.copytree(small_run, study, symlinks=True)
    result = run_snakemake(study, 2, "monitor", "--configfile", "config/test.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads((study / "results/models/screening_model.json").read_text())
    settings = WearableSettings.from_config(document["settings"]["wearables"])
    tz = ZoneInfo(document["settings"]["timezone"])
    outcomes = document["settings"]["outcomes"]
    # the study's speed relation, carried by its model file for the runner page's tendon load
    assert speed_relation(document) == SpeedRelation.from_config(schema_defaults()["exposure"]["tendon_load"])
    runners = read_squad(
        study / "resources/monitor/example_squad",
        tz,
        settings,
        {"regions": outcomes["region_synonyms"], "sides": outcomes["side_synonyms"]},
        SessionCache(tmp_path / "cache.json"),
    )
    first, last = season_span(runners, None, None)
    with_weeks(runners, first, last)
    expected = {p.label: p for p in runners}
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1100, "height": 1400})
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.goto((study / "results/monitor/index.html").as_uri())
        rows = tab.locator("#squad tbody tr")
        shown = [rows.nth(i).get_attribute("data-runner") for i in range(rows.count())]
        km = {r: float(tab.locator(f'tr[data-runner="{r}"] td.km').get_attribute("data-value")) for r in shown}
        ranks = [int(rows.nth(i).get_attribute("data-rank")) for i in range(rows.count())]
        squad_verdicts = {
            r: tab.locator(f'tr[data-runner="{r}"] td.verdict').get_attribute("data-verdict") for r in shown
        }
        tab.locator('tr[data-runner="S02"] a').click()
        bars = {
            b.get_attribute("data-week"): float(b.get_attribute("data-km")) for b in tab.locator("rect.week-bar").all()
        }
        rpe_bars = tab.locator("rect.rpe-bar").all()
        rpe = {b.get_attribute("data-week"): float(b.get_attribute("data-srpe")) for b in rpe_bars}
        response_rows = {
            r.get_attribute("data-week"): (r.get_attribute("data-verdict"), r.get_attribute("data-rule"))
            for r in tab.locator("#response tbody tr").all()
        }
        visa = [float(c.get_attribute("data-value")) for c in tab.locator("circle.visa").all()]
        set_aside = tab.locator("#problems li").all_inner_texts()
        marks_outside = tab.evaluate(MARKS_OUTSIDE, "#response-chart")
        tab.go_back()
        label = f"S{DYNAMICS_RUNNER + 1:02d}"
        tab.locator(f'tr[data-runner="{label}"] a').click()
        unusual = tab.locator("#dynamics td.unusual").count()
        unusual_drawn = tab.locator("#dynamics-chart circle.unusual").count()
        marks_outside += tab.evaluate(MARKS_OUTSIDE, "#dynamics-chart")
        dynamics_weeks = tab.locator("#dynamics tbody tr").count()
        browser.close()
    assert errors == [] and sorted(shown) == sorted(expected) and len(shown) == 12
    assert ranks == sorted(ranks) and ranks[0] == 0  # a spike with symptoms heads the page
    for label, person in expected.items():
        assert km[label] == pytest.approx(person.weeks["km"].iloc[-1], abs=1e-3), label
    library = {
        f"{w:%Y-%m-%d}": k
        for w, k in zip(expected["S02"].weeks["week_start"], expected["S02"].weeks["km"], strict=True)
    }
    assert bars == pytest.approx(library, abs=1e-3)
    season = expected["S02"].weeks.dropna(subset=["srpe_au"])
    srpe = {f"{w:%Y-%m-%d}": v for w, v in zip(season["week_start"], season["srpe_au"], strict=True)}
    assert rpe == pytest.approx(srpe, abs=0.05)
    assert len(rpe) > 10  # the FIT files carry RPE: the season's weeks with runs have a session-RPE load
    # the tendon's response: the planted week's verdict in the DOM is the library's and the planted one
    s02 = expected["S02"].weeks
    judged = s02[s02["pain_verdict"] != ""]
    planted = judged.iloc[-1]
    assert response_rows[f"{planted['week_start']:%Y-%m-%d}"] == (planted["pain_verdict"], planted["pain_rule"])
    assert (planted["pain_verdict"], planted["pain_rule"]) == PAIN_PLANTED[1]
    library_verdicts = {
        f"{w:%Y-%m-%d}": (v, r) for w, v, r in judged[["week_start", "pain_verdict", "pain_rule"]].values
    }
    assert {w: v for w, v in response_rows.items() if v[0]} == library_verdicts
    assert visa == list(VISA_SCORES) and s02["visa_a"].dropna().tolist() == list(VISA_SCORES)  # hand-scored
    for bad in ("visa_a.csv row 5: q7 must be", "heel_raise.csv row", "pain_monitoring.csv row", "capacity.csv row"):
        assert any(item.startswith(bad) for item in set_aside), bad
    assert marks_outside == []
    for r, verdict in squad_verdicts.items():
        recent = triage.recent_verdict(expected[r].weeks)
        assert verdict == (recent[0] if recent else ""), r
    assert squad_verdicts["S05"] == PAIN_PLANTED[4][0]
    assert unusual >= 3 and dynamics_weeks > 10  # the planted change: cadence, contact time, oscillation, step
    assert unusual_drawn == unusual and marks_outside == []


def planted_season() -> pd.DataFrame:
    """Nine Mondays of runs: 10 km, then 9.97 (-0.3 %: main wrote "-0 %"), a steady build, a 45 km week
    that is a spike by the week and by its single run (main's km axis: 0, 11, 23, 34, 45), then a cut-back."""
    mondays = pd.date_range("2026-03-02", periods=9, freq="7D")
    km = [10.0, 9.97, 12.0, 14.0, 15.0, 17.0, 20.0, 45.0, 30.0]
    runs = runs_frame({f"{day:%Y-%m-%d}": value for day, value in zip(mondays, km, strict=True)})
    runs = runs.assign(  # running dynamics with a planted shorter step in the 45 km week
        cadence_spm=[171.0, 172.5, 171.5, 173.0, 172.0, 171.0, 172.5, 183.0, 172.0],
        stance_time_ms=[251.0, 249.0, 252.0, 250.0, 248.0, 251.0, 250.0, 236.0, 250.0],
        vertical_oscillation_mm=[84.0, 85.0, 83.5, 84.5, 85.0, 84.0, 84.5, 79.0, 84.0],
        step_length_mm=[1150.0, 1155.0, 1148.0, 1152.0, 1151.0, 1149.0, 1153.0, 1080.0, 1150.0],
    )
    symptoms = pd.DataFrame(
        {
            "date": [mondays[7] + pd.Timedelta(days=2), mondays[8] + pd.Timedelta(days=1)],
            "region": "achilles",
            "side": "right",
            "pain": [2.0, 4.0],
            "ostrc_score": [np.nan, 40.0],
            "substantial": [False, True],
        }
    )
    return load.season_weeks(runs, symptoms, mondays[0], mondays[-1] + pd.Timedelta(days=6))


@pytest.fixture(scope="module")
def coach_pages(tmp_path_factory):
    """A squad of three (a planted season with a baseline risk from a synthetic model, a random season with
    gait trials but no runner.yaml, a random season without trials) as pages in English and Dutch, read
    in headless Chromium."""
    from page_checks import read_page

    from runrisk.monitor.season import Baseline
    from runrisk.monitor.squad import SquadRunner
    from runrisk.screening import model
    from runrisk.screening.runner import read_runner

    root = tmp_path_factory.mktemp("coach")
    document = model.load(write_model(root / "model.json"))
    (root / "runner.yaml").write_text("age: 34\nsex: female\nbody_mass_kg: 61\n")
    yaml_runner = read_runner(root / "runner.yaml")
    runs, symptoms = random_squad(5, runners=2)
    first, last = runs["local_date"].min(), runs["local_date"].max()

    def season(name):
        mine = runs[runs["runner"] == name].drop(columns="runner")
        return load.season_weeks(mine, symptoms[symptoms["runner"] == name].drop(columns="runner"), first, last)

    runners = [
        SquadRunner("P1", "p1", root, yaml_runner, pd.DataFrame(), pd.DataFrame(), [], True, planted_season()),
        SquadRunner("P2", "p2", root, None, pd.DataFrame(), pd.DataFrame(), [], True, season("r0")),
        SquadRunner("P3", "p3", root, yaml_runner, pd.DataFrame(), pd.DataFrame(), [], False, season("r1")),
    ]
    risks = {"p1": Baseline(model.Risk(0.008, 0.002, 0.031, -4.8, 0.7), ("2026-03-02", "2026-05-03"))}
    pages = {}
    for lang in page.LANGUAGES:
        folder = root / lang
        (folder / "runners").mkdir(parents=True)
        (folder / "index.html").write_text(page.squad_page(runners, risks, document, lang, first, last))
        pages[lang, "squad"] = read_page(folder / "index.html") | {"html": (folder / "index.html").read_text()}
        for person in runners:
            target = folder / "runners" / f"{person.slug}.html"
            target.write_text(page.runner_page(person, risks.get(person.slug), document, lang, []))
            pages[lang, person.label] = read_page(target) | {"html": target.read_text(), "weeks": person.weeks}
    return pages


RUNNERS = ("P1", "P2", "P3")


@pytest.mark.parametrize("lang", page.LANGUAGES)
@pytest.mark.parametrize("label", RUNNERS)
def test_a_runners_chart_keeps_every_mark_inside_its_plot_under_round_ticks_with_units(coach_pages, lang, label):
    """Main's runner page: the acute:chronic line left its plot, the km axis had no unit and ticked at
    0, 11, 23, 34, 45. Every bar, triangle, strip cell, sRPE bar and the ratio line is now inside its plot
    rectangle (getBBox in Chromium), the km ticks are round and reach the highest week, months are ticked."""
    shown = coach_pages[lang, label]
    weeks = shown["weeks"]
    assert shown["errors"] == [] and shown["outside"] == []
    assert shown["marks"] >= len(weeks) + 1  # the bars and the ratio line at least
    assert is_round(shown["ticks"]) and float(shown["ticks"][-1].replace(",", ".")) >= weeks["km"].max()
    assert all(day.endswith("-01") for day in shown["months"]) and shown["months"]
    words = page.texts(lang)
    assert f">{words['km_axis']}</text>" in shown["html"] and f">{words['ratio_axis']}</text>" in shown["html"]
    if label == "P1":
        assert shown["ticks"] == ["0", "10", "20", "30", "40", "50"]
        dynamics = [float(t.replace(",", ".")) for t in shown["dynamics_ticks"]]  # main: the data's min and max
        assert len(dynamics) == 8 and all(t % 5 == 0 for t in dynamics), dynamics
        assert 'class="mark gait unusual"' in shown["html"]  # the planted week, inside its panel


@pytest.mark.parametrize("lang", page.LANGUAGES)
@pytest.mark.parametrize("label", RUNNERS)
def test_every_colour_on_a_runners_chart_has_a_legend_entry(coach_pages, lang, label):
    """Main's grey km bars (no change to compute: no running the week before) were in no legend."""
    shown = coach_pages[lang, label]
    assert set(shown["fills"]) <= set(shown["legend"]), set(shown["fills"]) - set(shown["legend"])
    assert page.CHANGE_COLOURS[""] in shown["legend"]


def test_no_page_writes_a_negative_zero_and_the_change_is_one_signed_column(coach_pages):
    """Main wrote "-0 %" for a change between -0.5 % and 0 (the planted 10 -> 9.97 km)."""
    assert page.change_text(-0.003, "en") == "0 %" and page.change_text(0.004, "nl") == "0 %"
    assert page.change_text(-0.126, "nl") == "-13 %" and page.change_text(0.3, "en") == "+30 %"
    for (lang, name), shown in coach_pages.items():
        assert not NEGATIVE_ZERO.search(shown["text"]), (lang, name)
    planted = coach_pages["en", "P1"]["html"]
    assert 'data-week="2026-03-09"' in planted and ">0 % (reduction)<" in planted.replace("</td>", "<")


@pytest.mark.parametrize("lang", page.LANGUAGES)
def test_each_flag_names_the_week_that_raised_it(coach_pages, lang):
    """Main named the week of a spike only: a substantial problem, pain, a high ratio and symptoms now
    say their weeks too."""
    words = page.texts(lang)
    for label in RUNNERS:
        shown = coach_pages[lang, label]
        weeks = shown["weeks"]
        _, reasons = triage.attention(weeks)
        flagged = triage.flagged_weeks(weeks)
        line = shown["html"].split('id="reasons">')[1].split("</p>")[0]
        for key in reasons:
            if key in flagged:
                assert all(f"{monday:%Y-%m-%d}" in line for monday in flagged[key]), (label, key)
                assert str(escape(words[key])) in line
    planted = coach_pages[lang, "P1"]["html"].split('id="reasons">')[1].split("</p>")[0]
    assert words["reason_substantial"] + " (" + words["flag_week"].format(weeks="2026-04-27") + ")" in planted


@pytest.mark.parametrize("lang", page.LANGUAGES)
def test_the_squad_page_says_why_a_runner_has_no_baseline_risk_and_marks_a_synthetic_models_risk(coach_pages, lang):
    """Main showed "-" for 10 of 12 runners with no reason, and 0.8 % without "illustrative"."""
    words, shown = page.texts(lang), coach_pages[lang, "squad"]
    html = shown["html"]
    row = {label: html.split(f'data-runner="{label}"')[1].split("</tr>")[0] for label in RUNNERS}
    assert f"{words['risk_none']}: {words['risk_absent']['no_risk_no_runner']}" in row["P2"]
    assert f"{words['risk_none']}: {words['risk_absent']['no_trials']}" in row["P3"]
    assert ("0,8 %" if lang == "nl" else "0.8 %") in row["P1"]
    assert f"({words['illustrative']})" in row["P1"] and 'id="risk-synthetic"' in html
    assert ">-</td>" not in "".join(part.split('class="baseline"')[1] for part in row.values())
    assert words["no_risk_no_runner"] in coach_pages[lang, "P2"]["text"]
    first, last = html.split('id="season">')[1].split("</p>")[0].split(" ")[2:5:2]  # "Weeks from A to B (...)"
    assert pd.Timestamp(first).day_name() == "Monday" and pd.Timestamp(last).day_name() == "Sunday", (first, last)


def test_the_dutch_pages_have_no_english_leftovers_in_legend_reasons_and_risk(coach_pages):
    english, dutch = page.texts("en"), page.texts("nl")
    keys = [k for k in english if k.startswith(("legend_", "reason_", "flag_", "no_risk", "risk_none", "illustr"))]
    keys = [k for k in keys if english[k] != dutch[k]]
    for (lang, name), shown in coach_pages.items():
        if lang == "nl":
            places = " ".join(shown["places"]) + " " + shown["text"].split(page.texts("nl")["signals"])[0]
            left = [k for k in keys if english[k].split("{")[0].strip() in places]
            assert left == [], (name, left)
            assert all(english["risk_absent"][k] not in shown["html"] for k in english["risk_absent"])


@pytest.fixture(scope="module")
def response_pages(tmp_path_factory):
    """A runner with six weeks of runs and the response logs (a VISA-A of 100 and one of 47, pain 0 and
    8, heel raises), through `monitor` in English and Dutch, read in headless Chromium."""
    import yaml
    from page_checks import read_page

    from runrisk.io.response import HEEL_RAISE, VISA_A

    root = tmp_path_factory.mktemp("response")
    folder = root / "squad" / "a"
    folder.mkdir(parents=True)
    (folder / "runner.yaml").write_text(yaml.safe_dump({"label": "S01", "age": 34, "sex": "F", "body_mass_kg": 60}))
    first = dt.date(2026, 3, 2)
    for w in range(6):
        for d in (1, 5):
            day = first + dt.timedelta(days=7 * w + d)
            start = dt.datetime.combine(day, dt.time(7, 0), PRAGUE)
            km = 8.0 + 3 * w
            (folder / f"{day}.fit").write_bytes(
                fit_bytes(SquadRun(start, km, 330 * km, 20.0, 150, 175, (0,) * 7, 5, 50))
            )
    (folder / "pain_monitoring.csv").write_text(
        "date,morning_pain,pain_during,pain_after\n"
        f"{first + dt.timedelta(weeks=1, days=1)},0,0,0\n"
        f"{first + dt.timedelta(weeks=4, days=1)},1,3,1\n"
        f"{first + dt.timedelta(weeks=5, days=1)},2,8,2\n"
    )
    (folder / VISA_A).write_text(
        f"date,q1,q2,q3,q4,q5,q6,q7,q8_part,q8\n{first},10,10,10,10,10,10,10,A,30\n"
        f"{first + dt.timedelta(weeks=5)},6,7,5,8,4,3,4,B,10\n"
    )
    (folder / HEEL_RAISE).write_text(f"date,side,reps\n{first},left,25\n{first},right,31\n")
    model = write_model(root / "model.json")
    pages = {}
    for lang in page.LANGUAGES:
        monitor(root / "squad", model, root / lang, lang=lang, today=dt.date(2026, 12, 7))
        pages[lang] = read_page(root / lang / "runners" / "s01.html")
    return pages


@pytest.mark.parametrize("lang", page.LANGUAGES)
def test_the_response_chart_keeps_its_points_inside_their_panels_and_explains_every_colour(response_pages, lang):
    """A VISA-A of 100 is drawn inside its panel (its point's radius too), each of the response chart's
    colours (VISA-A, the three pains, the two sides, the verdicts) has a legend entry, as the load chart's."""
    shown = response_pages[lang]
    assert shown["errors"] == [] and shown["outside"] == []
    plots = set(shown["fills"])
    assert plots <= set(shown["legend"]), plots - set(shown["legend"])
    assert {"#2c3e50", "#c0392b", "#2e86c1", "#27ae60"} <= plots  # VISA-A, pain during, both heel raises
    assert is_round(shown["ticks"]) and not NEGATIVE_ZERO.search(shown["text"])
