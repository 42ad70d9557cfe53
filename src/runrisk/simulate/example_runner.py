"""An example runner's folder cut from the embedded default, for `snakemake screen` on a fresh clone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import yaml

from runrisk.errors import StudyError
from runrisk.io.layout import TRIAL_KINDS, WEARABLE_KINDS
from runrisk.simulate.c3d_writer import LAB_C


def write_example_runner(truth: pd.DataFrame, raw_dir: Path, folder: Path) -> str:
    """The first simulated participant with lab trials and a wearable export, preferring the marker-only
    lab (the page then shows the gait model at work). Files are copied flat, as a coach would hand them
    over; runner.yaml from the participant's record."""
    candidates = truth[truth["has_trials"] & truth["has_wearable"]]
    if candidates.empty:
        raise StudyError("the simulated cohort has no participant with both lab trials and a wearable export")
    preferred = candidates[candidates["lab"] == LAB_C]
    person = (preferred if len(preferred) else candidates).iloc[0]
    folder.mkdir(parents=True, exist_ok=True)
    for kind in (*TRIAL_KINDS, *WEARABLE_KINDS):
        source = raw_dir / kind / person["raw_id"]
        if source.is_dir():
            for path in sorted(source.iterdir()):
                shutil.copyfile(path, folder / path.name)
    runner = {
        "age": float(person["age"]),
        "sex": "female" if person["female"] else "male",
        "body_mass_kg": float(person["body_mass_kg"]),
        "lab": str(person["lab"]),
    }
    (folder / "runner.yaml").write_text(yaml.safe_dump(runner, sort_keys=False))
    return str(person["raw_id"])
