"""The system tools some tests start for real. The README's test command (tests/setup.sh) installs them, so
a test that needs one fails when it is missing, naming what to install: a skip would let a run without R,
a browser or SLURM look green."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

SETUP = "the README's test command installs it: bash tests/setup.sh"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(f"Debian chromium is not installed ({SETUP})")
    return found


def rscript(packages: tuple[str, ...]) -> str:
    found = shutil.which("Rscript")
    if found is None:
        pytest.fail(f"Rscript is not installed: Debian r-base-core and r-cran-{', r-cran-'.join(packages)} ({SETUP})")
    script = f"cat(Filter(function(p) !requireNamespace(p, quietly = TRUE), c({', '.join(map(repr, packages))})))"
    missing = subprocess.run([found, "-e", script], capture_output=True, text=True).stdout.split()
    if missing:
        pytest.fail(f"R package(s) {missing} are not installed: Debian r-cran-{', r-cran-'.join(missing)} ({SETUP})")
    return found


def slurm() -> None:
    if shutil.which("slurmctld") is None or shutil.which("munged") is None:
        pytest.fail(f"Debian slurm-wlm and munge are not installed ({SETUP})")
    if os.geteuid() != 0:
        pytest.fail("the one-node SLURM cluster starts as root: run the tests as root, as CI does")
