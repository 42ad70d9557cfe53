"""Figures: forest plot, Kaplan-Meier by volume tertile, participant-flow diagram (PNG + SVG)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from lifelines import KaplanMeierFitter  # noqa: E402

# Fixed ids and no dates in SVG/PNG, so identical data gives identical files.
plt.rcParams.update({"svg.hashsalt": "runrisk", "font.size": 9})
NO_METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}


def save(fig: plt.Figure, png: str | Path, svg: str | Path) -> None:
    for path, fmt in ((png, "png"), (svg, "svg")):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format=fmt, dpi=150, bbox_inches="tight", metadata=NO_METADATA[fmt])
    plt.close(fig)


def forest_plot(coefficients: pd.DataFrame) -> plt.Figure:
    models = list(dict.fromkeys(coefficients["model"]))
    terms = list(dict.fromkeys(coefficients["label"]))
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(terms) + 1.2))
    offsets = np.linspace(-0.15, 0.15, len(models)) if len(models) > 1 else [0.0]
    for offset, model in zip(offsets, models, strict=True):
        rows = coefficients[coefficients["model"] == model].set_index("label").loc[terms]
        y = np.arange(len(terms))[::-1] + offset
        ax.errorbar(
            rows["ratio"],
            y,
            xerr=[rows["ratio"] - rows["ci_low"], rows["ci_high"] - rows["ratio"]],
            fmt="o",
            capsize=3,
            label={"logistic": "Odds ratio (logistic)", "cox": "Hazard ratio (Cox)"}.get(model, model),
        )
    ax.axvline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_yticks(np.arange(len(terms))[::-1], terms)
    ax.set_xlabel("Ratio with 95 % CI (log scale)")
    ax.legend(loc="lower right", frameon=False)
    events = int(coefficients["events"].iloc[0])
    ax.set_title(f"Achilles tendinopathy within one year: n = {int(coefficients['n'].iloc[0])}, {events} cases")
    return fig


def km_by_tertile(analysis: pd.DataFrame, exposure_column: str = "mean_weekly_km") -> plt.Figure:
    fig, ax = plt.subplots(figsize=(6, 4))
    tertile = pd.qcut(analysis[exposure_column].rank(method="first"), 3, labels=["lowest", "middle", "highest"])
    for name in ["lowest", "middle", "highest"]:
        group = analysis[tertile == name]
        kmf = KaplanMeierFitter(
            label=f"{name} tertile ({group[exposure_column].min():.0f}-"
            f"{group[exposure_column].max():.0f} km/week, {int((group['status'] == 'case').sum())} cases)"
        )
        kmf.fit(group["follow_up_weeks"], event_observed=group["status"] == "case")
        kmf.plot_survival_function(ax=ax, ci_show=False)
    ax.set_xlabel("Weeks since enrolment")
    ax.set_ylabel("Free of diagnosed Achilles tendinopathy")
    ax.set_xlim(0, max(52, int(analysis["follow_up_weeks"].max())))
    ax.legend(frameon=False, fontsize=8)
    return fig


def flow_diagram(flow: pd.DataFrame) -> plt.Figure:
    """Enrolled box on top, exclusion boxes on the right, analysed boxes at the bottom."""
    enrolled = int(flow.loc[flow["box"] == "enrolled", "n"].iloc[0])
    excluded = flow[flow["box"].str.startswith("excluded")]
    analysed = flow[flow["box"].str.startswith("analysed")]
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.set_axis_off()
    style = {"boxstyle": "round,pad=0.4", "fc": "#eef3f8", "ec": "#345"}

    def box(x, y, text, **kw):
        ax.text(x, y, textwrap.fill(text, 38), ha="center", va="center", bbox=style, **kw)

    box(0.3, 0.92, f"Enrolled\nn = {enrolled}", fontweight="bold")
    for i, row in enumerate(excluded.itertuples()):
        y = 0.75 - i * 0.13
        box(0.76, y, f"{row.box.removeprefix('excluded: ').capitalize()}\nn = {row.n}")
        ax.annotate("", xy=(0.52, y), xytext=(0.3, y), arrowprops={"arrowstyle": "->", "color": "#345"})
    ax.plot([0.3, 0.3], [0.88, 0.18], color="#345")
    for i, row in enumerate(analysed.itertuples()):
        x = 0.15 + 0.45 * i
        box(x, 0.08, f"{row.box.removeprefix('analysed: ').capitalize()}\nn = {row.n}", fontweight="bold")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return fig
