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
from system_tools import chromium
from test_screening import write_model
from workflow_runner import run_snakemake, schema_defaults, simulation

from runrisk.cli import main as runrisk_main
from runrisk.errors import InputError
from runrisk.io.garmin import read_fit
from runrisk.io.vocabulary import regions, sides
from runrisk.io.wearables import WearableSettings
from runrisk.monitor import load, page, triage
from runrisk.monitor.season import monitor
from runrisk.monitor.squad import SessionCache, read_squad, season_span, with_weeks
from runrisk.monitor.symptoms import SYMPTOMS, read_symptoms
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
