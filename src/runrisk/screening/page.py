"""The screening page: one self-contained HTML file (inline CSS and SVG, no script, no network), so it
works offline and prints to PDF. The words come from one catalogue per language (texts/<lang>.yaml), the
markup from templates/page.html.j2 rendered by Jinja2 with autoescaping; this module computes what the
template shows (numbers, bar geometry, sentences) and nothing of the markup."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files

import jinja2
import numpy as np
import pandas as pd
import yaml

from runrisk.report.axes import Plot, month_ticks, nice_ticks, tick_label
from runrisk.screening import model
from runrisk.screening.measure import WINDOW_WEEKS, Measured
from runrisk.screening.wording import number

LANGUAGES = ("en", "nl")
# Week-to-week rises the chart colours: above these multiples of the previous four weeks' mean km
# (Nielsen et al. 2014's 30 % and a steeper 50 %); the legend states the same numbers.
SPIKE_THRESHOLDS = {"over13": 1.3, "over15": 1.5}
SPIKE_COLOURS = {"over15": "#c0392b", "over13": "#e67e22", "": "#2e86c1"}
SEX_COLUMN = "female"  # the covariate table's 0/1 column for sex (runrisk.cohort.outcomes.covariates)
CHART = {"width": 720, "height": 230, "left": 44, "bottom": 34, "top": 22, "right": 10}
RECENT_SPIKE_WEEKS = 8  # rises this recent are what the plain words' advice on the build-up is about


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


def weekly_chart(weekly: pd.DataFrame, words: dict, lang: str) -> dict | None:
    """Bar geometry of weekly km under round km ticks, months along the time axis; unworn weeks are
    hatched, not drawn as zero."""
    if weekly.empty:
        return None
    width, height = CHART["width"], CHART["height"]
    km = weekly["running_km"].astype(float)
    ticks = nice_ticks(float(np.nanmax(km)) if km.notna().any() else 0.0, floor=10.0)
    plot = Plot(CHART["left"], width - CHART["right"], CHART["top"], height - CHART["bottom"], ticks[-1])
    step = (plot.right - plot.left) / len(weekly)
    bars = []
    for i, week in enumerate(weekly.itertuples()):
        bar = {"week": int(week.week), "x": plot.left + i * step + 1, "width": step - 2, "worn": bool(week.worn)}
        if week.worn:
            kind, y = spike(week.ratio_to_prior_4wk), plot.y(float(week.running_km))
            bar |= {"kind": kind, "colour": SPIKE_COLOURS[kind], "km": float(week.running_km)}
            bar |= {"y": y, "height": plot.bottom - y, "start": f"{week.week_start:%Y-%m-%d}"}
        bars.append(bar)
    first, last = weekly["week_start"].iloc[0].date(), weekly["week_start"].iloc[-1].date()
    end = last + dt.timedelta(days=7)  # the last week's bar ends a week after its Monday
    return {
        **CHART,
        "plot": plot,
        "bars": bars,
        "ticks": [{"label": tick_label(t, lang), "y": plot.y(t)} for t in ticks],
        "months": month_ticks(first, end, words["months"].split(), plot.left, plot.right),
    }


def spike_weeks(weekly: pd.DataFrame) -> dict[str, int]:
    """How many worn weeks of the window rose above each threshold, and how many of the latest
    RECENT_SPIKE_WEEKS did."""
    worn = weekly[weekly["worn"].astype(bool)] if len(weekly) else weekly
    kinds = [spike(r) for r in worn["ratio_to_prior_4wk"]] if len(worn) else []
    recent = set(weekly["week"].tail(RECENT_SPIKE_WEEKS)) if len(weekly) else set()
    return {
        "over15": kinds.count("over15"),
        "over13": kinds.count("over13"),
        "recent": sum(1 for k, w in zip(kinds, worn["week"] if len(worn) else [], strict=True) if k and w in recent),
    }


def reconciliation(risk, average: float, volume: float | None, spikes: dict, words: dict, lang: str) -> str:
    """The risk and the chart in one paragraph: the model counts the year's mean weekly km, not how the km
    were spread, so red weeks and a low risk are both true; said only when the chart has coloured weeks."""
    if not spikes["over15"] + spikes["over13"]:
        return words["reconcile_even"]
    relation = words["said_higher"] if risk is not None and risk.risk > average else words["said_lower"]
    volume_text = f"{number(volume, lang)} km" if volume is not None else "-"
    text = words["reconcile_spikes"].format(
        high=spikes["over15"], moderate=spikes["over13"], volume=volume_text, **thresholds(lang)
    )
    if risk is not None:
        text += " " + words["reconcile_risk"].format(relation=relation)
    return text


def thresholds(lang: str) -> dict[str, str]:
    """The chart's two thresholds as the page's sentences write them."""
    return {"x_moderate": number(SPIKE_THRESHOLDS["over13"], lang), "x_high": number(SPIKE_THRESHOLDS["over15"], lang)}


def advice(risk, average: float, spikes: dict, words: dict, lang: str) -> list[str]:
    """What a coach could do next, drawn from the signals (load first, as the study found); never a
    diagnosis: pain is a physician's or physiotherapist's to judge."""
    said = []
    if spikes["recent"]:
        said.append(
            words["advice_recent_spikes"].format(n=spikes["recent"], weeks=RECENT_SPIKE_WEEKS, **thresholds(lang))
        )
    elif spikes["over15"] + spikes["over13"]:
        said.append(words["advice_past_spikes"])
    if risk is None:
        said.append(words["advice_no_risk"])
    elif risk.risk > average:
        said.append(words["advice_higher"])
    else:
        said.append(words["advice_lower"])
    said.append(words["advice_pain"])
    return said


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
    """A 0/1 term (sex): a percentile of it says nothing (the cohort's percentiles of a 0/1 column may
    interpolate between 0 and 1 at its median)."""
    return term["column"] == SEX_COLUMN or set(term["percentiles"]) <= {0.0, 1.0}


def shown_binary(column: str, value: float, words: dict) -> str:
    if column == SEX_COLUMN:
        return words["female"] if value == 1 else words["male"]
    return words["yes"] if value == 1 else words["no"]


def plain_name(term: dict, words: dict) -> str:
    """The page's name of a term: the catalogue's plain words for the study's columns, else the study's
    own label (a study with other terms)."""
    return words.get(f"name_{term['column']}", term["label"])


def with_unit(text: str, term: dict, words: dict) -> str:
    unit = words.get(f"unit_{term['column']}", "")
    return f"{text} {unit}" if unit else text


def finding(term: dict, words: dict) -> str:
    """The study's odds ratio as a coach reads it: which way the value went with more injuries, or no
    clear link when the interval holds 1."""
    if term["ci_low"] <= 1 <= term["ci_high"]:
        return words["found_unclear"]
    risk_rises_with_value = (term["ratio"] > 1) == (term["sign"] == 1)
    return words["found_up"] if risk_rises_with_value else words["found_down"]


def statistic(term: dict, words: dict, lang: str) -> str:
    """The statistician's name and numbers of a term, for the tooltip and the footnote."""
    ratio = number(term["ratio"], lang, 2)
    low, high = number(term["ci_low"], lang, 2), number(term["ci_high"], lang, 2)
    return words["statistic"].format(label=term["label"], ratio=ratio, low=low, high=high)


def shown_value(value: float, lang: str) -> str:
    """Three significant digits in the page's language (8.15, 0.214, 15.6; 8,15 in Dutch)."""
    text = f"{value:.3g}"
    return text.replace(".", ",") if lang == "nl" else text


def term_rows(document: dict, measured: Measured, words: dict, lang: str) -> list[dict]:
    """The table of the model's terms for this runner: plain name, value with its unit, place among the
    study's runners and what the study found; the statistician's words in a tooltip and footnote."""
    rows = []
    for number_, term in enumerate(document["terms"], start=1):
        column = term["column"]
        value = measured.values.get(column)
        row = {
            "label": plain_name(term, words),
            "note": number_,
            "statistic": statistic(term, words, lang),
            "column": column,
            "found": finding(term, words),
            "missing": False,
            "percentile": None,
        }
        if value is None:
            rows.append({**row, "missing": True})
        elif is_binary(term):
            rows.append({**row, "value": f"{value:g}", "shown": shown_binary(column, value, words)})
        else:
            where = model.percentile(term, value)
            shown = with_unit(shown_value(value, lang), term, words)
            place = words["percentile_cell"].format(percentile=f"{where:.0f}")
            rows.append({**row, "value": f"{value:.6g}", "shown": shown, "percentile": where, "place": place})
    return rows


def mean_worn_km(weekly: pd.DataFrame) -> float | None:
    worn = weekly[weekly["worn"].astype(bool)]["running_km"] if len(weekly) else pd.Series(dtype=float)
    return float(worn.mean()) if len(worn) else None


def context(document: dict, measured: Measured, lang: str) -> dict:
    """Everything the template shows, computed."""
    words = texts(lang)
    study, outcome = document["study"], document["outcome"]
    average = outcome["average_risk"]
    complete = all(t["column"] in measured.values for t in document["terms"])
    risk = model.predict(document, measured.values) if complete else None
    rows = term_rows(document, measured, words, lang)
    spikes = spike_weeks(measured.weekly)
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
    chart = weekly_chart(measured.weekly, words, lang)
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
        "chart": chart,
        "legend": words["legend"].format(
            moderate=number(SPIKE_THRESHOLDS["over13"], lang), high=number(SPIKE_THRESHOLDS["over15"], lang)
        ),
        "legend_items": [
            {
                "colour": SPIKE_COLOURS[kind],
                "kind": kind or "even",
                "text": words[f"legend_{kind or 'even'}"].format(
                    moderate=number(SPIKE_THRESHOLDS["over13"], lang), high=number(SPIKE_THRESHOLDS["over15"], lang)
                ),
            }
            for kind in ("", "over13", "over15")
        ],
        "reconcile": reconciliation(risk, average, mean_worn_km(measured.weekly), spikes, words, lang) if chart else "",
        "trials": trial_rows(measured, words),
        "problems": measured.problems,
        "summary": summary,
        "advice": advice(risk, average, spikes, words, lang),
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
