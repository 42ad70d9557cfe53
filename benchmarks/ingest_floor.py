"""Ingestion (and the demo's writing of raw files) against its floor: merely reading, or writing, the same
raw files with the same libraries.

    python benchmarks/ingest_floor.py STUDY_DIR [--shards 0 1] [--shard-size 100]

STUDY_DIR is a finished run's working directory (raw files under resources/synthetic or raw_dir).
For each shard: the C3D stage (read, plate outputs, convert, filter, gait model, find stances) against
ezc3d parsing the same files (without its force-platform extraction, whose Python wrapper costs three
times the parse: runrisk.io.force_plates computes the plates' outputs instead, inside the stage), and
the wearable stage against json.loads of the same exports. For a simulated study also the writing: the
shard's simulation (skeleton, plates, Fitbit weeks, files) against ezc3d writing the same C3D objects
and json.dumps of the same records, parsed beforehand.
Each is timed --repeat times after one warm-up pass, alternating, and the best time is kept, so the
page cache favours neither side.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import ezc3d
import yaml

from runrisk.cohort.shards import TrialReading, shard_activities, shard_participants, shard_stances
from runrisk.ids import shard_members
from runrisk.io.layout import participant_files, trial_files
from runrisk.io.surveillance import raw_participant_ids
from runrisk.io.tables import read_table
from runrisk.io.wearables import WearableSettings
from runrisk.simulate.raw_files import write_participant
from runrisk.simulate.settings import Simulation


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def read_each(paths: list[Path], read) -> None:
    """Read every file, keeping none: holding every parsed file at once would slow the floor down."""
    for path in paths:
        read(path)


def simulate(members: list[str], truth, weekly, cfg: dict, out: Path) -> None:
    """What the rule simulate_raw_shard does for these participants, into out."""
    for raw_id in members:
        write_participant(raw_id, truth, weekly, cfg, out)


def write_each(parsed: list, out: Path) -> None:
    for i, (kind, content) in enumerate(parsed):
        if kind == "c3d":
            content.write(str(out / f"{i}.c3d"))
        else:
            (out / f"{i}.json").write_text(json.dumps(content))


def best_of(repeat: int, full, floor) -> tuple[float, float]:
    """Best wall time of each after a warm-up of both, timed alternately."""
    full(), floor()
    times = [(seconds(full), seconds(floor)) for _ in range(repeat)]
    return min(t[0] for t in times), min(t[1] for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", type=Path)
    parser.add_argument("--shards", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--shard-size", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    config = yaml.safe_load((args.study / "config/config.yaml").read_text())
    raw = args.study / config["raw_dir"]
    csv = raw / "participants.csv"
    totals = {"c3d": [0.0, 0.0, 0], "wearables": [0.0, 0.0, 0]}
    simulated = None
    if (raw / "truth").is_dir():  # the demo: the simulator's truth tables are there to rebuild its files
        truth = read_table(raw / "truth/participants.parquet").set_index("raw_id")
        simulated = (truth, read_table(raw / "truth/weekly.parquet"))
    for shard in args.shards:
        ids = shard_members(raw_participant_ids(csv), shard, args.shard_size)
        members = shard_participants(csv, ids, None).index
        c3d_files = [p for m in members for p in trial_files(raw, m)]
        json_files = [p for m in members for p in participant_files(raw, m, {"fitbit": (".json",)})]
        full, floor = best_of(
            args.repeat,
            lambda i=ids: shard_stances(
                shard_participants(csv, i, None), raw, TrialReading.from_config(config["biomechanics"])
            ),
            lambda f=c3d_files: read_each(f, lambda path: ezc3d.c3d(str(path))),
        )
        totals["c3d"] = [totals["c3d"][0] + full, totals["c3d"][1] + floor, totals["c3d"][2] + len(c3d_files)]
        full, floor = best_of(
            args.repeat,
            lambda i=ids: shard_activities(
                shard_participants(csv, i, None),
                raw,
                config["study"]["timezone"],
                WearableSettings.from_config(config["wearables"]),
            ),
            lambda f=json_files: read_each(
                f, lambda path: json.loads(path.read_bytes().decode("utf-8"))
            ),  # as ingestion
        )
        totals["wearables"] = [
            totals["wearables"][0] + full,
            totals["wearables"][1] + floor,
            totals["wearables"][2] + len(json_files),
        ]
        if simulated:
            parsed = [("c3d", ezc3d.c3d(str(p))) for p in c3d_files]
            parsed += [("json", json.loads(p.read_text())) for p in json_files]
            with tempfile.TemporaryDirectory() as scratch:
                full, floor = best_of(
                    args.repeat,
                    lambda i=ids: simulate(
                        i, *simulated, Simulation.from_config(config["simulate"]), Path(scratch) / "sim"
                    ),
                    lambda f=parsed: write_each(f, Path(scratch)),
                )
            files = len(c3d_files) + len(json_files)
            before = totals.get("writing", [0.0, 0.0, 0])
            totals["writing"] = [before[0] + full, before[1] + floor, before[2] + files]
    for stage, (full, floor, files) in totals.items():
        work, floor_name = ("simulation", "writing") if stage == "writing" else ("ingestion", "reading")
        print(
            f"{stage:<10} {files:5d} files: {work} {full:6.2f} s ({files / full:6.1f} files/s), "
            f"{floor_name} alone {floor:6.2f} s: x{full / floor:.2f} the floor"
        )


if __name__ == "__main__":
    main()
