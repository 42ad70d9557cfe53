"""The bad-input corpus through the workflow itself, batched: every case that damages one participant's
files is applied to a participant of its own in one study, run once per on_bad_input mode.

quarantine: one run; each damaged participant is in the quarantine table with the case's reason, lands
in the flow's quarantine box, and leaves no row in any gathered table. stop: one run with a shard per
participant and --keep-going, so each damaged participant's shard job stops with the case's message in
its own log. Cases that damage the study's CSVs stop or quarantine in ingest steps that read the whole
file; tests/test_bad_input.py runs those through the same readers one by one.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bad_input.corpus import CASES, build_study
from test_small_studies import QUICK, TZ, no_traceback
from workflow_runner import copy_workflow, run_snakemake

from runrisk.cohort.outcomes import QUARANTINE_BOXES
from runrisk.ids import pseudonymise, shard_of

pytestmark = pytest.mark.slow
KIND_FOLDERS = ("c3d", "visual3d", "fitbit", "garmin", "fitabase")


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def changed_paths(case, tmp_path: Path) -> set[str]:
    raw = tmp_path / case.name
    ids = build_study(raw, n=2)
    before = digests(raw)
    case.mutate(raw, ids)
    after = digests(raw)
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


@pytest.fixture(scope="module")
def file_cases(tmp_path_factory) -> list:
    """The cases whose damage stays inside the kind folders of the participant they belong to."""
    scratch = tmp_path_factory.mktemp("classify")
    chosen = []
    for case in CASES:
        if case.message is None or not isinstance(case.participant, int):
            continue
        changed = changed_paths(case, scratch)
        if changed and all(name.split("/", 1)[0] in KIND_FOLDERS for name in changed):
            chosen.append(case)
    assert len(chosen) >= 20
    return chosen


@pytest.fixture(scope="module")
def damaged_study(file_cases, tmp_path_factory) -> tuple[Path, list[str], dict[str, object]]:
    """A study with a participant per case (a case may also touch the next one) and two clean ones."""
    raw = tmp_path_factory.mktemp("damaged") / "raw"
    ids = build_study(raw, n=len(file_cases) + 2)
    owners = {}
    for k, case in enumerate(file_cases):
        rotated = ids[k:] + ids[:k]
        case.mutate(raw, rotated)
        owners[rotated[case.participant]] = case
    return raw, ids, owners


def run_study(tmp_path: Path, raw: Path, **config) -> tuple[Path, object]:
    workdir = copy_workflow(tmp_path)
    settings = {"study": {"name": "corpus", "timezone": TZ}, "raw_dir": str(raw), **QUICK, **config}
    settings["models"] = {"on_unfittable": "report"}
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(settings))
    result = run_snakemake(workdir, 2, "--keep-going")
    no_traceback(workdir, result.stderr)
    return workdir, result


def reason_of(case, owner: str) -> str:
    return case.message.split(": ", 1)[-1].split(":", 1)[-1].strip().format(p=re.escape(owner))


def test_quarantine_mode_sets_every_damaged_participant_aside(damaged_study, tmp_path):
    raw, ids, owners = damaged_study
    workdir, result = run_study(tmp_path, raw, on_bad_input="quarantine")
    assert result.returncode == 0, result.stderr[-4000:]
    quarantine = pd.read_parquet(workdir / "results/tables/quarantine.parquet")
    missed = []
    for owner, case in owners.items():
        mine = quarantine[quarantine["participant_id"] == pseudonymise(owner)]
        if not mine["reason"].str.contains(reason_of(case, owner), regex=True).any():
            missed.append((case.name, list(mine["reason"])))
    assert missed == []
    flow = pd.read_parquet(workdir / "results/tables/flow.parquet").set_index("box")["n"]
    assert flow["enrolled"] == len(ids)
    quarantined = flow.reindex(list(QUARANTINE_BOXES.values())).fillna(0).sum()
    assert quarantined == quarantine.loc[quarantine["enrolled"], "participant_id"].nunique() >= len(owners)
    whole = set(quarantine.loc[quarantine["modality"].isin(["record", "wearable"]), "participant_id"])
    trials = whole | set(quarantine.loc[quarantine["modality"] == "lab trials", "participant_id"])
    for table in ("activities", "weekly_volume", "exposure", "stances", "trials", "biomechanics"):
        rows = pd.read_parquet(workdir / f"results/tables/{table}.parquet")
        set_aside = trials if table in ("stances", "trials", "biomechanics") else whole  # what depends on what
        assert not set_aside & set(rows["participant_id"]), table
    assert (workdir / "results/provenance/manifest.json").is_file()


def test_stop_mode_names_each_damaged_participants_file_in_its_shard_log(damaged_study, tmp_path):
    raw, ids, owners = damaged_study
    workdir, result = run_study(tmp_path, raw, on_bad_input="stop", shard_size=1)
    assert result.returncode != 0
    logs = {}
    for owner in owners:
        shard = f"{shard_of(ids, owner, 1):03d}"
        logs[owner] = "".join(
            p.read_text()
            for p in (
                workdir / f"logs/biomechanics/stances-{shard}.log",
                workdir / f"logs/exposure/activities-{shard}.log",
            )
            if p.exists()
        )
    logs["ingest"] = (workdir / "logs/ingest/participants.log").read_text()
    missed = [
        case.name
        for owner, case in owners.items()
        if not re.search(case.message.format(p=re.escape(owner)), logs[owner] + logs["ingest"])
    ]
    assert missed == []
    clean = ids[len(owners) + 1 :]  # after the owners and the neighbour of the last
    assert clean
    for owner in clean:  # a clean participant's shard ran through
        shard = f"{shard_of(ids, owner, 1):03d}"
        assert (workdir / f"results/shards/stances/shard-{shard}.parquet").is_file()
    shutil.rmtree(workdir / ".snakemake", ignore_errors=True)
