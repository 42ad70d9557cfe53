"""Weekly (start, stop] intervals for a time-varying Cox model of running volume and its change."""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_RATIO = 3.0  # a first run after weeks of none has no finite ratio; 3 means "tripled or more"


def weekly_intervals(analysis: pd.DataFrame, weekly: pd.DataFrame, lag_weeks: int) -> pd.DataFrame:
    """One row per analysed participant and follow-up week at risk, with exposures lagged by lag_weeks.

    Week w is the interval (w-1, w]; the event falls in the diagnosis week. Exposure of week w is the
    running km of week w - lag_weeks and its ratio to the four worn weeks before that (0/0 counts as
    unchanged, 1; growth from nothing is capped at MAX_RATIO). A lagged week that was not worn carries
    the last worn week's exposure forward (dropping it would drop events too); weeks before any worn
    week are left out.
    """
    lagged = weekly[["participant_id", "week", "running_km", "ratio_to_prior_4wk", "worn"]].copy()
    lagged["week"] = lagged["week"] + lag_weeks
    prior_zero = lagged["worn"] & lagged["ratio_to_prior_4wk"].isna()
    lagged["ratio_to_prior_4wk"] = np.where(
        prior_zero & (lagged["running_km"] == 0), 1.0, np.where(prior_zero, MAX_RATIO, lagged["ratio_to_prior_4wk"])
    )
    lagged["ratio_to_prior_4wk"] = lagged["ratio_to_prior_4wk"].clip(upper=MAX_RATIO)
    base = analysis[["participant_id", "status", "follow_up_weeks"]]
    grid = base.loc[base.index.repeat(base["follow_up_weeks"].clip(lower=1))].copy()
    grid["week"] = grid.groupby("participant_id").cumcount() + 1
    grid = grid.merge(lagged.drop(columns=["worn"]), on=["participant_id", "week"], how="left")
    exposures = ["running_km", "ratio_to_prior_4wk"]
    grid[exposures] = grid.groupby("participant_id")[exposures].ffill()
    grid["start"], grid["stop"] = grid["week"] - 1, grid["week"]
    grid["event"] = ((grid["status"] == "case") & (grid["week"] == grid["follow_up_weeks"])).astype(int)
    covariates = analysis.drop(
        columns=["status", "follow_up_weeks", "running_km", "ratio_to_prior_4wk"], errors="ignore"
    )
    intervals = grid.dropna(subset=["running_km"]).merge(covariates, on="participant_id", how="left")
    return intervals.sort_values(["participant_id", "week"]).reset_index(drop=True)
