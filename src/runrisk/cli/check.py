"""`runrisk check`: the intake check of a study's raw folder, printed in plain words and written to
results/report/intake.csv (by pseudonym; the terminal names participants by their raw ids, as the study
team's own files do)."""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from runrisk.cohort.intake import READY, IntakeSettings, check_study
from runrisk.config import complete_config, validate_config
from runrisk.errors import StudyError
from runrisk.ids import require_study_key

SCHEMA = Path("workflow/schemas/config.schema.yaml")
BASE_CONFIG = Path("config/config.yaml")
INTAKE_TABLE = "results/report/intake.csv"
SHOWN = 30  # participants listed with their reasons; the rest are in the table


def merged(base: dict, override: dict) -> dict:
    """Snakemake's rule for a --configfile over the workflow's own config: mappings merge key by key,
    anything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def study_config(configfiles: list[Path]) -> dict:
    """The config as the workflow sees it: config/config.yaml, then each --configfile, then the defaults."""
    if not SCHEMA.is_file():
        raise StudyError("run runrisk check from the runrisk folder (where the Snakefile is)")
    files = [BASE_CONFIG, *(f for f in configfiles if f.resolve() != BASE_CONFIG.resolve())]
    config: dict = {}
    for file in files:
        if not file.is_file():
            raise StudyError(f"--configfile: {file} does not exist")
        config = merged(config, yaml.safe_load(file.read_text(encoding="utf-8")) or {})
    validate_config(config, SCHEMA)
    return complete_config(config, SCHEMA)


def check(configfiles: list[Path], directory: Path = Path("."), cores: int = 2) -> int:
    """Print the intake check and write `directory`/results/report/intake.csv; 1 when the run would stop on
    bad input, else 0. Paths in the config are read from `directory`, as the workflow run with
    `snakemake --directory` reads them."""
    started = time.perf_counter()
    config = study_config(configfiles)
    require_study_key(config["simulate"]["enabled"], Path.cwd())
    settings = IntakeSettings.from_config(config, raw_dir=directory / config["raw_dir"])
    out = directory / INTAKE_TABLE
    if config["simulate"]["enabled"] and not (settings.raw_dir / "participants.csv").is_file():
        raise StudyError(
            f"the embedded default writes its raw files into {settings.raw_dir} when it runs: "
            "run `snakemake --cores all` first, or check a study's own config (--configfile)"
        )
    intake = check_study(settings, workers=max(1, cores))
    out.parent.mkdir(parents=True, exist_ok=True)
    intake.table.to_csv(out, index=False)
    print(report(intake, settings, config["study"]["name"], out, time.perf_counter() - started))
    return 1 if intake.stops else 0


def report(intake, settings: IntakeSettings, study: str, out: Path, seconds: float) -> str:
    table = intake.table.assign(raw_id=intake.raw_ids)
    lines = [f"runrisk check: {len(table)} participants of {study} in {settings.raw_dir} ({seconds:.1f} s)"]
    for outcome, n in table["outlook"].value_counts().sort_index().items():
        lines.append(f"  {outcome:<58} {n:>6}")
    lines.append(
        f"  found: {table['trial_files'].sum()} trial files ({table['static_trials'].sum()} static), "
        f"{table['stances'].sum()} stances on force plates, {table['wearable_files'].sum()} wearable files "
        f"({table['runs'].sum()} runs counted), {table['weekly_reports'].sum()} weekly reports, "
        f"{table['diagnoses'].sum()} diagnoses, {table['mri_files'].sum()} MRI files"
    )
    with_reasons = table[table["reasons"] != ""]
    if len(with_reasons):
        lines.append("Why (participants by their ids in participants.csv):")
    for row in with_reasons.head(SHOWN).itertuples():
        head = row.outlook if row.outlook != READY else "ready, with notes"
        lines.append(f"  {row.raw_id}: {head}")
        lines += [f"      {reason}" for reason in row.reasons.split("; ")]
    if len(with_reasons) > SHOWN:
        lines.append(f"  ... and {len(with_reasons) - SHOWN} more participants with reasons: see {out}")
    if intake.stops:
        lines.append(
            f"{len(intake.stops)} bad input(s) would stop the run (on_bad_input: stop): fix them, or set "
            "on_bad_input: quarantine to set those participants aside"
        )
    lines.append(f"runrisk check: wrote {out} (participants by pseudonym)")
    return "\n".join(lines)
