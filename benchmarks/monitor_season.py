"""A 50-runner season and its weekly update, end to end through the `runrisk monitor` command.

    python benchmarks/monitor_season.py [--runners 50] [--weeks 52] [--out benchmarks/results]

The squad: `--runners` runners, each with `--weeks` weeks of Garmin FIT files (about four runs a week,
one file per run, written by the example squad's writer with Garmin's FIT SDK: session, lap-less, three
GPS records; a watch's own files carry a record per second and read slower), a symptom log, no gait
trials. Measured: the first run (every file read), a rerun with nothing new, and the update after one
more week of files for every runner; wall seconds of the whole command, best of `--repeats`.
Goals: the season in at most 30 s on 2 cores, one new week in at most 2 s. Writes monitor_season.csv.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from test_screening import write_model  # noqa: E402  (a screening model file as a study writes it)

from runrisk.simulate.squad_writer import fit_bytes, week_runs  # noqa: E402

PRAGUE = ZoneInfo("Europe/Prague")
START = dt.date(2024, 12, 30)  # a Monday: season and updates before the run's date (later dates are set aside)


def write_week(folder: Path, rng: np.random.Generator, week: int, km: float) -> int:
    runs = week_runs(rng, START + dt.timedelta(weeks=week), km, 1.0)
    for run in runs:
        (folder / f"{run.start:%Y%m%d%H%M}.fit").write_bytes(fit_bytes(run))
    return len(runs)


def write_squad(root: Path, runners: int, weeks: int) -> int:
    files = 0
    for r in range(runners):
        folder = root / f"runner{r:03d}"
        folder.mkdir(parents=True)
        (folder / "runner.yaml").write_text(
            yaml.safe_dump(
                {"label": f"B{r:03d}", "age": 30 + r % 30, "sex": "F" if r % 2 else "M", "body_mass_kg": 65.0}
            )
        )
        rng = np.random.default_rng([r, 7])
        for week in range(weeks):
            files += write_week(folder, rng, week, float(rng.gamma(6, 5)))
        (folder / "symptoms.csv").write_text(
            f"date,region,side,pain\n{START + dt.timedelta(weeks=weeks - 1, days=2)},achilles,right,{r % 5}\n"
        )
    return files


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    runrisk = shutil.which("runrisk", path=str(Path(sys.executable).parent))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = write_squad(root / "squad", args.runners, args.weeks)
        model = write_model(root / "model.json")
        command = [
            runrisk,
            "monitor",
            "--model",
            str(model),
            "--squad",
            str(root / "squad"),
            "--out",
            str(root / "pages"),
        ]
        season = []
        for _ in range(args.repeats):
            shutil.rmtree(root / "pages", ignore_errors=True)
            season.append(timed(command))
        unchanged = min(timed(command) for _ in range(args.repeats))
        updates, new_files = [], 0
        for repeat in range(args.repeats):  # each repeat adds one more week
            for r in range(args.runners):
                rng = np.random.default_rng([r, 8, repeat])
                new_files += write_week(
                    root / "squad" / f"runner{r:03d}", rng, args.weeks + repeat, float(rng.gamma(6, 5))
                )
            updates.append(timed(command))
    row = {
        "runners": args.runners,
        "weeks": args.weeks,
        "fit_files": files,
        "season_s": min(season),
        "unchanged_s": unchanged,
        "new_week_s": min(updates),
        "new_week_files": new_files // args.repeats,
    }
    print(pd.DataFrame([row]).round(2).to_string(index=False))
    args.out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([row]).to_csv(args.out / "monitor_season.csv", index=False)


if __name__ == "__main__":
    main()
