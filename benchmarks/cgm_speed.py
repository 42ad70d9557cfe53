"""What computing the gait model costs beside reading the file it comes from, one core.

    python benchmarks/cgm_speed.py [--repeats 30] [--out benchmarks/results]

Per trial: reading the C3D into canonical signals (ezc3d, as the workflow reads every trial) against
computing Plug-in Gait angles and moments from its markers and plates (runrisk.biomech.cgm), on the two
public Vicon walking trials and on a synthetic running trial of the embedded default's marker-only lab.
Goal: the model costs at most the read. Writes cgm_speed.csv (trials per second and the ratio).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_gait_model import PIG, SUBJECTS, model_settings  # noqa: E402
from workflow_runner import simulation  # noqa: E402

from runrisk.biomech.gait_model import calibrated, with_model_outputs  # noqa: E402
from runrisk.biomech.signals import resolve_signals  # noqa: E402
from runrisk.io.c3d import read_trial  # noqa: E402
from runrisk.simulate import c3d_writer, cohort  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def synthetic_trials(folder: Path) -> tuple[Path, Path]:
    cfg = simulation()
    person = {**cohort.draw_person(cfg, 0), "lab": c3d_writer.LAB_C}
    paths = c3d_writer.write_trials(person, folder, 1, cfg.seed, 0.0, cfg.biomechanics)
    return paths[-1], paths[0]  # static, running


def per_trial_seconds(work, repeats: int) -> float:
    work()  # warm caches
    start = time.perf_counter()
    for _ in range(repeats):
        work()
    return (time.perf_counter() - start) / repeats


def measure(name: str, static: Path, motion: Path, settings, repeats: int) -> dict:
    subject = calibrated(resolve_signals(read_trial(static), {}), {}, settings)
    trial = resolve_signals(read_trial(motion), {})
    markers_only = replace(
        trial,
        points={k: v for k, v in trial.points.items() if not k.endswith(("Angles", "Moment"))},
        angle_labels=set(),
        moment_labels=set(),
    )
    read = per_trial_seconds(lambda: resolve_signals(read_trial(motion), {}), repeats)
    model = per_trial_seconds(lambda: with_model_outputs(markers_only, {}, settings, subject), repeats)
    return {
        "trial": name,
        "frames": trial.n_frames,
        "point_rate_hz": trial.point_rate,
        "read_trials_per_s": 1 / read,
        "model_trials_per_s": 1 / model,
        "model_over_read": model / read,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    rows = []
    for static, motion, diameter, flat_foot in SUBJECTS.values():
        settings = model_settings(diameter, flat_foot)
        rows.append(measure(f"{motion}.c3d", PIG / f"{static}.c3d", PIG / f"{motion}.c3d", settings, args.repeats))
    with tempfile.TemporaryDirectory() as folder:
        static, running = synthetic_trials(Path(folder))
        rows.append(
            measure("synthetic gait_lab_c run_01.c3d", static, running, model_settings(14.0, False), args.repeats)
        )
    table = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "cgm_speed.csv", index=False, float_format="%.3f")
    print(table.round(2).to_string(index=False))
    print(f"model within the cost of the read on every trial: {bool((table['model_over_read'] <= 1).all())}")
    print(f"largest model/read ratio: {np.max(table['model_over_read']):.2f}")


if __name__ == "__main__":
    main()
