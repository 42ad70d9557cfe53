"""One runner's screening page (runrisk.screening: the model file, measuring one runner, the page, the CLI)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from page_checks import NEGATIVE_ZERO, is_round
from scipy.special import expit
from system_tools import chromium
from workflow_runner import SCHEMA, run_snakemake, schema_defaults, simulation

from runrisk.biomech.stances import PEAK_NAMES
from runrisk.cohort.exposure import ScreeningExposure
from runrisk.cohort.tendon_load import SpeedRelation
from runrisk.config import complete_config
from runrisk.errors import InputError
from runrisk.io.surveillance import PARTICIPANT_FIELDS
from runrisk.io.vocabulary import SEX_ALLOWED
from runrisk.screening import measure, runner
from runrisk.screening import model as screening
from runrisk.screening import page as screen_page
from runrisk.screening.model import ScreeningModelError
from runrisk.screening.screen import screen
from runrisk.simulate import c3d_writer, cohort, fitbit_writer
from runrisk.stats.terms import Term
from runrisk.tendon.study import TendonSettings

ROOT = Path(__file__).resolve().parents[1]
CONFIG = complete_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), SCHEMA)
TERMS = [Term.from_config(entry) for entry in CONFIG["models"]["terms"]]


def analysis_frame(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "mean_weekly_km": rng.gamma(4, 5, n),
            "ankle_external_rotation_peak": rng.normal(12, 4, n),
            "ankle_inversion_moment_peak": rng.normal(0.25, 0.08, n),
            "strike_index_pct": rng.uniform(0, 70, n),
            "age": rng.uniform(18, 65, n),
            "female": rng.integers(0, 2, n).astype(float),
        }
    )
    lp = -3.5 + 0.05 * (frame["mean_weekly_km"] - 20) - 0.2 * (frame["ankle_external_rotation_peak"] - 12)
    frame["status"] = np.where(rng.random(n) < expit(lp), "case", "control")
    return frame


def firth_table(frame: pd.DataFrame) -> pd.DataFrame:
    from runrisk.stats.models import fit_firth

    return fit_firth(frame, TERMS)


def write_model(path: Path, terms: list[Term] = TERMS, frame: pd.DataFrame | None = None) -> Path:
    """A screening model file fitted to a 400-person frame drawn like the study's analysis table."""
    frame = analysis_frame() if frame is None else frame
    study = {
        "name": "test cohort",
        "synthetic": True,
        "config_sha256": "0" * 64,
        "code_commit": "abc",
        "code_dirty": False,
        "primary_limb": "R",
    }
    defaults = schema_defaults()
    settings = {name: defaults[name] for name in ("biomechanics", "wearables", "exposure")}
    settings["timezone"] = CONFIG["study"]["timezone"]
    settings["tendon"] = TendonSettings.pick(defaults["tendon"])
    settings["tendon_load"] = SpeedRelation.pick(defaults["exposure"]["tendon_load"])
    from runrisk.stats.models import fit_firth

    document = screening.build(frame, terms, fit_firth(frame, terms), 0.9, study, settings, "a definition")
    path.write_text(json.dumps(document))
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    return write_model(tmp_path_factory.mktemp("model") / "screening_model.json")


RUNNER_VALUES = {
    "mean_weekly_km": 30.0,
    "ankle_external_rotation_peak": 8.0,
    "ankle_inversion_moment_peak": 0.2,
    "strike_index_pct": 25.0,
    "age": 35.0,
    "female": 1.0,
}


def test_the_model_file_keeps_the_cohorts_risk_and_predicts_by_the_delta_method(model_file):
    document = screening.load(model_file)
    frame = analysis_frame()
    rows = np.array([screening.scaled(document, row) for _, row in frame.iterrows()])
    beta = np.array([document["intercept"], *(t["coefficient"] for t in document["terms"])])
    cal = document["calibration"]
    mean_risk = expit(cal["intercept"] + cal["slope"] * rows @ beta).mean()
    assert mean_risk == pytest.approx((frame["status"] == "case").mean(), abs=1e-9)
    risk = screening.predict(document, RUNNER_VALUES)
    row = screening.scaled(document, RUNNER_VALUES)
    se = np.sqrt(row @ np.asarray(document["covariance"]) @ row)
    assert risk.standard_error == pytest.approx(se)
    assert risk.risk == pytest.approx(expit(cal["intercept"] + cal["slope"] * row @ beta))
    assert risk.low < risk.risk < risk.high
    assert risk.high == pytest.approx(expit(cal["intercept"] + cal["slope"] * (row @ beta + 1.959964 * se)), rel=1e-6)
    rotation = next(t for t in document["terms"] if t["column"] == "ankle_external_rotation_peak")
    assert rotation["sign"] == -1 and rotation["divisor"] == pytest.approx(frame[rotation["column"]].std(ddof=1))
    share_below = (frame["ankle_external_rotation_peak"] < 8.0).mean() * 100
    assert screening.percentile(rotation, 8.0) == pytest.approx(share_below, abs=1.5)


def test_a_study_whose_model_was_not_fitted_writes_a_file_that_says_why(tmp_path):
    path = tmp_path / "model.json"
    study = {"name": "pilot", "synthetic": False, "config_sha256": "0" * 64, "code_commit": "x", "code_dirty": None}
    path.write_text(json.dumps(screening.not_fitted({**study, "primary_limb": "R"}, "3 analysed, 2 events")))
    with pytest.raises(ScreeningModelError, match="the study's model could not be fitted: 3 analysed, 2 events"):
        screening.load(path)


def test_a_changed_wrong_version_or_malformed_model_file_is_refused(model_file, tmp_path):
    document = json.loads(model_file.read_text())
    changed = {**document, "intercept": document["intercept"] + 1}
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    with pytest.raises(ScreeningModelError, match="does not match its content_sha256"):
        screening.load(tmp_path / "changed.json")
    (tmp_path / "old.json").write_text(json.dumps({**document, "schema": "runrisk.screening_model/0"}))
    with pytest.raises(ScreeningModelError, match="schema 'runrisk.screening_model/0'; this runrisk reads"):
        screening.load(tmp_path / "old.json")
    broken = {**document, "terms": [{**document["terms"][0], "percentiles": [1, 2]}]}
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    with pytest.raises(ScreeningModelError, match="schema at terms.0.percentiles"):
        screening.load(tmp_path / "broken.json")
    (tmp_path / "text.json").write_text("not json")
    with pytest.raises(ScreeningModelError, match="not a JSON screening model file"):
        screening.load(tmp_path / "text.json")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"age": 7, "sex": "female", "body_mass_kg": 60}, "age: not a possible value"),
        ({"age": 40, "sex": "x", "body_mass_kg": 60}, "sex: must be the closed list F or M"),
        ({"age": 40, "sex": "male"}, "body_mass_kg: missing or not a number"),
        ({"age": 40, "sex": "male", "body_mass_kg": 60, "name": "Jane"}, "unknown field"),
    ],
)
def test_an_impossible_runner_yaml_is_refused_naming_the_field(tmp_path, fields, message):
    (tmp_path / "runner.yaml").write_text(yaml.safe_dump(fields))
    with pytest.raises(InputError, match=message) as caught:
        runner.read_runner(tmp_path / "runner.yaml")
    assert "Jane" not in str(caught.value) and " 7 " not in str(caught.value)


def synthetic_runner(folder: Path, with_trials: bool = True, with_wearable: bool = True, running: bool = False) -> dict:
    """A participant of a small synthetic cohort as a screening folder (running: one who runs)."""
    cfg = simulation(n_participants=6, seed=20250402)
    truth, weekly = cohort.simulate_truth(cfg)
    chosen = truth["has_wearable"] & truth["has_trials"] & (truth["runner"] | (not running))
    person = truth[chosen].iloc[0].to_dict()
    folder.mkdir(parents=True)
    if with_trials:
        c3d_writer.write_trials(person, folder, 2, cfg.seed, cfg.trial_sd_fraction, cfg.biomechanics)
    if with_wearable:
        fitbit_writer.write_fitbit_export(person, weekly[weekly["raw_id"] == person["raw_id"]], folder, cfg.seed)
    sex = "female" if person["female"] else "male"
    (folder / "runner.yaml").write_text(
        yaml.safe_dump({"age": float(person["age"]), "sex": sex, "body_mass_kg": float(person["body_mass_kg"])})
    )
    return person


def test_a_runner_gets_a_page_with_the_librarys_numbers(model_file, tmp_path):
    synthetic_runner(tmp_path / "runner")
    measured = screen(model_file, tmp_path / "runner", tmp_path / "page.html", "en")
    page = (tmp_path / "page.html").read_text()
    document = screening.load(model_file)
    assert set(measured.values) == {t["column"] for t in document["terms"]}
    assert measured.problems == [] and measured.reported == {"age", "female"}  # runner.yaml's, not measured
    risk = screening.predict(document, measured.values)
    assert f'data-value="{risk.risk:.6f}"' in page and "illustrative" in page
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    dutch = screen_page.page(document, measured, "nl")
    assert "Voorspeld risico" in dutch and "geen diagnose" in dutch


def test_a_runner_without_stances_or_wearable_weeks_gets_a_page_that_says_what_is_missing(model_file, tmp_path):
    synthetic_runner(tmp_path / "no_trials", with_trials=False)
    screen(model_file, tmp_path / "no_trials", tmp_path / "a.html")
    page = (tmp_path / "a.html").read_text()
    assert 'id="no-risk"' in page and "no valid stance on the right foot" in page
    synthetic_runner(tmp_path / "no_watch", with_wearable=False)
    screen(model_file, tmp_path / "no_watch", tmp_path / "b.html", "nl")
    page = (tmp_path / "b.html").read_text()
    assert 'id="no-risk"' in page and "geen weken met gegevens van het horloge" in page


def test_the_command_line_refuses_a_bad_model_with_one_line(model_file, tmp_path):
    synthetic_runner(tmp_path / "runner", with_trials=False)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**json.loads(model_file.read_text()), "intercept": 0.0}))
    runrisk = shutil.which("runrisk", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [
            runrisk,
            "screen",
            "--model",
            str(bad),
            "--runner",
            str(tmp_path / "runner"),
            "--out",
            str(tmp_path / "x.html"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("runrisk screen: ") and "content_sha256" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.html").exists()


def test_the_example_runners_page_in_headless_chromium_shows_the_librarys_numbers(small_run, tmp_path):
    """`snakemake screen` after the study run: the page opens in a real browser without console errors, and
    the risk, its interval and each percentile read from the DOM are the library's for the same runner."""
    from playwright.sync_api import sync_playwright

    study = tmp_path / "study"  # a copy: the study run itself stays as `all` left it for the other tests
    shutil.copytree(small_run, study, symlinks=True)
    result = run_snakemake(study, 2, "screen", "--configfile", "config/test.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "screen_runner" in result.stderr and "fit_model" not in result.stderr  # only the screening ran
    document = screening.load(study / "results/models/screening_model.json")
    folder = study / "resources/screening/example"
    measured = measure.measure(folder, runner.read_runner(folder / "runner.yaml"), document)
    expected = screening.predict(document, measured.values)
    errors, shot = [], tmp_path / "example_runner_page.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((study / "results/screening/example.html").as_uri())
        risk = float(page.locator("#risk").get_attribute("data-value"))
        low = float(page.locator("#risk-low").get_attribute("data-value"))
        high = float(page.locator("#risk-high").get_attribute("data-value"))
        shown = {
            cell.get_attribute("data-term"): float(cell.get_attribute("data-value"))
            for cell in page.locator(".percentile").all()
        }
        weeks = page.locator("rect.week").count()
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(f"screenshot: {shot}")
    assert errors == []
    assert (risk, low, high) == pytest.approx((expected.risk, expected.low, expected.high), abs=1e-6)
    percentiles = {
        t["column"]: screening.percentile(t, measured.values[t["column"]])
        for t in document["terms"]
        if not screen_page.is_binary(t)
    }
    assert shown == pytest.approx(percentiles, abs=0.01) and len(shown) == 5
    assert weeks == measure.WINDOW_WEEKS
    assert shot.stat().st_size > 20_000


@pytest.mark.parametrize(
    ("written", "female"), [("F", True), ("m", False), ("Female", True), ("vrouw", True), ("muž", False)]
)
def test_runner_yaml_takes_the_sex_vocabulary_of_participants_csv(tmp_path, written, female):
    """A coach may copy a row of the study's participants.csv (F/M) or write the word."""
    (tmp_path / "runner.yaml").write_text(yaml.safe_dump({"age": 40, "sex": written, "body_mass_kg": 60}))
    assert runner.read_runner(tmp_path / "runner.yaml").female is female
    sex_field = next(field for field in PARTICIPANT_FIELDS if field[0] == "sex")
    assert sex_field[2](written) == ("F" if female else "M")  # the participants reader: the same vocabulary


def test_every_language_has_every_text_with_the_same_fields():
    english = screen_page.texts("en")
    for lang in screen_page.LANGUAGES:
        words = screen_page.texts(lang)
        assert set(words) == set(english), lang
        fields = {key: set(re.findall(r"{(\w+)}", text)) for key, text in words.items()}
        assert fields == {key: set(re.findall(r"{(\w+)}", text)) for key, text in english.items()}, lang


def test_the_legend_states_the_thresholds_the_chart_colours_by():
    assert screen_page.spike(1.29) == "" and screen_page.spike(1.3) == ""
    assert screen_page.spike(1.31) == "over13" and screen_page.spike(1.51) == "over15"
    assert screen_page.spike(float("nan")) == ""
    moderate, high = screen_page.SPIKE_THRESHOLDS["over13"], screen_page.SPIKE_THRESHOLDS["over15"]
    english = screen_page.texts("en")["legend"].format(moderate=moderate, high=high)
    assert f"more than {moderate} times" in english and f"more than {high}" in english
    dutch = screen_page.texts("nl")["legend"].format(
        moderate=screen_page.number(moderate, "nl"), high=screen_page.number(high, "nl")
    )
    assert "meer dan 1,3 keer" in dutch and "1,5" in dutch


def test_the_runner_row_follows_the_studys_terms(tmp_path):
    """No term is known by name: a study whose model has other terms gets them from the same tables."""
    person = runner.Runner(age=41.0, female=True, body_mass_kg=60.0)
    stances = pd.DataFrame(
        [
            {"participant_id": "runner", "side": "R", "qc_reason": "", "strike_index_pct": 20.0, "contact_time_s": 0.25}
            | dict.fromkeys(PEAK_NAMES, 1.5)
        ]
    )
    exposure = ScreeningExposure(follow_up_weeks=52, min_worn_days_per_week=1, min_prior_weeks=2, min_worn_weeks=4)
    document = {"study": {"primary_limb": "R"}, "terms": [{"column": "knee_flexion_angle_peak"}, {"column": "runner"}]}
    values, missing = measure.term_values(document, person, stances, pd.DataFrame(), exposure)
    assert values == {"knee_flexion_angle_peak": 1.5, "runner": 1.0} and missing == ["no_weeks"]
    document["terms"].append({"column": "not_a_column"})
    assert measure.term_values(document, person, stances, pd.DataFrame(), exposure)[1] == [
        "no_weeks",
        "no_value:not_a_column",
    ]


def test_a_study_with_a_tendon_term_measures_the_runners_own_scan_or_says_there_is_none(tmp_path):
    """The runner's mri/ folder is measured by the study's tendon code and settings (the model file's), so
    the value equals the phantom's T2*; a runner without one gets a page saying so, and no risk."""
    import nibabel

    from runrisk.simulate.mri_writer import Patient, Phantom, dicom_affine_ras, write_dicom_series

    frame = analysis_frame()
    frame["t2star_median_ms"] = np.random.default_rng(5).normal(10, 2, len(frame))
    tendon_term = Term(column="t2star_median_ms", label="Tendon T2* (per SD)", scale="sd", sign=1)
    model = write_model(tmp_path / "model.json", [*TERMS, tendon_term], frame)
    synthetic_runner(tmp_path / "scanned")
    phantom = Phantom(t2star_ms=12.5, snr=40.0)
    scan = tmp_path / "scanned" / "mri"
    write_dicom_series(scan, phantom.magnitudes(np.random.default_rng(2)), phantom, Patient(), seed=2)
    mask = nibabel.Nifti1Image(phantom.tendon_mask().astype(np.uint8), dicom_affine_ras(phantom))
    nibabel.save(mask, scan / "tendon_mask.nii.gz")
    measured = screen(model, tmp_path / "scanned", tmp_path / "scanned.html", "en")
    assert measured.values["t2star_median_ms"] == pytest.approx(12.5, rel=0.03)
    page = (tmp_path / "scanned.html").read_text()
    risk = screening.predict(screening.load(model), measured.values)
    assert f'data-value="{risk.risk:.6f}"' in page and "Planted" not in page and "PLANTED" not in page
    synthetic_runner(tmp_path / "unscanned")
    measured = screen(model, tmp_path / "unscanned", tmp_path / "unscanned.html", "nl")
    assert "t2star_median_ms" not in measured.values and measured.missing == ["no_mri"]
    page = (tmp_path / "unscanned.html").read_text()
    assert 'id="no-risk"' in page and "geen MRI van de pees" in page


def test_the_command_line_never_repeats_a_runner_folders_path_nor_its_own_temporary_folder(model_file, tmp_path):
    """A runner's folder is often named after the runner: a refusal names the file in it, not the path;
    a runner without trials gets a page that names no temporary folder of the screening's own."""
    named = tmp_path / "Zelenkova_Katerina_1963-07-19"
    synthetic_runner(named, with_trials=False)
    runrisk = shutil.which("runrisk", path=str(Path(sys.executable).parent))

    def run(folder: Path) -> subprocess.CompletedProcess:
        command = [
            runrisk,
            "screen",
            "--model",
            str(model_file),
            "--runner",
            str(folder),
            "--out",
            str(tmp_path / "p.html"),
        ]
        return subprocess.run(command, capture_output=True, text=True)

    done = run(named)
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr + (tmp_path / "p.html").read_text()
    assert "Zelenkova" not in said.replace(str(tmp_path / "p.html"), "") and "runrisk-screen-" not in said
    (named / "runner.yaml").write_text("age: 34\nsex: x\nbody_mass_kg: 60\n")
    refused = run(named)
    assert refused.returncode == 2 and "Zelenkova" not in refused.stderr
    assert refused.stderr.strip() == f"runrisk screen: file runner.yaml: sex: must be {SEX_ALLOWED}"
    missing = run(tmp_path / "Novak_Jan")
    assert missing.returncode == 2 and "Novak" not in missing.stderr and "--runner" in missing.stderr


@pytest.fixture(scope="module")
def runner_pages(model_file, tmp_path_factory):
    """One synthetic runner's page in English and Dutch, read in headless Chromium."""
    from page_checks import read_page

    root = tmp_path_factory.mktemp("pages")
    synthetic_runner(root / "runner", running=True)
    pages = {}
    for lang in screen_page.LANGUAGES:
        measured = screen(model_file, root / "runner", root / f"{lang}.html", lang)
        pages[lang] = read_page(root / f"{lang}.html") | {"html": (root / f"{lang}.html").read_text()}
    return screening.load(model_file), measured, pages


@pytest.mark.parametrize("lang", screen_page.LANGUAGES)
def test_every_value_of_this_runner_carries_its_unit_and_a_plain_name(runner_pages, lang):
    """Main showed 8.15, 11.6, 0.214, 15.6 bare, under rows named "Peak ankle external rotation (per SD
    lower)" and "odds ratio, 95 % CI": each value now ends in its unit, each row has a plain name, and the
    statistician's name and numbers are in the row's tooltip and the footnotes."""
    document, _, pages = runner_pages
    words, shown = screen_page.texts(lang), pages[lang]
    measured_terms = [t for t in document["terms"] if not screen_page.is_binary(t)]
    assert len(shown["values"]) == len(document["terms"])
    for term, value in zip(document["terms"], shown["values"], strict=True):
        if term in measured_terms:
            assert value.endswith(" " + words[f"unit_{term['column']}"]), (term["column"], value)
    for term in document["terms"]:
        assert words[f"name_{term['column']}"] in shown["text"]
        assert f'title="{screen_page.statistic(term, words, lang)}"' in shown["html"]
        assert term["label"] not in shown["text"].split(words["terms"])[1].split(words["statistics_title"])[0]
    table = shown["text"].split(words["statistics_title"])[0]
    assert "odds ratio" not in table and "per SD" not in table and words["statistics_title"] in shown["text"]


@pytest.mark.parametrize("lang", screen_page.LANGUAGES)
def test_the_weekly_chart_has_round_km_ticks_month_ticks_and_marks_inside_with_every_colour_explained(
    runner_pages, lang
):
    """Main's chart had two date ticks and km ticks of the data's maximum over four; now round km ticks
    under a km/week unit, a tick at each month, no bar outside the plot, and a legend entry per colour."""
    _, measured, pages = runner_pages
    shown = pages[lang]
    assert shown["errors"] == [] and shown["outside"] == [] and shown["marks"] == len(measured.weekly)
    assert (
        is_round(shown["ticks"]) and float(shown["ticks"][-1].replace(",", ".")) >= measured.weekly["running_km"].max()
    )
    assert len(shown["months"]) >= 10 and all(day.endswith("-01") for day in shown["months"])
    assert screen_page.texts(lang)["km_axis"] in shown["text"] or "km/week" in shown["html"]
    assert set(shown["fills"]) <= set(shown["legend"]) and "url(#nodata)" in shown["legend"]
    assert not NEGATIVE_ZERO.search(shown["text"])


@pytest.mark.parametrize("lang", screen_page.LANGUAGES)
def test_the_page_reconciles_red_weeks_with_the_risk_and_says_what_to_do(runner_pages, lang):
    """Main coloured weeks red while its headline said the risk was below average, and "In plain words"
    repeated the percentiles: now a paragraph under the chart says why both are true, with the counts of
    coloured weeks, and the plain words say what to do next (never a diagnosis) and repeat no percentile."""
    document, measured, pages = runner_pages
    words, shown = screen_page.texts(lang), pages[lang]
    spikes = screen_page.spike_weeks(measured.weekly)
    assert spikes["over15"] > 0  # the synthetic runner's season has steep weeks
    kinds = [screen_page.spike(r) for r in measured.weekly[measured.weekly["worn"]]["ratio_to_prior_4wk"]]
    assert spikes["over15"] == kinds.count("over15") and spikes["over13"] == kinds.count("over13")
    reconcile = words["reconcile_spikes"].format(
        high=spikes["over15"], moderate=spikes["over13"], volume="X", **screen_page.thresholds(lang)
    )
    assert reconcile.split("X")[0].strip() in " ".join(shown["text"].split())
    plain = shown["text"].split(words["summary"])[-1].split(words["limits"])[0]
    assert words["advice_pain"].split(":")[0] in " ".join(plain.split())
    assert "percentile" not in plain.lower() and "of 100 lower" not in plain and "van 100 lager" not in plain


def test_the_dutch_page_has_no_english_leftovers_in_its_names_units_legend_and_advice(runner_pages):
    _, _, pages = runner_pages
    english, dutch = screen_page.texts("en"), screen_page.texts("nl")
    leftovers = [
        key
        for key, text in english.items()
        if key.split("_")[0] in ("name", "unit", "legend", "advice", "found", "reconcile", "percentile")
        and text != dutch[key]
        and len(text) > 3
        and text.split("{")[0].strip()
        and any(text.split("{")[0].strip() in place for place in pages["nl"]["places"])
    ]
    assert leftovers == []
    assert "Jul" not in pages["nl"]["text"] or "jul" in dutch["months"]
    assert all("." not in v for v in pages["nl"]["values"] if any(c.isdigit() for c in v))  # decimal comma


def test_a_runners_response_logs_are_not_read_as_fitabase_exports(model_file, tmp_path):
    """The example squad's S02 holds pain_monitoring.csv, heel_raise.csv and capacity.csv beside its
    trials: before this fix the screening measure took them for Fitabase CSVs, listed a missing-column
    problem and found no weeks, so the squad page lost S02's baseline risk."""
    from runrisk.io.response import RESPONSE_FILES

    synthetic_runner(tmp_path / "runner", running=True)
    for name in RESPONSE_FILES:
        (tmp_path / "runner" / name).write_text("date,value\n2026-03-02,1\n")
    measured = screen(model_file, tmp_path / "runner", tmp_path / "page.html")
    assert measured.problems == [] and "no_weeks" not in measured.missing
    assert set(measured.values) == {t["column"] for t in screening.load(model_file)["terms"]}
