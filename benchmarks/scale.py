"""Scale: the default cohort against a cohort ten times larger, and a no-op rerun (run on demand).

    python benchmarks/scale.py [--sizes 911 9110] [--cores 2] [--root DIR]

For each size: a clean run in its own folder under --root (wall time, peak RSS of the largest process,
jobs), then a rerun with everything up to date (wall time). Prints ratios against the first size, and
the steps with the highest peak RSS, sampled from ps every 0.2 s (Snakemake's own benchmark files poll
too rarely to catch a step that lasts a second or two).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' workflow runner
from workflow_runner import copy_workflow, run_snakemake  # noqa: E402


class StepSampler(threading.Thread):
    """Highest RSS (MB) seen per workflow step script, and for the scheduler, while a run lasts."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[str, float] = defaultdict(float)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            listing = subprocess.run(["ps", "-eo", "rss=,args="], capture_output=True, text=True).stdout
            for line in listing.splitlines():
                rss, _, args = line.strip().partition(" ")
                step = re.search(r"\.snakemake/scripts/tmp[^.]+\.(\w+)\.py", args)
                name = step.group(1) if step else "snakemake (scheduler)" if "bin/snakemake" in args else None
                if name:
                    self.peaks[name] = max(self.peaks[name], int(rss) / 1024)
            time.sleep(0.2)


def timed_run(workdir: Path, cores: int, size: int) -> tuple[float, float, str]:
    stats = workdir / f"time-{time.monotonic_ns()}.txt"
    override = workdir / "config" / "scale.yaml"
    override.write_text(f"simulate:\n  n_participants: {size}\n")
    result = run_snakemake(workdir, cores, "--configfile", str(override.relative_to(workdir)), timed=stats)
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    text = stats.read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(wall.split(":"))))
    peak_mb = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    jobs = re.search(r"(\d+) of \d+ steps \(100%\) done", result.stdout + result.stderr)
    return seconds, peak_mb, jobs.group(1) if jobs else "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[911, 9110])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--root", type=Path)
    args = parser.parse_args()
    root = args.root or Path(tempfile.mkdtemp(prefix="runrisk-scale-"))
    rows = []
    for size in args.sizes:
        workdir = copy_workflow(root / f"n{size}")
        sampler = StepSampler()
        sampler.start()
        seconds, peak_mb, jobs = timed_run(workdir, args.cores, size)
        sampler.done.set()
        top = sorted(sampler.peaks.items(), key=lambda item: -item[1])[:6]
        noop, _, _ = timed_run(workdir, args.cores, size)
        rows.append((size, seconds, peak_mb, jobs, noop))
        print(
            f"n = {size}: {seconds:.0f} s wall, peak RSS {peak_mb:.0f} MB, {jobs} jobs; no-op rerun {noop:.1f} s\n"
            f"  highest steps: {', '.join(f'{name} {mb:.0f} MB' for name, mb in top)}",
            flush=True,
        )
    base = rows[0]
    for size, seconds, peak_mb, _, _ in rows[1:]:
        print(
            f"n = {size} vs {base[0]}: time x{seconds / base[1]:.2f} (size x{size / base[0]:.1f}), "
            f"peak RSS x{peak_mb / base[2]:.2f}"
        )


if __name__ == "__main__":
    main()
