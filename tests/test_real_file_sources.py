"""The public real files kept in the repository: each has its SOURCES.md row, its licence text and the bytes
that row describes."""

import hashlib
import re

import pytest
from real_files import IN_REPOSITORY

DATA_FILES = sorted(
    p.relative_to(IN_REPOSITORY).as_posix()
    for p in IN_REPOSITORY.rglob("*")
    if p.is_file() and p.parent.name != "LICENSES" and p.name != "SOURCES.md"
)
ROWS = {
    m.group(1): m.group(0)
    for m in re.finditer(r"^\| ([\w.-]+/[\w./-]+) \|.*$", (IN_REPOSITORY / "SOURCES.md").read_text(), flags=re.M)
}


def test_every_row_names_a_file_that_is_here():
    assert DATA_FILES and set(ROWS) == set(DATA_FILES)


@pytest.mark.parametrize("relative", DATA_FILES)
def test_each_file_matches_its_row_and_has_its_licence(relative):
    row = ROWS[relative]
    cells = [c.strip() for c in row.strip("|").split("|")]
    sha = hashlib.sha256((IN_REPOSITORY / relative).read_bytes()).hexdigest()[:12]
    assert cells[3] == sha
    licences = re.findall(r"`LICENSES/([\w.-]+)`", cells[2])
    assert licences and all((IN_REPOSITORY / "LICENSES" / name).is_file() for name in licences)
    assert "no licence" not in cells[2].lower()
