"""A squad's season of real-sized watch files: runrisk's FIT read against a compiled decoder, and the
monitor's first read, unchanged rerun and new week on the same files.

    pip install fitfast==0.1.0   # into the venv, for this benchmark only (not in the lock files)
    python benchmarks/watch_season.py [--runners 10] [--weeks 52] [--out benchmarks/results]

The files: a real run recorded at 1 Hz by a Garmin fenix 2 (fitdecode_activity-small-fenix2-run.fit from
../shared/data/real/garmin: 2,809 records over 47 minutes, 122 KB), copied once per run of the squad
with every date in it (each message's timestamp, the session's and laps' start_time, the file's
time_created, the activity's local_timestamp) moved to the run's day and the CRC written again: every
file is a watch's own file, message for message. About four runs a week per runner (four fixed
weekdays), `--weeks` weeks.

Measured, side by side:
- per file: runrisk's `read_fit` and `fitfast.parse` (the compiled floor: Rust rustyfit, every message)
  and `fitfast.records` (records only) on the same `--sample` files, medians, and their ratio (goal:
  runrisk at most 3x fitfast);
- the `runrisk monitor` command on the squad: the first read (every file), the unchanged rerun and the
  update after one more week for every runner (wall seconds, best of `--repeats`), and the first read's
  peak RSS. Goals for 50 runners (10,400 files): first read 120 s on 2 cores, rerun 1.5 s, a new week 2 s;
  a smaller squad's first read is scaled by files (the reading is per file), and the scaled figure is
  labelled so;
- the study's wearable ingestion (`shard_activities`, one process) on the same files.
Writes watch_season.csv. The machine the figures come from is named with them (load average at start).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import struct
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
from real_files import real_path  # noqa: E402
from test_screening import write_model  # noqa: E402  (a screening model file as a study writes it)

from runrisk.io.fit import FIT_UTC_REFERENCE, crc16  # noqa: E402
from runrisk.io.garmin import read_fit  # noqa: E402

PRAGUE = ZoneInfo("Europe/Prague")
START = dt.date(2025, 12, 29)  # a Monday
TEMPLATE = "garmin/fitdecode_activity-small-fenix2-run.fit"
RUN_DAYS = (0, 2, 4, 6)  # Monday, Wednesday, Friday, Sunday
DATE_FIELDS = {(0, 4), (18, 2), (19, 2), (34, 5)}  # time_created, session and lap start_time, local_timestamp
TIMESTAMP = 253


def date_positions(data: bytes) -> tuple[np.ndarray, int]:
    """Where every date of a little-endian FIT file sits (uint32 each), and the file's first timestamp."""
    header_size, body_size = data[0], struct.unpack_from("<I", data, 4)[0]
    pos, end, local, found = header_size, header_size + body_size, {}, []
    while pos < end:
        header = data[pos]
        if header & 0x80:  # compressed timestamps are offsets from the last full one: they move with it
            pos += 1 + local[(header >> 5) & 3][0]
        elif header & 0x40:
            assert data[pos + 2] == 0, "the template is little-endian"
            global_num, count = struct.unpack_from("<HB", data, pos + 3)
            offsets, size = [], 0
            for i in range(count):
                number, field_size = data[pos + 6 + 3 * i], data[pos + 7 + 3 * i]
                if (number == TIMESTAMP or (global_num, number) in DATE_FIELDS) and field_size == 4:
                    offsets.append(size)
                size += field_size
            pos += 6 + 3 * count
            if header & 0x20:
                developer = data[pos]
                size += sum(data[pos + 2 + 3 * i] for i in range(developer))
                pos += 1 + 3 * developer
            local[header & 0x0F] = (size, offsets)
        else:
            size, offsets = local[header & 0x0F]
            found += [pos + 1 + o for o in offsets if struct.unpack_from("<I", data, pos + 1 + o)[0] != 0xFFFFFFFF]
            pos += 1 + size
    positions = np.array(found, dtype=np.int64)
    return positions, min(struct.unpack_from("<I", data, p)[0] for p in found)


def moved(data: bytes, positions: np.ndarray, delta: int) -> bytes:
    """The file with every date moved by delta seconds (a multiple of 32: compressed timestamps keep their
    offsets) and its CRC written again."""
    out = np.frombuffer(data, dtype=np.uint8).copy()
    bytes4 = out[positions[:, None] + np.arange(4)].astype(np.uint32)
    values = (bytes4 * (1 << (8 * np.arange(4, dtype=np.uint32)))).sum(axis=1, dtype=np.uint32) + np.uint32(delta)
    out[positions[:, None] + np.arange(4)] = (values[:, None] >> (8 * np.arange(4, dtype=np.uint32))) & 0xFF
    body_end = len(data) - 2
    out[body_end:] = np.frombuffer(struct.pack("<H", crc16(out[:body_end].tobytes())), dtype=np.uint8)
    return out.tobytes()


class Writer:
    def __init__(self) -> None:
        self.template = real_path(TEMPLATE).read_bytes()
        self.positions, self.first = date_positions(self.template)

    def run(self, folder: Path, day: dt.date, hour: int) -> None:
        start = dt.datetime.combine(day, dt.time(hour), PRAGUE).timestamp() - FIT_UTC_REFERENCE
        delta = int(start - self.first) // 32 * 32
        (folder / f"{day:%Y%m%d}{hour:02d}.fit").write_bytes(moved(self.template, self.positions, delta))

    def week(self, folder: Path, week: int) -> int:
        for k, weekday in enumerate(RUN_DAYS):
            self.run(folder, START + dt.timedelta(weeks=week, days=weekday), 6 + k)
        return len(RUN_DAYS)


def write_squad(root: Path, writer: Writer, runners: int, weeks: int) -> int:
    files = 0
    for r in range(runners):
        folder = root / f"runner{r:03d}"
        folder.mkdir(parents=True)
        person = {"label": f"W{r:03d}", "age": 30 + r % 30, "sex": "F" if r % 2 else "M", "body_mass_kg": 65.0}
        (folder / "runner.yaml").write_text(yaml.safe_dump(person))
        files += sum(writer.week(folder, week) for week in range(weeks))
        (folder / "symptoms.csv").write_text(
            f"date,region,side,pain\n{START + dt.timedelta(weeks=weeks - 1, days=2)},achilles,right,{r % 5}\n"
        )
    return files


def median_seconds(read, paths: list[Path]) -> float:
    times = []
    for path in paths:
        start = time.perf_counter()
        read(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_file(paths: list[Path]) -> dict:
    import fitfast

    for path in paths[:3]:  # warm: imports, the sport names, the page cache
        read_fit(path, "W", PRAGUE), fitfast.parse(path), fitfast.records(path)
    runrisk_s = median_seconds(lambda p: read_fit(p, "W", PRAGUE), paths)
    parse_s = median_seconds(fitfast.parse, paths)
    records_s = median_seconds(fitfast.records, paths)
    return {
        "file_kb": round(paths[0].stat().st_size / 1024),
        "runrisk_read_fit_ms": 1000 * runrisk_s,
        "fitfast_parse_ms": 1000 * parse_s,
        "fitfast_records_ms": 1000 * records_s,
        "ratio_to_fitfast_parse": runrisk_s / parse_s,
        "ratio_to_fitfast_records": runrisk_s / records_s,
    }


def study_ingestion(root: Path, runners: int) -> float:
    """Seconds of the study's wearable ingestion (shard_activities, one process) over the same files, the
    squad's folders as the participants' garmin/ folders."""
    from workflow_runner import demo_config  # config/config.yaml with the schema's defaults

    from runrisk.cohort.shards import shard_activities, shard_participants
    from runrisk.io.wearables import WearableSettings

    raw = root / "raw"
    (raw / "garmin").mkdir(parents=True)
    ids = [f"W{r:03d}" for r in range(runners)]
    for r, raw_id in enumerate(ids):
        (raw / "garmin" / raw_id).symlink_to(root / "squad" / f"runner{r:03d}")
    (raw / "participants.csv").write_text(
        "participant_id,age,sex,height_cm,body_mass_kg,runner,prior_achilles_problems,enrolment_date\n"
        + "".join(f"{raw_id},30,F,165,60,yes,no,{START}\n" for raw_id in ids)
    )
    members = shard_participants(raw / "participants.csv", ids, None)
    settings = WearableSettings.from_config(demo_config()["wearables"])
    start = time.perf_counter()
    shard_activities(members, raw, "Europe/Prague", settings)
    return time.perf_counter() - start


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        raise SystemExit(f"{command[0]} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--sample", type=int, default=40, help="files the per-file read is timed on")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    runrisk = shutil.which("runrisk", path=str(Path(sys.executable).parent))
    load = os.getloadavg()[0]
    writer = Writer()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = write_squad(root / "squad", writer, args.runners, args.weeks)
        paths = sorted((root / "squad").rglob("*.fit"))
        row = {"runners": args.runners, "weeks": args.weeks, "fit_files": files, "load_average": load}
        row |= per_file(paths[:: max(1, len(paths) // args.sample)][: args.sample])
        model = write_model(root / "model.json")
        command = [runrisk, "monitor", "--model", str(model), "--squad", str(root / "squad"), "--out", str(root / "p")]
        firsts = []
        for _ in range(args.repeats):
            shutil.rmtree(root / "p", ignore_errors=True)
            firsts.append(timed(command))
        first_s, first_rss = min(firsts)
        unchanged = min(timed(command)[0] for _ in range(args.repeats))
        updates = []
        for repeat in range(args.repeats):  # each repeat adds one more week for every runner
            for r in range(args.runners):
                writer.week(root / "squad" / f"runner{r:03d}", args.weeks + repeat)
            updates.append(timed(command)[0])
        ingestion_s = study_ingestion(root, args.runners)
    row |= {
        "first_read_s": first_s,
        "first_read_s_per_10400_files_scaled": first_s * 10400 / files,
        "first_read_peak_rss_mb": first_rss,
        "unchanged_rerun_s": unchanged,
        "new_week_s": min(updates),
        "new_week_files": args.runners * len(RUN_DAYS),
        "study_ingestion_s": ingestion_s,
        "study_ingestion_files": files + args.repeats * args.runners * len(RUN_DAYS),
    }
    table = pd.DataFrame([row]).round(3)
    print(table.T.to_string(header=False))
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "watch_season.csv", index=False)


if __name__ == "__main__":
    main()
