"""Per-term coverage of the default run's 95 % CIs over other seeds of the whole workflow: raw files written,
read, classified and modelled exactly as `snakemake` does, once per seed.

    python benchmarks/seeds.py [--seeds 20] [--first 1] [--cores 2] [--out DIR]

For each seed (the default seed + first, + first + 1, ...) it runs the workflow up to the model tables and
the truth (results/montecarlo/true_effects.parquet) in a temporary copy, then prints, per model and term,
how many seeds' CIs held the truth, and writes every seed's estimates to DIR/seeds.csv.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' workflow runner
from workflow_runner import copy_workflow, demo_config, run_snakemake  # noqa: E402

TARGETS = [
    "results/models/firth.parquet",
    "results/models/logistic.parquet",
    "results/models/cox_timevarying.parquet",
    "results/montecarlo/true_effects.parquet",
]
TRUTH_OF = {"logistic": "logistic", "firth": "logistic", "cox_timevarying": "cox_timevarying"}


def one_seed(seed: int, cores: int) -> pd.DataFrame:
    workdir = copy_workflow(Path(tempfile.mkdtemp(prefix=f"runrisk-seed-{seed}-")))
    extra = workdir / "seed.yaml"
    extra.write_text(yaml.safe_dump({"simulate": {"seed": seed}}))
    result = run_snakemake(workdir, cores, *TARGETS, "--configfile", "config/config.yaml", str(extra))
    if result.returncode:
        raise RuntimeError(f"seed {seed}: {result.stderr[-3000:]}")
    effects = pd.read_parquet(workdir / TARGETS[-1])
    tables = []
    for model, truth_model in TRUTH_OF.items():
        table = pd.read_parquet(workdir / f"results/models/{model}.parquet")
        truth = effects[effects["model"] == truth_model].set_index("term")["true_log_ratio"]
        table["true_ratio"] = np.exp(table["term"].map(truth))
        table["covered"] = (table["ci_low"] <= table["true_ratio"]) & (table["true_ratio"] <= table["ci_high"])
        tables.append(
            table.assign(seed=seed)[
                ["seed", "model", "term", "ratio", "ci_low", "ci_high", "true_ratio", "covered", "n", "events"]
            ]
        )
    shutil.rmtree(workdir)
    return pd.concat(tables, ignore_index=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    base = int(demo_config()["simulate"]["seed"])
    start = time.perf_counter()
    runs = []
    for k in range(args.first, args.first + args.seeds):
        runs.append(one_seed(base + k, args.cores))
        print(f"seed {base + k}: done at {time.perf_counter() - start:.0f} s", flush=True)
    seeds = pd.concat(runs, ignore_index=True)
    args.out.mkdir(parents=True, exist_ok=True)
    seeds.to_csv(args.out / "seeds.csv", index=False, float_format="%.5g")
    summary = seeds.groupby(["model", "term"], sort=False).agg(
        covered=("covered", "sum"),
        seeds=("seed", "nunique"),
        events=("events", "mean"),
        true_ratio=("true_ratio", "mean"),
    )
    print(f"\n{args.seeds} seeds of the whole workflow in {time.perf_counter() - start:.0f} s on {args.cores} cores")
    print(summary.to_string(float_format=lambda v: f"{v:.2f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
