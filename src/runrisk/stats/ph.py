"""The proportional-hazards test of survival 3.x's cox.zph: a score test, per term, of a coefficient that
changes linearly with a transform of time.

Written here because lifelines' proportional_hazard_test computes the approximation that R's cox.zph
used before survival 3.0 (Grambsch and Therneau 1994, from scaled Schoenfeld residuals and the average
variance), which gives visibly different answers with few events; survival 3.x tests the extended model
beta(t) = beta + gamma * g(t) by the score test at (beta_hat, 0) instead (Therneau, survival's
"validation" vignette, section "The cox.zph function"). Tested equal to R on tests/reference.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2, rankdata


def zph_rank_test(
    X: np.ndarray, time: np.ndarray, event: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Chi-square (1 df) and p-value per column of X for a Cox fit beta on right-censored data, Efron ties,
    with g(t) the rank of time among all observations minus its mean over the events."""
    X = np.asarray(X, float)
    time, event = np.asarray(time, float), np.asarray(event, bool)
    ranks = rankdata(time)
    gtime = ranks - ranks[event].mean()
    weight = np.exp(X @ beta - (X @ beta).max())
    p = X.shape[1]
    score_g = np.zeros(p)
    info = np.zeros((2 * p, 2 * p))
    for t in np.unique(time[event]):
        at_risk, dead = time >= t, event & (time == t)
        g = gtime[dead][0]
        score, variance = _efron_time_terms(X[at_risk], weight[at_risk], X[dead], weight[dead])
        score_g += g * score
        info += np.kron(np.array([[1.0, g], [g, g * g]]), variance)
    statistic = np.empty(p)
    for k in range(p):
        keep = [*range(p), p + k]
        u = np.r_[np.zeros(p), score_g[k]]
        statistic[k] = u @ np.linalg.solve(info[np.ix_(keep, keep)], u)
    return statistic, chi2.sf(statistic, 1)


def _efron_time_terms(
    x_risk: np.ndarray, w_risk: np.ndarray, x_dead: np.ndarray, w_dead: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One event time's score (the deaths' covariates minus their Efron-weighted means) and information."""
    s0, s1, s2 = w_risk.sum(), w_risk @ x_risk, (x_risk * w_risk[:, None]).T @ x_risk
    e0, e1, e2 = w_dead.sum(), w_dead @ x_dead, (x_dead * w_dead[:, None]).T @ x_dead
    d = len(x_dead)
    score, variance = x_dead.sum(axis=0), np.zeros((x_risk.shape[1],) * 2)
    for fraction in np.arange(d) / d:
        phi, a = s0 - fraction * e0, s1 - fraction * e1
        score = score - a / phi
        variance += (s2 - fraction * e2) / phi - np.outer(a, a) / phi**2
    return score, variance
