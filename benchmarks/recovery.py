"""Parameter recovery on the embedded default cohort: a clean run, then estimated vs true effects.

    python benchmarks/recovery.py [--cores 2] [--workdir DIR] [--configfile extra.yaml]

Runs the study (`all`) and the truth (results/montecarlo/true_effects.parquet: each logistic term's odds
ratio as the analysis defines it, from a truth cohort; the configured hazard ratios for the time-varying
Cox model). Prints the case count, each estimate (95 % CI) beside its truth, the exposure comparison (km
against the weekly tendon load: AIC, C difference, LR tests), wall time and the peak RSS of the largest
process. Exits 1 if a truth falls outside its CI, or if the model of the exposure the world's risk follows
(simulate.hazard.exposure) does not have the lower AIC.

    python benchmarks/recovery.py --configfile benchmarks/tendon_load_world.yaml   # risk follows the tendon
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' workflow runner
from workflow_runner import copy_workflow, run_snakemake  # noqa: E402

from runrisk.config import complete_config  # noqa: E402


def time_stats(path: Path) -> tuple[str, float]:
    text = path.read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    peak_kb = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return wall, peak_kb / 1024


def merged(base: dict, over: dict) -> dict:
    """over merged into base mapping by mapping, as Snakemake merges a --configfile over the config."""
    out = dict(base)
    for key, value in over.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--configfile", type=Path, help="extra config merged over config/config.yaml")
    args = parser.parse_args()
    workdir = copy_workflow(args.workdir or Path(tempfile.mkdtemp(prefix="runrisk-recovery-")))
    extra = ["--configfile", str(args.configfile.resolve())] if args.configfile else []
    timing = workdir / "time.txt"
    result = run_snakemake(workdir, args.cores, "all", "results/montecarlo/true_effects.parquet", *extra, timed=timing)
    if result.returncode:
        print(result.stderr[-4000:], file=sys.stderr)
        return result.returncode
    # the config the run saw: config.yaml, the extra file merged over it as Snakemake merges, the schema's defaults
    config = yaml.safe_load((workdir / "config/config.yaml").read_text())
    if args.configfile:
        config = merged(config, yaml.safe_load(args.configfile.read_text()))
    config = complete_config(config, workdir / "workflow/schemas/config.schema.yaml")
    effects = pd.read_parquet(workdir / "results/montecarlo/true_effects.parquet")
    wall, peak_mb = time_stats(timing)
    print(f"workdir {workdir}\nseed {config['simulate']['seed']}, n = {config['simulate']['n_participants']}")
    covered = True
    for model, truth_model in (("logistic", "logistic"), ("firth", "logistic"), ("cox_timevarying", "cox_timevarying")):
        table = pd.read_parquet(workdir / f"results/models/{model}.parquet")
        truth = effects[effects["model"] == truth_model].set_index("term")["true_log_ratio"]
        table["true_or"] = np.exp(table["term"].map(truth))
        # a term the world sets no truth for (km's hazard ratio in a tendon-load world) is not judged
        table["covered"] = ~np.isfinite(table["true_or"]) | (
            (table["ci_low"] <= table["true_or"]) & (table["true_or"] <= table["ci_high"])
        )
        covered &= bool(table["covered"].all())
        print(
            f"{model} ({table['ci_method'].iloc[0]} CI): analysed {table['n'].iloc[0]}, cases {table['events'].iloc[0]}"
        )
        for row in table.itertuples():
            print(
                f"  {row.label:<52} {row.ratio:5.2f} ({row.ci_low:4.2f}-{row.ci_high:4.2f})  true {row.true_or:4.2f}"
                f"  {'inside' if row.covered else 'OUTSIDE'}"
            )
    comparison_path = workdir / "results/models/exposure_comparison.parquet"
    if comparison_path.exists():
        winner_ok = print_comparison(pd.read_parquet(comparison_path), effects, config)
        covered &= winner_ok
    print(f"wall time {wall} on {args.cores} cores; peak RSS of the largest process {peak_mb:.0f} MB")
    return 0 if covered else 1


def print_comparison(table: pd.DataFrame, effects: pd.DataFrame, config: dict) -> bool:
    """The exposure comparison beside the world's truth: the model of the exposure risk follows must win
    (lower AIC), and the tendon-load world's effect must lie inside its CI. True when both hold."""
    truth_exposure = config["simulate"].get("hazard", {}).get("exposure", "km")
    truth = effects[effects["model"] == "exposure_comparison"].set_index("term")["true_log_ratio"]
    reference = table[table["model"] == "reference"].iloc[0]
    print(
        f"exposure comparison (truth: risk follows {truth_exposure}); {reference['n']} analysed with every exposure, "
        f"{reference['events']} cases"
    )
    for row in table.itertuples():
        true_or = np.exp(truth.get(row.exposure, np.nan))
        print(
            f"  {row.label:<60} OR {row.ratio:5.2f} ({row.ci_low:4.2f}-{row.ci_high:4.2f})"
            + (f" true {true_or:4.2f}" if np.isfinite(true_or) else "")
            + f"  AIC {row.aic:7.1f} (diff {row.delta_aic:+6.1f})  C {row.c_statistic:.3f}"
            + (
                f" (diff {row.delta_c:+.3f}, {row.delta_c_low:+.3f} to {row.delta_c_high:+.3f})"
                f"  LR added to km {row.lr_added_to_reference:.2f} (p {row.lr_added_to_reference_p:.3g}),"
                f" km added {row.lr_reference_added:.2f} (p {row.lr_reference_added_p:.3g})"
                if row.model != "reference"
                else ""
            )
        )
    load = table[table["exposure"] == "mean_weekly_at_load_bws"].iloc[0]
    if truth_exposure == "tendon_load":
        true_or = np.exp(truth.get("mean_weekly_at_load_bws", np.nan))
        return bool(load["delta_aic"] < 0 and load["ci_low"] <= true_or <= load["ci_high"])
    return bool(load["delta_aic"] > 0)


if __name__ == "__main__":
    sys.exit(main())
