"""Every figure of the study, drawn again from the study run's tables, to a journal's standard: axes
labelled, no two texts on top of each other, the n and cases it states equal to the tables'."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.text import Text
from workflow_runner import demo_config

from runrisk.cohort.shards import TrialReading, first_readable_trial
from runrisk.io.surveillance import read_participants
from runrisk.report import figures


def read(run: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(run / "results" / name)


def overlapping_texts(fig) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts whose drawn boxes overlap by more than 2 square pixels."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = set()  # labels of ticks outside the view: matplotlib keeps them but does not draw them
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - span <= tick.get_loc() <= high + span:
                    hidden |= {id(tick.label1), id(tick.label2)}
    boxes = [
        (text.get_text(), text.get_window_extent(renderer))
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.get_figure() is fig and id(text) not in hidden
    ]
    pairs = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > 0 and height > 0 and width * height > 2:
                pairs.append((a, b))
    return pairs


def y_labelled(ax) -> bool:
    """A y label, unless the y ticks are themselves the labels (a forest plot's terms)."""
    named_ticks = any(
        t.get_text() and not t.get_text().replace(".", "").lstrip("−-").isdigit() for t in ax.get_yticklabels()
    )
    return bool(ax.get_ylabel().strip()) or named_ticks


def figures_of(run: Path) -> dict:
    analysis = read(run, "tables/analysis.parquet")
    firth = read(run, "models/firth.parquet")
    sensitivity = read(run, "models/sensitivity.parquet")
    return {
        "forest": figures.forest_plot(
            pd.concat([read(run, f"models/{m}.parquet") for m in ("logistic", "firth", "cox")])
        ),
        "sensitivity": figures.forest_plot(sensitivity.assign(model=sensitivity["analysis"])),
        "km": figures.km_by_tertile(analysis),
        "flow": figures.flow_diagram(read(run, "tables/flow.parquet")),
        "calibration": figures.calibration_figure(
            read(run, "models/calibration_curve.parquet"), read(run, "models/validation.parquet")
        ),
        "decision": figures.decision_curve_figure(read(run, "models/decision_curve.parquet")),
        "qc_trial": qc_figure(run),
        "_tables": (analysis, firth, sensitivity),
    }


def qc_figure(run: Path):
    raw = run / "resources/synthetic"
    participants = read_participants(raw / "participants.csv").set_index("raw_id")
    settings = TrialReading.from_config(demo_config()["biomechanics"])
    participant, label, trial, stances = first_readable_trial(raw, participants, participants.index[0], settings)
    title = f"participant {participant['participant_id']}, trial {label}"
    return figures.trial_qc_figure(trial, stances, title, settings.cop_threshold_n)


def stated_in(ax, table: pd.DataFrame) -> None:
    """The forest plot states the n and cases of its table: in the title when every model has the same,
    else in each model's legend entry."""
    sizes = table.drop_duplicates("model").set_index("model")[["n", "events"]].astype(int)
    if len(sizes.drop_duplicates()) == 1:
        n, cases = sizes.iloc[0]
        assert ax.get_title() == f"Achilles tendinopathy within one year: n = {n}, {cases} cases"
        return
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for model, (n, cases) in sizes.iterrows():
        entry = next(t for t in legend if t.startswith(figures.MODEL_LABELS.get(model, model)))
        assert entry.endswith(f"(n = {n}, {cases} cases)"), entry


def test_every_figure_is_labelled_uncluttered_and_states_the_tables_n(small_run):
    drawn = figures_of(small_run)
    analysis, firth, sensitivity = drawn.pop("_tables")
    for name, fig in drawn.items():
        assert overlapping_texts(fig) == [], name
        axes = [ax for ax in fig.axes if ax.axison and ax.has_data()]
        if name != "flow":  # panels sharing an x axis carry its label once, on the lowest
            assert axes and all(y_labelled(ax) for ax in axes) and any(ax.get_xlabel() for ax in axes), name
    n, cases = int(firth["n"].iloc[0]), int(firth["events"].iloc[0])
    assert n == len(analysis) and cases == int((analysis["status"] == "case").sum())
    coefficients = pd.concat([read(small_run, f"models/{m}.parquet") for m in ("logistic", "firth", "cox")])
    for name, table in (("forest", coefficients), ("sensitivity", sensitivity.assign(model=sensitivity["analysis"]))):
        stated_in(drawn[name].axes[0], table[table["status"] == "fitted"])
    calibration = drawn["calibration"].axes[0]
    assert re.search(rf"n = {n}, {cases} cases", calibration.get_title())
    assert any("LOWESS" in t.get_text() for t in calibration.get_legend().get_texts())
    assert drawn["calibration"].axes[1].get_xlabel() == "Predicted one-year risk"  # the histogram below
    decision = [t.get_text() for t in drawn["decision"].axes[0].get_legend().get_texts()]
    assert "model, apparent (in-sample)" in decision and "model, optimism-corrected (bootstrap)" in decision
    km = drawn["km"].axes[0]
    assert len(km.collections) >= 3  # a 95 % band per group
    assert "axis starts at" in km.get_ylabel() or km.get_ylim()[0] == 0
    flow = drawn["flow"].axes[0]
    boxes = {t.get_text().split("\n")[0]: t for t in flow.texts}
    assert {"Enrolled", "Analysed"} <= set(boxes)
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("figure", ["forest", "sensitivity", "km", "flow", "calibration", "decision", "qc_trial"])
def test_the_runs_figures_exist_as_png_and_svg(small_run, figure):
    names = {"km": "km_volume_tertiles", "decision": "decision_curve"}
    for ext in ("png", "svg"):
        assert (small_run / f"results/figures/{names.get(figure, figure)}.{ext}").stat().st_size > 5000
