"""Every figure of the study, drawn again from the study run's tables, to a journal's standard: axes
labelled, no two texts on top of each other, the n and cases it states equal to the tables'."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image
from workflow_runner import demo_config

from runrisk.cohort.shards import TrialReading, first_readable_trial
from runrisk.io.surveillance import read_participants
from runrisk.report import figures
from runrisk.tendon.study import TendonSettings, first_view


def read(run: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(run / "results" / name)


def drawn_texts(fig) -> list[Text]:
    """The visible, non-empty texts a reader sees (not the labels of ticks outside the view: matplotlib keeps
    them but does not draw them)."""
    fig.canvas.draw()
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - span <= tick.get_loc() <= high + span:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return [
        text
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.get_figure() is fig and id(text) not in hidden
    ]


def overlapping_texts(fig) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts whose drawn boxes overlap by more than 2 square pixels."""
    renderer = fig.canvas.get_renderer()
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in drawn_texts(fig)]
    pairs = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > 0 and height > 0 and width * height > 2:
                pairs.append((a, b))
    return pairs


def y_labelled(ax) -> bool:
    """A y label, unless the y ticks are themselves the labels (a forest plot's terms) or the panel shares
    its y axis with a labelled one in its row (small multiples)."""
    named_ticks = any(
        t.get_text() and not t.get_text().replace(".", "").lstrip("−-").isdigit() for t in ax.get_yticklabels()
    )
    shared = ax.get_shared_y_axes().get_siblings(ax)
    return any(a.get_ylabel().strip() for a in shared) or named_ticks


def figures_of(run: Path) -> dict:
    analysis = read(run, "tables/analysis.parquet")
    firth = read(run, "models/firth.parquet")
    sensitivity = read(run, "models/sensitivity.parquet")
    return {
        "forest": figures.forest_plot(
            pd.concat([read(run, f"models/{m}.parquet") for m in ("logistic", "firth", "cox")])
        ),
        "sensitivity": figures.forest_plot(sensitivity.assign(model=sensitivity["analysis"])),
        "km": figures.km_by_volume_group(analysis),
        "flow": figures.flow_diagram(read(run, "tables/flow.parquet")),
        "calibration": figures.calibration_figure(
            read(run, "models/calibration_curve.parquet"), read(run, "models/validation.parquet")
        ),
        "decision": figures.decision_curve_figure(read(run, "models/decision_curve.parquet")),
        "qc_trial": qc_figure(run),
        "tendon_qc": tendon_figure(run),
        "_tables": (analysis, firth, sensitivity),
    }


def qc_figure(run: Path):
    raw = run / "resources/synthetic"
    participants = read_participants(raw / "participants.csv").set_index("raw_id")
    settings = TrialReading.from_config(demo_config()["biomechanics"])
    participant, label, trial, stances = first_readable_trial(raw, participants, participants.index[0], settings)
    title = f"participant {participant['participant_id']}, trial {label}"
    return figures.trial_qc_figure(trial, stances, title, settings.cop_threshold_n)


def tendon_figure(run: Path):
    raw = run / "resources/synthetic"
    participants = read_participants(raw / "participants.csv").set_index("raw_id")
    settings = TendonSettings.from_config(demo_config()["tendon"])
    tendon = read(run, "tables/tendon.parquet")
    who, view = first_view(raw, participants, participants.index[0], tendon, settings)
    return figures.tendon_qc_figure(view, f"participant {who}")


def stated_in(ax, table: pd.DataFrame) -> None:
    """The forest plot states the n and cases of its table: in the title when every model has the same,
    else in each model's legend entry."""
    sizes = table.drop_duplicates("model").set_index("model")[["n", "events"]].astype(int)
    if len(sizes.drop_duplicates()) == 1:
        n, cases = sizes.iloc[0]
        assert ax.get_title() == f"Achilles tendinopathy within one year: n = {n}, {cases} cases"
        return
    legend = [t.get_text().replace("\n", " ") for t in legend_of(ax).get_texts()]
    for model, (n, cases) in sizes.iterrows():
        entry = next(t for t in legend if t.startswith(figures.MODEL_LABELS.get(model, model)))
        assert entry.endswith(f"(n = {n}, {cases} cases)"), entry


def legend_of(ax):
    """The axes' legend, or its figure's (a legend placed beside or under the plot)."""
    return ax.get_legend() or ax.get_figure().legends[0]


def test_every_figure_is_labelled_uncluttered_and_states_the_tables_n(small_run):
    drawn = figures_of(small_run)
    analysis, firth, sensitivity = drawn.pop("_tables")
    for name, fig in drawn.items():
        assert overlapping_texts(fig) == [], name
        axes = [ax for ax in fig.axes if ax.axison and ax.has_data()]
        if name not in ("flow", "tendon_qc"):  # a diagram and images (their edges named, a scale bar) have no axes
            assert axes and all(y_labelled(ax) for ax in axes) and any(ax.get_xlabel() for ax in axes), name
    n, cases = int(firth["n"].iloc[0]), int(firth["events"].iloc[0])
    assert n == len(analysis) and cases == int((analysis["status"] == "case").sum())
    coefficients = pd.concat([read(small_run, f"models/{m}.parquet") for m in ("logistic", "firth", "cox")])
    for name, table in (("forest", coefficients), ("sensitivity", sensitivity.assign(model=sensitivity["analysis"]))):
        stated_in(drawn[name].axes[0], table[table["status"] == "fitted"])
    calibration = drawn["calibration"].axes[0]
    assert re.search(rf"n = {n}, {cases} cases", calibration.get_title())
    assert any("LOWESS" in t.get_text() for t in legend_of(calibration).get_texts())
    assert drawn["calibration"].axes[-1].get_xlabel() == "Predicted one-year risk"  # the histograms below
    decision = [t.get_text() for t in drawn["decision"].axes[0].get_legend().get_texts()]
    assert "model, apparent (in-sample)" in decision and "model, optimism-corrected (bootstrap)" in decision
    flow = drawn["flow"].axes[0]
    boxes = {t.get_text().split("\n")[0]: t for t in flow.texts}
    assert {"Enrolled", "Analysed"} <= set(boxes)
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("figure", ["forest", "sensitivity", "km", "flow", "calibration", "decision", "qc_trial"])
def test_the_runs_figures_exist_as_png_and_svg(small_run, figure):
    names = {"km": "km_volume_groups", "decision": "decision_curve"}
    for ext in ("png", "svg"):
        assert (small_run / f"results/figures/{names.get(figure, figure)}.{ext}").stat().st_size > 5000


# A journal's figure (BMJ/BJSM artwork guidance): one column 85 mm or two columns 175 mm wide, at most
# 234 mm tall, 300 dpi, text at least 7 pt at that print size, every mark visible, nothing outside its axes.
COLUMN_WIDTHS_MM = (85, 175)
MAX_HEIGHT_MM = 234
MIN_TEXT_PT = 7


def points(fig, pixels: float) -> float:
    return pixels * 72 / fig.dpi


def test_every_figure_is_drawn_at_a_journals_size_and_text_size(small_run, tmp_path):
    drawn = figures_of(small_run)
    drawn.pop("_tables")
    for name, fig in drawn.items():
        width, height = (25.4 * x for x in fig.get_size_inches())
        assert any(abs(width - w) < 0.5 for w in COLUMN_WIDTHS_MM), (name, width)
        assert height <= MAX_HEIGHT_MM, (name, height)
        small = sorted(
            {(t.get_text()[:30], t.get_fontsize()) for t in drawn_texts(fig) if t.get_fontsize() < MIN_TEXT_PT}
        )
        assert small == [], name
        canvas = fig.bbox
        renderer = fig.canvas.get_renderer()
        for text in drawn_texts(fig):  # nothing cut off at the figure's edge
            box = text.get_window_extent(renderer)
            assert box.x0 >= canvas.x0 - 1 and box.x1 <= canvas.x1 + 1, (name, text.get_text()[:40])
            assert box.y0 >= canvas.y0 - 1 and box.y1 <= canvas.y1 + 1, (name, text.get_text()[:40])
    figures.save(drawn["forest"], tmp_path / "forest.png", tmp_path / "forest.svg")
    with Image.open(tmp_path / "forest.png") as png:  # the file is the print size at 300 dpi
        assert abs(png.size[0] - 175 / 25.4 * 300) <= 1 and png.info["dpi"][0] == pytest.approx(300, abs=0.5)
    assert (tmp_path / "forest.svg").read_text().count("<svg") == 1
    matplotlib.pyplot.close("all")


def test_calibration_case_bars_are_visible_and_the_smoother_stays_inside_its_axes(small_run):
    fig = figures_of(small_run)["calibration"]
    fig.canvas.draw()
    curve, *histograms = fig.axes
    for ax in histograms:  # every non-empty bar at least 1 pt tall at print size
        heights = [points(fig, abs(bar.get_window_extent().height)) for bar in ax.patches if bar.get_height() != 0]
        assert heights and min(heights) >= 1.0, (ax.get_ylabel(), min(heights, default=None))
    low, high = curve.get_ylim()
    for line in curve.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        if line.get_transform() == curve.transData and y.size:
            assert np.nanmin(y) >= low - 1e-9 and np.nanmax(y) <= high + 1e-9, line.get_label()
    for band in curve.collections:
        for path in band.get_paths():
            assert path.vertices[:, 1].max() <= high + 1e-9 and path.vertices[:, 1].min() >= low - 1e-9
    groups = next(line for line in curve.get_lines() if line.get_marker() == "o")
    centres = curve.transData.transform(groups.get_xydata())
    size = groups.get_markersize()
    for i, a in enumerate(centres):  # no group's marker on another's
        for b in centres[i + 1 :]:
            assert points(fig, np.hypot(*(a - b))) >= size, (a, b)
    matplotlib.pyplot.close("all")


def test_sensitivity_labels_sit_on_their_rows_and_the_legend_beside_the_plot(small_run):
    fig = figures_of(small_run)["sensitivity"]
    fig.canvas.draw()
    ax = fig.axes[0]
    rows = ax.get_yticks()
    markers = [y for line in ax.get_lines() if line.get_marker() == "o" for y in line.get_ydata()]
    for row in rows:  # the row's estimates centred on its label
        mine = [y for y in markers if np.argmin(np.abs(rows - y)) == list(rows).index(row)]
        assert mine and abs(np.mean(mine) - row) < 0.05, (row, mine)
    legend = legend_of(ax).get_window_extent()
    plot = ax.get_window_extent()
    assert legend.x0 >= plot.x1 - 1 and legend.y1 > plot.y0 and legend.y0 < plot.y1  # beside, not below
    matplotlib.pyplot.close("all")


def test_kaplan_meier_draws_readable_bands_and_keeps_its_axis_note_out_of_the_label(small_run):
    fig = figures_of(small_run)["km"]
    panels = [ax for ax in fig.axes if ax.has_data()]
    analysis = read(small_run, "tables/analysis.parquet")
    assert len(panels) == figures.volume_groups(analysis["mean_weekly_km"]).nunique()
    for ax in panels:
        bands = [c for c in ax.collections if len(c.get_paths())]
        assert len(bands) == 1, ax.get_title()  # one group's band per panel, the others as thin lines
        assert "axis starts" not in ax.get_ylabel() and "\n" not in ax.get_ylabel()
    matplotlib.pyplot.close("all")


def test_qc_trial_draws_each_signal_once_with_its_sign_named(small_run):
    fig = figures_of(small_run)["qc_trial"]
    panels = [ax for ax in fig.axes if ax.has_data()]
    columns = {round(ax.get_position().x0, 2) for ax in panels}
    assert len(columns) <= 2, "at most two panels side by side at print size"
    for ax in panels:
        curves = [np.asarray(line.get_ydata(), float) for line in ax.get_lines() if len(line.get_ydata()) > 5]
        for i, a in enumerate(curves):
            for b in curves[i + 1 :]:
                assert not (a.shape == b.shape and np.allclose(a, -b) and np.abs(a).max() > 0), ax.get_title()
    labels = " ".join(t.get_text() for ax in panels if ax.get_legend() for t in ax.get_legend().get_texts())
    assert "inversion +" in labels and "eversion −" in labels
    matplotlib.pyplot.close("all")


def test_tendon_qc_has_a_scale_bar_and_the_images_orientation(small_run):
    fig = figures_of(small_run)["tendon_qc"]
    texts = [t.get_text() for t in drawn_texts(fig)]
    assert any(re.fullmatch(r"\d+ mm", t) for t in texts), texts
    letters = {t for t in texts if t in {"A", "P", "L", "R", "S", "I"}}
    assert len(letters) >= 4 and {"A", "P"} <= letters, texts  # both in-plane axes named at both ends
    matplotlib.pyplot.close("all")
