"""The screening page: one self-contained HTML file (inline CSS and SVG, no script, no network), so it
works offline and prints to PDF. The words come from one catalogue per language (texts/<lang>.yaml), the
markup from templates/page.html.j2 rendered by Jinja2 with autoescaping; this module computes what the
template shows (numbers, bar geometry, sentences) and nothing of the markup."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import jinja2
import numpy as np
import pandas as pd
import yaml

from runrisk.screening import model
from runrisk.screening.measure import WINDOW_WEEKS, Measured
from runrisk.screening.wording import number

LANGUAGES = ("en", "nl")
# Week-to-week rises the chart colours: above these multiples of the previous four weeks' mean km
# (Nielsen et al. 2014's 30 % and a steeper 50 %); the legend states the same numbers.
SPIKE_THRESHOLDS = {"over13": 1.3, "over15": 1.5}
SPIKE_COLOURS = {"over15": "#c0392b", "over13": "#e67e22", "": "#2e86c1"}
SEX_COLUMN = "female"  # the covariate table's 0/1 column for sex (runrisk.cohort.outcomes.covariates)
CHART = {"width": 720, "height": 220, "left": 40, "bottom": 30}


@cache
def texts(lang: str) -> dict[str, str]:
    return yaml.safe_load(files("runrisk.screening").joinpath("texts", f"{lang}.yaml").read_text(encoding="utf-8"))


@cache
def template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("runrisk.screening", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a name the page misses is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("page.html.j2")


def percent(value: float, lang: str) -> str:
    return f"{number(100 * value, lang)} %"


def spike(ratio: float) -> str:
    """The chart's class for a week's km over the previous four weeks' mean ("" below every threshold)."""
    above = [kind for kind, threshold in SPIKE_THRESHOLDS.items() if pd.notna(ratio) and ratio > threshold]
    return max(above, key=SPIKE_THRESHOLDS.get, default="")


def missing_reasons(missing: list[str], document: dict, words: dict) -> list[str]:
    labels = {t["column"]: t["label"] for t in document["terms"]}
    reasons = []
    for item in missing:
        if item.startswith("no_value:"):
            reasons.append(words["no_value"].format(label=labels[item.split(":", 1)[1]]))
        elif item == "few_weeks":
            reasons.append(words["few_weeks"].format(n=document["settings"]["exposure"]["min_worn_weeks"]))
        elif item == "no_stance":
            reasons.append(words["no_stance"].format(limb=words[f"limb_{document['study']['primary_limb']}"]))
        else:
            reasons.append(words[item])
    return reasons


def weekly_chart(weekly: pd.DataFrame) -> dict | None:
    """Bar geometry of weekly km; unworn weeks are hatched, not drawn as zero."""
    if weekly.empty:
        return None
    width, height, left, bottom = CHART["width"], CHART["height"], CHART["left"], CHART["bottom"]
    step = (width - left - 10) / len(weekly)
    km = weekly["running_km"].astype(float)
    top = max(float(np.nanmax(km)) if km.notna().any() else 0.0, 10.0) * 1.1
    scale = (height - bottom - 10) / top
    bars = []
    for i, week in enumerate(weekly.itertuples()):
        bar = {"week": int(week.week), "x": left + i * step + 1, "width": step - 2, "worn": bool(week.worn)}
        if week.worn:
            kind, length = spike(week.ratio_to_prior_4wk), float(week.running_km) * scale
            bar |= {"kind": kind, "colour": SPIKE_COLOURS[kind], "km": float(week.running_km)}
            bar |= {"y": height - bottom - length, "height": length}
        bars.append(bar)
    ticks = [{"label": f"{t:.0f}", "y": height - bottom - t * scale} for t in np.linspace(0, top / 1.1, 5)]
    return {
        **CHART,
        "right": width - 10,
        "axis_y": height - bottom,
        "bars": bars,
        "ticks": ticks,
        "first": f"{weekly['week_start'].iloc[0]:%Y-%m-%d}",
        "last": f"{weekly['week_start'].iloc[-1]:%Y-%m-%d}",
    }


def trial_rows(measured: Measured, words: dict) -> list[dict]:
    rows = []
    for trial in measured.trials.itertuples():
        mine = measured.stances[measured.stances["trial"] == trial.trial] if len(measured.stances) else pd.DataFrame()
        valid = int((mine["qc_reason"] == "").sum()) if len(mine) else 0
        flags = sorted({str(r) for r in mine["qc_reason"] if r}) if len(mine) else []
        rows.append(
            {
                "trial": str(trial.trial),
                "source": str(trial.model_source or ""),
                "stances": words["stances"].format(valid=valid, total=len(mine)),
                "flags": "; ".join(flags) or "-",
            }
        )
    return rows


def is_binary(term: dict) -> bool:
    """A 0/1 term (sex): a percentile of it says nothing."""
    return set(term["percentiles"]) <= {0.0, 1.0}


def shown_binary(column: str, value: float, words: dict) -> str:
    if column == SEX_COLUMN:
        return words["female"] if value == 1 else words["male"]
    return words["yes"] if value == 1 else words["no"]


def term_rows(document: dict, measured: Measured, words: dict) -> tuple[list[dict], list[str]]:
    """The table of the model's terms for this runner, and a sentence for each measured, non-demographic
    one (terms the runner reported in runner.yaml are not findings)."""
    rows, said = [], []
    for term in document["terms"]:
        column = term["column"]
        value = measured.values.get(column)
        found = f"{term['ratio']:.2f} ({term['ci_low']:.2f}-{term['ci_high']:.2f})"
        row = {"label": term["label"], "column": column, "found": found, "missing": False, "percentile": None}
        if value is None:
            rows.append({**row, "missing": True})
        elif is_binary(term):
            rows.append({**row, "value": f"{value:g}", "shown": shown_binary(column, value, words)})
        else:
            where = model.percentile(term, value)
            rows.append({**row, "value": f"{value:.6g}", "shown": f"{value:.3g}", "percentile": where})
            if column not in measured.reported:
                said.append(words["said_term"].format(label=term["label"], percentile=f"{where:.0f}"))
    return rows, said


def context(document: dict, measured: Measured, lang: str) -> dict:
    """Everything the template shows, computed."""
    words = texts(lang)
    study, outcome = document["study"], document["outcome"]
    average = outcome["average_risk"]
    complete = all(t["column"] in measured.values for t in document["terms"])
    risk = model.predict(document, measured.values) if complete else None
    rows, said = term_rows(document, measured, words)
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
    limits = [words["limit_cases"].format(events=outcome["events"], n=outcome["n"]), words["limit_diagnosis"]]
    if len(measured.weekly):
        end = measured.weekly["week_start"].iloc[-1] + pd.Timedelta(days=6)
        limits.append(words["limit_window"].format(weeks=WINDOW_WEEKS, end=f"{end:%Y-%m-%d}"))
    if study["synthetic"]:
        limits.append(words["limit_synthetic"])
    commit = str(study["code_commit"])[:12] + (" (modified)" if study["code_dirty"] else "")
    return {
        "lang": lang,
        "words": words,
        "synthetic": study["synthetic"],
        "risk": risk,
        "risk_text": {k: percent(getattr(risk, k), lang) for k in ("risk", "low", "high")} if risk else None,
        "no_risk": words["no_risk"].format(what="; ".join(missing_reasons(measured.missing, document, words))),
        "average": average,
        "average_text": percent(average, lang),
        "terms": rows,
        "weeks_title": words["weeks"].format(weeks=WINDOW_WEEKS),
        "chart": weekly_chart(measured.weekly),
        "legend": words["legend"].format(
            moderate=number(SPIKE_THRESHOLDS["over13"], lang), high=number(SPIKE_THRESHOLDS["over15"], lang)
        ),
        "trials": trial_rows(measured, words),
        "problems": measured.problems,
        "summary": summary + said,
        "limits": limits,
        "model_line": words["model"].format(
            name=study["name"],
            n=outcome["n"],
            events=outcome["events"],
            config=study["config_sha256"][:12],
            commit=commit,
        ),
    }


def page(document: dict, measured: Measured, lang: str) -> str:
    return template().render(context(document, measured, lang)) + "\n"
