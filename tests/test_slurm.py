"""The workflow through snakemake-executor-plugin-slurm on a real single-node SLURM (slurm-wlm, munge)
started here, with results byte-identical to the local run."""

import re
import subprocess
from pathlib import Path

import pytest
from system_tools import slurm
from test_reproducibility import digests
from workflow_runner import copy_workflow, run_snakemake

STARTER = Path(__file__).parent / "slurm" / "local_cluster.sh"


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    slurm()
    state = tmp_path_factory.mktemp("slurm")
    started = subprocess.run(["bash", str(STARTER), "start", str(state)], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    conf = started.stdout.strip().split("=", 1)[1]
    yield conf
    subprocess.run(["bash", str(STARTER), "stop", str(state)], check=True)
    assert not any((state / f"{name}.pid").exists() for name in ("slurmd", "slurmctld", "munged"))


def test_small_cohort_on_slurm_matches_the_local_run(slurm_cluster, small_run, tmp_path, monkeypatch):
    monkeypatch.setenv("SLURM_CONF", slurm_cluster)
    workdir = copy_workflow(tmp_path / "cluster")
    result = run_snakemake(
        workdir,
        2,
        "--workflow-profile",
        "workflow/profiles/slurm",
        "--jobs",
        "4",
        "--slurm-no-account",
        "--slurm-init-seconds-before-status-checks",
        "2",
        "--configfile",
        "config/test.yaml",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    submitted = output.count("has been submitted with SLURM jobid")
    local = len(re.findall(r"^localrule \w+:", output, flags=re.M))  # one-second jobs beside the scheduler
    steps = int(re.findall(r"(\d+) of \1 steps \(100%\) done", output)[-1])
    assert submitted > 20 and local >= 10 and submitted + local == steps  # every other job went through sbatch
    local, cluster = digests(small_run), digests(workdir)
    assert local.keys() == cluster.keys()
    assert [name for name in local if local[name] != cluster[name]] == []
