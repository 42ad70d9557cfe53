"""Where the tests find the public real files: the repository's copies (tests/data/real, those whose licence
allows redistribution), else ../shared/data/real (or RUNRISK_REAL_DATA) for the others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_REPOSITORY = ROOT / "tests" / "data" / "real"
# written on a MIPS (SGI) processor: ezc3d refuses them, the reader says so
MIPS_FILES = {"Sample02_sgi_real.c3d", "btk_sample06_MACsample_sgi.c3d"}
SHARED = Path(os.environ.get("RUNRISK_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))


def find_real(relative: str) -> Path | None:
    for base in (IN_REPOSITORY, SHARED):
        if (base / relative).is_file():
            return base / relative
    return None


def real_path(relative: str) -> Path:
    """A real file by its path under data/real (e.g. "garmin/slither_running_fr45.fit"); a test that needs
    one that is not here is skipped, saying why, never passed."""
    found = find_real(relative)
    if found is None:
        pytest.skip(
            f"{relative} is not kept in tests/data/real (its licence: see SOURCES.md there) and {SHARED} "
            "does not hold it (set RUNRISK_REAL_DATA to the public real files)"
        )
    return found


def real_files(folder: str, pattern: str) -> list[str]:
    """Names of the real files of one folder in either place, for parametrising."""
    names = {p.name for base in (IN_REPOSITORY, SHARED) for p in (base / folder).glob(pattern)}
    return sorted(names)
