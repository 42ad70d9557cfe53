"""The paper's first tables: who the participants were (Table 1) and how cases differed from controls one
measure at a time (Table 2).

Summaries follow tableone's conventions (Yoshida & Bartel): a continuous measure as mean (SD), or as median
(IQR, R's default quantiles) when its distribution is skewed; a yes/no as n (%) of those with a value;
missing counts beside every summary; the standardised mean difference of a group against its reference
group (pooled SD of the two groups, for a proportion sqrt((p1 (1 - p1) + p2 (1 - p2)) / 2)). Which summary a
measure gets is decided once over every participant with a value, so each row of a table reads the same
way: |sample skewness| > 1 (Bulmer's "highly skewed") calls for the median. A normality test would reject
nearly every measure of a cohort of hundreds and almost none of a pilot's twenty, which says more about n
than about the shape.

Table 2 names its test per measure: Welch's t-test (mean difference, its 95 % CI) for the symmetric, the
Wilcoxon rank-sum test with R's asymptotic Hodges-Lehmann location shift and CI (normal approximation with
continuity and ties corrections, as `wilcox.test(x, y, conf.int = TRUE, exact = FALSE)`) for the skewed,
Fisher's exact test with the conditional maximum-likelihood odds ratio and its CI (as `fisher.test`) for a
yes/no. The numbers are univariable and unadjusted: the models are the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.stats.contingency import odds_ratio

from runrisk.cohort.outcomes import covariates

SKEWNESS_LIMIT = 1.0


@dataclass(frozen=True)
class Measure:
    column: str
    label: str
    kind: str  # "continuous" or "binary"
    compared: bool = True  # in Table 2 (the case-control comparisons)


MEASURES = (
    Measure("age", "Age (years)", "continuous", compared=False),
    Measure("female", "Female sex", "binary", compared=False),
    Measure("height_m", "Height (m)", "continuous", compared=False),
    Measure("body_mass_kg", "Body mass (kg)", "continuous", compared=False),
    Measure("runner", "Runner", "binary", compared=False),
    Measure("prior_achilles", "Prior Achilles problems", "binary", compared=False),
    Measure("mean_weekly_km", "Weekly running distance (km)", "continuous"),
    Measure("strike_index_pct", "Strike index (% foot length)", "continuous"),
    Measure("contact_time_s", "Contact time (s)", "continuous"),
    Measure("ankle_inversion_angle_peak", "Peak ankle inversion angle (deg)", "continuous"),
    Measure("ankle_eversion_angle_peak", "Peak ankle eversion angle (deg)", "continuous"),
    Measure("ankle_external_rotation_peak", "Peak ankle external rotation angle (deg)", "continuous"),
    Measure("ankle_inversion_moment_peak", "Peak ankle inversion moment (Nm/kg)", "continuous"),
    Measure("knee_flexion_angle_peak", "Peak knee flexion angle (deg)", "continuous"),
    Measure("knee_flexion_moment_peak", "Peak knee flexion moment (Nm/kg)", "continuous"),
    Measure("hip_adduction_angle_peak", "Peak hip adduction angle (deg)", "continuous"),
    Measure("t2star_median_ms", "Tendon T2*, ROI median (ms)", "continuous"),
    Measure("csa_max_mm2", "Tendon maximum cross-sectional area (mm²)", "continuous"),
    Measure("thickness_max_mm", "Tendon maximum thickness (mm)", "continuous"),
    Measure("volume_mm3", "Tendon volume (mm³)", "continuous"),
    Measure("abnormal_tendon", "Abnormal tendon at baseline", "binary"),
)

# grouping -> (column of the frame, its groups in table order, the reference group the SMD is against)
GROUPINGS = {
    "outcome": ("status", ("case", "control", "excluded"), "control"),
    "runner": ("runner_group", ("runner", "non-runner"), "non-runner"),
}
MEAN_SD, MEDIAN_IQR, COUNT_PCT = "mean (SD)", "median (IQR)", "n (%)"


def participant_frame(
    participants: pd.DataFrame,
    outcomes: pd.DataFrame,
    limb: pd.DataFrame,
    exposure: pd.DataFrame,
    tendon: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every enrolled participant (outcomes' rows, the quarantined among them) with status and the same
    baseline covariates the analysis frame holds, plus body size and prior Achilles problems. A participant
    whose participants.csv row was quarantined has every measure missing (not female 0, not a non-runner).
    """
    people = outcomes[["participant_id", "status"]].merge(participants, on="participant_id", how="left")
    frame = covariates(people, limb, exposure, tendon)
    frame["female"] = frame["female"].where(frame["sex"].notna())
    extra = people[["participant_id", "status", "height_m", "body_mass_kg", "prior_achilles"]]
    return extra.merge(frame, on="participant_id", how="left")


def measures_of(frame: pd.DataFrame) -> list[Measure]:
    """The measures the study has (the tendon's only with MRI)."""
    return [m for m in MEASURES if m.column in frame.columns]


def values_of(frame: pd.DataFrame, measure: Measure) -> pd.Series:
    """A measure's values as floats, yes/no as 1/0, missing as NaN."""
    column = frame[measure.column]
    if measure.kind == "binary":
        column = pd.Series([np.nan if pd.isna(v) else float(bool(v)) for v in column], index=column.index)
    return pd.to_numeric(column, errors="coerce").astype(float)


def skewed(values: pd.Series) -> bool:
    """|sample skewness| above SKEWNESS_LIMIT (too few values to tell: not skewed)."""
    present = values.dropna()
    if len(present) < 3 or present.std() == 0:
        return False
    return abs(float(stats.skew(present, bias=False))) > SKEWNESS_LIMIT


def summary_kind(frame: pd.DataFrame, measure: Measure) -> str:
    if measure.kind == "binary":
        return COUNT_PCT
    return MEDIAN_IQR if skewed(values_of(frame, measure)) else MEAN_SD


def smd(a: pd.Series, b: pd.Series, binary: bool) -> float:
    """Standardised mean difference of a against b (tableone's formula); NaN when either has no value."""
    a, b = a.dropna(), b.dropna()
    if a.empty or b.empty:
        return np.nan
    if binary:
        p, q = a.mean(), b.mean()
        spread = np.sqrt((p * (1 - p) + q * (1 - q)) / 2)
    else:
        spread = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2) if len(a) > 1 and len(b) > 1 else np.nan
    difference = a.mean() - b.mean()
    if spread == 0:
        return 0.0 if difference == 0 else np.nan
    return float(difference / spread)


def summary_text(values: pd.Series, kind: str) -> str:
    present = values.dropna()
    if present.empty:
        return "–"
    if kind == COUNT_PCT:
        return f"{int(present.sum())} ({100 * present.mean():.1f} %)"
    if kind == MEDIAN_IQR:
        q1, median, q3 = np.percentile(present, [25, 50, 75])
        return f"{median:.3g} ({q1:.3g}–{q3:.3g})"
    sd = present.std(ddof=1) if len(present) > 1 else np.nan
    return f"{present.mean():.3g} ({sd:.2g})"


def with_groups(frame: pd.DataFrame) -> pd.DataFrame:
    runner = frame["runner"].map({True: "runner", False: "non-runner"}, na_action="ignore")
    return frame.assign(runner_group=runner)


def table1(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per grouping, group and measure: n with a value, missing, the summary and its numbers, and
    the SMD against the grouping's reference group. `frame`: one row per enrolled participant with
    `status` and the covariates (runrisk.cohort.outcomes.covariates)."""
    frame = with_groups(frame)
    rows = []
    for grouping, (column, groups, reference) in GROUPINGS.items():
        for measure in measures_of(frame):
            kind = summary_kind(frame, measure)
            base = values_of(frame.loc[frame[column] == reference], measure)
            for group in groups:
                values = values_of(frame.loc[frame[column] == group], measure)
                present = values.dropna()
                q1, median, q3 = np.percentile(present, [25, 50, 75]) if len(present) else (np.nan,) * 3
                rows.append(
                    {
                        "grouping": grouping,
                        "group": group,
                        "group_size": len(values),
                        "measure": measure.column,
                        "label": measure.label,
                        "summary": kind,
                        "n": len(present),
                        "missing": int(values.isna().sum()),
                        "count": int(present.sum()) if kind == COUNT_PCT else np.nan,
                        "percent": 100 * present.mean() if kind == COUNT_PCT and len(present) else np.nan,
                        "mean": present.mean() if len(present) else np.nan,
                        "sd": present.std(ddof=1) if len(present) > 1 else np.nan,
                        "median": median,
                        "q1": q1,
                        "q3": q3,
                        "text": summary_text(values, kind),
                        "smd_reference": reference,
                        "smd": np.nan if group == reference else smd(values, base, measure.kind == "binary"),
                    }
                )
    return pd.DataFrame(rows, columns=TABLE1_COLUMNS)


TABLE1_COLUMNS = [
    "grouping",
    "group",
    "group_size",
    "measure",
    "label",
    "summary",
    "n",
    "missing",
    "count",
    "percent",
    "mean",
    "sd",
    "median",
    "q1",
    "q3",
    "text",
    "smd_reference",
    "smd",
]


def table1_wide(table: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as a paper prints it: a row per measure, per group its summary and missing count, the SMDs."""
    frames = []
    for grouping, part in table.groupby("grouping", sort=False):
        head = part.drop_duplicates("measure")[["measure", "label", "summary"]].set_index("measure")
        for group, rows in part.groupby("group", sort=False):
            rows = rows.set_index("measure")
            size = int(rows["group_size"].iloc[0])
            head[f"{group} (n = {size})"] = rows["text"]
            head[f"{group}: missing"] = rows["missing"]
            if rows["smd"].notna().any():
                head[f"SMD {group} vs {rows['smd_reference'].iloc[0]}"] = rows["smd"].round(3)
        frames.append(head.reset_index().assign(grouping=grouping))
    return pd.concat(frames, ignore_index=True)


TABLE2_COLUMNS = [
    "measure",
    "label",
    "n_cases",
    "n_controls",
    "missing",
    "summary",
    "cases",
    "controls",
    "test",
    "effect",
    "estimate",
    "ci_low",
    "ci_high",
    "statistic",
    "p_value",
]


def table2(analysis: pd.DataFrame, summaries: dict[str, str] | None = None) -> pd.DataFrame:
    """Cases against strict controls, one measure at a time (see the module's docstring for the tests).
    `summaries`: measure -> Table 1's summary kind, so both tables treat a measure alike."""
    rows = []
    for measure in measures_of(analysis):
        if not measure.compared:
            continue
        kind = (summaries or {}).get(measure.column) or summary_kind(analysis, measure)
        cases = values_of(analysis.loc[analysis["status"] == "case"], measure)
        controls = values_of(analysis.loc[analysis["status"] == "control"], measure)
        x, y = cases.dropna().to_numpy(), controls.dropna().to_numpy()
        test, effect, result = compare(x, y, kind)
        rows.append(
            {
                "measure": measure.column,
                "label": measure.label,
                "n_cases": len(x),
                "n_controls": len(y),
                "missing": int(cases.isna().sum() + controls.isna().sum()),
                "summary": kind,
                "cases": summary_text(cases, kind),
                "controls": summary_text(controls, kind),
                "test": test,
                "effect": effect,
                **result,
            }
        )
    return pd.DataFrame(rows, columns=TABLE2_COLUMNS)


NOT_TESTED = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "statistic": np.nan, "p_value": np.nan}


def compare(x: np.ndarray, y: np.ndarray, kind: str) -> tuple[str, str, dict]:
    if kind == COUNT_PCT:
        test, effect = "Fisher's exact test", "odds ratio (conditional MLE)"
        return test, effect, fisher(x, y) if len(x) and len(y) else NOT_TESTED
    if kind == MEDIAN_IQR:
        test, effect = "Wilcoxon rank-sum test", "location shift, cases − controls (Hodges-Lehmann)"
        # R's wilcox.test cannot find a shift when every value ties; one value a side leaves nothing to rank
        testable = len(x) > 1 and len(y) > 1 and np.ptp(np.r_[x, y]) > 0
        return test, effect, wilcoxon(x, y) if testable else NOT_TESTED
    test, effect = "Welch t-test", "mean difference, cases − controls"
    return test, effect, welch(x, y) if len(x) > 1 and len(y) > 1 else NOT_TESTED


def welch(x: np.ndarray, y: np.ndarray) -> dict:
    result = stats.ttest_ind(x, y, equal_var=False)
    low, high = result.confidence_interval(0.95)
    return {
        "estimate": float(x.mean() - y.mean()),
        "ci_low": float(low),
        "ci_high": float(high),
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
    }


def fisher(x: np.ndarray, y: np.ndarray) -> dict:
    """Rows cases/controls, columns yes/no, as R's fisher.test(table) reads them."""
    table = np.array([[x.sum(), len(x) - x.sum()], [y.sum(), len(y) - y.sum()]], dtype=int)
    ratio = odds_ratio(table, kind="conditional")
    low, high = ratio.confidence_interval(0.95)
    return {
        "estimate": float(ratio.statistic),
        "ci_low": float(low),
        "ci_high": float(high),
        "statistic": np.nan,
        "p_value": float(stats.fisher_exact(table).pvalue),
    }


def wilcoxon(x: np.ndarray, y: np.ndarray) -> dict:
    """R's wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE): W, its p by the normal
    approximation, and the location shift whose standardised W is 0 (and the 95 % limits), found as R finds
    them, by root-finding on the step function of the shift."""
    n_x, n_y = len(x), len(y)

    def standardised(shift: float, correct: bool) -> float:
        ranks = stats.rankdata(np.r_[x - shift, y])
        _, ties = np.unique(ranks, return_counts=True)
        z = ranks[:n_x].sum() - n_x * (n_x + 1) / 2 - n_x * n_y / 2
        sigma = np.sqrt(n_x * n_y / 12 * ((n_x + n_y + 1) - (ties**3 - ties).sum() / ((n_x + n_y) * (n_x + n_y - 1))))
        return (z - (np.sign(z) * 0.5 if correct else 0.0)) / sigma

    w = float(stats.rankdata(np.r_[x, y])[:n_x].sum() - n_x * (n_x + 1) / 2)
    p = float(stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True).pvalue)
    low_end, high_end = float(x.min() - y.max()), float(x.max() - y.min())

    def root(zq: float, correct: bool) -> float:
        f_low, f_high = standardised(low_end, correct) - zq, standardised(high_end, correct) - zq
        if f_low <= 0:
            return low_end
        if f_high >= 0:
            return high_end
        return optimize.brentq(lambda d: standardised(d, correct) - zq, low_end, high_end, xtol=1e-10)

    z = stats.norm.ppf(0.975)
    return {
        "estimate": root(0.0, correct=False),
        "ci_low": root(z, correct=True),
        "ci_high": root(-z, correct=True),
        "statistic": w,
        "p_value": p,
    }
