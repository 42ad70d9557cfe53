"""One runner's screening page: a study's model applied to one runner's lab trials and training log.

    runrisk screen --model results/models/screening_model.json --runner DIR --out page.html [--lang en|nl]

DIR holds the runner's trial files (C3D, Visual3D text), wearable files (Fitbit JSON, Garmin FIT, GPX,
TCX, Fitabase CSV) and runner.yaml (age, sex, body_mass_kg; optional lab, screening_date). They go
through the study's own readers, stance extraction, gait model, biomechanics summary and weekly volume
(runrisk.cohort.shards, runrisk.cohort.exposure) with the settings the model file carries, so the runner
is measured as the cohort was. The page is one self-contained HTML file (inline CSS and SVG, no script,
no network): it works offline and prints to PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from runrisk.biomech.stances import summarise_participants
from runrisk.cohort.exposure import ScreeningExposure, exposure_summary, weekly_volume
from runrisk.cohort.shards import TrialReading, participant_stances, shard_activities
from runrisk.errors import InputError, StudyError
from runrisk.io.layout import TRIAL_KINDS, WEARABLE_KINDS
from runrisk.io.wearables import WearableSettings
from runrisk.stats import screening

RUNNER_ID = "runner"
WINDOW_WEEKS = 52
SEXES = ("female", "male")
AGE_RANGE = (10, 100)
MASS_RANGE_KG = (20, 250)


@dataclass(frozen=True)
class Runner:
    age: float
    female: bool
    body_mass_kg: float
    lab: str = ""
    screening_date: dt.date | None = None


def read_runner(path: Path) -> Runner:
    """runner.yaml, each field checked; a bad one is named with what is allowed (its value never echoed)."""
    if not path.is_file():
        raise InputError(path, "runner.yaml is missing: it gives the runner's age, sex and body_mass_kg")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not readable YAML ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise InputError(path, "runner.yaml must be a mapping of fields (age, sex, body_mass_kg)")
    unknown = sorted(set(data) - {"age", "sex", "body_mass_kg", "lab", "screening_date"})
    if unknown:
        raise InputError(path, f"unknown field(s) {', '.join(map(str, unknown))}")
    age = _number(path, data, "age", *AGE_RANGE, "years")
    mass = _number(path, data, "body_mass_kg", *MASS_RANGE_KG, "kg")
    sex = data.get("sex")
    if not isinstance(sex, str) or sex.strip().lower() not in SEXES:
        raise InputError(path, f"sex: must be one of {', '.join(SEXES)}")
    screening_date = data.get("screening_date")
    if screening_date is not None and not isinstance(screening_date, dt.date):
        raise InputError(path, "screening_date: must be a date written YYYY-MM-DD")
    return Runner(age, sex.strip().lower() == "female", mass, str(data.get("lab") or ""), screening_date)


def _number(path: Path, data: dict, name: str, low: float, high: float, unit: str) -> float:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise InputError(path, f"{name}: missing or not a number ({unit})")
    if not low <= value <= high:
        raise InputError(path, f"{name}: not a possible value (allowed {low}-{high} {unit})")
    return float(value)


def staged(runner_dir: Path, raw: Path) -> dict[str, int]:
    """The runner's files copied into a study layout (raw/<kind>/runner/) by extension; counts per kind."""
    kinds = {**TRIAL_KINDS, **WEARABLE_KINDS}
    counts = dict.fromkeys(kinds, 0)
    for path in sorted(runner_dir.iterdir()):
        if not path.is_file():
            continue
        kind = next((k for k, extensions in kinds.items() if path.suffix.lower() in extensions), None)
        if kind is None:
            continue
        target = raw / kind / RUNNER_ID
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
        counts[kind] += 1
    return counts


@dataclass
class Measured:
    """What the study's code made of the runner's files."""

    stances: pd.DataFrame
    trials: pd.DataFrame
    weekly: pd.DataFrame
    values: dict[str, float]
    missing: list[str] = field(default_factory=list)  # why a term has no value (plain words)
    problems: list[str] = field(default_factory=list)  # files that could not be read


def measure(runner_dir: Path, runner: Runner, document: dict) -> Measured:
    settings = document["settings"]
    # from_config: a model file of an older release may carry whole sections
    reading, wearables = (
        TrialReading.from_config(settings["biomechanics"]),
        WearableSettings.from_config(settings["wearables"]),
    )
    exposure = ScreeningExposure.from_config(settings["exposure"])
    participant = pd.Series(
        {"participant_id": RUNNER_ID, "body_mass_kg": runner.body_mass_kg, "lab": runner.lab}, name=RUNNER_ID
    )
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="runrisk-screen-") as folder:
        raw = Path(folder)
        staged(runner_dir, raw)
        try:
            stance_rows, trial_rows = participant_stances(raw, RUNNER_ID, participant, reading)
        except InputError as error:
            stance_rows, trial_rows = [], []
            problems.append(f"trials: {error.reason} ({error.path})")
        members = pd.DataFrame({"participant_id": [RUNNER_ID]}, index=pd.Index([RUNNER_ID], name="raw_id"))
        try:
            activities = shard_activities(members, raw, settings["timezone"], wearables)
        except InputError as error:
            activities = pd.DataFrame()
            problems.append(f"wearables: {error.reason} ({error.path})")
    stances, trials = pd.DataFrame(stance_rows), pd.DataFrame(trial_rows)
    weekly = runner_weeks(activities, runner, exposure)
    values, missing = term_values(document, runner, stances, weekly, exposure)
    return Measured(stances, trials, weekly, values, missing, problems)


def runner_weeks(activities: pd.DataFrame, runner: Runner, exposure: ScreeningExposure) -> pd.DataFrame:
    """Weekly volume of the 52 weeks up to the screening date (default: the last day with wearable data),
    by the study's weekly-volume code; empty without activities."""
    if activities.empty:
        return pd.DataFrame()
    end = pd.Timestamp(runner.screening_date) if runner.screening_date else activities["local_date"].max()
    start = end - pd.Timedelta(days=7 * WINDOW_WEEKS - 1)
    participants = pd.DataFrame({"participant_id": [RUNNER_ID], "enrolment_date": [start]})
    weekly = weekly_volume(
        activities, participants, WINDOW_WEEKS, exposure.min_worn_days_per_week, exposure.min_prior_weeks
    )
    return weekly[weekly["week"] >= 1].reset_index(drop=True)


TERM_SOURCES = {"mean_weekly_km": "wearables", "age": "runner", "female": "runner"}


def term_values(
    document: dict, runner: Runner, stances: pd.DataFrame, weekly: pd.DataFrame, exposure: ScreeningExposure
) -> tuple[dict[str, float], list[str]]:
    values: dict[str, float] = {"age": runner.age, "female": float(runner.female)}
    missing: list[str] = []
    if weekly.empty or not weekly["worn"].any():
        missing.append("no_weeks")
    else:
        summary = exposure_summary(weekly).iloc[0]
        if summary["whole_follow_up_weeks_worn"] < exposure.min_worn_weeks:
            missing.append("few_weeks")
        else:
            values["mean_weekly_km"] = float(summary["whole_follow_up_mean_weekly_km"])
    limb = document["study"]["primary_limb"]
    summary = summarise_participants(stances) if len(stances) else pd.DataFrame()
    limb_row = summary[summary["side"] == limb] if len(summary) else summary
    biomechanical = [t["column"] for t in document["terms"] if t["column"] not in TERM_SOURCES]
    if limb_row.empty:
        missing.append("no_stance")
    else:
        for column in biomechanical:
            value = float(limb_row[column].iloc[0])
            if np.isfinite(value):
                values[column] = value
            else:
                missing.append(f"no_value:{column}")
    return values, missing


# ---------------------------------------------------------------- the page

TEXT = {
    "en": {
        "title": "Running-injury screening",
        "risk": "Predicted risk of a physician-confirmed Achilles tendinopathy within one year",
        "interval": "95 % interval",
        "average": "Average risk in the study cohort",
        "no_risk": "No risk can be computed: {what}.",
        "terms": "What the study looked at",
        "term": "Measure",
        "value": "This runner",
        "percentile": "Percentile in the cohort",
        "found": "What the study found (odds ratio, 95 % CI)",
        "from": "From",
        "weeks": "Weekly running over the last 52 weeks",
        "legend": "Bars: km per week. Orange: more than 1.3 times the previous four weeks' mean; red: more than 1.5 "
        "times. Grey hatching: no wearable data that week (not the same as no running).",
        "trials": "Lab trials",
        "trial": "Trial",
        "stance_count": "Stances",
        "summary": "In plain words",
        "limits": "Limits",
        "limit_cases": "The model rests on {events} cases among {n} runners: its estimates are uncertain.",
        "limit_diagnosis": "This is not a diagnosis. It places one runner among the study's runners; talk to a "
        "physician or physiotherapist about pain.",
        "limit_synthetic": "This model was fitted to the embedded synthetic cohort: its numbers are illustrative, "
        "not evidence about real runners.",
        "limit_window": "Running volume here is the mean of the worn weeks in the 52 weeks up to {end}; the study "
        "measured the year after its lab session.",
        "said_risk": "The predicted one-year risk is {risk} (95 % interval {low} to {high}), {relation} of {average}.",
        "said_higher": "higher than the cohort's average",
        "said_lower": "lower than the cohort's average",
        "female": "female",
        "male": "male",
        "source": "model",
        "said_term": "{label}: {percentile}th percentile of the cohort.",
        "no_weeks": "no wearable weeks with data",
        "few_weeks": "fewer worn weeks than the study required ({n})",
        "no_stance": "no valid stance on the {limb} foot",
        "no_value": "no value for {label}",
        "missing_label": "missing",
        "stances": "{valid} valid of {total} stances",
        "qc": "flags",
        "problems": "Files that could not be read",
        "model": "Model: {name}, {n} runners, {events} cases; config {config}; code {commit}.",
        "week": "week",
        "km": "km",
        "none": "none",
    },
    "nl": {
        "title": "Screening op hardloopblessures",
        "risk": "Voorspeld risico op een door een arts bevestigde achillespees-tendinopathie binnen een jaar",
        "interval": "95 %-interval",
        "average": "Gemiddeld risico in het onderzoekscohort",
        "no_risk": "Er kan geen risico worden berekend: {what}.",
        "terms": "Waar het onderzoek naar keek",
        "term": "Maat",
        "value": "Deze loper",
        "percentile": "Percentiel in het cohort",
        "found": "Wat het onderzoek vond (odds ratio, 95 %-BI)",
        "from": "Bron",
        "weeks": "Wekelijks hardlopen in de laatste 52 weken",
        "legend": "Staven: km per week. Oranje: meer dan 1,3 keer het gemiddelde van de vier weken ervoor; rood: meer "
        "dan 1,5 keer. Grijze arcering: die week geen gegevens van het horloge (niet hetzelfde als niet gelopen).",
        "trials": "Labmetingen",
        "trial": "Meting",
        "stance_count": "Standfasen",
        "summary": "In gewone woorden",
        "limits": "Beperkingen",
        "limit_cases": "Het model rust op {events} gevallen onder {n} lopers: de schattingen zijn onzeker.",
        "limit_diagnosis": "Dit is geen diagnose. Het plaatst één loper tussen de lopers van het onderzoek; bespreek "
        "pijn met een arts of fysiotherapeut.",
        "limit_synthetic": "Dit model is geschat op het ingebouwde synthetische cohort: de getallen zijn ter "
        "illustratie, geen bewijs over echte lopers.",
        "limit_window": "Het loopvolume is hier het gemiddelde van de gedragen weken in de 52 weken tot {end}; het "
        "onderzoek mat het jaar na de labmeting.",
        "said_risk": "Het voorspelde risico binnen een jaar is {risk} (95 %-interval {low} tot {high}), {relation} "
        "van {average}.",
        "said_higher": "hoger dan het gemiddelde van het cohort",
        "said_lower": "lager dan het gemiddelde van het cohort",
        "female": "vrouw",
        "male": "man",
        "source": "model",
        "said_term": "{label}: {percentile}e percentiel van het cohort.",
        "no_weeks": "geen weken met gegevens van het horloge",
        "few_weeks": "minder gedragen weken dan het onderzoek vereiste ({n})",
        "no_stance": "geen geldige standfase van de {limb} voet",
        "no_value": "geen waarde voor {label}",
        "missing_label": "ontbreekt",
        "stances": "{valid} geldig van {total} standfasen",
        "qc": "meldingen",
        "problems": "Bestanden die niet gelezen konden worden",
        "model": "Model: {name}, {n} lopers, {events} gevallen; config {config}; code {commit}.",
        "week": "week",
        "km": "km",
        "none": "geen",
    },
}
LIMB_NAMES = {"en": {"R": "right", "L": "left"}, "nl": {"R": "rechter", "L": "linker"}}


def percent(value: float, lang: str) -> str:
    text = f"{100 * value:.1f} %"
    return text.replace(".", ",") if lang == "nl" else text


def missing_reasons(missing: list[str], document: dict, lang: str) -> list[str]:
    words, labels = TEXT[lang], {t["column"]: t["label"] for t in document["terms"]}
    reasons = []
    for item in missing:
        if item.startswith("no_value:"):
            reasons.append(words["no_value"].format(label=labels[item.split(":", 1)[1]]))
        elif item == "few_weeks":
            reasons.append(words["few_weeks"].format(n=document["settings"]["exposure"]["min_worn_weeks"]))
        elif item == "no_stance":
            reasons.append(words["no_stance"].format(limb=LIMB_NAMES[lang][document["study"]["primary_limb"]]))
        else:
            reasons.append(words[item])
    return reasons


def weekly_svg(weekly: pd.DataFrame, lang: str) -> str:
    """Bars of weekly km; weeks above 1.3x / 1.5x the previous four weeks' mean coloured; unworn weeks hatched."""
    if weekly.empty:
        return f'<p class="missing">{TEXT[lang]["no_weeks"]}</p>'
    width, height, left, bottom = 720, 220, 40, 30
    n = len(weekly)
    step = (width - left - 10) / n
    km = weekly["running_km"].astype(float)
    top = max(float(np.nanmax(km)) if km.notna().any() else 0.0, 10.0) * 1.1
    scale = (height - bottom - 10) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(TEXT[lang]["weeks"])}" class="weeks">',
        '<defs><pattern id="nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#eee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/>'
        "</pattern></defs>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>',
    ]
    for tick in np.linspace(0, top / 1.1, 5):
        y = height - bottom - tick * scale
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick:.0f}</text>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
    for i, week in enumerate(weekly.itertuples()):
        x = left + i * step
        if not week.worn:
            parts.append(
                f'<rect class="week nodata" data-week="{week.week}" x="{x + 1:.1f}" y="{10}" width="{step - 2:.1f}" '
                f'height="{height - bottom - 10}" fill="url(#nodata)"/>'
            )
            continue
        ratio = week.ratio_to_prior_4wk
        kind = "over15" if pd.notna(ratio) and ratio > 1.5 else "over13" if pd.notna(ratio) and ratio > 1.3 else ""
        colour = {"over15": "#c0392b", "over13": "#e67e22", "": "#2e86c1"}[kind]
        bar = float(week.running_km) * scale
        parts.append(
            f'<rect class="week {kind}" data-week="{week.week}" data-km="{week.running_km:.2f}" x="{x + 1:.1f}" '
            f'y="{height - bottom - bar:.1f}" width="{step - 2:.1f}" height="{bar:.1f}" fill="{colour}"/>'
        )
    last = weekly["week_start"].iloc[-1]
    first = weekly["week_start"].iloc[0]
    parts.append(f'<text x="{left}" y="{height - 8}" font-size="10">{first:%Y-%m-%d}</text>')
    parts.append(f'<text x="{width - 10}" y="{height - 8}" font-size="10" text-anchor="end">{last:%Y-%m-%d}</text>')
    parts.append(f'<text x="4" y="12" font-size="10">{TEXT[lang]["km"]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trials_table(measured: Measured, lang: str) -> str:
    words = TEXT[lang]
    if measured.trials.empty:
        return f'<p class="missing">{words["none"]}</p>'
    rows = []
    for trial in measured.trials.itertuples():
        mine = measured.stances[measured.stances["trial"] == trial.trial] if len(measured.stances) else pd.DataFrame()
        valid = int((mine["qc_reason"] == "").sum()) if len(mine) else 0
        flags = sorted({str(r) for r in mine["qc_reason"] if r}) if len(mine) else []
        rows.append(
            f"<tr><td>{html.escape(str(trial.trial))}</td><td>{html.escape(str(trial.model_source or ''))}</td>"
            f"<td>{words['stances'].format(valid=valid, total=len(mine))}</td>"
            f"<td>{html.escape('; '.join(flags)) or '-'}</td></tr>"
        )
    return (
        f"<table class='trials'><tr><th>{words['trial']}</th><th>{words['source']}</th><th>{words['stance_count']}</th>"
        f"<th>{words['qc']}</th></tr>" + "".join(rows) + "</table>"
    )


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
.risk{font-size:2.2rem;font-weight:600}.muted{color:#666}.missing{color:#a04000}
table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .4rem;
text-align:left}.bar{display:inline-block;height:.7rem;background:#2e86c1;vertical-align:middle}
.barbox{display:inline-block;width:8rem;background:#eee;margin-right:.4rem}
.note{border-left:4px solid #e67e22;padding:.4rem .8rem;background:#fdf2e9}
@media print{body{margin:0}.note{break-inside:avoid}}
"""


def is_binary(term: dict) -> bool:
    """A 0/1 term (sex): a percentile of it says nothing."""
    return set(term["percentiles"]) <= {0.0, 1.0}


def page(document: dict, measured: Measured, lang: str) -> str:
    words = TEXT[lang]
    study, outcome = document["study"], document["outcome"]
    average = outcome["average_risk"]
    complete = all(t["column"] in measured.values for t in document["terms"])
    risk = screening.predict(document, measured.values) if complete else None
    sections = [f"<h1>{words['title']}</h1>"]
    if study["synthetic"]:
        sections.append(f"<p class='note' id='synthetic'>{words['limit_synthetic']}</p>")
    sections.append(f"<h2>{words['risk']}</h2>")
    if risk is not None:
        sections.append(
            f"<p><span class='risk' id='risk' data-value='{risk.risk:.6f}'>{percent(risk.risk, lang)}</span> "
            f"<span class='muted'>({words['interval']} <span id='risk-low' data-value='{risk.low:.6f}'>"
            f"{percent(risk.low, lang)}</span> - <span id='risk-high' data-value='{risk.high:.6f}'>"
            f"{percent(risk.high, lang)}</span>)</span></p>"
        )
    else:
        what = "; ".join(missing_reasons(measured.missing, document, lang))
        sections.append(f"<p class='missing' id='no-risk'>{html.escape(words['no_risk'].format(what=what))}</p>")
    sections.append(
        f"<p>{words['average']}: <span id='average' data-value='{average:.6f}'>{percent(average, lang)}</span></p>"
    )
    rows, said = [], []
    for term in document["terms"]:
        column = term["column"]
        value = measured.values.get(column)
        found = f"{term['ratio']:.2f} ({term['ci_low']:.2f}-{term['ci_high']:.2f})"
        if value is None:
            rows.append(
                f"<tr><td>{html.escape(term['label'])}</td><td class='missing'>{words['missing_label']}</td>"
                f"<td></td><td>{found}</td></tr>"
            )
            continue
        if is_binary(term):
            shown = (
                words["female"]
                if column == "female" and value == 1
                else words["male"]
                if column == "female"
                else f"{value:g}"
            )
            rows.append(
                f"<tr><td>{html.escape(term['label'])}</td><td class='value' data-term='{column}' "
                f"data-value='{value:g}'>{shown}</td><td class='muted'>-</td><td>{found}</td></tr>"
            )
            continue
        where = screening.percentile(term, value)
        rows.append(
            f"<tr><td>{html.escape(term['label'])}</td><td class='value' data-term='{column}' data-value='{value:.6g}'>"
            f"{value:.3g}</td><td><span class='barbox'><span class='bar' style='width:{where:.0f}%'></span></span>"
            f"<span class='percentile' data-term='{column}' data-value='{where:.2f}'>{where:.0f}</span></td>"
            f"<td>{found}</td></tr>"
        )
        if column not in ("age", "female"):
            said.append(words["said_term"].format(label=term["label"], percentile=f"{where:.0f}"))
    sections.append(f"<h2>{words['terms']}</h2>")
    sections.append(
        f"<table class='terms'><tr><th>{words['term']}</th><th>{words['value']}</th><th>{words['percentile']}</th>"
        f"<th>{words['found']}</th></tr>{''.join(rows)}</table>"
    )
    sections.append(
        f"<h2>{words['weeks']}</h2>{weekly_svg(measured.weekly, lang)}<p class='muted'>{words['legend']}</p>"
    )
    sections.append(f"<h2>{words['trials']}</h2>{trials_table(measured, lang)}")
    if measured.problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in measured.problems)
        sections.append(f"<h2>{words['problems']}</h2><ul class='problems'>{items}</ul>")
    summary = []
    if risk is not None:
        relation = words["said_higher"] if risk.risk > average else words["said_lower"]
        summary.append(
            words["said_risk"].format(
                risk=percent(risk.risk, lang),
                low=percent(risk.low, lang),
                high=percent(risk.high, lang),
                relation=relation,
                average=percent(average, lang),
            )
        )
    summary += said
    sections.append(f"<h2>{words['summary']}</h2>" + "".join(f"<p>{html.escape(s)}</p>" for s in summary))
    end = measured.weekly["week_start"].iloc[-1] + pd.Timedelta(days=6) if len(measured.weekly) else None
    limits = [
        words["limit_cases"].format(events=outcome["events"], n=outcome["n"]),
        words["limit_diagnosis"],
    ]
    if end is not None:
        limits.append(words["limit_window"].format(end=f"{end:%Y-%m-%d}"))
    if study["synthetic"]:
        limits.append(words["limit_synthetic"])
    sections.append(
        f"<h2>{words['limits']}</h2><ul class='limits'>" + "".join(f"<li>{x}</li>" for x in limits) + "</ul>"
    )
    sections.append(
        "<p class='muted'>"
        + html.escape(
            words["model"].format(
                name=study["name"],
                n=outcome["n"],
                events=outcome["events"],
                config=study["config_sha256"][:12],
                commit=str(study["code_commit"])[:12] + (" (modified)" if study["code_dirty"] else ""),
            )
        )
        + "</p>"
    )
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{words['title']}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>\n"
    )


def screen(model_path: Path, runner_dir: Path, out: Path, lang: str = "en") -> Measured:
    """Write one runner's page; returns what was measured (the page's numbers come from it)."""
    if lang not in TEXT:
        raise StudyError(f"--lang must be one of {', '.join(TEXT)}")
    document = screening.load(model_path)
    if not runner_dir.is_dir():
        raise InputError(runner_dir, "the runner's folder does not exist")
    runner = read_runner(runner_dir / "runner.yaml")
    measured = measure(runner_dir, runner, document)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(document, measured, lang), encoding="utf-8")
    return measured


def write_example_runner(truth: pd.DataFrame, raw_dir: Path, folder: Path) -> str:
    """A runner folder from the embedded default: the first simulated participant with lab trials and a
    wearable export, preferring the marker-only lab (the page then shows the gait model at work). Files
    are copied flat, as a coach would hand them over; runner.yaml from the participant's record."""
    candidates = truth[truth["has_trials"] & truth["has_wearable"]]
    if candidates.empty:
        raise StudyError("the simulated cohort has no participant with both lab trials and a wearable export")
    preferred = candidates[candidates["lab"] == "gait_lab_c"]
    person = (preferred if len(preferred) else candidates).iloc[0]
    folder.mkdir(parents=True, exist_ok=True)
    for kind in (*TRIAL_KINDS, *WEARABLE_KINDS):
        source = raw_dir / kind / person["raw_id"]
        if source.is_dir():
            for path in sorted(source.iterdir()):
                shutil.copyfile(path, folder / path.name)
    runner = {
        "age": float(person["age"]),
        "sex": "female" if person["female"] else "male",
        "body_mass_kg": float(person["body_mass_kg"]),
        "lab": str(person["lab"]),
    }
    (folder / "runner.yaml").write_text(yaml.safe_dump(runner, sort_keys=False))
    return str(person["raw_id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runrisk", description="runrisk tools for one runner")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("screen", help="one runner's screening page from a study's screening model")
    one.add_argument("--model", type=Path, required=True, help="the study's results/models/screening_model.json")
    one.add_argument("--runner", type=Path, required=True, help="folder with trials, wearable files, runner.yaml")
    one.add_argument("--out", type=Path, required=True, help="the page to write (.html)")
    one.add_argument("--lang", choices=sorted(TEXT), default="en")
    args = parser.parse_args(argv)
    try:
        screen(args.model, args.runner, args.out, args.lang)
    except StudyError as error:
        print(f"runrisk screen: {error}", file=sys.stderr)
        return 2
    print(f"runrisk screen: wrote {args.out}")
    return 0
