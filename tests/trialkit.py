"""Crafting variants of a simulated C3D trial for tests (units, plate types, drift, missing markers)."""

from __future__ import annotations

from pathlib import Path

import ezc3d
import numpy as np

from runrisk.biomech.conventions import to_documented_convention
from runrisk.io.c3d import read_trial
from runrisk.io.trial import Trial
from runrisk.simulate import c3d_writer, cohort

FZ1, MX1, MY1 = 2, 3, 4  # analog channels of plate 1 (Fx, Fy, Fz, Mx, My, Mz)


def simulated_c3d(sim_config, index: int = 3, trial_sd_fraction: float = 0.0) -> tuple[dict, ezc3d.c3d]:
    person = {**cohort.draw_person(sim_config, index), "lab": "gait_lab_a"}  # Plug-in Gait's labels and units
    rng = cohort.participant_rng(sim_config.seed, index, cohort.STREAM_TRIALS)
    offsets = {f"{n}_left_offset": 0.0 for n in cohort.PEAK_NAMES}
    return person, c3d_writer.build_trial({**person, **offsets}, rng, trial_sd_fraction, sim_config.biomechanics)


def write_and_read(c3d: ezc3d.c3d, path: Path, convention: str = "plugin_gait") -> Trial:
    c3d.write(str(path))
    return to_documented_convention(read_trial(path), convention)


def analogs(c3d: ezc3d.c3d) -> np.ndarray:
    return c3d["data"]["analogs"][0]


def to_visual3d_text(trial: Trial, mirror_left: bool = True) -> str:
    """A Visual3D ASCII export of a trial in the documented convention, at the point rate, MKS units,
    left side mirrored and internal moments: what Visual3D would write for the same movement."""
    step = int(round(trial.analog_rate / trial.point_rate))
    n = trial.n_frames
    header = [[""], [""], [""], [""], ["ITEM"]]
    columns = [np.arange(n, dtype=float)]
    header = [h + [v] for h, v in zip(header, ["x", "TIME", "FRAME NUMBERS", "ORIGINAL", "0"], strict=True)]
    columns.append(np.arange(n) / trial.point_rate)

    def add(signal, kind, values, axes="XYZ"):
        for axis, row in zip(axes, values, strict=False):
            for h, v in zip(header, ["x.c3d", signal, kind, "PROCESSED", axis], strict=True):
                h.append(v)
            columns.append(row)

    for label, values in trial.points.items():
        if label in trial.angle_labels or label in trial.moment_labels:
            out = values.copy()
            if mirror_left and label.startswith("L"):
                out[1:] *= -1
            if label in trial.moment_labels:
                out = -out
            add(label, "LINK_MODEL_BASED", out)
        else:
            add(label, "TARGET", values / 1000.0)
    for plate in trial.plates:
        add(f"FP{plate.index + 1}", "FORCE", plate.force[:, ::step][:, :n])
        add(f"FP{plate.index + 1}", "COFP", plate.cop_mm[:2, ::step][:, :n] / 1000.0, axes="XY")
    lines = ["\t".join(h) for h in header]
    data = np.vstack(columns).T
    lines += ["\t".join(f"{v:.6f}" for v in row) for row in data]
    return "\r\n".join(lines) + "\r\n"
