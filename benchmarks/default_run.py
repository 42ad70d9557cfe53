"""The README's first command, timed: the whole default study on --cores, with a per-rule breakdown.

    python benchmarks/default_run.py [--cores 2] [--out benchmarks/results]

Runs `snakemake --cores N` (target all) in a fresh copy of the workflow, times it wall-clock, and sums
each rule's jobs from Snakemake's own benchmark files (benchmarks/runs/*.tsv: seconds and CPU seconds
per job). Beside it, the floor of the raw-file stages (`benchmarks/ingest_floor.py` on the same run):
what merely reading the same C3D files and Fitbit exports costs. Goal: 60 s wall on 2 cores.
Writes default_run.csv (one row per rule) and prints the total. `--without-mri` runs the same study without
its tendon MRI (simulate.mri.fraction 0; writes default_run_without_mri.csv): the MRI's share of the run.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from workflow_runner import copy_workflow, run_snakemake  # noqa: E402


def per_rule(workdir: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((workdir / "benchmarks/runs").glob("*.tsv")):
        job = pd.read_csv(path, sep="\t").iloc[-1]
        rule = re.sub(r"-\d{3}$", "", path.stem)  # shard jobs of one rule together
        rows.append({"rule": rule, "seconds": float(job["s"]), "cpu_seconds": float(job["cpu_time"])})
    jobs = pd.DataFrame(rows)
    table = jobs.groupby("rule").agg(
        jobs=("seconds", "size"), seconds=("seconds", "sum"), cpu_seconds=("cpu_seconds", "sum")
    )
    return table.sort_values("seconds", ascending=False).reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--without-mri", action="store_true", help="the default study with no one scanned")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runrisk-default-run-") as scratch:
        workdir = copy_workflow(Path(scratch))
        extra = []
        if args.without_mri:  # the study's config with one more file over it: nobody scanned
            (workdir / "config" / "without_mri.yaml").write_text("simulate:\n  mri:\n    fraction: 0.0\n")
            extra = ["--configfile", "config/config.yaml", "config/without_mri.yaml"]
        start = time.perf_counter()
        result = run_snakemake(workdir, args.cores, *extra)
        wall = time.perf_counter() - start
        assert result.returncode == 0, result.stderr[-2000:]
        table = per_rule(workdir)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "default_run_without_mri.csv" if args.without_mri else "default_run.csv"
    table.to_csv(args.out / name, index=False, float_format="%.1f")
    print(table.round(1).to_string(index=False))
    print(
        f"wall {wall:.0f} s on {args.cores} cores; jobs' seconds {table['seconds'].sum():.0f}, "
        f"CPU {table['cpu_seconds'].sum():.0f} s; goal 60 s wall: {'met' if wall <= 60 else 'not met'}"
    )


if __name__ == "__main__":
    main()
