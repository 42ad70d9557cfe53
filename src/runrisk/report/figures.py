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

# Fixed ids and no dates in SVG/PNG, so identical data gives identical files.
plt.rcParams.update({"svg.hashsalt": "runrisk", "font.size": 9})
# text in SVG stays text (searchable, read by screen readers, checked for identifiers by the tests)
matplotlib.rcParams["svg.fonttype"] = "none"
NO_METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}


def save(fig: plt.Figure, png: str | Path, svg: str | Path) -> None:
    for path, fmt in ((png, "png"), (svg, "svg")):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format=fmt, dpi=150, bbox_inches="tight", metadata=NO_METADATA[fmt])
    plt.close(fig)


MODEL_LABELS = {
    "logistic": "Odds ratio (logistic, ML, Wald CI)",
    "firth": "Odds ratio (Firth, profile-likelihood CI)",
    "cox": "Hazard ratio (Cox, Efron ties)",
}


def not_drawn(title: str, reason: str) -> plt.Figure:
    """The figure of a result that could not be computed: what it would show, and why it does not."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, textwrap.fill(reason, 80), ha="center", va="center", fontsize=9, transform=ax.transAxes)
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
    row_height = max(0.6, 0.24 * len(models))
    fig, ax = plt.subplots(figsize=(10, row_height * len(terms) + 2.0))
    spread = min(0.4, 0.12 * (len(models) - 1))
    offsets = np.linspace(spread, -spread, len(models)) if len(models) > 1 else [0.0]
    lowest, highest = coefficients["ci_low"].min(), coefficients["ci_high"].max()
    for offset, model in zip(offsets, models, strict=True):
        rows = coefficients[coefficients["model"] == model].set_index("label").reindex(terms)
        y = (np.arange(len(terms))[::-1] + offset)[rows["ratio"].notna().to_numpy()]
        rows = rows[rows["ratio"].notna()]  # a model without a term (the tendon refit's extras) draws none there
        errors = [rows["ratio"] - rows["ci_low"], rows["ci_high"] - rows["ratio"]]
        label = MODEL_LABELS.get(model, model)
        if not one_cohort:
            label += f" (n = {sizes.at[model, 'n']}, {sizes.at[model, 'events']} cases)"
        marker = ax.errorbar(rows["ratio"], y, xerr=errors, fmt="o", ms=4, capsize=2, label=label)[0]
        for yi, row in zip(y, rows.itertuples(), strict=True):
            ax.text(
                highest * 1.6,
                yi,
                f"{row.ratio:.2f} ({row.ci_low:.2f}-{row.ci_high:.2f})",
                va="center",
                fontsize=7 if len(models) > 3 else 8,
                color=marker.get_color(),
            )
    ax.axvline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_xlim(lowest / 1.3, highest * 4.5)
    ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if lowest / 1.3 <= t <= highest * 1.3]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_yticks(np.arange(len(terms))[::-1], terms)
    ax.set_ylim(-0.5 - spread, len(terms) - 0.5 + spread)
    ax.set_xlabel("Ratio with 95 % CI (log scale); < 1 protective, > 1 risk")
    columns = len(models) if len(models) <= 3 else 2
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=columns, frameon=False, fontsize=8)
    if one_cohort:
        n, events = sizes.iloc[0]
        ax.set_title(f"Achilles tendinopathy within one year: n = {n}, {events} cases")
    else:
        ax.set_title("Achilles tendinopathy within one year: each model's n and cases in the legend")
    if notes:
        fig.text(0.01, 0.0, textwrap.fill("; ".join(notes), 140), fontsize=7, va="top")
    return fig


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


def km_by_tertile(analysis: pd.DataFrame, exposure_column: str = "mean_weekly_km") -> plt.Figure:
    """Kaplan-Meier by volume group with 95 % bands; the y axis starts where the data do, and the break
    is marked on the axis and said in its label."""
    # imported here: lifelines costs 1.1 s of start-up that the other figure jobs need not pay
    from lifelines import KaplanMeierFitter
    from lifelines.plotting import add_at_risk_counts

    fig, ax = plt.subplots(figsize=(7, 5.2))
    groups = volume_groups(analysis[exposure_column])
    fitters = []
    legend = []
    lowest = 1.0
    for name in sorted(set(groups), key=lambda g: float(g.split()[0].split("-")[0])):
        group = analysis[groups == name]
        kmf = KaplanMeierFitter(label=name)
        kmf.fit(group["follow_up_weeks"], event_observed=group["event"])
        kmf.plot_survival_function(ax=ax, ci_show=True, ci_alpha=0.15)
        lowest = min(lowest, float(kmf.confidence_interval_.iloc[:, 0].min()))
        fitters.append(kmf)
        legend.append(f"{name}: {int((group['status'] == 'case').sum())} cases / {len(group)}")
    bottom = max(0.0, np.floor((lowest - 0.01) * 20) / 20)
    ax.set_ylim(bottom, 1.005)
    ax.set_xlabel("Weeks since enrolment")
    axis_label = "Free of diagnosed Achilles tendinopathy (95 % CI)"
    if bottom > 0:
        axis_label += f"\naxis starts at {bottom:.2f}"
        mark = {"transform": ax.transAxes, "color": "k", "clip_on": False, "lw": 1}
        for dy in (0.0, 0.02):  # the conventional double slash of a broken axis
            ax.plot([-0.015, 0.015], [0.01 + dy, 0.03 + dy], **mark)
    ax.set_ylabel(axis_label)
    ax.set_xlim(0, max(52, int(analysis["follow_up_weeks"].max())))
    lines = [line for line in ax.get_lines() if line.get_label() in {kmf.label for kmf in fitters}]
    ax.legend(lines, legend, frameon=False, fontsize=8, loc="lower left", title="Mean running volume")
    add_at_risk_counts(*fitters, ax=ax, rows_to_show=["At risk"], fig=fig)
    fig.tight_layout()
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
    fig, ax = plt.subplots(figsize=(8, 0.8 * (rows + 4)))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.3, rows + 3.5)
    style = {"boxstyle": "round,pad=0.4", "fc": "#eef3f8", "ec": "#345"}
    line = {"color": "#345", "lw": 1.2}

    def box(x, y, text, **kw):
        wrapped = "\n".join(textwrap.fill(part, 38) for part in text.split("\n"))
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


PEAK_TITLES = {
    "ankle_inversion_angle_peak": "inversion",
    "ankle_eversion_angle_peak": "eversion",
    "ankle_external_rotation_peak": "external rotation",
    "ankle_inversion_moment_peak": "inversion moment",
}


def trial_qc_figure(trial, stances: list[dict], title: str, cop_threshold_n: float) -> plt.Figure:
    """Vertical GRF with the stances found, COP path on the foot, and stance peaks of the ankle outputs."""
    from runrisk.biomech.stances import PEAK_DEFINITIONS, remove_baseline, vertical_force

    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2))
    grf, foot, angles, moments = axes
    t_analog = np.arange(len(trial.plates[0].force[2])) / trial.analog_rate if trial.plates else np.array([])
    for plate in trial.plates:
        grf.plot(t_analog, remove_baseline(vertical_force(plate)), lw=1, label=f"plate {plate.index + 1}")
    for row in stances:
        colour = "#2a7" if not row["qc_reason"] else "#c33"
        grf.axvspan(row["contact_s"], row["toe_off_s"], color=colour, alpha=0.15)
        flag = "valid" if not row["qc_reason"] else row["qc_reason"].split(":")[0][:24]
        grf.text(
            row["contact_s"],
            grf.get_ylim()[1] * 0.55,
            f"{row['side']}: {flag}",
            fontsize=7,
        )
    grf.set_xlabel("Time (s)")
    grf.set_ylabel("Vertical GRF (N)")
    grf.legend(frameon=False, fontsize=8, loc="upper center")
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
        for name, (output, component, sign) in PEAK_DEFINITIONS.items():
            if output != "AnkleAngles" and output != "AnkleMoment":
                continue
            series = trial.points.get(side + output)
            if series is None:
                continue
            window = slice(
                min(frame, trial.n_frames - 1), min(trial.n_frames, int(row["toe_off_s"] * trial.point_rate))
            )
            curves = moments if output == "AnkleMoment" else angles
            label = f"{side} {PEAK_TITLES.get(name, name)}"
            (line,) = curves.plot(t_point[window], sign * series[component, window], lw=1, label=label)
            if np.isfinite(row[name]):
                k = np.nanargmax(sign * series[component, window])
                curves.plot(t_point[window][k], row[name], "v", color=line.get_color())
    foot.axvspan(0, 100, color="grey", alpha=0.12)
    foot.axvline(33.3, color="grey", lw=0.6, ls=":")
    foot.axvline(66.7, color="grey", lw=0.6, ls=":")
    foot.set_xlim(-10, 110)
    foot.set_xlabel("Along the foot, heel (0) to toe marker (100) [%]")
    foot.set_ylabel("Across the foot [mm]")
    foot.legend(frameon=False, fontsize=7)
    foot.set_title("COP on the foot (dot: initial contact)")
    for curves, unit, what in ((angles, "deg", "Ankle angles"), (moments, "Nm/kg, external", "Ankle moment")):
        curves.set_xlabel("Time (s)")
        curves.set_ylabel(f"{what} ({unit})")
        curves.legend(frameon=False, fontsize=7)
        curves.set_title(f"{what} in stance, peaks marked")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def weekly_volume_figure(
    weekly: pd.DataFrame, reports: pd.DataFrame, diagnoses: pd.DataFrame, relevant_regions: tuple[str, ...], title: str
) -> plt.Figure:
    """One participant's weekly km (hatched where the wearable was not worn), its ratio to the previous
    four weeks, weekly complaints by severity and the physician's diagnoses."""
    fig, (volume, ratio) = plt.subplots(2, 1, figsize=(12, 5.5), sharex=True, height_ratios=[3, 1.3])
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
    fig.tight_layout()
    return fig


def calibration_figure(curve: pd.DataFrame, summary: pd.DataFrame) -> plt.Figure:
    """Observed against predicted risk: groups with 95 % Wilson intervals, a LOWESS smoother with its
    bootstrap band, the ideal line, and under it the distribution of predicted risk (cases and others)."""
    groups = curve[curve["kind"] == "group"]
    smooth = curve[curve["kind"] == "smooth"]
    histogram = curve[curve["kind"] == "histogram"]
    fig, (ax, foot) = plt.subplots(2, 1, figsize=(5.5, 6.5), sharex=True, height_ratios=[4, 1])
    top = min(1.0, float(max(groups["predicted"].max(), groups["observed_high"].max())) * 1.1)
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--", label="ideal")
    ax.fill_between(
        smooth["predicted"],
        smooth["observed_low"],
        smooth["observed_high"],
        color="#3b7dd8",
        alpha=0.18,
        lw=0,
        label="LOWESS 95 % band (bootstrap)",
    )
    ax.plot(smooth["predicted"], smooth["observed"], color="#3b7dd8", lw=1.5, label="LOWESS smoother")
    errors = [groups["observed"] - groups["observed_low"], groups["observed_high"] - groups["observed"]]
    ax.errorbar(
        groups["predicted"],
        groups["observed"],
        yerr=errors,
        fmt="o",
        ms=4,
        color="k",
        capsize=2,
        label=f"{len(groups)} groups of predicted risk (95 % CI)",
    )
    metrics = summary.set_index("metric")
    text = "\n".join(
        f"{name}: {metrics.at[key, 'apparent']:.2f} (optimism-corrected {metrics.at[key, 'corrected']:.2f})"
        for key, name in (
            ("c_statistic", "C-statistic"),
            ("calibration_slope", "calibration slope"),
            ("calibration_intercept", "calibration intercept"),
        )
    )
    ax.text(0.02, 0.98, text, transform=ax.transAxes, va="top", fontsize=7)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_ylabel("Observed proportion with Achilles tendinopathy")
    ax.legend(frameon=False, fontsize=7, loc="lower right")
    ax.set_title(f"Calibration (apparent), n = {int(groups['n'].sum())}, {int(groups['events'].sum())} cases")
    histogram = histogram[histogram["predicted"] <= top]
    width = float(np.diff(histogram["predicted"]).mean()) if len(histogram) > 1 else top / 30
    others = histogram["n"] - histogram["events"]
    foot.bar(histogram["predicted"], others, width=width * 0.9, color="#bbb", label="non-cases")
    foot.bar(histogram["predicted"], -histogram["events"], width=width * 0.9, color="#c33", label="cases (below)")
    foot.axhline(0, color="k", lw=0.6)
    foot.set_ylabel("Participants")
    foot.set_xlabel("Predicted one-year risk")
    foot.legend(frameon=False, fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def decision_curve_figure(decision: pd.DataFrame) -> plt.Figure:
    """Net benefit over risk thresholds: the model as fitted (apparent, in-sample) and corrected for
    optimism by the same bootstrap as the validation, against acting on everyone or no one."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
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
    ax.set_xlabel("Risk threshold for acting (e.g. referral for load management)")
    ax.set_ylabel("Net benefit (true positives per participant)")
    ax.set_title("Decision curve")
    ax.legend(frameon=False, fontsize=8)
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
    fig, axes = plt.subplots(1, len(strategies), figsize=(4.2 * len(strategies), 4.2), sharey=True, squeeze=False)
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
        ax.legend(frameon=False, fontsize=6, loc="upper left")
    axes[0][0].set_ylabel("Power (p < 0.05); dashed: type-I error of null effects")
    reps = int(summary["repetitions"].max())
    fig.suptitle(f"Monte-Carlo study through the study's own code, {reps} simulated cohorts per size", fontsize=10)
    fig.tight_layout()
    return fig


def tendon_qc_figure(first_echo: np.ndarray, roi: np.ndarray, t2star_ms: np.ndarray, title: str) -> plt.Figure:
    """The tendon scan's QC: the first echo with the ROI outlined, and the ROI's T2* map (rejected voxels
    blank), one slice across the tendon; image axes as stored (x right, y down)."""
    fig, (image_ax, map_ax) = plt.subplots(1, 2, figsize=(9, 4.2))
    image_ax.imshow(first_echo.T, cmap="gray", origin="upper")
    image_ax.contour(roi.T.astype(float), levels=[0.5], colors="#e67e22", linewidths=1.2)
    image_ax.set_title("First echo, tendon ROI outlined", fontsize=10)
    shown = map_ax.imshow(np.ma.masked_invalid(t2star_ms.T), cmap="viridis", origin="upper")
    map_ax.contour(roi.T.astype(float), levels=[0.5], colors="#666666", linewidths=0.8)
    fig.colorbar(shown, ax=map_ax, label="T2* (ms)", shrink=0.85)
    map_ax.set_title("T2* map of the ROI (rejected voxels blank)", fontsize=10)
    for ax in (image_ax, map_ax):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig
