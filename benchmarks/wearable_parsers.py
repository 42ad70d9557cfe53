"""Activities parsed per second for each wearable source (one process; run on demand).

    python benchmarks/wearable_parsers.py [--seconds 3]

Reads the public real files in ../shared/data/real (RUNRISK_REAL_DATA) and a synthetic Fitbit export,
each repeatedly for about --seconds, and prints activities/second and files/second per source.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from runrisk.io.fitabase import read_fitabase_daily
from runrisk.io.garmin import read_fit, read_gpx, read_tcx
from runrisk.io.wearables import read_fitbit_exercise
from runrisk.simulate import cohort, fitbit_writer
from runrisk.simulate.settings import Simulation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' config helpers
from workflow_runner import demo_config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

TZ = ZoneInfo("Europe/Prague")


def rate(parse, seconds: float) -> tuple[float, float]:
    activities = files = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        activities += len(parse())
        files += 1
    elapsed = time.perf_counter() - start
    return activities / elapsed, files / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    real = Path(os.environ.get("RUNRISK_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))
    scratch = Path(tempfile.mkdtemp(prefix="runrisk-bench-"))
    one_user = pd.read_csv(real / "fitbit" / "fitabase_dailyActivity_merged_2016-04-12_2016-05-12.csv", dtype=str)
    one_user = one_user[one_user["Id"] == one_user["Id"].iloc[0]]
    one_user.to_csv(scratch / "daily.csv", index=False)
    cfg = Simulation.from_config(demo_config()["simulate"])
    truth, weekly = cohort.simulate_truth({**cfg, "n_participants": 1})
    person = truth.iloc[0].to_dict()
    synthetic = fitbit_writer.write_fitbit_export(person, weekly, scratch / "fitbit", cfg.seed)[0]
    sources = {
        "fitbit export (real, 100 records)": lambda: read_fitbit_exercise(
            real / "fitbit/fitport_exercise-0.json", "b", TZ
        ),
        "fitbit export (synthetic, 100 records)": lambda: read_fitbit_exercise(synthetic, "b", TZ),
        "fitbit web api (1 record)": lambda: read_fitbit_exercise(
            real / "fitbit/fitbit_webapi_activity_list_doc_example.json", "b", TZ
        ),
        "fitabase daily (1 user, 31 days)": lambda: read_fitabase_daily(
            scratch / "daily.csv", "b", TZ, "VeryActiveDistance"
        ),
        "garmin FIT (2809 records, 1 session)": lambda: read_fit(
            real / "garmin/fitdecode_activity-small-fenix2-run.fit", "b", TZ
        ),
        "garmin FIT multisport (7 sessions)": lambda: read_fit(
            real / "garmin/fitdecode_activity-large-fenix2-multisport.fit", "b", TZ
        ),
        "GPX (3032 points)": lambda: read_gpx(real / "garmin/slither_running_polar_m400.gpx", "b", TZ, "running"),
        "TCX (750 points)": lambda: read_tcx(real / "garmin/slither_running_runtastic.tcx", "b", TZ),
    }
    print(f"{'source':<42} {'activities/s':>13} {'files/s':>9}")
    for name, parse in sources.items():
        per_activity, per_file = rate(parse, args.seconds)
        print(f"{name:<42} {per_activity:>13.0f} {per_file:>9.1f}")


if __name__ == "__main__":
    main()
