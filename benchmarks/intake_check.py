"""The intake check against the run it comes before: `runrisk check` of the default study beside
`snakemake --cores N` of the same study. Goal: the check takes at most 10 % of the run.

    python benchmarks/intake_check.py [--cores 2] [--repeat 3] [--out benchmarks/results]

In a fresh copy of the workflow: the default run (timed, wall-clock; it also writes the raw files the
check reads), then the check of the same raw folder with as many processes as the run's cores (best of
--repeat, wall-clock, the command as a user types it, Python's start-up included). Writes
intake_check.csv.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from workflow_runner import copy_workflow, run_snakemake  # noqa: E402

GOAL = 0.10


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    runrisk = str(Path(sys.executable).with_name("runrisk"))
    with tempfile.TemporaryDirectory(prefix="runrisk-intake-") as scratch:
        workdir = copy_workflow(Path(scratch))
        start = time.perf_counter()
        result = run_snakemake(workdir, args.cores)
        run = time.perf_counter() - start
        assert result.returncode == 0, result.stderr[-2000:]
        checks = [timed([runrisk, "check", "--cores", str(args.cores)], workdir) for _ in range(args.repeat)]
    check = min(checks)
    table = pd.DataFrame(
        [
            {"step": "snakemake --cores all (the default run)", "seconds": run},
            {"step": "runrisk check (best of repeats)", "seconds": check},
            {"step": "runrisk check, slowest repeat", "seconds": max(checks)},
        ]
    )
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "intake_check.csv", index=False, float_format="%.2f")
    share = check / run
    print(table.round(2).to_string(index=False))
    verdict = "met" if share <= GOAL else "not met"
    print(f"the check takes {share:.1%} of the run on {args.cores} cores; goal {GOAL:.0%}: {verdict}")


if __name__ == "__main__":
    main()
