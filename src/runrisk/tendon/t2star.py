"""T2* per voxel from a multi-echo gradient-echo series, S(TE) = S0 exp(-TE / T2*), vectorised over voxels.

Two fits, as the quantitative-MRI literature uses them:

- `loglinear`: weighted least squares of log S on TE, weights S^2 (the variance of log S is sigma^2 / S^2),
  closed form, one pass over the data. Fast (a whole 256 x 256 x 30 volume of 8 echoes well inside a
  second), but magnitude images carry a Rician noise floor: where late echoes approach the noise the floor
  lifts them and log-linear T2* comes out too long (Hernando et al. 2013, MRM 70:1319).
- `offset`: non-linear least squares of S0 exp(-TE / T2*) + C, the constant C taking up the noise floor
  (the "offset" model of Feng et al. 2013). Unbiased while the signal decays well into the floor, but S0
  and C trade off when it does not (T2* long against the echo train: -40 % or worse at 60 ms).
- `rician` (the default): non-linear least squares of the Rician expectation of a magnitude,
  E[M] = sigma sqrt(pi/2) 1F1(-1/2; 1; -S^2 / 2 sigma^2) with S = S0 exp(-TE / T2*) (the noise-corrected
  exponential, NCEXP, of Miller and Joseph 1993 and Hernando et al. 2013), sigma the image's noise SD
  measured in its background (or given). Two parameters, no floor to trade off: the default because the
  tendon's short T2* (about 10 ms healthy) decays into the floor within the echo train, where log-linear
  is biased, and a tendinopathic one (14 ms and more) is long enough for the offset model to fail.

All non-linear fits start from the log-linear one and run Levenberg-Marquardt on every voxel at once.

By hand because no well-kept library fits a voxel array at once: scipy.optimize.curve_fit (what ukat calls)
fits one voxel per call, some 10,000 times slower for a volume.

Each voxel gets its R^2 and SNR (S0 over the residual SD) and a status: fitted, or rejected for low R^2,
low SNR, or T2* outside the plausible range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FITTED, LOW_R2, LOW_SNR, OUT_OF_RANGE, NOT_FINITE = 0, 1, 2, 3, 4
STATUS_NAMES = {FITTED: "fitted", LOW_R2: "R2", LOW_SNR: "SNR", OUT_OF_RANGE: "range", NOT_FINITE: "not finite"}


@dataclass(frozen=True)
class Acceptance:
    """Which voxels' fits are kept (the values: config tendon.min_r2, min_snr, t2star_range_ms, whose
    defaults live in the schema). R^2 is low for a long T2* that decays little over the echo train, so a
    strict R^2 would keep the fast-decaying voxels and bias the median short (-6 % at 60 ms, SNR 20, with
    0.5; benchmarks/t2star_phantoms.py)."""

    min_r2: float
    min_snr: float  # S0 over the noise SD
    t2star_range_ms: tuple[float, float]


@dataclass(frozen=True)
class T2StarMap:
    t2star_ms: np.ndarray  # (voxels,)
    s0: np.ndarray
    offset: np.ndarray  # zero for the log-linear fit
    r2: np.ndarray
    snr: np.ndarray
    status: np.ndarray  # FITTED or the first reason a voxel is rejected

    @property
    def fitted(self) -> np.ndarray:
        return self.status == FITTED


def _as_voxels(signal: np.ndarray, echo_times_ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    signal = np.asarray(signal, dtype=float)
    te = np.asarray(echo_times_ms, dtype=float)
    if signal.shape[-1] != te.size:
        raise ValueError(f"{signal.shape[-1]} echoes in the image but {te.size} echo times")
    return signal.reshape(-1, te.size), te


def loglinear_parameters(signal: np.ndarray, te: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S0, R2* in 1/ms) per voxel from the S^2-weighted regression of log S on TE (a zero magnitude has
    weight zero, so the tiny floor under its logarithm never counts)."""
    wy = np.maximum(signal, np.finfo(float).tiny)
    np.log(wy, out=wy)  # in place: a volume's arrays are 128 MB each, and each new one costs its page faults
    w = signal * signal
    wy *= w
    sw, swt, swtt = w.sum(1), w @ te, w @ (te * te)
    swy, swty = wy.sum(1), wy @ te
    with np.errstate(divide="ignore", invalid="ignore"):
        det = sw * swtt - swt**2
        slope = (sw * swty - swt * swy) / det
        intercept = (swtt * swy - swt * swty) / det
    return np.exp(intercept), -slope


def _offset_fit(signal: np.ndarray, te: np.ndarray, iterations: int) -> tuple[np.ndarray, ...]:
    """Levenberg-Marquardt on (S0, R, C) of S0 exp(-R TE) + C for every voxel at once (3 x 3 normal
    equations solved by Cramer's rule: no batched LAPACK call per iteration)."""
    s0, rate = loglinear_parameters(signal, te)
    s0 = np.where(np.isfinite(s0), s0, signal[:, 0])
    rate = np.where(np.isfinite(rate) & (rate > 0), rate, 0.1)
    offset = np.zeros(len(signal))
    damping = np.full(len(signal), 1e-3)

    def cost(a, r, c):
        return ((signal - (a[:, None] * np.exp(-r[:, None] * te) + c[:, None])) ** 2).sum(1)

    current = cost(s0, rate, offset)
    for _ in range(iterations):
        decay = np.exp(-rate[:, None] * te)
        residual = signal - (s0[:, None] * decay + offset[:, None])
        j = np.stack([decay, -s0[:, None] * te * decay, np.ones_like(decay)], axis=2)  # (V, E, 3)
        a = np.einsum("vei,vej->vij", j, j)
        g = np.einsum("vei,ve->vi", j, residual)
        a[:, [0, 1, 2], [0, 1, 2]] *= 1 + damping[:, None]
        step = _solve3(a, g)
        trial = s0 + step[:, 0], rate + step[:, 1], offset + step[:, 2]
        new = cost(*trial)
        better = np.isfinite(new) & (new < current) & (trial[1] > 0)
        s0, rate, offset = (np.where(better, t, old) for t, old in zip(trial, (s0, rate, offset), strict=True))
        current = np.where(better, new, current)
        damping = np.where(better, damping / 3, damping * 4)
    return s0, rate, offset


def rician_mean(s: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """E[M] of a magnitude M = |S + n|, n complex Gaussian of SD sigma per channel (exponentially scaled
    Bessel functions: no overflow at high SNR, where E[M] -> S)."""
    return _rician_mean_and_slope(s, sigma)[0]


def _rician_mean_and_slope(s: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E[M] and dE[M]/dS: with x = S^2 / 2 sigma^2, E = sigma sqrt(pi/2) e^(-x/2) ((1 + x) I0(x/2) +
    x I1(x/2)) and dE/dS = sqrt(pi/2) S / (2 sigma) e^(-x/2) (I0(x/2) + I1(x/2))."""
    from scipy.special import i0e, i1e

    x = s**2 / (2 * sigma**2)
    b0, b1 = i0e(x / 2), i1e(x / 2)
    root = np.sqrt(np.pi / 2)
    return sigma * root * ((1 + x) * b0 + x * b1), root * s / (2 * sigma) * (b0 + b1)


def _rician_fit(signal: np.ndarray, te: np.ndarray, sigma: np.ndarray, iterations: int) -> tuple[np.ndarray, ...]:
    """Levenberg-Marquardt on (S0, R) of E[M](S0 exp(-R TE), sigma), analytic Jacobian, each voxel until its
    step is below 1e-7 of its parameters. Only the voxels still moving are computed: most converge in a
    few steps, and a whole volume's air would otherwise be evaluated every one of `iterations` times."""
    s0, rate = loglinear_parameters(signal, te)
    s0 = np.where(np.isfinite(s0) & (s0 > 0), s0, np.maximum(signal[:, 0], 1e-6))
    rate = np.where(np.isfinite(rate) & (rate > 0), rate, 0.1)

    def evaluate(a, r, sig):
        decay = np.exp(-r[:, None] * te)
        mean, slope = _rician_mean_and_slope(a[:, None] * decay, sig[:, None])
        return mean, slope * decay, slope * (-te * a[:, None] * decay)

    index = np.arange(len(signal))  # the moving voxels, and below their state, compacted as they stop
    y, a, r, sig = signal, s0.copy(), rate.copy(), sigma
    base, d0, d1 = evaluate(a, r, sig)
    current = ((y - base) ** 2).sum(1)
    damping = np.full(len(y), 1e-3)
    for _ in range(iterations):
        residual = y - base
        a00, a01, a11 = (d0 * d0).sum(1), (d0 * d1).sum(1), (d1 * d1).sum(1)
        g0, g1 = (d0 * residual).sum(1), (d1 * residual).sum(1)
        a00, a11 = a00 * (1 + damping), a11 * (1 + damping)
        with np.errstate(divide="ignore", invalid="ignore"):
            det = a00 * a11 - a01**2
            step0, step1 = np.nan_to_num((a11 * g0 - a01 * g1) / det), np.nan_to_num((a00 * g1 - a01 * g0) / det)
        trial = a + step0, r + step1
        new_base, new_d0, new_d1 = evaluate(*trial, sig)
        new = ((y - new_base) ** 2).sum(1)
        better = np.isfinite(new) & (new < current) & (trial[0] > 0) & (trial[1] > 0)
        a, r = np.where(better, trial[0], a), np.where(better, trial[1], r)
        base = np.where(better[:, None], new_base, base)
        d0, d1 = np.where(better[:, None], new_d0, d0), np.where(better[:, None], new_d1, d1)
        current = np.where(better, new, current)
        damping = np.where(better, damping / 3, damping * 4)
        moving = (np.abs(step1) > 1e-7 * r) | (np.abs(step0) > 1e-7 * a)
        s0[index], rate[index] = a, r
        if not moving.all():
            index, y, a, r, sig = index[moving], y[moving], a[moving], r[moving], sig[moving]
            base, d0, d1, current, damping = base[moving], d0[moving], d1[moving], current[moving], damping[moving]
        if not index.size:
            break
    return s0, rate


def _solve3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        det = np.linalg.det(a)
        out = np.empty_like(b)
        for k in range(3):
            replaced = a.copy()
            replaced[:, :, k] = b
            out[:, k] = np.linalg.det(replaced) / det
    return np.nan_to_num(out)


METHODS = ("rician", "offset", "loglinear")


def background_sigma(background: np.ndarray) -> float:
    """The noise SD per channel from magnitudes where there is no signal (air): Rayleigh-distributed,
    mean sigma sqrt(pi/2)."""
    values = np.asarray(background, dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean() / np.sqrt(np.pi / 2)) if values.size else float("nan")


def fit_t2star(
    signal: np.ndarray,
    echo_times_ms: np.ndarray,
    method: str = "rician",
    sigma: float | np.ndarray | None = None,
    *,
    acceptance: Acceptance,
    iterations: int = 30,
) -> T2StarMap:
    """Fit every voxel of signal (..., echoes) and judge it; the result is flat over voxels. The rician fit
    needs the noise SD sigma (background_sigma of the image's air)."""
    voxels, te = _as_voxels(signal, echo_times_ms)
    finite = np.isfinite(voxels).all(1) & (voxels >= 0).all(1)
    clean = voxels if finite.all() else np.where(finite[:, None], voxels, 0.0)
    offset = np.zeros(len(clean))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if method == "loglinear":
            s0, rate = loglinear_parameters(clean, te)
        elif method == "offset":
            s0, rate, offset = _offset_fit(clean, te, iterations)
        elif method == "rician":
            if sigma is None or not np.all(np.isfinite(sigma)) or np.any(np.asarray(sigma) <= 0):
                raise ValueError("the rician T2* fit needs the image's noise SD (sigma > 0)")
            sigmas = np.broadcast_to(np.asarray(sigma, dtype=float), (len(clean),)).copy()
            s0, rate = _rician_fit(clean, te, sigmas, iterations)
        else:
            raise ValueError(f"unknown T2* fit {method!r}: one of {', '.join(METHODS)}")
        model = np.multiply.outer(rate, -te)
        np.exp(model, out=model)
        model *= s0[:, None]
        if method == "rician":
            model = rician_mean(model, sigmas[:, None])
        elif method == "offset":
            model += offset[:, None]
        model -= clean  # the residual, in the model's array
        rss = np.einsum("ve,ve->v", model, model)
        total = np.einsum("ve,ve->v", clean, clean) - clean.sum(1) ** 2 / te.size  # sum of squares about the mean
        total = np.maximum(total, 0.0)  # a flat signal is 0, never a rounding error below it
        r2 = 1 - rss / total
        noise = sigmas if method == "rician" else np.sqrt(rss / max(te.size - (3 if method == "offset" else 2), 1))
        snr = s0 / noise
        t2star = 1 / rate
    low, high = acceptance.t2star_range_ms
    status = np.full(len(clean), FITTED)
    status = np.where(~(r2 >= acceptance.min_r2), LOW_R2, status)
    status = np.where((status == FITTED) & ~(snr >= acceptance.min_snr), LOW_SNR, status)
    status = np.where((status == FITTED) & ~((t2star >= low) & (t2star <= high)), OUT_OF_RANGE, status)
    status = np.where(finite, status, NOT_FINITE)
    return T2StarMap(t2star, s0, offset, r2, snr, status)
