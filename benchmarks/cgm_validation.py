"""The gait model (runrisk.biomech.cgm) against Vicon Nexus' own Plug-in Gait outputs in the same files.

    python benchmarks/cgm_validation.py [--out benchmarks/results]

For the two public BTKData subjects (tests/data/real/c3d: a static and a walking trial each) it calibrates
the foot from the static trial, computes the angles and moments of the walking trial from its markers and
plates, and compares them with the outputs Nexus stored beside the markers, over stance. Writes
cgm_validation.csv (per side, joint, angle/moment and plane: frames, RMS and largest difference, goal),
prints the worst RMS per joint and plane, and draws cgm_overlay.png (ours over Vicon's, one trial).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_gait_model import PIG, SUBJECTS, model_settings  # noqa: E402

from runrisk.biomech.model_check import agreement  # noqa: E402


def overlay(curves: dict, out: Path, title: str) -> None:
    panels = [
        ("RHipAngles", 0, "Hip flexion (deg)"),
        ("RKneeAngles", 0, "Knee flexion (deg)"),
        ("RAnkleAngles", 2, "Ankle rotation, internal + (deg)"),
        ("RHipMoment", 0, "Hip sagittal moment (Nm/kg)"),
        ("RKneeMoment", 0, "Knee sagittal moment (Nm/kg)"),
        ("RAnkleMoment", 1, "Ankle frontal moment (Nm/kg)"),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(11, 6), constrained_layout=True)
    for ax, (label, component, name) in zip(axes.ravel(), panels, strict=True):
        ours, theirs, frames = curves[label]
        ax.plot(frames, theirs[component, frames], color="0.3", lw=2.5, label="Vicon Nexus Plug-in Gait")
        ax.plot(frames, ours[component, frames], color="#c33", lw=1.2, ls="--", label="runrisk CGM 1.0")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("frame (stance, 100 Hz)", fontsize=8)
    axes[0, 0].legend(fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=10)
    fig.savefig(out, dpi=150)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tables = []
    for name, (static, motion, diameter, flat_foot) in SUBJECTS.items():
        table, curves = agreement(PIG / f"{static}.c3d", PIG / f"{motion}.c3d", model_settings(diameter, flat_foot))
        tables.append(table.assign(subject=name))
        if name == "no_flat_foot":
            overlay(curves, args.out / "cgm_overlay.png", f"{motion}.c3d, right stance: ours over Vicon's")
    table = pd.concat(tables, ignore_index=True)
    table.to_csv(args.out / "cgm_validation.csv", index=False, float_format="%.4f")
    worst = table.groupby(["kind", "joint", "plane"], sort=False).agg(
        rms_max=("rms", "max"), max_abs=("max_abs", "max"), goal=("goal_rms", "first"), frames=("n_frames", "sum")
    )
    print(worst.round(3).to_string())
    print(f"every RMS within its goal: {bool((table['rms'] <= table['goal_rms']).all())}")


if __name__ == "__main__":
    main()
