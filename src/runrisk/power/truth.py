"""The true effect of each model term as the analysis defines it, for a simulated cohort.

The simulator sets hazard ratios of weekly symptom onset; the study reports odds ratios of a one-year
diagnosis from exposure averaged over a window of worn weeks. The two differ (a diagnosis is an onset
that reached a physician in time; the window's mean is not the lagged week; collapsibility), so the true
odds ratio of each logistic term is the limit of the analysis itself: the same logistic model on a large
truth cohort from the same generator, with the analysis' definitions applied to the truth (entry rule,
strict controls, exposure window) and covariates measured without error. For the time-varying Cox model
the truth is the configured hazard ratios, which it estimates directly.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import statsmodels.api as sm

from runrisk.cohort.exposure import PRE_ONSET, WHOLE_FOLLOW_UP
from runrisk.simulate import cohort
from runrisk.simulate.settings import Simulation
from runrisk.stats.terms import Term, design_matrix

# term column -> (simulate key, unit of the configured ratio, sign of the configured direction)
CONFIGURED_EFFECTS = {
    "running_km": ("hazard.weekly_km_per_12_5", 12.5, 1),
    "ratio_to_prior_4wk": ("hazard.change_ratio_per_0_5", 0.5, 1),
    "ankle_external_rotation_peak": ("true_odds_ratios.ankle_external_rotation_lower_per_sd", "sd", -1),
    "ankle_inversion_moment_peak": ("true_odds_ratios.ankle_inversion_moment_per_sd", "sd", 1),
    "strike_index_pct": ("true_odds_ratios.strike_index_per_sd", "sd", 1),
    "age": ("true_odds_ratios.age_per_10_years", 10, 1),
    "female": ("true_odds_ratios.female", 1, 1),
    "t2star_median_ms": ("mri.onset_hr_per_sd_t2star", "sd", 1),  # null: the tendon has no effect (truth 0)
}
TRUE_EXPOSURES = ("mean_weekly_km", "mean_weekly_at_load_bws")  # weekly exposures truth_frame knows (not the damage)
EFFECT_COLUMNS = ["model", "term", "true_log_ratio", "published_limit_log_ratio", "definition"]


def configured_log_ratio(cfg: Simulation, term: Term) -> float:
    """The configured log hazard ratio of a term in the term's own scaling and direction; NaN for a term the
    simulator has no effect for (its truth is 0 only if the generator ignores it, which it does not state)."""
    if term.column not in CONFIGURED_EFFECTS:
        return np.nan
    if term.column == "running_km" and cfg.hazard.exposure == "tendon_load":
        return np.nan  # a tendon-load world sets no hazard ratio of km: the tendon's load is in its place
    key, unit, direction = CONFIGURED_EFFECTS[term.column]
    section, name = key.split(".")
    part = getattr(cfg, section)
    ratio = part[name] if isinstance(part, dict) else getattr(part, name)
    log_ratio = np.log(1.0 if ratio is None else ratio) * direction * term.sign
    if unit == "sd" or term.scale == "sd":
        return float(log_ratio) if unit == term.scale else np.nan
    return float(log_ratio * float(term.scale) / unit)


def truth_frame(cfg: Simulation, people: pd.DataFrame, window: str, min_worn_weeks: int) -> pd.DataFrame:
    """The truth cohort as the analysis would select and describe it, without measurement error."""
    exposure = people["true_exposure_km"] if window == PRE_ONSET else people["true_exposure_km_whole_follow_up"]
    suffix = "" if window == PRE_ONSET else "_whole_follow_up"
    worn = people["true_weeks_worn"] if window == PRE_ONSET else people["true_weeks_worn_whole_follow_up"]
    unexplained = people["achilles_complainer"] | (people["complainer"] & ~people["complaint_explained"])
    keep = (
        people["has_trials"]
        & (worn >= min_worn_weeks)
        & (people["true_case"] | ~(people["prior_achilles"] | unexplained))
    )
    frame = people.assign(
        status=np.where(people["true_case"], "case", "control"),
        mean_weekly_km=exposure,
        # km x the runner's tendon impulse per km at the lab: the tendon load a study without pace would measure
        mean_weekly_at_load_bws=people[f"true_exposure_at_load_bws{suffix}"],
        strike_index_pct=people["strike_index"],
        female=people["female"].astype(int),
        runner=people["runner"],
        # the tendon's true measures where it was scanned: a model with tendon terms analyses those alone
        t2star_median_ms=people["true_t2star_ms"].where(people["has_mri"]),
        thickness_max_mm=people["true_thickness_mm"].where(people["has_mri"]),
    )
    return frame[keep.to_numpy()].reset_index(drop=True)


def logistic_limit(cfg: Simulation, people: pd.DataFrame, terms: list[Term], window: str, min_worn_weeks: int):
    frame = truth_frame(cfg, people, window, min_worn_weeks).dropna(subset=[t.column for t in terms])
    x, _ = design_matrix(frame, terms)
    y = (frame["status"] == "case").astype(float)
    return sm.Logit(y, sm.add_constant(x)).fit(disp=False, maxiter=200).params, len(frame), int(y.sum())


def true_effects(
    cfg: Simulation,
    terms: list[Term],
    timevarying_terms: list[Term],
    min_worn_weeks: int,
    alternatives: tuple[tuple[Term, list[Term]], ...] = (),
) -> pd.DataFrame:
    """One row per model and term: the true log odds ratio of each logistic term as the primary (pre-onset)
    analysis defines it, beside the limit of the published (whole-follow-up) analysis, whose difference is
    that analysis' bias under behaviour change; and the configured log hazard ratio of each time-varying
    Cox term. The truth cohort is drawn with seed + 1, so it shares no participant with the study."""
    truth_cfg = replace(cfg, seed=int(cfg.seed) + 1, n_participants=cfg.truth_cohort_size)
    people, _ = cohort.simulate_people(truth_cfg, range(truth_cfg.n_participants))
    primary, n, cases = logistic_limit(cfg, people, terms, PRE_ONSET, min_worn_weeks)
    published, _, _ = logistic_limit(cfg, people, terms, WHOLE_FOLLOW_UP, min_worn_weeks)
    definition = f"primary analysis on a truth cohort of {len(people)} ({n} analysed, {cases} cases)"
    rows = [
        {
            "model": "logistic",
            "term": t.column,
            "true_log_ratio": float(primary[t.column]),
            "published_limit_log_ratio": float(published[t.column]),
            "definition": definition,
        }
        for t in terms
    ]
    # the exposure comparison's alternative models (the study's terms with another exposure in km's place):
    # the true effect of that exposure, where the truth cohort knows it
    for alternative, alternative_terms in alternatives:
        known = alternative.column in TRUE_EXPOSURES
        limit = logistic_limit(cfg, people, alternative_terms, PRE_ONSET, min_worn_weeks)[0] if known else {}
        rows.append(
            {
                "model": "exposure_comparison",
                "term": alternative.column,
                "true_log_ratio": float(limit.get(alternative.column, np.nan)),
                "published_limit_log_ratio": np.nan,
                "definition": f"{definition}, {alternative.column} in the place of km",
            }
        )
    rows += [
        {
            "model": "cox_timevarying",
            "term": t.column,
            "true_log_ratio": configured_log_ratio(cfg, t),
            "published_limit_log_ratio": np.nan,
            "definition": "configured weekly hazard ratio",
        }
        for t in timevarying_terms
    ]
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def strategy_targets(effects: pd.DataFrame) -> pd.DataFrame:
    """What each Monte-Carlo strategy should estimate: both logistic strategies the primary definition's
    true odds ratio (what the load before onset does to risk), the Cox model its hazard ratios."""
    logistic = effects[effects["model"] == "logistic"]
    cox = effects[effects["model"] == "cox_timevarying"]
    return pd.concat(
        [
            logistic.assign(strategy="published"),
            logistic.assign(strategy="pre_onset"),
            cox.assign(strategy="cox_timevarying"),
        ],
        ignore_index=True,
    )[["strategy", "term", "true_log_ratio"]]
