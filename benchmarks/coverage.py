"""Coverage, bias and power of three analysis strategies on the realistic synthetic world, through the
study's own outcome, exposure and model code (runrisk.power.montecarlo), at the default cohort's size.

    python benchmarks/coverage.py [--repetitions 500] [--size 911] [--processes 2] [--out DIR]

Prints, per strategy and term, the true effect, mean estimate, bias and the 95 % CI coverage (ML Wald;
Firth profile for the logistic strategies), and writes the table (coverage.csv), the truth
(true_effects.csv) and a figure of the
published against the primary estimate of the running-volume OR (bias_published.png) to --out. The
goal of issue #16: the recommended analysis covers every true effect 93-97 % of the time.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from runrisk.cohort.outcomes import OutcomeRules  # noqa: E402
from runrisk.power.montecarlo import replicate, summarise  # noqa: E402
from runrisk.power.truth import strategy_targets, true_effects  # noqa: E402
from runrisk.simulate.settings import Simulation  # noqa: E402
from runrisk.stats.terms import Term  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' config helpers
from workflow_runner import demo_config  # noqa: E402


def binomial_interval(p: float, n: int) -> tuple[float, float]:
    """The Wilson 95 % interval of a coverage estimated from n repetitions."""
    z = 1.959964
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=500)
    parser.add_argument("--size", type=int, default=911)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    config = demo_config()
    cfg = Simulation.from_config(config["simulate"])
    terms = [Term.from_config(t) for t in config["models"]["terms"]]
    plan = {
        "terms": terms,
        "timevarying_terms": [Term.from_config(t) for t in config["models"]["timevarying"]["terms"]],
        "lag_weeks": config["models"]["timevarying"]["lag_weeks"],
    }
    rules = OutcomeRules.from_config(config["outcomes"], config["exposure"], [t.column for t in terms])
    start = time.perf_counter()
    effects = true_effects(cfg, terms, plan["timevarying_terms"], config["exposure"]["min_worn_weeks"])
    truth_s = time.perf_counter() - start
    one = partial(
        replicate, cfg, plan, args.size, rules=rules, min_prior_weeks=config["exposure"]["min_prior_weeks"], alpha=0.05
    )
    with ProcessPoolExecutor(args.processes) as pool:
        rows = [row for chunk in pool.map(one, range(args.repetitions), chunksize=4) for row in chunk]
    replicates = pd.DataFrame(rows)
    summary = summarise(replicates, strategy_targets(effects))
    elapsed = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    summary.to_csv(args.out / "coverage.csv", index=False, float_format="%.4g")
    effects.to_csv(args.out / "true_effects.csv", index=False, float_format="%.5g")
    print(f"n = {args.size}, {args.repetitions} repetitions; truth cohort {cfg.truth_cohort_size} ({truth_s:.0f} s)")
    print(f"wall {elapsed:.0f} s on {args.processes} processes")
    for strategy, rows in summary.groupby("strategy", sort=False):
        print(
            f"\n{strategy}: mean events {rows['mean_events'].mean():.1f} of {rows['mean_analysed'].mean():.0f} analysed"
        )
        for row in rows.itertuples():
            coverage = row.firth_coverage if strategy != "cox_timevarying" else row.ml_coverage
            low, high = binomial_interval(coverage, args.repetitions)
            print(
                f"  {row.term:<30} true {row.true_ratio:5.2f}  bias ML {row.ml_bias:+.3f}"
                f"  Firth {row.firth_bias:+.3f}  coverage ML {row.ml_coverage:.3f}"
                f"  {'Firth' if strategy != 'cox_timevarying' else 'Wald'} {coverage:.3f} ({low:.3f}-{high:.3f})"
                f"  power {row.power:.2f}"
            )
    published_bias_figure(replicates, effects, args.out / "bias_published.png")
    return 0


def published_bias_figure(replicates: pd.DataFrame, effects: pd.DataFrame, path: Path) -> None:
    """The running-volume odds ratio by the published and by the primary analysis in each simulated
    cohort, against the truth: the published analysis's bias under behaviour change."""
    km = replicates[replicates["term"] == "mean_weekly_km"].pivot(
        index="replicate", columns="strategy", values="firth_estimate"
    )
    truth = float(effects.query("model == 'logistic' and term == 'mean_weekly_km'")["true_log_ratio"].iloc[0])
    limit = float(
        effects.query("model == 'logistic' and term == 'mean_weekly_km'")["published_limit_log_ratio"].iloc[0]
    )
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    bins = np.linspace(np.exp(km.min().min()), np.exp(km.max().max()), 40)
    for strategy, colour in (("pre_onset", "#1b9e77"), ("published", "#d95f02")):
        ax.hist(
            np.exp(km[strategy]),
            bins=bins,
            alpha=0.55,
            color=colour,
            label=f"{strategy} (mean log OR {km[strategy].mean():+.3f})",
        )
    ax.axvline(np.exp(truth), color="black", lw=1.2, label=f"true OR {np.exp(truth):.2f}")
    ax.axvline(np.exp(limit), color="#d95f02", lw=1.2, ls="--", label=f"published analysis' limit {np.exp(limit):.2f}")
    ax.set_xlabel("Running volume OR per 12.5 km/week (Firth)")
    ax.set_ylabel("Simulated cohorts")
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=150)


if __name__ == "__main__":
    sys.exit(main())
