"""runrisk: the command line of the tools a coach or clinician uses with a study's model.

    runrisk screen  --model results/models/screening_model.json --runner DIR --out page.html [--lang en|nl]
    runrisk monitor --model results/models/screening_model.json --squad DIR --out DIR [--lang en|nl]
                    [--since YYYY-MM-DD] [--as-of YYYY-MM-DD] [--timezone Europe/Prague]

A squad DIR holds one folder per runner: runner.yaml (age, sex, body_mass_kg; optional label, lab,
screening_date), the wearable files (Garmin FIT, GPX, TCX, Fitbit exports), an optional symptoms.csv and
optional gait trials (C3D, Visual3D text). The pages go to DIR/index.html and DIR/runners/; a weekly
update reads only the files that changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from runrisk.errors import StudyError
from runrisk.monitor.page import LANGUAGES
from runrisk.monitor.season import monitor


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a date written YYYY-MM-DD") from None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="runrisk", description="runrisk tools for runners and squads")
    commands = main.add_subparsers(dest="command", required=True)
    one = commands.add_parser("screen", help="one runner's screening page from a study's screening model")
    one.add_argument("--model", type=Path, required=True, help="the study's results/models/screening_model.json")
    one.add_argument("--runner", type=Path, required=True, help="folder with trials, wearable files, runner.yaml")
    one.add_argument("--out", type=Path, required=True, help="the page to write (.html)")
    one.add_argument("--lang", choices=LANGUAGES, default="en")
    squad = commands.add_parser("monitor", help="a squad's season, week by week, with the study's model beside it")
    squad.add_argument("--model", type=Path, required=True, help="the study's results/models/screening_model.json")
    squad.add_argument("--squad", type=Path, required=True, help="folder with one folder per runner")
    squad.add_argument("--out", type=Path, required=True, help="folder for index.html, runners/ and weeks.parquet")
    squad.add_argument("--lang", choices=LANGUAGES, default="en")
    squad.add_argument("--since", type=_date, help="first day of the season (default: the first day with data)")
    squad.add_argument("--as-of", type=_date, help="last day shown (default: the last day with data)")
    squad.add_argument("--timezone", help="the squad's time zone (default: the study's)")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "screen":
            from runrisk.screening.cli import screen  # here: a squad's weekly update needs no gait model

            screen(args.model, args.runner, args.out, args.lang)
            print(f"runrisk screen: wrote {args.out}")
            return 0
        written = monitor(args.squad, args.model, args.out, args.lang, args.since, args.as_of, args.timezone)
    except StudyError as error:
        print(f"runrisk {args.command}: {error}", file=sys.stderr)
        return 2
    print(
        f"runrisk monitor: {written.runners} runners, {written.files_read} files read, "
        f"{written.pages_written} runner pages written, in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
