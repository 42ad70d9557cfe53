"""Auditors reproduce every number from the config alone: validation, determinism, manifest, audit,
report, pinned environments."""

import hashlib
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from system_tools import chromium
from workflow_runner import ROOT, copy_workflow, run_snakemake

from runrisk.report.provenance import audit, code_revision, other_commit
from runrisk.report.provenance import main as audit_main

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"


def digests(root: Path) -> dict[str, str]:
    """The study's results (the power study under results/montecarlo is its own target)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "results").rglob("*"))
        if p.is_file() and "montecarlo" not in p.parts
    }


def test_snakemake_refuses_a_bad_config_with_that_message(tmp_path):
    workdir = copy_workflow(tmp_path / "study")
    result = run_snakemake(workdir, 1, "-n", "--config", "shard_size=0")
    assert result.returncode != 0
    assert "shard_size: 0 is less than the minimum of 1" in result.stdout + result.stderr


def test_runs_are_byte_identical_across_runs_and_core_counts(small_run, tmp_path):
    again = copy_workflow(tmp_path / "again")
    result = run_snakemake(again, 1, "--configfile", "config/test.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = digests(small_run), digests(again)
    assert len(first) > 60 and first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    for path in (small_run / "results").rglob("*.svg"):
        assert not re.search(rb"<dc:date>|\d{4}-\d\d-\d\dT\d\d:\d\d", path.read_bytes()), path


def test_manifest_records_inputs_outputs_code_and_versions(small_run):
    manifest = json.loads((small_run / "results/provenance/manifest.json").read_text())
    assert manifest["config"]["simulate"]["n_participants"] == 150
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["config_sha256"])
    assert "resources/synthetic/participants.csv" in manifest["inputs"]
    assert any("/c3d/" in name and name.rsplit("/", 1)[-1].startswith("c3d-") for name in manifest["inputs"])
    assert not any(name.endswith((".c3d", ".json")) for name in manifest["inputs"])  # labels, not file names
    assert "results/models/firth.parquet" in manifest["outputs"]
    assert "Snakefile" in manifest["code"] and "src/runrisk/stats/firth.py" in manifest["code"]
    assert {"python", "snakemake", "ezc3d", "lifelines", "statsmodels"} <= set(manifest["software"])
    assert "node" not in json.dumps(manifest["platform"]).lower()  # no host name
    assert manifest["code_revision"] == {"commit": "unknown", "dirty": None}  # the study copy is no git checkout


def test_the_code_revision_is_the_checkouts_commit_and_says_whether_it_was_changed(tmp_path):
    revision = code_revision(ROOT)
    if (ROOT / ".git").exists():  # CI runs from a clone
        assert re.fullmatch(r"[0-9a-f]{40}", revision["commit"]) and isinstance(revision["dirty"], bool)
    else:
        assert revision == {"commit": "unknown", "dirty": None}
    assert code_revision(tmp_path) == {"commit": "unknown", "dirty": None}


def test_audit_reports_exactly_what_was_tampered_with(small_run, tmp_path):
    study = Path(shutil.copytree(small_run, tmp_path / "study"))
    manifest = study / "results/provenance/manifest.json"
    assert audit(manifest, study, ROOT) == []
    victim = study / "results/tables/flow.parquet"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    raw = study / "resources/synthetic/diagnoses.csv"
    raw.write_text(raw.read_text().replace("M76.6", "M76.7", 1))
    (study / "results/tables/extra.parquet").write_bytes(b"x")
    problems = audit(manifest, study)
    assert len(problems) == 3
    assert problems[0].startswith("inputs: resources/synthetic/diagnoses.csv differs")
    assert problems[1].startswith("outputs: results/tables/flow.parquet differs")
    assert problems[2] == "outputs: results/tables/extra.parquet is not in the manifest"
    cli = subprocess.run(
        [
            str(Path(shutil.which("runrisk-audit") or ROOT / ".venv/bin/runrisk-audit")),
            str(manifest),
            "--workdir",
            str(study),
        ],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 1 and "3 difference(s)" in cli.stdout


def locked(path: Path) -> dict[str, str]:
    """name -> version of a pip-compile lock file, every entry with at least one sha256 hash."""
    text = path.read_text()
    entries = re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", text, re.M)
    assert len(entries) == len(re.findall(r"^[A-Za-z0-9_.-]+==", text, re.M)), "an entry without a hash"
    return {name.lower().replace("_", "-"): version for name, version, _ in entries}


def test_the_lock_files_hold_the_pyproject_pins_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    main, test = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-test.lock")
    for requirements, lock in ((project["dependencies"], main), (project["optional-dependencies"]["test"], test)):
        for requirement in requirements:
            name, version = requirement.split(";")[0].strip().split("==")
            assert lock[name.lower().replace("_", "-")] == version, name
    assert len(main) > 60 and set(main) <= set(test)  # transitive packages too (patsy, formulaic, autograd, ...)
    assert {"patsy", "formulaic", "autograd"} <= set(main)


def test_envs_mirror_the_pyproject_pins():
    pins = {}
    for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        name, version = requirement.split("==")
        pins[name.lower()] = version
    for env in (ROOT / "envs").glob("*.yaml"):
        spec = yaml.safe_load(env.read_text())
        conda = [d for d in spec["dependencies"] if isinstance(d, str) and d not in ("pip",)]
        listed = dict(d.split("=", 1) for d in conda if not d.startswith("python="))
        for section in (d for d in spec["dependencies"] if isinstance(d, dict)):  # what conda-forge lacks
            listed |= dict(d.split("#")[0].strip().split("==", 1) for d in section["pip"])
        assert {k.lower(): v for k, v in listed.items()} == pins, env.name


def test_report_renders_every_figure_in_headless_chromium(small_run):
    from playwright.sync_api import sync_playwright

    result = run_snakemake(small_run, 1, "--configfile", "config/test.yaml", "--report", "report.html")
    said = result.stdout + result.stderr
    assert "Warning" not in said  # none a user can do anything about (snakemake#4280)
    assert not re.search(r"\((INFO|WARNING|ERROR|SEVERE)/\d\)", said), said[-3000:]  # docutils on a caption
    assert result.returncode == 0, result.stderr[-3000:]
    figures = sorted(p.name for p in (small_run / "results/figures").glob("*.png"))
    rendered = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.goto((small_run / "report.html").as_uri())
        categories = [
            c
            for c in (
                "Biomechanics",
                "Models",
                "Participant flow",
                "Prediction performance",
                "Running volume",
                "Tendon MRI",
            )
        ]
        for category in categories:
            page.goto((small_run / "report.html").as_uri())
            page.get_by_text(category, exact=True).click()
            rows = page.locator("tr", has_text=".png")
            for i in range(rows.count()):
                name = Path(rows.nth(i).locator("td").first.inner_text().strip()).name
                rows.nth(i).locator("a[iconname=eye]").click()
                page.wait_for_function(
                    f"[...document.images].some(i => i.src.includes('{name}') && i.naturalWidth > 100)", timeout=10000
                )
                rendered[name] = True
        browser.close()
    assert sorted(rendered) == figures


def test_a_plain_run_uses_the_default_profile(tmp_path):
    workdir = copy_workflow(tmp_path / "study")
    result = run_snakemake(workdir, 1, "-n")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Using workflow specific profile profiles/default" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no manifest at"),
        ("not json {", "is not a runrisk manifest: not JSON"),
        ('{"config": {}}', "is not a runrisk manifest: no inputs, code, outputs section"),
    ],
)
def test_audit_of_a_missing_or_foreign_manifest_says_so(tmp_path, capsys, content, message):
    manifest = tmp_path / "manifest.json"
    if content is not None:
        manifest.write_text(content)
    assert audit_main([str(manifest), "--workdir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("runrisk-audit: ") and message in error and "Traceback" not in error


def test_audit_names_the_commit_that_made_the_results_when_the_checkout_is_another(tmp_path):
    manifest = {"code_revision": {"commit": "0" * 40, "dirty": False}}
    message = other_commit(manifest, ROOT)
    if code_revision(ROOT)["commit"] == "unknown":  # not a git checkout: nothing to compare
        assert message is None
    else:
        assert message.startswith("the results were made by commit 000000000000, the checkout at")
        assert "git checkout 000000000000" in message
    assert other_commit({"code_revision": {"commit": "unknown", "dirty": None}}, ROOT) is None


def test_audit_rerun_reproduces_every_output_from_the_config_alone(small_run, capsys):
    status = audit_main([str(small_run / "results/provenance/manifest.json"), "--workdir", str(small_run), "--rerun"])
    printed = capsys.readouterr().out
    assert status == 0, printed[-3000:]
    assert "all match" in printed and "rerun:" not in printed
