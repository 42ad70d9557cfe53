"""runrisk screen --model results/models/screening_model.json --runner DIR --out page.html [--lang en|nl]

DIR holds the runner's trial files (C3D, Visual3D text), wearable files (Fitbit JSON, Garmin FIT, GPX,
TCX, Fitabase CSV) and runner.yaml (age, sex, body_mass_kg; optional lab, screening_date)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runrisk.errors import InputError, StudyError
from runrisk.screening import model
from runrisk.screening.measure import Measured, measure
from runrisk.screening.page import LANGUAGES, page
from runrisk.screening.runner import read_runner


def screen(model_path: Path, runner_dir: Path, out: Path, lang: str = "en") -> Measured:
    """Write one runner's page; returns what was measured (the page's numbers come from it)."""
    if lang not in LANGUAGES:
        raise StudyError(f"--lang must be one of {', '.join(LANGUAGES)}")
    document = model.load(model_path)
    if not runner_dir.is_dir():
        raise InputError(runner_dir, "the runner's folder does not exist")
    runner = read_runner(runner_dir / "runner.yaml")
    measured = measure(runner_dir, runner, document)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(document, measured, lang), encoding="utf-8")
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runrisk", description="runrisk tools for one runner")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("screen", help="one runner's screening page from a study's screening model")
    one.add_argument("--model", type=Path, required=True, help="the study's results/models/screening_model.json")
    one.add_argument("--runner", type=Path, required=True, help="folder with trials, wearable files, runner.yaml")
    one.add_argument("--out", type=Path, required=True, help="the page to write (.html)")
    one.add_argument("--lang", choices=LANGUAGES, default="en")
    args = parser.parse_args(argv)
    try:
        screen(args.model, args.runner, args.out, args.lang)
    except StudyError as error:
        print(f"runrisk screen: {error}", file=sys.stderr)
        return 2
    print(f"runrisk screen: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
