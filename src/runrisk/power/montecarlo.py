"""Monte-Carlo study with the simulator, through the study's own code: bias, CI coverage and power of three
analysis strategies at chosen cohort sizes. This is how a study team plans its cohort, and how runrisk
shows what the published analysis gets wrong when injured runners cut back.

Each replicate draws a cohort from the weekly-hazard process (runrisk.simulate.cohort), builds the tables
the workflow builds (participants, weekly volume with its change, OSTRC reports, diagnoses, the lab's
trial-averaged peaks), classifies participants with the workflow's outcome rules and exposure windows, and
fits, per strategy:

- published: exposure over the whole follow-up, logistic (ML, Wald CI) and Firth (profile CI);
- pre_onset: exposure before the first Achilles complaint or diagnosis (the primary), the same fits;
- cox_timevarying: weekly intervals with lagged km and change, Cox (Efron, Wald CI).

The raw files and readers are not in the loop (the default run exercises them on the same generator).
The truth is runrisk.power.truth's: each logistic term's odds ratio as the primary analysis defines it,
the configured hazard ratios for the Cox model.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import statsmodels.api as sm

from runrisk.cohort.exposure import PRE_ONSET, WHOLE_FOLLOW_UP, add_change, exposure_summary, exposure_under
from runrisk.cohort.outcomes import OutcomeRules, analysis_frame, classify, onset_weeks
from runrisk.io.surveillance import REPORT_COLUMNS
from runrisk.simulate import cohort
from runrisk.simulate.settings import Simulation
from runrisk.stats.models import fit_firth
from runrisk.stats.terms import Term, design_matrix, outcome
from runrisk.stats.timevarying import WEEKLY_COLUMNS, fit_cox_timevarying, weekly_intervals

STRATEGIES = ("published", "pre_onset", "cox_timevarying")
PRIMARY_SIDE = "R"


def replicate_seed(base: int, size: int, replicate: int) -> int:
    return int(np.random.SeedSequence([base, size, replicate]).generate_state(1)[0])


def study_tables(cfg: Simulation, people: pd.DataFrame, weeks: dict[str, np.ndarray], min_prior_weeks: int) -> dict:
    """The tables the workflow reads into its outcome and model steps, built from a simulated cohort."""
    ids = people["raw_id"].to_numpy()
    enrol = pd.to_datetime(people["enrolment_date"])
    participants = pd.DataFrame(
        {
            "participant_id": ids,
            "enrolment_date": enrol.to_numpy(),
            "prior_achilles": people["prior_achilles"].to_numpy(bool),
            "age": people["age"].to_numpy(float),
            "sex": np.where(people["female"], "F", "M"),
            "runner": people["runner"].to_numpy(bool),
        }
    )
    n_weeks = weeks["km"].shape[1]
    weekly = pd.DataFrame(
        {
            "participant_id": np.repeat(ids, n_weeks),
            "week": np.tile(np.arange(n_weeks), len(ids)),
            "worn": weeks["worn"].ravel(),
            "running_km": np.where(weeks["worn"], weeks["km"], np.nan).ravel(),
        }
    )
    weekly = add_change(weekly, min_prior_weeks)
    reports, diagnoses = [], []
    for _, person in people.iterrows():
        reports += cohort.weekly_reports_rows(cfg, person)
        diagnoses += cohort.diagnoses_rows(cfg, person)
    reports = pd.DataFrame(reports, columns=REPORT_COLUMNS)
    reports["report_date"] = pd.to_datetime(reports["report_date"])
    reports["severity"] = reports[REPORT_COLUMNS[2:6]].sum(axis=1)  # the OSTRC-O2 severity score, as read
    diagnoses = pd.DataFrame(diagnoses, columns=["participant_id", "diagnosis_date", "side", "icd10", "description"])
    diagnoses["diagnosis_date"] = pd.to_datetime(diagnoses["diagnosis_date"])
    return {
        "participants": participants,
        "weekly": weekly,
        "reports": reports[reports["severity"] > 0],
        "diagnoses": diagnoses,
        "biomechanics": measured_biomechanics(cfg, people),
    }


def measured_biomechanics(cfg: Simulation, people: pd.DataFrame) -> pd.DataFrame:
    """The primary limb's peaks as the lab measures them: the true peak plus the noise of averaging the
    trials; no stance where the lab session gave no trials."""
    rng = np.random.default_rng([cfg.seed, 7])
    noise_sd = cfg.trial_sd_fraction / np.sqrt(cfg.trials_per_participant)
    frame = pd.DataFrame(
        {
            "participant_id": people["raw_id"].to_numpy(),
            "side": PRIMARY_SIDE,
            "n_stances": np.where(people["has_trials"], 2 * cfg.trials_per_participant, 0),
            "strike_index_pct": people["strike_index"].to_numpy(float),
        }
    )
    for name in cohort.PEAK_NAMES:
        sd = cfg.biomechanics[name]["sd"]
        frame[name] = people[name].to_numpy(float) + rng.normal(0, noise_sd * sd, len(people))
    return frame[people["has_trials"].to_numpy(bool)].reset_index(drop=True)


def analysed(tables: dict, rules: OutcomeRules, window: str) -> pd.DataFrame:
    """The analysis frame the workflow's outcomes step writes, under one exposure window."""
    onset = onset_weeks(tables["participants"], tables["reports"], tables["diagnoses"], rules)
    exposure = exposure_under(exposure_summary(tables["weekly"], window_end=onset - 1), window)
    outcomes = classify(
        tables["participants"], tables["biomechanics"], exposure, tables["reports"], tables["diagnoses"], rules
    )
    return analysis_frame(tables["participants"], tables["biomechanics"], exposure, outcomes, PRIMARY_SIDE)


def logistic_rows(frame: pd.DataFrame, terms: list[Term], strategy: str, alpha: float) -> list[dict]:
    x, _ = design_matrix(frame, terms)
    y = outcome(frame)
    X = sm.add_constant(x, has_constant="add")
    try:
        ml = sm.Logit(y, X).fit(disp=False, maxiter=200)
        ml_ok = ml.mle_retvals["converged"] and np.isfinite(ml.bse).all()
    except (np.linalg.LinAlgError, ValueError):
        ml_ok = False  # separation: a failed ML fit, Firth still estimates
    firth = fit_firth(frame, terms).set_index("term")
    rows = []
    for term in terms:
        column = term.column
        ci = ml.conf_int().loc[column] if ml_ok else (np.nan, np.nan)
        rows.append(
            {
                "strategy": strategy,
                "term": column,
                "ml_estimate": float(ml.params[column]) if ml_ok else np.nan,
                "ml_ci_low": float(ci[0]),
                "ml_ci_high": float(ci[1]),
                "firth_estimate": float(firth.at[column, "estimate"]),
                "firth_ci_low": float(np.log(firth.at[column, "ci_low"])),
                "firth_ci_high": float(np.log(firth.at[column, "ci_high"])),
                "significant": bool(firth.at[column, "p_value"] < alpha),  # penalised LR test
                "events": int(y.sum()),
                "analysed": len(y),
            }
        )
    return rows


def cox_rows(frame: pd.DataFrame, weekly: pd.DataFrame, terms: list[Term], lag: int, grace: int, alpha: float):
    intervals = weekly_intervals(frame, weekly[WEEKLY_COLUMNS], lag, grace, covariates=[t.column for t in terms])
    table = fit_cox_timevarying(intervals, terms).set_index("term")
    return [
        {
            "strategy": "cox_timevarying",
            "term": term.column,
            "ml_estimate": float(table.at[term.column, "estimate"]),
            "ml_ci_low": float(np.log(table.at[term.column, "ci_low"])),
            "ml_ci_high": float(np.log(table.at[term.column, "ci_high"])),
            "significant": bool(table.at[term.column, "p_value"] < alpha),  # Wald
            "events": int(intervals["event"].sum()),
            "analysed": int(intervals["participant_id"].nunique()),
        }
        for term in terms
    ]


def replicate(
    cfg: Simulation, plan: dict, size: int, index: int, rules: OutcomeRules, min_prior_weeks: int, alpha: float
) -> list[dict]:
    """One simulated cohort through every strategy; `plan` holds the logistic and time-varying terms, the
    lag and the grace weeks."""
    run_cfg = replace(cfg, n_participants=size, seed=replicate_seed(cfg.seed, size, index))
    people, weeks = cohort.simulate_people(run_cfg, range(size))
    tables = study_tables(run_cfg, people, weeks, min_prior_weeks)
    rows = []
    for strategy, window in (("published", WHOLE_FOLLOW_UP), ("pre_onset", PRE_ONSET)):
        rows += logistic_rows(analysed(tables, rules, window), plan["terms"], strategy, alpha)
    primary = analysed(tables, rules, PRE_ONSET)
    rows += cox_rows(primary, tables["weekly"], plan["timevarying_terms"], plan["lag_weeks"], rules.grace_weeks, alpha)
    return [{"size": size, "replicate": index, **row} for row in rows]


def run_size(
    cfg: Simulation,
    plan: dict,
    size: int,
    repetitions: int,
    rules: OutcomeRules,
    min_prior_weeks: int,
    alpha: float = 0.05,
) -> pd.DataFrame:
    rows = [row for i in range(repetitions) for row in replicate(cfg, plan, size, i, rules, min_prior_weeks, alpha)]
    return pd.DataFrame(rows)


def summarise(replicates: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Per size, strategy and term: mean events, bias of ML and Firth, CI coverage (ML Wald, Firth
    profile) and power (or type-I error: Firth's penalised LR test, the Cox model's Wald test) against
    truth's true_log_ratio (rows by strategy and term)."""
    data = replicates.merge(truth[["strategy", "term", "true_log_ratio"]], on=["strategy", "term"], how="left")
    t = data["true_log_ratio"]
    for fit in ("ml", "firth"):
        if f"{fit}_ci_low" not in data:
            data[[f"{fit}_ci_low", f"{fit}_ci_high", f"{fit}_estimate"]] = np.nan
        data[f"{fit}_covered"] = (data[f"{fit}_ci_low"] <= t) & (t <= data[f"{fit}_ci_high"])
        data[f"{fit}_covered"] = data[f"{fit}_covered"].where(data[f"{fit}_ci_low"].notna())
        data[f"{fit}_error"] = data[f"{fit}_estimate"] - t
    grouped = data.groupby(["size", "strategy", "term"], sort=True)
    summary = grouped.agg(
        repetitions=("replicate", "size"),
        mean_events=("events", "mean"),
        mean_analysed=("analysed", "mean"),
        true_log_ratio=("true_log_ratio", "first"),
        ml_bias=("ml_error", "mean"),
        firth_bias=("firth_error", "mean"),
        ml_failed=("ml_estimate", lambda s: int(s.isna().sum())),
        ml_coverage=("ml_covered", "mean"),
        firth_coverage=("firth_covered", "mean"),
        power=("significant", "mean"),
    )
    summary["true_ratio"] = np.exp(summary["true_log_ratio"])
    return summary.reset_index()
