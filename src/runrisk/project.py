"""Running the workflow from Python: a clean copy of the project, and one Snakemake run in it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW_PARTS = ("Snakefile", "workflow", "scripts", "config", "envs")


def copy_workflow(destination: Path) -> Path:
    """The workflow without results, so a run there starts from the config alone."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        source = ROOT / part
        if source.is_dir():
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
