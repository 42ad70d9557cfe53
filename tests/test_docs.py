"""The documentation holds to the code: every column docs/tables.md names is a column of the table a study
run writes (and the other way round), every link leads somewhere, the README stays a front door."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from workflow_runner import ROOT

DOCS = ROOT / "docs"
TABLE_FILES = {  # a section of docs/tables.md -> the files that share its schema
    "models": [f"results/models/{m}.parquet" for m in ("logistic", "firth", "cox", "cox_timevarying", "sensitivity")],
    "analysis": ["results/tables/analysis.parquet", "results/tables/analysis_sensitivity.parquet"],
    "sample_size": ["results/models/sample_size.parquet"],
    "exposure_comparison": ["results/models/exposure_comparison.parquet"],
}


CODE_COLUMNS = {"weeks"}  # sections of tables the study run does not write, held to the code's columns instead


def documented_columns() -> dict[str, tuple[set[str], set[str]]]:
    """Section -> (columns every file has, columns marked optional), from docs/tables.md's column tables."""
    sections = re.split(r"^### ", (DOCS / "tables.md").read_text(), flags=re.MULTILINE)[1:]
    found = {}
    for section in sections:
        name = section.split("\n", 1)[0].strip()
        rows = re.findall(r"^\| `([a-z0-9_A-Z]+)` \| (.*) \|$", section, flags=re.MULTILINE)
        found[name] = ({c for c, m in rows if "*optional*" not in m}, {c for c, m in rows if "*optional*" in m})
    return found


def test_tables_md_documents_every_table_it_lists():
    documented = documented_columns()
    assert len(documented) >= 15
    assert all(required for required, _ in documented.values())


def test_the_monitors_weeks_are_documented_column_by_column():
    """weeks.parquet is the monitor's (no study run writes it): docs/tables.md names exactly its columns."""
    from runrisk.monitor.load import RUNNER, WEEK_COLUMNS
    from runrisk.monitor.response import RESPONSE_COLUMNS
    from runrisk.monitor.tendon_load import TENDON_COLUMN

    required, optional = documented_columns()["weeks"]
    assert required | optional == {RUNNER, *WEEK_COLUMNS, *RESPONSE_COLUMNS, TENDON_COLUMN}


def test_every_documented_column_is_the_tables_column_and_every_column_is_documented(small_run):
    for name, (required, optional) in documented_columns().items():
        if name in CODE_COLUMNS:
            continue
        files = TABLE_FILES.get(name, [f"results/tables/{name}.parquet"])
        seen = set()
        for file in files:
            columns = set(pq.read_schema(small_run / file).names)
            assert required <= columns, f"{file}: docs/tables.md names {sorted(required - columns)}, not in the table"
            assert columns <= required | optional, f"{file}: {sorted(columns - required - optional)} undocumented"
            seen |= columns
        assert optional <= seen, f"{name}: docs/tables.md names {sorted(optional - seen)} that no file has"


def markdown_pages() -> list[Path]:
    return [ROOT / "README.md", ROOT / "config" / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file(page):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
        if re.match(r"[a-z]+://", target):
            continue
        assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


def test_the_readme_is_a_front_door_and_every_docs_page_is_reachable():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    assert readme.index("## ") > readme.index("runrisk is")  # what it is comes before anything else
    index = (DOCS / "README.md").read_text()
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"({page.name})" in index, f"docs/README.md does not link to {page.name}"


def test_every_report_caption_is_restructured_text_without_a_message():
    """A caption docutils cannot read prints "(ERROR/3) ..." into the report build ("|sample skewness|" was
    taken for a substitution)."""
    import io

    from docutils.core import publish_parts

    for caption in sorted((ROOT / "workflow" / "report").glob("*.rst")):
        messages = io.StringIO()
        publish_parts(caption.read_text(), writer_name="html", settings_overrides={"warning_stream": messages})
        assert messages.getvalue() == "", (caption.name, messages.getvalue())
