"""runrisk: the command line of a study team, a coach and a clinician.

    runrisk init DIR [--name NAME] [--timezone ZONE]     a new study: its config and an empty raw folder
    runrisk check [--configfile FILE ...] [--cores N]     what the raw folder holds, and why anything will be
                                                          refused or excluded, before the long run
    runrisk screen  --model results/models/screening_model.json --runner DIR --out page.html [--lang en|nl]
    runrisk monitor --model results/models/screening_model.json --squad DIR --out DIR [--lang en|nl]
                    [--since YYYY-MM-DD] [--as-of YYYY-MM-DD] [--timezone Europe/Prague]

A runner's folder (screen, and each runner of a squad) holds runner.yaml (age, sex, body_mass_kg; optional
label, lab, screening_date), the wearable files (Garmin FIT, GPX, TCX, Fitbit exports), an optional
symptoms.csv and optional gait trials (C3D, Visual3D text). A squad's pages go to DIR/index.html and
DIR/runners/; a weekly update reads only the files that changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from runrisk.errors import StudyError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a date written YYYY-MM-DD") from None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="runrisk", description="runrisk tools for study teams, coaches and clinicians")
    commands = main.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="start a study: a config with the keys to set and an empty raw folder")
    init.add_argument("folder", type=Path, help="the study's folder (created; must be empty if it exists)")
    init.add_argument("--name", help="the study's name (default: the folder's name)")
    init.add_argument("--timezone", help="IANA zone of the wearables' local times (default: this machine's)")
    check = commands.add_parser("check", help="the intake check: what the raw folder holds, and what will be refused")
    check.add_argument(
        "--configfile", type=Path, nargs="+", default=[Path("config/config.yaml")], help="the study's config file(s)"
    )
    check.add_argument(
        "--directory", type=Path, default=Path("."), help="the study's working folder, as snakemake --directory"
    )
    check.add_argument("--cores", type=int, default=2, help="processes reading the participants' files")
    one = commands.add_parser("screen", help="one runner's screening page from a study's screening model")
    one.add_argument("--model", type=Path, required=True, help="the study's results/models/screening_model.json")
    one.add_argument("--runner", type=Path, required=True, help="folder with trials, wearable files, runner.yaml")
    one.add_argument("--out", type=Path, required=True, help="the page to write (.html)")
    one.add_argument("--lang", default="en", help="the page's language: en or nl")
    squad = commands.add_parser("monitor", help="a squad's season, week by week, with the study's model beside it")
    squad.add_argument("--model", type=Path, required=True, help="the study's results/models/screening_model.json")
    squad.add_argument("--squad", type=Path, required=True, help="folder with one folder per runner")
    squad.add_argument("--out", type=Path, required=True, help="folder for index.html, runners/ and weeks.parquet")
    squad.add_argument("--lang", default="en", help="the pages' language: en or nl")
    squad.add_argument("--since", type=_date, help="first day of the season (default: the first day with data)")
    squad.add_argument("--as-of", type=_date, help="last day shown (default: the last day with data)")
    squad.add_argument("--timezone", help="the squad's time zone (default: the study's)")
    squad.add_argument(
        "--date-margin-days",
        type=int,
        help="a symptom dated more than this many days after the squad's newest activity is set aside "
        "(default: the schema's monitor.date_margin_days)",
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        # each command imports what it needs: a squad's weekly update loads no gait model, an init no pandas
        if args.command == "init":
            from runrisk.cli.init import init

            print(init(args.folder, args.name, args.timezone))
        elif args.command == "check":
            from runrisk.cli.check import check

            return check(args.configfile, args.directory, args.cores)
        elif args.command == "screen":
            from runrisk.screening.screen import screen

            screen(args.model, args.runner, args.out, args.lang)
            print(f"runrisk screen: wrote {args.out}")
        else:
            from runrisk.monitor.season import monitor

            written = monitor(
                args.squad,
                args.model,
                args.out,
                args.lang,
                args.since,
                args.as_of,
                args.timezone,
                date_margin_days=args.date_margin_days,
            )
            print(
                f"runrisk monitor: {written.runners} runners, {written.files_read} files read, "
                f"{written.pages_written} runner pages written, in {args.out}"
            )
    except StudyError as error:
        print(f"runrisk {args.command}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
