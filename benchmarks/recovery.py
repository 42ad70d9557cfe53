"""Parameter recovery on the embedded default cohort: a clean run, then estimated vs true ORs.

    python benchmarks/recovery.py [--cores 2] [--workdir DIR] [--configfile extra.yaml]

Prints the case count, estimated OR (95 % CI) beside the true OR for each term, wall time and the
peak RSS of the largest process. Exits 1 if a true OR falls outside its CI.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from runrisk.simulate.cohort import TRUE_EFFECT_OF_TERM

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' workflow runner
from workflow_runner import copy_workflow, run_snakemake  # noqa: E402


def time_stats(path: Path) -> tuple[str, float]:
    text = path.read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    peak_kb = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return wall, peak_kb / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--configfile", type=Path, help="extra config merged over config/config.yaml")
    args = parser.parse_args()
    workdir = copy_workflow(args.workdir or Path(tempfile.mkdtemp(prefix="runrisk-recovery-")))
    extra = ["--configfile", str(args.configfile.resolve())] if args.configfile else []
    timing = workdir / "time.txt"
    result = run_snakemake(workdir, args.cores, *extra, timed=timing)
    if result.returncode:
        print(result.stderr[-4000:], file=sys.stderr)
        return result.returncode
    config = yaml.safe_load((workdir / "config/config.yaml").read_text())
    if args.configfile:
        config["simulate"].update(yaml.safe_load(args.configfile.read_text()).get("simulate", {}))
    truth = config["simulate"]["true_odds_ratios"]
    wall, peak_mb = time_stats(timing)
    print(f"workdir {workdir}\nseed {config['simulate']['seed']}, n = {config['simulate']['n_participants']}")
    covered = True
    for model in ("logistic", "firth"):
        table = pd.read_parquet(workdir / f"results/models/{model}.parquet")
        table["true_or"] = table["term"].map(lambda t: truth[TRUE_EFFECT_OF_TERM[t]])
        table["covered"] = (table["ci_low"] <= table["true_or"]) & (table["true_or"] <= table["ci_high"])
        covered &= bool(table["covered"].all())
        print(
            f"{model} ({table['ci_method'].iloc[0]} CI): analysed {table['n'].iloc[0]}, cases {table['events'].iloc[0]}"
        )
        for row in table.itertuples():
            print(
                f"  {row.label:<46} OR {row.ratio:5.2f} ({row.ci_low:4.2f}-{row.ci_high:4.2f})  true {row.true_or:4.2f}"
                f"  {'inside' if row.covered else 'OUTSIDE'}"
            )
    print(f"wall time {wall} on {args.cores} cores; peak RSS of the largest process {peak_mb:.0f} MB")
    return 0 if covered else 1


if __name__ == "__main__":
    sys.exit(main())
