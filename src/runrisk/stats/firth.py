"""Firth-penalised logistic regression (Firth 1993; Heinze & Schemper 2002) with profile
penalised-likelihood confidence intervals and likelihood-ratio p-values, as R's logistf computes them.

The penalty 0.5 log|X'WX| removes the first-order bias of maximum likelihood and keeps estimates finite
under separation, which matters with 20-40 events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2


@dataclass(frozen=True)
class FirthFit:
    beta: np.ndarray
    loglik: float  # penalised log-likelihood at beta
    cov: np.ndarray  # inverse of X'WX at beta
    iterations: int


def _penalised_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    eta = X @ beta
    p = 1.0 / (1.0 + np.exp(-eta))
    w = p * (1 - p)
    info = X.T @ (X * w[:, None])
    sign, logdet = np.linalg.slogdet(info)
    loglik = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    return loglik + 0.5 * logdet if sign > 0 else -np.inf, p, info


def firth_fit(
    X: np.ndarray, y: np.ndarray, fixed: dict[int, float] | None = None, max_iter: int = 100, tol: float = 1e-10
) -> FirthFit:
    """Maximise the penalised likelihood; coefficients in `fixed` are held at the given values."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    fixed = fixed or {}
    free = np.array([j for j in range(X.shape[1]) if j not in fixed], dtype=int)
    beta = np.zeros(X.shape[1])
    for j, value in fixed.items():
        beta[j] = value
    loglik, p, info = _penalised_loglik(X, y, beta)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        cov = np.linalg.inv(info)
        hat = np.einsum("ij,jk,ik->i", X * np.sqrt(p * (1 - p))[:, None], cov, X * np.sqrt(p * (1 - p))[:, None])
        score = X[:, free].T @ (y - p + hat * (0.5 - p))
        step = np.linalg.solve(info[np.ix_(free, free)], score)
        step *= min(1.0, 5.0 / max(np.abs(step).max(), 1e-12))  # logistf's maxstep
        for _ in range(30):  # step halving keeps the penalised likelihood rising
            candidate = beta.copy()
            candidate[free] += step
            new_loglik, new_p, new_info = _penalised_loglik(X, y, candidate)
            if new_loglik >= loglik - 1e-12:
                break
            step /= 2
        beta, loglik, p, info = candidate, new_loglik, new_p, new_info
        if np.abs(step).max() < tol and np.abs(score).max() < 1e-6:
            break
    return FirthFit(beta, loglik, np.linalg.inv(info), iterations)


def profile_interval(X: np.ndarray, y: np.ndarray, fit: FirthFit, j: int, level: float = 0.95) -> tuple[float, float]:
    """Where the profile penalised log-likelihood of coefficient j drops by chi2(1, level) / 2."""
    drop = chi2.ppf(level, 1) / 2

    def excess(value: float) -> float:
        return fit.loglik - firth_fit(X, y, fixed={j: value}).loglik - drop

    se = float(np.sqrt(fit.cov[j, j]))
    bounds = []
    for direction in (-1, 1):
        width = 2 * se
        while excess(fit.beta[j] + direction * width) < 0 and width < 1e3:
            width *= 2
        bounds.append(brentq(excess, fit.beta[j], fit.beta[j] + direction * width, xtol=1e-8))
    return bounds[0], bounds[1]


def lr_p_value(X: np.ndarray, y: np.ndarray, fit: FirthFit, j: int) -> float:
    statistic = 2 * (fit.loglik - firth_fit(X, y, fixed={j: 0.0}).loglik)
    return float(chi2.sf(max(statistic, 0.0), 1))
