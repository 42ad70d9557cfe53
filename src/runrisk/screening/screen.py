"""One runner's screening page from a study's screening model (`runrisk screen`).

The runner's folder holds the runner's trial files (C3D, Visual3D text), wearable files (Fitbit JSON, Garmin FIT, GPX,
TCX, Fitabase CSV) and runner.yaml (age, sex, body_mass_kg; optional lab, screening_date)."""

from __future__ import annotations

from pathlib import Path

from runrisk.errors import StudyError
from runrisk.screening import model
from runrisk.screening.measure import Measured, measure
from runrisk.screening.page import LANGUAGES, page
from runrisk.screening.runner import read_runner


def screen(model_path: Path, runner_dir: Path, out: Path, lang: str = "en") -> Measured:
    """Write one runner's page; returns what was measured (the page's numbers come from it)."""
    if lang not in LANGUAGES:
        raise StudyError(f"--lang must be one of {', '.join(LANGUAGES)}")
    document = model.load(model_path)
    if not runner_dir.is_dir():  # named by the option, not its path: the folder is often named after the runner
        raise StudyError("--runner: the runner's folder does not exist")
    runner = read_runner(runner_dir / "runner.yaml")
    measured = measure(runner_dir, runner, document)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(document, measured, lang), encoding="utf-8")
    return measured
