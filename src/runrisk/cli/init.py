"""`runrisk init DIR`: a study's config with the keys it must set and the choices a pilot makes, and a raw
folder whose CSVs have their headers and whose kind folders wait for one folder per participant."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runrisk.errors import StudyError
from runrisk.io import layout
from runrisk.io.surveillance import DIAGNOSIS_COLUMNS, PARTICIPANT_COLUMNS, REPORT_COLUMNS
from runrisk.tendon.study import MRI_KIND

KIND_FOLDERS = (*layout.TRIAL_KINDS, *layout.WEARABLE_KINDS, MRI_KIND)


def machine_timezone() -> str:
    """This machine's IANA zone (/etc/localtime's link), else UTC: the config says to check it."""
    try:
        target = os.path.realpath("/etc/localtime")
        name = target.split("zoneinfo/", 1)[1]
        ZoneInfo(name)
        return name
    except (IndexError, OSError, ZoneInfoNotFoundError, ValueError):
        return "UTC"


def checked_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise StudyError("--timezone: not an IANA time zone (e.g. Europe/Prague, America/New_York, UTC)") from None
    return name


def template(name: str) -> Template:
    return Template(resources.files("runrisk.cli").joinpath("templates", name).read_text(encoding="utf-8"))


def init(folder: Path, name: str | None = None, timezone: str | None = None) -> str:
    """Write DIR/config.yaml and DIR/raw/; returns what to do next."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise StudyError(f"{folder} exists and is not an empty folder: runrisk init starts a study in a new one")
    zone = checked_timezone(timezone) if timezone else machine_timezone()
    study = name or folder.resolve().name
    if '"' in study or "\n" in study:
        raise StudyError("--name: a name without quotes or line breaks")
    raw = folder / "raw"
    for kind in KIND_FOLDERS:
        (raw / kind).mkdir(parents=True, exist_ok=True)
    headers = {
        layout.PARTICIPANTS: PARTICIPANT_COLUMNS,
        layout.WEEKLY_REPORTS: REPORT_COLUMNS,
        layout.DIAGNOSES: DIAGNOSIS_COLUMNS,
    }
    for file, columns in headers.items():
        (raw / file).write_text(",".join(columns) + "\n", encoding="utf-8")
    config = folder / "config.yaml"
    here = folder.resolve()
    values = {
        "name": study,
        "timezone": zone,
        "raw_dir": (here / "raw").as_posix(),
        "config": (here / "config.yaml").as_posix(),
        "folder": here.as_posix(),
    }
    config.write_text(template("config.yaml").substitute(values), encoding="utf-8")
    (raw / "README.md").write_text(template("raw-README.md").substitute(values), encoding="utf-8")
    run = f"--directory {here} --configfile {here / 'config.yaml'}"
    return (
        f"runrisk init: wrote {config} and {raw}/ (three CSV headers, folders {', '.join(KIND_FOLDERS)}).\n"
        f"Next: fill {raw}/ (its README.md says how) and check the time zone ({zone}) in {config}.\n"
        "Set the study's own pseudonym key (keep it with the raw data, outside this folder; docs/own-study.md):\n"
        "  export RUNRISK_PSEUDONYM_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')\n"
        "Then, from the runrisk folder (where the Snakefile is), the intake check and the study:\n"
        f"  runrisk check {run}\n"
        f"  snakemake --cores all {run}\n"
        f"Results land in {here / 'results'}."
    )
