from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from workflow_runner import copy_workflow, run_snakemake, simulation

ROOT = Path(__file__).resolve().parents[1]
# Studies of real files are refused the public demo key: the tests' studies share one key of their own (a
# test of the refusal takes it away). It is no secret: the tests' files are public.
TEST_PSEUDONYM_KEY = "runrisk-tests-key-of-public-files"
os.environ.setdefault("RUNRISK_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)


# A test that needs a whole study run is slow (minutes); `pytest -m "not slow"` leaves those out.
SLOW_FIXTURES = {"small_run", "slurm_cluster"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def sim_config():
    """The demo simulator section, shrunk to a handful of participants, on the tests' own seed (the one
    config/test.yaml pins), so choosing another default seed for the demo changes no test's cohort."""
    tests = yaml.safe_load((ROOT / "config" / "test.yaml").read_text())
    return simulation(n_participants=12, seed=tests["simulate"]["seed"])


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """The whole study on the 150-participant cohort of config/test.yaml, run once per test session."""
    workdir = copy_workflow(tmp_path_factory.mktemp("study"))
    result = run_snakemake(workdir, 2, "all", "power", "--configfile", "config/test.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """On CI every test must run: a skip there means a system tool (R, Chromium, slurm-wlm) or the public
    real files were not installed, and a green run would hide it."""
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("CI") and skipped:
        terminalreporter.write_line(f"CI: {len(skipped)} test(s) skipped; every test must run on CI", red=True)
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED
