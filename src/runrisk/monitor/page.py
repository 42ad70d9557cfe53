"""The coach's pages: a squad page (runners ordered by what needs attention, as runrisk.monitor.triage
decides) and a page per runner with the season on a time axis beside the study model's baseline risk.
Self-contained HTML (inline CSS and SVG, no script, no network); words from texts/<lang>.yaml, markup
from Jinja2 templates with autoescaping; this module computes what the templates show and decides
nothing about a runner."""

from __future__ import annotations

from collections import namedtuple
from functools import cache
from importlib.resources import files

import jinja2
import numpy as np
import pandas as pd
import yaml

from runrisk.monitor import triage
from runrisk.monitor.load import CHRONIC_DAYS, FRANDSEN, NIELSEN, REDUCTION, SPIKE_RUN_CHANGE
from runrisk.monitor.tendon_load import carries_pace
from runrisk.monitor.triage import HIGH_ACWR, PAIN_ATTENTION, RECENT_WEEKS
from runrisk.report.axes import Plot, month_ticks, nice_span, nice_ticks, tick_label
from runrisk.screening.wording import number

LANGUAGES = ("en", "nl")
CHANGE_COLOURS = {
    REDUCTION: "#76b7b2",
    "under 10 %": "#2e86c1",
    "10-30 %": "#e67e22",
    "over 30 %": "#c0392b",
    "": "#c8ccce",
}
CHART = {"width": 760, "height": 300, "left": 44, "right": 44, "bottom": 86, "top": 22}
RPE_BAND = 36  # px under the symptom strip for the week's session-RPE load
RATIO_TOP = 2.5  # the right axis's top: a higher acute:chronic ratio is drawn on the plot's edge
MARK_COLOURS = {"run_spike": "#c0392b", "pain": "#f5b041", "pain_high": "#c0392b", "rpe": "#5d6d7e", "acwr": "#7d3c98"}


@cache
def texts(lang: str) -> dict:
    return yaml.safe_load(files("runrisk.monitor").joinpath("texts", f"{lang}.yaml").read_text(encoding="utf-8"))


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("runrisk.monitor", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def design_digest() -> str:
    """A digest of the pages' code, templates and words: a release that draws or words a page differently
    writes every page again (the pages' cache otherwise keys on what a page shows, not how)."""
    import hashlib

    digest = hashlib.sha256(files("runrisk.monitor").joinpath("page.py").read_bytes())
    for folder in ("templates", "texts"):
        for item in sorted(files("runrisk.monitor").joinpath(folder).iterdir(), key=lambda item: item.name):
            digest.update(item.name.encode() + item.read_bytes())
    return digest.hexdigest()


def shown(value, lang: str, digits: int = 1) -> str:
    return number(float(value), lang, digits) if value is not None and np.isfinite(float(value)) else "-"


def pace_text(minutes: float) -> str:
    """Minutes per km as a runner reads it: 5:38."""
    if not np.isfinite(minutes):
        return "-"
    whole, seconds = divmod(round(minutes * 60), 60)
    return f"{whole}:{seconds:02d}"


def acwr_text(value: float, days: int, lang: str) -> str:
    """The ratio, or why there is none: under 28 days of data is said, not shown as a number or a dash."""
    if np.isfinite(value):
        return number(float(value), lang, 2)
    return texts(lang)["acwr_history"].format(days=int(days), needed=CHRONIC_DAYS) if days < CHRONIC_DAYS else "-"


def change_text(value: float, lang: str) -> str:
    """A signed whole percentage: +12 %, -8 %, and 0 % for a change that rounds to none (never "-0 %")."""
    if not np.isfinite(value):
        return "-"
    whole = round(100 * value)
    return f"{'+' if whole > 0 else ''}{number(whole, lang, 0)} %" if whole else "0 %"


def category_text(name: str, lang: str) -> str:
    """A change category in the page's language ("-" for none)."""
    return texts(lang)["categories"].get(name, name) if name else "-"


def change_with_category(value: float, name: str, lang: str) -> str:
    """One cell for the change from the week before: the number, and its category beside it."""
    return f"{change_text(value, lang)} ({category_text(name, lang)})" if np.isfinite(value) else "-"


def spike_weeks(weeks: pd.DataFrame, lang: str) -> list[str]:
    """The recent weeks that raised a spike (triage's), each with what raised it in words."""
    words = texts(lang)
    found = []
    for spike in triage.spikes(weeks):
        raised = []
        if np.isfinite(spike.week_change):
            raised.append(words["spike_by_week"].format(change=change_text(spike.week_change, lang)))
        if np.isfinite(spike.run_change):
            raised.append(words["spike_by_run"].format(change=change_text(spike.run_change, lang)))
        found.append(words["spike_week"].format(week=f"{spike.week:%Y-%m-%d}", what=", ".join(raised)))
    return found


def weeks_text(mondays: list, words: dict) -> str:
    days = ", ".join(f"{monday:%Y-%m-%d}" for monday in mondays)
    return words["flag_week" if len(mondays) == 1 else "flag_weeks"].format(weeks=days)


def reason_texts(weeks: pd.DataFrame | None, reasons: list[str], lang: str) -> list[str]:
    """The attention reasons (triage's text keys) in words, each with the week that raised it (a spike's
    with what raised it)."""
    words = texts(lang)
    spikes = "; ".join(spike_weeks(weeks, lang)) if weeks is not None and len(weeks) else ""
    flagged = triage.flagged_weeks(weeks) if triage.REASON_TESTS.keys() & set(reasons) else {}
    said = []
    for key in reasons:
        if key in ("reason_spike", "reason_spike_symptoms") and spikes:
            said.append(f"{words[key]} ({spikes})")
        elif flagged.get(key):
            said.append(f"{words[key]} ({weeks_text(flagged[key], words)})")
        else:
            said.append(words[key])
    return said


def talk_text(weeks: pd.DataFrame | None, lang: str) -> str:
    """The line "what to talk about this week": triage's topics in words, joined."""
    words = texts(lang)
    said = []
    for topic in triage.talk_about(weeks):
        fields = {"week": f"{topic.week:%Y-%m-%d}" if topic.week is not None else ""}
        if np.isfinite(topic.value):
            fields["value"] = number(topic.value, lang, 2 if topic.key == "talk_acwr" else 0)
        if topic.key in ("talk_pain_too_much", "talk_pain_watch"):
            fields["rule"] = words["pain_rules"].get(topic.detail, "")
        if topic.key == "talk_dynamics":
            fields["what"] = ", ".join(words["gait_names"][name] for name in topic.detail.split(",") if name)
        text = words[topic.key].format(**fields)
        said.append(text[:1].upper() + text[1:])
    return " ".join(said)


VERDICT_COLOURS = {"acceptable": "#27ae60", "watch": "#f5b041", "too much": "#c0392b"}
RESPONSE_CHART = {"visa": 70, "pain": 70, "heel": 56, "strip": 12, "gap": 22}  # panel heights, px
NAMES = 120  # px right of the response and dynamics plots for their panels' names
PAIN_COLOURS = {"pain_during_max": "#c0392b", "pain_after_max": "#e67e22", "morning_pain": "#7d3c98"}
HEEL_COLOURS = {"heel_raise_left": "#2e86c1", "heel_raise_right": "#27ae60"}
VISA_COLOUR = "#2c3e50"
CAPACITY_COLOUR = "#5d6d7e"


def has_response(weeks: pd.DataFrame) -> bool:
    """Whether the runner's weeks hold any response value (numpy per column: a squad has 50 pages)."""
    columns = ["visa_a", "morning_pain", "pain_during_max", "pain_after_max", "heel_raise_left", "heel_raise_right"]
    columns += ["capacity_sessions"]
    return any(np.isfinite(weeks[c].to_numpy(float)).any() for c in columns if c in weeks)


def has_dynamics(weeks: pd.DataFrame) -> bool:
    return any(np.isfinite(weeks[c].to_numpy(float)).any() for c in GAIT_DIGITS if c in weeks)


def response_chart(weeks: pd.DataFrame, words: dict, lang: str = "en") -> dict:
    """The tendon's response on the season chart's time axis (the same left edge, week width and month
    ticks): VISA-A (0-100), pain 0-10 (during, after, morning) with the model's lines at 5 and 2, heel
    raises per side under round ticks, and a strip of the weeks' verdicts with the capacity sessions'
    count. Each panel is a plot rectangle its marks stay inside (a point's radius included)."""
    width, left, right = CHART["width"], CHART["left"], CHART["right"]
    heights, inset = RESPONSE_CHART, 4  # inset: a point's radius inside its panel
    n = max(len(weeks), 1)
    step = (width - left - right) / n
    visa_top = heights["gap"]
    pain_top = visa_top + heights["visa"] + heights["gap"]
    heel_top = pain_top + heights["pain"] + heights["gap"]
    strip_y = heel_top + heights["heel"] + heights["gap"]
    height = strip_y + heights["strip"] + 34
    heel_columns = [c for c in HEEL_COLOURS if c in weeks]
    heel_values = weeks[heel_columns].to_numpy(float) if heel_columns else np.array([])
    heel_ticks = nice_ticks(float(np.nanmax(heel_values)) if np.isfinite(heel_values).any() else 0.0, 2, 10.0)
    right_edge = width - right
    visa_plot = Plot(left, right_edge, visa_top + inset, visa_top + heights["visa"] - inset, 100)
    pain_plot = Plot(left, right_edge, pain_top + inset, pain_top + heights["pain"] - inset, 10)
    heel_plot = Plot(left, right_edge, heel_top + inset, heel_top + heights["heel"] - inset, heel_ticks[-1])
    visa, pain, heel, strip, capacity = [], [], [], [], []
    for i, week in enumerate(records(weeks)):
        x = left + i * step + step / 2
        day = f"{week.week_start:%Y-%m-%d}"
        if np.isfinite(week.visa_a):
            visa.append({"x": x, "y": visa_plot.y(week.visa_a), "week": day, "value": week.visa_a})
        for column, colour in PAIN_COLOURS.items():
            value = getattr(week, column)
            if np.isfinite(value):
                y = pain_plot.y(value)
                pain.append({"x": x, "y": y, "week": day, "value": value, "kind": column, "colour": colour})
        for column, colour in HEEL_COLOURS.items():
            value = getattr(week, column)
            if np.isfinite(value):
                y = heel_plot.y(value)
                heel.append({"x": x, "y": y, "week": day, "value": value, "kind": column, "colour": colour})
        if week.pain_verdict:
            cell = {"x": x - step / 2 + 1, "width": max(step - 2, 1), "week": day}
            strip.append(
                cell
                | {"verdict": week.pain_verdict, "rule": week.pain_rule, "colour": VERDICT_COLOURS[week.pain_verdict]}
            )
        if np.isfinite(week.capacity_sessions) and week.capacity_sessions > 0:
            capacity.append({"x": x, "week": day, "value": int(week.capacity_sessions)})
    first = weeks["week_start"].iloc[0].date()
    months = month_ticks(first, first + pd.Timedelta(days=7 * n), words["months"].split(), left, right_edge)
    panel = {"left": left, "width": right_edge - left}
    return {
        "width": width + NAMES,
        "height": height,
        "left": left,
        "plot_right": right_edge,
        "panels": [
            panel | {"id": "visa-plot", "top": visa_top, "height": heights["visa"]},
            panel | {"id": "pain-plot", "top": pain_top, "height": heights["pain"]},
            panel | {"id": "heel-plot", "top": heel_top, "height": heights["heel"]},
            panel | {"id": "verdict-plot", "top": strip_y, "height": heights["strip"]},
        ],
        "visa": visa,
        "visa_line": " ".join(f"{p['x']:.1f},{p['y']:.1f}" for p in visa),
        "visa_ticks": [{"label": tick_label(v, lang), "y": visa_plot.y(v)} for v in (0, 50, 100)],
        "pain": pain,
        "pain_ticks": [{"label": tick_label(v, lang), "y": pain_plot.y(v)} for v in (0, 2, 5, 10)],
        "pain_top": pain_top,
        "limit_y": pain_plot.y(5),
        "safe_y": pain_plot.y(2),
        "heel": heel,
        "heel_ticks": [{"label": tick_label(v, lang), "y": heel_plot.y(v)} for v in heel_ticks],
        "heel_top": heel_top,
        "strip": strip,
        "strip_y": strip_y,
        "strip_height": heights["strip"],
        "capacity": capacity,
        "capacity_y": strip_y + heights["strip"] + 11,
        "months": months,
        "months_y": strip_y + heights["strip"] + 28,
        "visa_colour": VISA_COLOUR,
        "capacity_colour": CAPACITY_COLOUR,
    }


@cache
def response_legend(lang: str) -> list[dict]:
    """One entry per colour of the response chart: VISA-A, the three pains, the two sides' heel raises,
    the three verdicts and the capacity count."""
    words = texts(lang)
    entries = [(VISA_COLOUR, words["legend_visa"], "line")]
    entries += [(colour, words[f"legend_{column}"], "dot") for column, colour in PAIN_COLOURS.items()]
    entries += [(colour, words[f"legend_{column}"], "square") for column, colour in HEEL_COLOURS.items()]
    entries += [(colour, words["verdicts"][verdict], "strip") for verdict, colour in VERDICT_COLOURS.items()]
    entries.append((CAPACITY_COLOUR, words["legend_capacity"], "text"))
    return [{"colour": colour, "text": text, "shape": shape} for colour, text, shape in entries]


def response_rows(weeks: pd.DataFrame, lang: str) -> list[dict]:
    """The weeks with a response logged, latest first: verdict and rule in words, the numbers."""
    words = texts(lang)
    rows = []
    for week in reversed(records(weeks)):
        values = (week.visa_a, week.morning_pain, week.morning_stiffness, week.pain_during_max, week.pain_after_max)
        heel = (week.heel_raise_left, week.heel_raise_right, week.capacity_sessions)
        if not week.pain_verdict and not any(np.isfinite(v) for v in (*values, *heel[:2])):
            continue
        rows.append(
            {
                "week": f"{week.week_start:%Y-%m-%d}",
                "verdict": week.pain_verdict,
                "verdict_text": words["verdicts"].get(week.pain_verdict, "-") if week.pain_verdict else "-",
                "rule": week.pain_rule,
                "rule_text": words["pain_rules"].get(week.pain_rule, "-") if week.pain_rule else "-",
                "colour": VERDICT_COLOURS.get(week.pain_verdict, ""),
                "visa_a": shown(week.visa_a, lang, 0),
                "visa_value": f"{week.visa_a:.0f}" if np.isfinite(week.visa_a) else "",
                "morning_pain": shown(week.morning_pain, lang),
                "morning_stiffness": shown(week.morning_stiffness, lang),
                "pain_during": shown(week.pain_during_max, lang, 0),
                "pain_after": shown(week.pain_after_max, lang, 0),
                "heel_left": shown(week.heel_raise_left, lang, 0),
                "heel_right": shown(week.heel_raise_right, lang, 0),
                "capacity": shown(week.capacity_sessions, lang, 0),
            }
        )
    return rows


GAIT_DIGITS = {"cadence_spm": 0, "stance_time_ms": 0, "vertical_oscillation_mm": 0, "step_length_mm": 0}
GAIT_HEADERS = {  # the measures' names with their units (texts' table headers)
    "cadence_spm": "cadence",
    "stance_time_ms": "stance_time",
    "vertical_oscillation_mm": "vertical_oscillation",
    "step_length_mm": "step_length",
}


def dynamics_rows(weeks: pd.DataFrame, lang: str) -> list[dict]:
    """The weeks whose runs carried running dynamics, latest first, each value with whether it lies
    outside the runner's usual spread (load.unusual_dynamics)."""
    rows = []
    for week in reversed(records(weeks)):
        if not any(np.isfinite(getattr(week, c)) for c in GAIT_DIGITS):
            continue
        marked = set(str(week.dynamics_unusual or "").split(","))
        cells = [
            {"name": c, "text": shown(getattr(week, c), lang, d), "unusual": c in marked}
            for c, d in GAIT_DIGITS.items()
        ]
        rows.append({"week": f"{week.week_start:%Y-%m-%d}", "cells": cells})
    return rows


DYNAMICS_PANEL = 46  # px per measure in the dynamics chart
DYNAMICS_GAP = 18  # px between its panels (their ticks apart)
DYNAMICS_COLOURS = {"usual": "#5d6d7e", "unusual": "#c0392b"}


def dynamics_chart(weeks: pd.DataFrame, words: dict, lang: str = "en") -> dict | None:
    """Each running-dynamics measure as a line on the season's time axis (the load chart's left edge,
    week width and month ticks), one panel a measure between round ticks around its own range, weeks
    outside the runner's usual spread red; every point inside its panel, radius included."""
    width, left, right = CHART["width"], CHART["left"], CHART["right"]
    n = max(len(weeks), 1)
    step = (width - left - right) / n
    inset = 4  # the largest point's radius
    panels = []
    for column in GAIT_DIGITS:
        values = weeks[column].to_numpy(float)
        if not np.isfinite(values).any():
            continue
        ticks = nice_span(float(np.nanmin(values)), float(np.nanmax(values)))
        top = 10 + len(panels) * (DYNAMICS_PANEL + DYNAMICS_GAP)
        plot = Plot(left, width - right, top + inset, top + DYNAMICS_PANEL - inset, ticks[-1], ticks[0])
        marked = [column in str(mark or "").split(",") for mark in weeks["dynamics_unusual"]]
        points = [
            {
                "x": left + i * step + step / 2,
                "y": plot.y(value),
                "week": f"{day:%Y-%m-%d}",
                "value": value,
                "unusual": unusual,
                "colour": DYNAMICS_COLOURS["unusual" if unusual else "usual"],
            }
            for i, (day, value, unusual) in enumerate(zip(weeks["week_start"], values, marked, strict=True))
            if np.isfinite(value)
        ]
        line = " ".join(f"{p['x']:.1f},{p['y']:.1f}" for p in points)
        label = words[GAIT_HEADERS[column]]
        panels.append(
            {
                "name": column,
                "id": f"dynamics-{column}-plot",
                "label": label,
                "top": top,
                "ticks": [{"label": tick_label(t, lang), "y": plot.y(t)} for t in (ticks[0], ticks[-1])],
                "points": points,
                "line": line,
            }
        )
    if not panels:
        return None
    height = 10 + len(panels) * (DYNAMICS_PANEL + DYNAMICS_GAP) + 8
    first = weeks["week_start"].iloc[0].date()
    months = month_ticks(first, first + pd.Timedelta(days=7 * n), words["months"].split(), left, width - right)
    chart = {"width": width + NAMES, "height": height, "left": left, "plot_right": width - right}
    legend = [
        {"colour": DYNAMICS_COLOURS["usual"], "text": words["legend_dynamics"], "shape": "line"},
        {"colour": DYNAMICS_COLOURS["unusual"], "text": words["legend_dynamics_unusual"], "shape": "dot"},
    ]
    return chart | {"panels": panels, "panel_height": DYNAMICS_PANEL, "months": months, "legend": legend}


def records(weeks: pd.DataFrame) -> list:
    """The weeks as named tuples (columns to lists once: pandas' itertuples costs three times as much)."""
    Week = namedtuple("Week", weeks.columns)
    return [Week(*row) for row in zip(*(weeks[column].tolist() for column in weeks.columns), strict=True)]


def season_chart(weeks: pd.DataFrame, words: dict, lang: str = "en") -> dict:
    """Weekly km bars (coloured by week-to-week change) under round km ticks, a marker over weeks with a
    run 30 % longer than the recent longest, the acute:chronic ratio line (right axis, 0-2.5); under the
    axis the symptom strip (worst pain) and the week's session-RPE load (Foster's RPE x minutes), all on one
    time axis with a tick per month. Every mark is kept inside its plot (runrisk.report.axes.Plot)."""
    width, height = CHART["width"], CHART["height"]
    left, right, bottom, top = CHART["left"], CHART["right"], CHART["bottom"], CHART["top"]
    n = max(len(weeks), 1)
    axis_y = height - bottom
    km_ticks = nice_ticks(float(weeks["km"].max()) if len(weeks) else 0.0, floor=10.0)
    km = Plot(left, width - right, top, axis_y, km_ticks[-1])
    ratio = Plot(left, width - right, top, axis_y, RATIO_TOP)
    step = (km.right - km.left) / n
    strip_y, rpe_base = axis_y + 6, axis_y + 6 + 10 + RPE_BAND
    rpe_top = float(weeks["srpe_au"].max()) if len(weeks) and weeks["srpe_au"].notna().any() else 0.0
    rpe_plot = Plot(left, width - right, rpe_base - RPE_BAND, rpe_base, rpe_top)
    bars, markers, strip, line, rpe = [], [], [], [], []
    for i, week in enumerate(records(weeks)):
        x = left + i * step
        y = km.y(float(week.km))
        day = f"{week.week_start:%Y-%m-%d}"
        bars.append(
            {
                "x": x + 1,
                "y": y,
                "width": max(step - 2, 1),
                "height": axis_y - y,
                "colour": CHANGE_COLOURS[week.change_category],
                "week": day,
                "km": float(week.km),
            }
        )
        if week.longest_run_change > SPIKE_RUN_CHANGE:
            tip = max(y - 2, km.top + 6)  # a triangle over the bar, or on it when the bar reaches the top
            half = min(4.0, max(step / 2 - 0.5, 1.0))
            markers.append({"x": x + step / 2, "y": tip, "half": half, "week": day})
        if week.symptom_days > 0 or week.pain_max > 0:
            pain = float(week.pain_max) if np.isfinite(week.pain_max) else 0.0
            high = week.substantial or pain >= PAIN_ATTENTION
            strip.append(
                {
                    "x": x + 1,
                    "width": max(step - 2, 1),
                    "y": strip_y,
                    "pain": pain,
                    "week": day,
                    "colour": MARK_COLOURS["pain_high" if high else "pain"],
                }
            )
        if np.isfinite(week.srpe_au) and rpe_top > 0:
            value = float(week.srpe_au)
            tall = rpe_base - rpe_plot.y(value)
            bar = {"x": x + 1, "y": rpe_base - tall, "width": max(step - 2, 1), "height": tall}
            rpe.append(bar | {"week": day, "value": value})
        if np.isfinite(week.acwr):
            line.append(f"{x + step / 2:.1f},{ratio.y(float(week.acwr)):.1f}")
    first = weeks["week_start"].iloc[0].date() if len(weeks) else None
    months = (
        month_ticks(first, first + pd.Timedelta(days=7 * n), words["months"].split(), km.left, km.right)
        if first
        else []
    )
    return {
        **CHART,
        "axis_y": axis_y,
        "plot_right": km.right,
        "plot": km,
        "bars": bars,
        "markers": markers,
        "strip": strip,
        "strip_y": strip_y,
        "rpe": rpe,
        "rpe_base": rpe_base,
        "rpe_top": rpe_top,
        "rpe_top_text": shown(rpe_top, lang, 0),
        "line": " ".join(line),
        "km_ticks": [{"label": tick_label(t, lang), "y": km.y(t)} for t in km_ticks],
        "ratio_ticks": [{"label": tick_label(r, lang), "y": ratio.y(r)} for r in (0.5, 1.0, 1.5, 2.0, 2.5)],
        "months": months,
        "high_y": ratio.y(HIGH_ACWR),
        "colours": MARK_COLOURS,
    }


@cache
def legend(lang: str) -> list[dict]:
    """One entry per colour the chart uses: the change categories (and grey, no change to compute), the
    run-spike triangle, the symptom strip's two colours, the sRPE bars and the ratio line."""
    words = texts(lang)
    nielsen = [category_text(label, lang) for _, label in NIELSEN] + [category_text(REDUCTION, lang)]
    under, middle, over, reduction = nielsen
    change = [
        (CHANGE_COLOURS["under 10 %"], words["legend_change"].format(category=under), "bar"),
        (CHANGE_COLOURS["10-30 %"], words["legend_change"].format(category=middle), "bar"),
        (CHANGE_COLOURS["over 30 %"], words["legend_change"].format(category=over), "bar"),
        (CHANGE_COLOURS[REDUCTION], words["legend_change"].format(category=reduction), "bar"),
        (CHANGE_COLOURS[""], words["legend_no_change"], "bar"),
    ]
    marks = [
        (MARK_COLOURS["run_spike"], words["legend_run_spike"], "triangle"),
        (MARK_COLOURS["pain"], words["legend_pain"], "strip"),
        (MARK_COLOURS["pain_high"], words["legend_pain_high"], "strip"),
        (MARK_COLOURS["rpe"], words["legend_rpe"], "bar"),
        (MARK_COLOURS["acwr"], words["legend_acwr"], "line"),
    ]
    return [{"colour": colour, "text": text, "shape": shape} for colour, text, shape in change + marks]


def week_rows(weeks: pd.DataFrame, lang: str) -> list[dict]:
    rows = []
    for week in reversed(records(weeks)):
        rows.append(
            {
                "week": f"{week.week_start:%Y-%m-%d}",
                "runs": int(week.runs),
                "km": shown(week.km, lang),
                "km_value": f"{week.km:.3f}",
                "time": shown(week.run_time_min, lang, 0),
                "pace": pace_text(week.pace_min_per_km),
                "ascent": shown(week.ascent_m, lang, 0),
                "longest": shown(week.longest_km, lang),
                "hard": shown(week.hard_hr_min, lang, 0),
                "srpe": shown(week.srpe_au, lang, 0),
                "change": change_with_category(week.change, week.change_category, lang),
                "change_value": f"{week.change:.6f}" if np.isfinite(week.change) else "",
                "change_category": week.change_category,
                "run_category": category_text(week.run_category, lang),
                "acwr": acwr_text(week.acwr, week.data_days, lang),
                "acwr_value": f"{week.acwr:.6f}" if np.isfinite(week.acwr) else "",
                "pain": shown(week.pain_max, lang, 0),
                "ostrc": shown(week.ostrc_max, lang, 0),
                "substantial": bool(week.substantial),
                "spike": bool(week.spike),
            }
        )
    return rows


def risk_view(baseline, lang: str) -> dict | None:
    if baseline is None:
        return None
    risk = baseline.risk
    return {
        "value": f"{risk.risk:.6f}",
        "text": f"{number(100 * risk.risk, lang)} %",
        "interval": f"{number(100 * risk.low, lang)}-{number(100 * risk.high, lang)} %",
        "first": baseline.window[0],
        "last": baseline.window[1],
    }


def runner_page(person, risk, document: dict | None, lang: str, problems: list[str]) -> str:
    words = texts(lang)
    weeks = person.weeks if person.weeks is not None else pd.DataFrame()
    rank, reasons = triage.attention(person.weeks)
    responded = bool(len(weeks)) and has_response(weeks)
    recorded = bool(len(weeks)) and has_dynamics(weeks)
    return (
        environment()
        .get_template("runner.html.j2")
        .render(
            lang=lang,
            words=words,
            label=person.label,
            reasons=reason_texts(person.weeks, reasons, lang),
            talk=talk_text(person.weeks, lang),
            chart=season_chart(weeks, words, lang) if len(weeks) else None,
            legend=legend(lang),
            response=response_chart(weeks, words, lang) if responded else None,
            response_legend=response_legend(lang),
            response_rows=response_rows(weeks, lang) if responded else [],
            dynamics=dynamics_rows(weeks, lang) if recorded else [],
            dynamics_chart=dynamics_chart(weeks, words, lang) if recorded else None,
            weeks=week_rows(weeks, lang) if len(weeks) else [],
            risk=risk_view(risk, lang),
            no_risk=words[risk_absence(person, document)],
            model=model_line(document, words),
            synthetic=bool(document and document["study"]["synthetic"]),
            problems=problems,
            not_counted=person.not_counted,
            hard_from=words["hard_from"].format(bpm=f"{person.hard_from_bpm:.0f}")
            if np.isfinite(person.hard_from_bpm)
            else "",
            others=", ".join(f"{words['activity_types'].get(kind, kind)} {n}" for kind, n in person.other_activities),
            nielsen=[category_text(label, lang) for _, label in NIELSEN] + [category_text(REDUCTION, lang)],
            frandsen=[category_text(label, lang) for _, label in FRANDSEN],
            colours=CHANGE_COLOURS,
            tendon=tendon_view(person, weeks, lang, words),
        )
    )


def tendon_view(person, weeks: pd.DataFrame, lang: str, words: dict) -> dict | None:
    """The tendon load block (runrisk.monitor.tendon_load): None for a runner without lab trials (their
    page is as before), else the weeks' km and load beside each other, the trials it rests on, or why none."""
    lab = person.tendon
    if not person.has_trials:
        return None
    if lab is None or not lab.usable:
        reason = lab.reason if lab is not None else words["tendon_no_model"]
        return {"reason": reason, "date": lab.trial_date if lab is not None else ""}
    column = weeks["tendon_load_bws"] if "tendon_load_bws" in weeks else pd.Series(dtype=float)
    rows = [
        {
            "week": f"{week.week_start:%Y-%m-%d}",
            "km": shown(week.km, lang),
            "load": shown(load, lang, 0),
            "load_value": f"{load:.3f}" if np.isfinite(load) else "",
        }
        for week, load in zip(reversed(records(weeks)), reversed(column.to_numpy(float).tolist()), strict=True)
    ]
    speed = words["tendon_speed"].format(speed=shown(lab.speed_m_s, lang)) if np.isfinite(lab.speed_m_s) else ""
    rests_on = words["tendon_rests_on"].format(
        date=lab.trial_date,
        trials=lab.trials,
        stances=lab.stances,
        peak=shown(lab.peak_bw, lang),
        impulse=shown(lab.impulse_bws, lang, 2),
    )
    assumptions = words["tendon_assumptions"].format(arm=shown(lab.moment_arm_m * 100, lang))
    if not carries_pace(lab, person.tendon_relation):  # said, never a silently different number
        assumptions += " " + words["tendon_no_relation" if person.tendon_relation is None else "tendon_no_trial_speed"]
    return {
        "reason": "",
        "date": lab.trial_date,
        "rows": rows,
        "rests_on": f"{rests_on}{speed}",
        "assumptions": assumptions,
    }


def risk_absence(person, document: dict | None) -> str:
    """Why a runner has no baseline risk (a text key), in the order runrisk.monitor.season looks: no
    study model, no runner.yaml, no gait trials, or trials that did not give every value."""
    if document is None:
        return "no_risk_no_model"
    if person.runner is None:
        return "no_risk_no_runner"
    return "no_trials" if not person.has_trials else "no_risk_measured"


def verdict_view(weeks: pd.DataFrame | None) -> dict | None:
    """The squad page's verdict cell: triage's worst recent verdict, its rule and week (None without)."""
    found = triage.recent_verdict(weeks)
    if found is None:
        return None
    verdict, rule, week = found
    return {"verdict": verdict, "rule": rule, "week": f"{week:%Y-%m-%d}"}


def model_line(document: dict | None, words: dict) -> str:
    if document is None:
        return words["no_model"]
    study = document["study"]
    return words["model"].format(name=study["name"], n=document["outcome"]["n"], events=document["outcome"]["events"])


def iso_week_edge(day, weekday: int):
    """The Monday (0) or Sunday (6) of `day`'s ISO week: the squad page's weeks run Monday to Sunday, so the
    span it names starts and ends where its first and last week do, not on the first run's day."""
    day = pd.Timestamp(day)
    return day + pd.Timedelta(days=weekday - day.weekday())


def squad_page(runners: list, risks: dict, document: dict | None, lang: str, first, last) -> str:
    words = texts(lang)
    rows = []
    for person in triage.ordered(runners):
        rank, reasons = triage.attention(person.weeks)
        weeks = person.weeks if person.weeks is not None else pd.DataFrame()
        latest = weeks.iloc[-1] if len(weeks) else None
        last_weeks = triage.recent(weeks) if len(weeks) else weeks
        rows.append(
            {
                "label": person.label,
                "slug": person.slug,
                "rank": rank,
                "reasons": reason_texts(person.weeks, reasons, lang),
                "talk": talk_text(person.weeks, lang),
                "verdict": verdict_view(person.weeks),
                "km": shown(latest["km"], lang) if latest is not None else "-",
                "km_value": f"{latest['km']:.3f}" if latest is not None else "",
                "change": change_with_category(latest["change"], latest["change_category"], lang)
                if latest is not None
                else "-",
                "change_value": f"{latest['change']:.6f}"
                if latest is not None and np.isfinite(latest["change"])
                else "",
                "run_category": category_text(latest["run_category"], lang) if latest is not None else "-",
                "acwr": acwr_text(latest["acwr"], latest["data_days"], lang) if latest is not None else "-",
                "acwr_value": f"{latest['acwr']:.6f}" if latest is not None and np.isfinite(latest["acwr"]) else "",
                "symptom_days": int(last_weeks["symptom_days"].sum()) if len(last_weeks) else 0,
                "risk": risk_view(risks.get(person.slug), lang),
                "no_risk": words["risk_absent"][risk_absence(person, document)],
                "problems": len(person.problems),
            }
        )
    problems = [{"label": p.label, "slug": p.slug, "files": p.problems} for p in runners if p.problems]
    return (
        environment()
        .get_template("squad.html.j2")
        .render(
            lang=lang,
            words=words,
            rows=rows,
            problems=problems,
            model=model_line(document, words),
            first=f"{iso_week_edge(first, 0):%Y-%m-%d}" if first is not None else "-",
            last=f"{iso_week_edge(last, 6):%Y-%m-%d}" if last is not None else "-",
            recent=RECENT_WEEKS,
            synthetic=bool(document and document["study"]["synthetic"]),
        )
    )
