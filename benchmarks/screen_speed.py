"""How long one runner's screening page takes, and a folder of runners through the Snakemake rule.

    python benchmarks/screen_speed.py [--runners 100] [--cores 2] [--out benchmarks/results]

In a copy of the workflow it first builds the embedded default's screening model
(results/models/screening_model.json, untimed). One runner: three C3D running trials (the marker-only
lab, so the gait model runs, plus its static trial) and a year of Fitbit exports, screened in-process
after the imports (what the goal counts: at most 5 s on one core, interpreter start-up excluded), ten
times. Then --runners such folders through `snakemake screen` (screening.runners_dir), wall time on
--cores. Writes screen_speed.csv.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_screening import CONFIG  # noqa: E402
from workflow_runner import copy_workflow, run_snakemake  # noqa: E402

from runrisk.screening.screen import screen  # noqa: E402
from runrisk.simulate import c3d_writer, cohort, fitbit_writer  # noqa: E402
from runrisk.simulate.settings import Simulation  # noqa: E402


def runner_folders(root: Path, count: int) -> list[Path]:
    cfg = Simulation.from_config(
        {
            **CONFIG["simulate"],
            "n_participants": max(count * 2, 20),
            "marker_lab_fraction": 1.0,
            "second_lab_fraction": 0.0,
        }
    )
    truth, weekly = cohort.simulate_truth(cfg)
    people = truth[truth["has_wearable"] & truth["has_trials"]].head(count)
    folders = []
    for i, person in enumerate(people.to_dict("records")):
        folder = root / f"runner{i:03d}"
        folder.mkdir(parents=True)
        c3d_writer.write_trials(person, folder, 3, cfg.seed, cfg.trial_sd_fraction, cfg.biomechanics)
        fitbit_writer.write_fitbit_export(person, weekly[weekly["raw_id"] == person["raw_id"]], folder, cfg.seed)
        sex = "female" if person["female"] else "male"
        (folder / "runner.yaml").write_text(
            yaml.safe_dump({"age": float(person["age"]), "sex": sex, "body_mass_kg": float(person["body_mass_kg"])})
        )
        folders.append(folder)
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runners", type=int, default=100)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runrisk-screen-bench-") as scratch:
        scratch = Path(scratch)
        workdir = copy_workflow(scratch / "workflow")
        built = run_snakemake(workdir, args.cores, "results/models/screening_model.json")
        assert built.returncode == 0, built.stderr[-2000:]
        model = workdir / "results/models/screening_model.json"
        folders = runner_folders(scratch / "runners", args.runners)
        every_core = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(every_core)})  # one core for the one runner
        screen(model, folders[0], scratch / "warm.html")
        times = []
        for _ in range(10):
            start = time.perf_counter()
            screen(model, folders[0], scratch / "one.html")
            times.append(time.perf_counter() - start)
        one = pd.Series(times)
        print(f"one runner in-process: median {one.median():.2f} s, max {one.max():.2f} s (goal 5 s)")
        os.sched_setaffinity(0, every_core)
        extra = workdir / "runners.yaml"
        extra.write_text(yaml.safe_dump({"screening": {"runners_dir": str(scratch / "runners")}}))
        start = time.perf_counter()
        result = run_snakemake(workdir, args.cores, "screen", "--configfile", "config/config.yaml", str(extra))
        wall = time.perf_counter() - start
        assert result.returncode == 0, result.stderr[-2000:]
        pages = len(list((workdir / "results/screening").glob("*.html")))
        print(f"{pages} runners through `snakemake screen` on {args.cores} cores: {wall:.0f} s wall")
    args.out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        [
            {"what": "one runner in-process, median of 10", "seconds": one.median()},
            {"what": "one runner in-process, slowest of 10", "seconds": one.max()},
            {"what": f"{pages} runners through snakemake screen, {args.cores} cores, wall", "seconds": wall},
        ]
    ).to_csv(args.out / "screen_speed.csv", index=False, float_format="%.2f")


if __name__ == "__main__":
    main()
