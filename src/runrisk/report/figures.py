"""Figures: forest plot, Kaplan-Meier by volume tertile, participant-flow diagram (PNG + SVG)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# Fixed ids and no dates in SVG/PNG, so identical data gives identical files. Figures are drawn at their
# print size (a journal's one or two columns), so a font size is the printed size: none below 7 pt.
plt.rcParams.update({"svg.hashsalt": "runrisk", "font.size": 8, "axes.titlesize": 8, "legend.fontsize": 7})
MM = 1 / 25.4
ONE_COLUMN = 85 * MM  # inches
TWO_COLUMNS = 175 * MM
MAX_HEIGHT = 230 * MM
DPI = 300
# text in SVG stays text (searchable, read by screen readers, checked for identifiers by the tests)
matplotlib.rcParams["svg.fonttype"] = "none"
NO_METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}


def save(fig: plt.Figure, png: str | Path, svg: str | Path) -> None:
    """PNG at 300 dpi and SVG (vector), both at the figure's print size: no tight box that would change it."""
    for path, fmt in ((png, "png"), (svg, "svg")):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format=fmt, dpi=DPI, metadata=NO_METADATA[fmt])
    plt.close(fig)


def figure(width: float, height: float, **kwargs):
    """plt.subplots at print size with a constrained layout (labels and outside legends kept on the page)."""
    return plt.subplots(figsize=(width, min(height, MAX_HEIGHT)), layout="constrained", **kwargs)


MODEL_LABELS = {
    "logistic": "Odds ratio (logistic, ML, Wald CI)",
    "firth": "Odds ratio (Firth, profile-likelihood CI)",
    "cox": "Hazard ratio (Cox, Efron ties)",
}


def not_drawn(title: str, reason: str) -> plt.Figure:
    """The figure of a result that could not be computed: what it would show, and why it does not."""
    fig, ax = figure(TWO_COLUMNS, 60 * MM)
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, textwrap.fill(reason, 100), ha="center", va="center", fontsize=8, transform=ax.transAxes)
    return fig


def forest_plot(coefficients: pd.DataFrame) -> plt.Figure:
    """One row per term, one marker per model, ratio and CI written beside each marker; when the models
    rest on different participants (sensitivity analyses), each model's n and cases are in its legend
    entry and the title says so; models that could not be fitted are named under the plot with their
    reason."""
    unfitted = coefficients[coefficients["status"] != "fitted"].drop_duplicates("model")
    coefficients = coefficients[coefficients["status"] == "fitted"]
    notes = [
        f"{model}: not fitted ({reason})" for model, reason in zip(unfitted["model"], unfitted["reason"], strict=True)
    ]
    if coefficients.empty:
        return not_drawn("Achilles tendinopathy within one year: no model could be fitted", "; ".join(notes))
    models = list(dict.fromkeys(coefficients["model"]))
    terms = list(dict.fromkeys(coefficients["label"]))
    sizes = coefficients.drop_duplicates("model").set_index("model")[["n", "events"]].astype(int)
    one_cohort = len(sizes.drop_duplicates()) == 1
    row_height = max(0.32, 0.14 * len(models))  # inches per term row
    fig, ax = figure(TWO_COLUMNS, row_height * len(terms) + 1.3)
    spread = min(0.4, 0.12 * (len(models) - 1))
    offsets = row_offsets(coefficients, models, terms)
    lowest, highest = coefficients["ci_low"].min(), coefficients["ci_high"].max()
    for model in models:
        rows = coefficients[coefficients["model"] == model].set_index("label").reindex(terms)
        rows = rows[rows["ratio"].notna()]  # a model without a term (the tendon refit's extras) draws none there
        y = np.array([len(terms) - 1 - terms.index(t) + offsets[(model, t)] for t in rows.index])
        errors = [rows["ratio"] - rows["ci_low"], rows["ci_high"] - rows["ratio"]]
        label = MODEL_LABELS.get(model, model)
        if not one_cohort:
            label += f" (n = {sizes.at[model, 'n']}, {sizes.at[model, 'events']} cases)"
        label = textwrap.fill(label, 30, break_on_hyphens=False)
        marker = ax.errorbar(rows["ratio"], y, xerr=errors, fmt="o", ms=3, capsize=1.5, lw=0.8, label=label)[0]
        for yi, row in zip(y, rows.itertuples(), strict=True):
            ax.text(
                highest * 1.6,
                yi,
                f"{row.ratio:.2f} ({row.ci_low:.2f}-{row.ci_high:.2f})",
                va="center",
                fontsize=7,
                color=marker.get_color(),
            )
    ax.axvline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_xlim(lowest / 1.3, highest * 6)
    ticks = [t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if lowest / 1.3 <= t <= highest * 1.3] or [1]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_yticks(np.arange(len(terms))[::-1], [textwrap.fill(t, 34) for t in terms])
    ax.set_ylim(-0.5 - spread, len(terms) - 0.5 + spread)
    ax.set_xlabel("Ratio with 95 % CI (log scale); < 1 protective, > 1 risk")
    fig.legend(loc="outside right upper", frameon=False)
    if one_cohort:
        n, events = sizes.iloc[0]
        ax.set_title(f"Achilles tendinopathy within one year: n = {n}, {events} cases")
    else:
        ax.set_title("Achilles tendinopathy within one year\n(each model's n and cases in the legend)")
    if notes:
        ax.set_xlabel(ax.get_xlabel() + "\n" + textwrap.fill("; ".join(notes), 110), fontsize=7)
    return fig


def row_offsets(coefficients: pd.DataFrame, models: list[str], terms: list[str]) -> dict[tuple[str, str], float]:
    """(model, term) -> the marker's offset from its row's label: the models that estimate a term are spread
    evenly around its row, so a row only one model has (a refit's extra term) sits on its label."""
    offsets = {}
    for term in terms:
        present = [m for m in models if ((coefficients["model"] == m) & (coefficients["label"] == term)).any()]
        spread = min(0.4, 0.12 * (len(present) - 1))
        places = np.linspace(spread, -spread, len(present)) if len(present) > 1 else [0.0]
        offsets |= {(m, term): float(o) for m, o in zip(present, places, strict=True)}
    return offsets


def volume_groups(km: pd.Series) -> pd.Series:
    """ "0 km/wk" for no running, then tertiles of the runners (tertiles of a 40 % zero mass are not tertiles)."""
    groups = pd.Series("0 km/wk", index=km.index, dtype=object)
    ran = km > 0
    if ran.sum() >= 3:
        tertile = pd.qcut(km[ran], 3, labels=["lower", "middle", "upper"])
        for name in ("lower", "middle", "upper"):
            members = km[ran][tertile == name]
            groups[members.index] = f"{members.min():.0f}-{members.max():.0f} km/wk"
    return groups


def km_by_volume_group(analysis: pd.DataFrame, exposure_column: str = "mean_weekly_km") -> plt.Figure:
    """Kaplan-Meier by running-volume group (0 km/wk and tertiles of those who ran): one panel per group
    with its 95 % band, the other groups as thin grey lines to compare against, the numbers at risk under
    each panel; one y axis for all, starting where the data do (said in a note under the panels, not
    squeezed into the axis label)."""
    # imported here: lifelines costs 1.1 s of start-up that the other figure jobs need not pay
    from lifelines import KaplanMeierFitter

    groups = volume_groups(analysis[exposure_column])
    names = sorted(set(groups), key=lambda g: float(g.split()[0].split("-")[0]))
    fitters = {}
    for name in names:
        group = analysis[groups == name]
        fitters[name] = KaplanMeierFitter(label=name).fit(group["follow_up_weeks"], event_observed=group["event"])
    lowest = min(float(k.confidence_interval_.iloc[:, 0].min()) for k in fitters.values())
    bottom = max(0.0, np.floor((lowest - 0.01) * 20) / 20)
    end = max(52, int(analysis["follow_up_weeks"].max()))
    columns = 2 if len(names) > 1 else 1
    rows = -(-len(names) // columns)
    fig, axes = figure(TWO_COLUMNS, 62 * MM * rows + 12 * MM, nrows=rows, ncols=columns, sharey=True, squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (ax, name) in enumerate(zip(axes.flat, names, strict=False)):
        for other, kmf in fitters.items():
            if other != name:
                ax.step(kmf.timeline, kmf.survival_function_.iloc[:, 0], where="post", color="#bbb", lw=0.7)
        kmf = fitters[name]
        band = kmf.confidence_interval_
        ax.fill_between(
            kmf.timeline, band.iloc[:, 0], band.iloc[:, 1], step="post", color=colours[index], alpha=0.2, lw=0
        )
        ax.step(kmf.timeline, kmf.survival_function_.iloc[:, 0], where="post", color=colours[index], lw=1.4)
        group = analysis[groups == name]
        ax.set_title(f"{name}: {int((group['status'] == 'case').sum())} cases / {len(group)}")
        ticks = [w for w in (0, 13, 26, 39, 52) if w <= end]
        at_risk = [int((group["follow_up_weeks"] >= w).sum()) for w in ticks]
        ax.set_xticks(ticks, [f"{w}\n({n})" for w, n in zip(ticks, at_risk, strict=True)])
        ax.set_xlim(0, end)
        ax.set_ylim(bottom, 1.005)
        if index % columns == 0:
            ax.set_ylabel("Free of Achilles tendinopathy")
        ax.set_xlabel("Weeks since enrolment (at risk)")
    for ax in list(axes.flat)[len(names) :]:
        ax.set_axis_off()
    note = "Shaded: 95 % CI of the panel's group; grey: the other groups."
    if bottom > 0:
        note += f" The y axis starts at {bottom:.2f}."
    fig.suptitle("Achilles tendinopathy by mean running volume (Kaplan-Meier)\n" + note, fontsize=8)
    return fig


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def flow_diagram(flow: pd.DataFrame) -> plt.Figure:
    """STROBE-style: enrolled at the top, one exclusion box per row on the right, the analysed in one box,
    then the cases and the controls; every arrow ends on the edge of its box (measured after the text is
    laid out), and the figure grows with the number of boxes, so none overlaps another."""
    enrolled = int(flow.loc[flow["box"] == "enrolled", "n"].iloc[0])
    excluded = flow[flow["box"].str.startswith("excluded")]
    analysed = flow[flow["box"].str.startswith("analysed")]
    rows = len(excluded)
    fig, ax = figure(TWO_COLUMNS, 0.75 * (rows + 4))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.3, rows + 3.5)
    style = {"boxstyle": "round,pad=0.4", "fc": "#eef3f8", "ec": "#345"}
    line = {"color": "#345", "lw": 1.2}

    def box(x, y, text, **kw):
        wrapped = "\n".join(textwrap.fill(part, 34) for part in text.split("\n"))
        return ax.text(x, y, wrapped, ha="center", va="center", bbox=style, **kw)

    top, spine_x, analysed_y = rows + 3.0, 0.3, 1.35
    head = box(spine_x, top, f"Enrolled\nn = {enrolled}", fontweight="bold")
    exclusions = [
        box(0.74, rows + 1.9 - i, f"{sentence(row.box.removeprefix('excluded: '))}\nn = {row.n}", fontsize=9)
        for i, row in enumerate(excluded.itertuples())
    ]
    total = box(spine_x, analysed_y, f"Analysed\nn = {int(analysed['n'].sum())}", fontweight="bold")
    centres = [0.2 + 0.55 * i for i in range(len(analysed))]
    groups = [
        box(x, 0.2, f"{sentence(row.box.removeprefix('analysed: '))}\nn = {row.n}", fontweight="bold", fontsize=9)
        for x, row in zip(centres, analysed.itertuples(), strict=True)
    ]
    fig.canvas.draw()  # the boxes' extents exist only once the text is laid out
    to_data = ax.transData.inverted()

    def edges(text):
        (x0, y0), (x1, y1) = to_data.transform(text.get_bbox_patch().get_window_extent())
        return x0, y0, x1, y1

    arrow = {"arrowstyle": "-|>", "color": "#345", "shrinkA": 0, "shrinkB": 0, "mutation_scale": 10}
    ax.plot([spine_x, spine_x], [edges(head)[1], edges(total)[3]], **line)
    ax.annotate("", xy=(spine_x, edges(total)[3]), xytext=(spine_x, edges(total)[3] + 0.3), arrowprops=arrow)
    for text in exclusions:
        x0, y0, _, y1 = edges(text)
        ax.annotate("", xy=(x0, (y0 + y1) / 2), xytext=(spine_x, (y0 + y1) / 2), arrowprops=arrow)
    if groups:
        fork = (edges(total)[1] + max(edges(g)[3] for g in groups)) / 2
        ax.plot([spine_x, spine_x], [edges(total)[1], fork], **line)
        ax.plot([min(centres[0], spine_x), max(centres[-1], spine_x)], [fork, fork], **line)
        for x, text in zip(centres, groups, strict=True):
            ax.annotate("", xy=(x, edges(text)[3]), xytext=(x, fork), arrowprops=arrow)
    return fig


def foot_frame(cop_xy: np.ndarray, heel: np.ndarray, toe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """COP as % of the heel-toe distance along the foot and mm across it."""
    axis = toe - heel
    length = float(np.hypot(*axis))
    unit = axis / length
    relative = cop_xy.T - heel
    return 100 * relative @ unit / length, relative @ np.array([-unit[1], unit[0]])


# One signal per (output, component), drawn once in the project's convention with its sign named; the
# peaks of both directions are marked on it.
SIGNAL_TITLES = {
    ("AnkleAngles", 1): "frontal: inversion +, eversion −",
    ("AnkleAngles", 2): "transverse: internal rotation +, external rotation −",
    ("AnkleMoment", 1): "frontal: inversion +, eversion −",
}


def trial_qc_figure(trial, stances: list[dict], title: str, cop_threshold_n: float) -> plt.Figure:
    """Vertical GRF with the stances found, COP path on the foot, and stance peaks of the ankle outputs."""
    from runrisk.biomech.stances import PEAK_DEFINITIONS, remove_baseline, vertical_force

    fig, axes = figure(TWO_COLUMNS, 135 * MM, nrows=2, ncols=2)
    (grf, foot), (angles, moments) = axes
    t_analog = np.arange(len(trial.plates[0].force[2])) / trial.analog_rate if trial.plates else np.array([])
    for plate in trial.plates:
        grf.plot(t_analog, remove_baseline(vertical_force(plate)), lw=1, label=f"plate {plate.index + 1}")
    for row in stances:
        colour = "#2a7" if not row["qc_reason"] else "#c33"
        grf.axvspan(row["contact_s"], row["toe_off_s"], color=colour, alpha=0.15)
        flag = "valid" if not row["qc_reason"] else row["qc_reason"].split(":")[0][:24]
        grf.text(row["contact_s"], grf.get_ylim()[1] * 0.55, f"{row['side']}: {flag}", fontsize=7, clip_on=True)
    grf.set_xlabel("Time (s)")
    grf.set_ylabel("Vertical GRF (N)")
    grf.legend(frameon=False, loc="upper center")
    grf.set_title("Stances (green valid, red flagged)")

    t_point = np.arange(trial.n_frames) / trial.point_rate
    for row in stances:
        side, plate = row["side"], trial.plates[row["plate"] - 1]
        first, last = int(row["contact_s"] * trial.analog_rate), int(row["toe_off_s"] * trial.analog_rate)
        frame = min(trial.n_frames - 1, int(row["contact_s"] * trial.point_rate))
        mid_frame = min(trial.n_frames - 1, int((row["contact_s"] + row["toe_off_s"]) / 2 * trial.point_rate))
        heel, toe = trial.points.get(f"{side}HEE"), trial.points.get(f"{side}TOE")
        fz = remove_baseline(vertical_force(plate))[first:last]
        cop = plate.cop_mm[:2, first:last][:, fz > cop_threshold_n]
        if heel is not None and toe is not None and cop.shape[1]:
            along, across = foot_frame(cop, heel[:2, mid_frame], toe[:2, mid_frame])
            (line,) = foot.plot(along, across, lw=1.2, label=f"{side}: strike index {row['strike_index_pct']:.0f} %")
            foot.plot(along[0], across[0], "o", ms=5, color=line.get_color())
        window = slice(min(frame, trial.n_frames - 1), min(trial.n_frames, int(row["toe_off_s"] * trial.point_rate)))
        for (output, component), what in SIGNAL_TITLES.items():
            series = trial.points.get(side + output)
            if series is None:
                continue
            curves = moments if output == "AnkleMoment" else angles
            signal = series[component, window]
            (line,) = curves.plot(t_point[window], signal, lw=1, label=f"{side} {what}")
            for name, (peak_output, peak_component, sign) in PEAK_DEFINITIONS.items():
                if (peak_output, peak_component) == (output, component) and np.isfinite(row[name]):
                    k = np.nanargmax(sign * signal)
                    curves.plot(t_point[window][k], sign * row[name], "v" if sign > 0 else "^", color=line.get_color())
    foot.axvspan(0, 100, color="grey", alpha=0.12)
    foot.axvline(33.3, color="grey", lw=0.6, ls=":")
    foot.axvline(66.7, color="grey", lw=0.6, ls=":")
    foot.set_xlim(-10, 110)
    foot.set_xlabel("Along the foot, heel (0) to toe marker (100) (%)")
    foot.set_ylabel("Across the foot (mm)")
    if foot.get_legend_handles_labels()[0]:  # a trial without heel and toe markers (OpenSim) has no COP path
        foot.legend(frameon=False)
    foot.set_title("COP on the foot (dot: initial contact)")
    for curves, unit, what in ((angles, "deg", "Ankle angles"), (moments, "Nm/kg, external", "Ankle moment")):
        curves.set_xlabel("Time (s)")
        curves.set_ylabel(f"{what} ({unit})")
        curves.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1)
        curves.set_title(f"{what} in stance (peaks ▼ ▲)")
    fig.suptitle(title)
    return fig


def weekly_volume_figure(
    weekly: pd.DataFrame, reports: pd.DataFrame, diagnoses: pd.DataFrame, relevant_regions: tuple[str, ...], title: str
) -> plt.Figure:
    """One participant's weekly km (hatched where the wearable was not worn), its ratio to the previous
    four weeks, weekly complaints by severity and the physician's diagnoses."""
    fig, (volume, ratio) = figure(TWO_COLUMNS, 110 * MM, nrows=2, sharex=True, height_ratios=[3, 1.3])
    worn = weekly[weekly["worn"]]
    volume.bar(worn["week"], worn["running_km"], color="#3b7dd8", label="running km (worn week)")
    unworn = weekly[~weekly["worn"]]
    top = max(float(worn["running_km"].max()) if len(worn) else 0.0, 1.0) * 1.15
    volume.bar(unworn["week"], top, color="none", edgecolor="#bbb", hatch="///", lw=0, label="not worn (missing)")
    if len(reports):
        relevant = reports["body_region"].isin(relevant_regions)
        for mask, colour, label in (
            (relevant, "#d62728", "complaint: Achilles/foot/ankle/shin"),
            (~relevant, "#ff9f1c", "complaint: other region"),
        ):
            chosen = reports[mask & (reports["severity"] > 0)]
            volume.scatter(
                chosen["week"],
                np.full(len(chosen), top * 0.97),
                s=12 + chosen["severity"] / 2,
                color=colour,
                marker="v",
                label=label,
                zorder=3,
            )
    for row in diagnoses.itertuples():
        volume.axvline(row.week, color="k", lw=1.2, ls="--")
        volume.text(row.week + 0.3, top * 0.85, f"{row.icd10} {row.side}", fontsize=8, rotation=90, va="top")
    volume.set_ylim(0, top * 1.02)
    volume.set_ylabel("Running km per week")
    volume.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    volume.set_title(title)
    ratio.axhspan(0.8, 1.3, color="#2a7", alpha=0.12)
    ratio.plot(weekly["week"], weekly["ratio_to_prior_4wk"], "o-", ms=3, color="#555")
    ratio.axhline(1.0, color="grey", lw=0.8)
    ratio.set_ylabel("km / previous\n4-week mean")
    ratio.set_xlabel("Follow-up week (0 = baseline)")
    ratio.set_xlim(-0.8, weekly["week"].max() + 0.8)
    return fig


def calibration_figure(curve: pd.DataFrame, summary: pd.DataFrame) -> plt.Figure:
    """Observed against predicted risk: groups with 95 % Wilson intervals, a LOWESS smoother with its
    bootstrap band, the ideal line; under it the distribution of predicted risk, non-cases and cases in
    panels of their own (each on its own count scale, so a few cases' bars are as visible as many others').
    The axes hold every mark: the smoother and its band are cut at the axes' top, said in the legend."""
    groups = curve[curve["kind"] == "group"]
    smooth = curve[curve["kind"] == "smooth"]
    histogram = curve[curve["kind"] == "histogram"]
    fig, (ax, others_ax, cases_ax) = figure(ONE_COLUMN, 150 * MM, nrows=3, sharex=True, height_ratios=[4, 0.9, 0.9])
    top = min(1.0, float(max(groups["predicted"].max(), groups["observed_high"].max())) * 1.05)
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--", label="ideal")
    cut = lambda values: np.clip(values, 0, top)  # noqa: E731
    ax.fill_between(
        smooth["predicted"],
        cut(smooth["observed_low"]),
        cut(smooth["observed_high"]),
        color="#3b7dd8",
        alpha=0.18,
        lw=0,
        label="LOWESS 95 % band (bootstrap)",
    )
    ax.plot(smooth["predicted"], cut(smooth["observed"]), color="#3b7dd8", lw=1.2, label="LOWESS smoother")
    errors = [
        groups["observed"] - groups["observed_low"],
        np.minimum(groups["observed_high"], top) - groups["observed"],
    ]
    ax.errorbar(
        groups["predicted"],
        groups["observed"],
        yerr=errors,
        fmt="o",
        ms=2.5,
        color="k",
        capsize=1.5,
        lw=0.8,
        label=f"{len(groups)} groups of predicted risk (95 % CI)",
    )
    metrics = summary.set_index("metric")
    text = "\n".join(
        f"{name}: {metrics.at[key, 'apparent']:.2f} (corrected {metrics.at[key, 'corrected']:.2f})"
        for key, name in (
            ("c_statistic", "C-statistic"),
            ("calibration_slope", "Calibration slope"),
            ("calibration_intercept", "Calibration intercept"),
        )
    )
    ax.text(0.02, 0.98, text, transform=ax.transAxes, va="top", fontsize=7)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_ylabel("Observed proportion with\nAchilles tendinopathy")
    fig.legend(frameon=False, loc="outside lower center", ncol=1)
    ax.set_title(f"Calibration (apparent), n = {int(groups['n'].sum())}, {int(groups['events'].sum())} cases")
    histogram = histogram[histogram["predicted"] <= top]
    width = float(np.diff(histogram["predicted"]).mean()) if len(histogram) > 1 else top / 30
    for panel, counts, colour, label in (
        (others_ax, histogram["n"] - histogram["events"], "#999", "Non-cases"),
        (cases_ax, histogram["events"], "#c33", "Cases"),
    ):
        panel.bar(histogram["predicted"], counts, width=width * 0.9, color=colour)
        panel.set_ylim(0, max(1.0, float(counts.max())) * 1.1)
        panel.set_ylabel(label)
        panel.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(2, integer=True))
    cases_ax.set_xlabel("Predicted one-year risk")
    return fig


def decision_curve_figure(decision: pd.DataFrame) -> plt.Figure:
    """Net benefit over risk thresholds: the model as fitted (apparent, in-sample) and corrected for
    optimism by the same bootstrap as the validation, against acting on everyone or no one."""
    fig, ax = figure(ONE_COLUMN, 80 * MM)
    ax.plot(
        decision["threshold"],
        decision["net_benefit_model"],
        color="#3b7dd8",
        ls="--",
        lw=1,
        label="model, apparent (in-sample)",
    )
    if "net_benefit_model_corrected" in decision and decision["net_benefit_model_corrected"].notna().any():
        ax.plot(
            decision["threshold"],
            decision["net_benefit_model_corrected"],
            color="#3b7dd8",
            lw=1.8,
            label="model, optimism-corrected (bootstrap)",
        )
    ax.plot(decision["threshold"], decision["net_benefit_all"], color="#e67e22", label="act on everyone")
    ax.plot(decision["threshold"], decision["net_benefit_none"], label="act on no one", color="k", lw=0.8)
    low = min(-0.01, float(decision["net_benefit_model"].min()))
    ax.set_ylim(low, max(0.01, float(decision[["net_benefit_model", "net_benefit_all"]].max().max())) * 1.1)
    ax.set_xlabel("Risk threshold for acting\n(e.g. referral for load management)")
    ax.set_ylabel("Net benefit\n(true positives per participant)")
    ax.set_title("Decision curve")
    ax.legend(frameon=False)
    return fig


STRATEGY_TITLES = {
    "pre_onset": "Logistic, exposure before onset (primary)",
    "published": "Logistic, exposure over the whole follow-up (published)",
    "cox_timevarying": "Time-varying Cox, lagged weekly km and change",
}


def power_figure(summary: pd.DataFrame) -> plt.Figure:
    """Power (type-I error for null effects) against enrolled cohort size, one panel per analysis strategy
    and one line per term."""
    strategies = [s for s in STRATEGY_TITLES if s in set(summary["strategy"])]
    fig, axes = figure(TWO_COLUMNS, 95 * MM, ncols=len(strategies), sharey=True, squeeze=False)
    for ax, strategy in zip(axes[0], strategies, strict=True):
        for _, rows in summary[summary["strategy"] == strategy].groupby("term", sort=False):
            rows = rows.sort_values("size")
            null = bool(np.isclose(rows["true_ratio"].iloc[0], 1.0, atol=0.02))
            ax.plot(
                rows["size"],
                rows["power"],
                "o--" if null else "o-",
                ms=4,
                label=f"{rows['label'].iloc[0]} (true {rows['true_ratio'].iloc[0]:.2f})",
            )
        ax.axhline(0.8, color="grey", lw=0.8, ls=":")
        ax.axhline(0.05, color="grey", lw=0.8, ls=":")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("Enrolled participants")
        ax.set_title(STRATEGY_TITLES[strategy], fontsize=9)
        ax.legend(frameon=False, fontsize=7, loc="upper left")
    axes[0][0].set_ylabel("Power (p < 0.05); dashed: type-I error of null effects")
    reps = int(summary["repetitions"].max())
    fig.suptitle(f"Monte-Carlo study through the study's own code, {reps} simulated cohorts per size", fontsize=8)
    return fig


OPPOSITE = {"R": "L", "L": "R", "A": "P", "P": "A", "S": "I", "I": "S"}


def tendon_qc_figure(view, title: str) -> plt.Figure:
    """The tendon scan's QC (a runrisk.tendon.study.TendonView): the first echo with the ROI outlined, and
    the ROI's T2* map (rejected voxels blank), one slice across the tendon; image axes as stored (x right,
    y down), each edge named by the patient direction it faces, and a 10 mm scale bar."""
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    fig, (image_ax, map_ax) = figure(TWO_COLUMNS, 80 * MM, ncols=2)
    x_mm, y_mm = view.spacing_mm
    aspect = y_mm / x_mm  # square millimetres on the page whatever the voxel shape
    image_ax.imshow(view.first_echo.T, cmap="gray", origin="upper", aspect=aspect)
    image_ax.contour(view.roi.T.astype(float), levels=[0.5], colors="#e67e22", linewidths=1.0)
    image_ax.set_title("First echo, tendon ROI outlined")
    shown = map_ax.imshow(np.ma.masked_invalid(view.t2star_ms.T), cmap="viridis", origin="upper", aspect=aspect)
    map_ax.contour(view.roi.T.astype(float), levels=[0.5], colors="#666666", linewidths=0.8)
    fig.colorbar(shown, ax=map_ax, label="T2* (ms)", shrink=0.85)
    map_ax.set_title("T2* map of the ROI (rejected voxels blank)")
    right, down = view.directions
    width_mm = view.first_echo.shape[0] * x_mm
    bar_mm = max([b for b in (1, 2, 5, 10, 20, 50) if b <= 0.3 * width_mm], default=1)
    map_ax.set_facecolor("black")  # the light labels and bar read on both images
    for ax in (image_ax, map_ax):
        ax.set_xticks([])
        ax.set_yticks([])
        edge = {"transform": ax.transAxes, "fontsize": 8, "fontweight": "bold", "color": "#e8e8e8"}
        ax.text(0.98, 0.5, right, ha="right", va="center", **edge)
        ax.text(0.02, 0.5, OPPOSITE[right], ha="left", va="center", **edge)
        ax.text(0.5, 0.03, down, ha="center", va="bottom", **edge)
        ax.text(0.5, 0.97, OPPOSITE[down], ha="center", va="top", **edge)
        bar = AnchoredSizeBar(
            ax.transData,
            bar_mm / x_mm,
            f"{bar_mm} mm",
            "lower right",
            pad=0.4,
            color="#e8e8e8",
            frameon=False,
            size_vertical=0.5,
            fontproperties={"size": 7},
        )
        ax.add_artist(bar)
    fig.suptitle(title)
    return fig
