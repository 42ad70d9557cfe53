"""Test and benchmark helper: a clean copy of the project, and one Snakemake run in it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import yaml

from runrisk.biomech.stances import StanceSettings
from runrisk.config import complete_config
from runrisk.simulate.settings import Simulation

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_PARTS = ("Snakefile", "workflow", "profiles", "scripts", "config", "envs")


def copy_workflow(destination: Path) -> Path:
    """The workflow without results, so a run there starts from the config alone."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        source = ROOT / part
        if source.is_symlink():  # profiles/ -> workflow/profiles, where Snakemake looks for its default profile
            (destination / part).unlink(missing_ok=True)
            (destination / part).symlink_to(source.readlink())
        elif source.is_dir():
            shutil.copytree(source, destination / part, dirs_exist_ok=True)
        else:
            shutil.copy2(source, destination / part)
    return destination


def snakemake_command(cores: int, *extra: str) -> list[str]:
    return [str(Path(sys.executable).with_name("snakemake")), "--cores", str(cores), *extra]


def run_snakemake(workdir: Path, cores: int, *extra: str, timed: Path | None = None) -> subprocess.CompletedProcess:
    command = snakemake_command(cores, *extra)
    if timed is not None:
        command = ["/usr/bin/time", "-v", "-o", str(timed), *command]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True)


SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def demo_config() -> dict:
    """config/config.yaml with the schema's defaults filled in, as the workflow sees it."""
    return complete_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), SCHEMA)


def schema_defaults() -> dict:
    """Every default of the schema: the config of a study that sets only what is required."""
    return complete_config({"study": {"name": "test", "timezone": "UTC"}, "raw_dir": "raw"}, SCHEMA)


def simulation(**overrides) -> Simulation:
    """The demo's simulate section as the simulator reads it, with some keys changed."""
    return Simulation.from_config({**demo_config()["simulate"], **overrides})


def stance_settings(**overrides) -> StanceSettings:
    """Stance extraction as the schema's defaults set it, with some fields changed."""
    return replace(StanceSettings.from_config(schema_defaults()["biomechanics"]), **overrides)
