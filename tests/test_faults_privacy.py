"""Nothing lost, nothing leaked: quarantine end to end, resuming after kills, and no identifiers in
any output, log or report."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import ezc3d
import pandas as pd
from bad_input.corpus import REAL
from test_reproducibility import digests
from workflow_runner import copy_workflow, run_snakemake, snakemake_command

from runrisk.cohort.outcomes import QUARANTINE_BOX, QUARANTINE_BOXES, UNKNOWN_RECORDS_BOX
from runrisk.ids import pseudonymise
from runrisk.report.provenance import audit

OWN_DATA = "simulate: {enabled: false}\n"


def c3d_files(folder: Path) -> list[Path]:
    """A participant's trials, whichever lab wrote them (gait_lab_b writes RUN_01.C3D)."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".c3d")


def own_data_study(small_run: Path, destination: Path, extra: str = "") -> tuple[Path, list[str]]:
    """A copy of the small study run as a study team's own data (the simulator switched off)."""
    study = Path(shutil.copytree(small_run, destination, symlinks=True))
    (study / "config" / "own.yaml").write_text(OWN_DATA + extra)
    ids = sorted(pd.read_csv(study / "resources/synthetic/participants.csv")["participant_id"])
    return study, ids


NAMED_TRIAL = "Zelenkova_Katerina_1963-07-19_run01.c3d"  # a trial named after a person and her birth date
DANGLING = "Novak_Jan_1970-01-02_run09.c3d"  # a link to a trial moved away
NAMES_AND_DATES = ["Zelenkova", "1963-07-19", "Novak_Jan", "1970-01-02"]


def test_quarantine_mode_end_to_end(small_run, tmp_path):
    study, ids = own_data_study(small_run, tmp_path / "study", "on_bad_input: quarantine\n")
    raw = study / "resources/synthetic"
    trial = c3d_files(raw / "c3d" / ids[5])[0]
    trial.write_bytes(trial.read_bytes()[:2000])
    participants = pd.read_csv(raw / "participants.csv", dtype=str)
    participants.loc[participants["participant_id"] == ids[9], "age"] = "300"
    participants.to_csv(raw / "participants.csv", index=False)
    with (raw / "weekly_reports.csv").open("a") as handle:
        handle.write("GHOST,2019-06-03,0,0,0,0,\n")
    named = c3d_files(raw / "c3d" / ids[3])[-1]
    named = named.rename(named.with_name(NAMED_TRIAL))  # sorts after RUN_0k.C3D: its label stays
    (raw / "c3d" / ids[7] / DANGLING).symlink_to(raw / "c3d" / ids[7] / "moved_away.c3d")
    scanned = sorted(p.name for p in (raw / "mri").iterdir() if p.name not in {ids[3], ids[5], ids[7], ids[9]})[0]
    for image in (raw / "mri" / scanned).iterdir():  # the mask stays: the folder holds no image any more
        if "mask" not in image.name:
            image.unlink()
    # --quiet host: Snakemake's job listing as a cluster profile prints it (the default profile quiets it)
    result = run_snakemake(study, 2, "--configfile", "config/test.yaml", "config/own.yaml", "--quiet", "host")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rule extract_stances:" in result.stdout + result.stderr  # the listing was printed...
    ours = [*(study / ".snakemake/log").rglob("*"), *(study / "logs").rglob("*"), *(study / "results").rglob("*")]
    texts = [result.stdout, result.stderr, *(p.read_text(errors="replace") for p in ours if p.is_file())]
    assert len(texts) > 80
    assert [n for n in NAMES_AND_DATES if any(n in text for text in texts)] == []  # ...without a raw file's name

    flow = pd.read_parquet(study / "results/tables/flow.parquet").set_index("box")
    assert flow.at["enrolled", "n"] == 150
    assert flow.at[QUARANTINE_BOX, "n"] == 1  # the age of 300: the participant's own record
    assert flow.at[QUARANTINE_BOXES["lab trials"], "n"] == 2  # the truncated trial, the dangling link
    assert QUARANTINE_BOXES["mri"] not in flow.index  # the primary model has no tendon term
    assert "not used by this analysis, so their participants stay in it: mri of 1 participant(s)" in result.stdout
    assert flow.at[UNKNOWN_RECORDS_BOX, "n"] == 1
    enrolled_boxes = flow.drop(index=["enrolled", UNKNOWN_RECORDS_BOX])
    assert enrolled_boxes["n"].sum() == 150
    quarantine = pd.read_parquet(study / "results/tables/quarantine.parquet").set_index("participant_id")
    assert quarantine.at[pseudonymise(ids[5]), "reason"].startswith("truncated: 2000 bytes")
    assert quarantine.at[pseudonymise(ids[5]), "file"] == "c3d-1"  # the file's label, never its name
    assert quarantine.at[pseudonymise(ids[7]), "file"] == "c3d-1"
    assert (
        quarantine.at[pseudonymise(ids[7]), "reason"]
        == "is a symbolic link to a file that does not exist (a dangling link)"
    )
    assert (
        quarantine.at[pseudonymise(ids[9]), "reason"]
        == "age is not an age in years between 10 and 100 (found a number)"
    )
    assert quarantine.at[pseudonymise(scanned), "modality"] == "mri"
    assert not quarantine.at[pseudonymise("GHOST"), "enrolled"]
    outcomes = pd.read_parquet(study / "results/tables/outcomes.parquet").set_index("participant_id")
    assert outcomes.at[pseudonymise(ids[9]), "box"] == QUARANTINE_BOX
    assert outcomes.at[pseudonymise(scanned), "box"] not in QUARANTINE_BOXES.values()
    analysis = pd.read_parquet(study / "results/tables/analysis.parquet")
    assert not {pseudonymise(ids[5]), pseudonymise(ids[7]), pseudonymise(ids[9])} & set(analysis["participant_id"])
    trials = pd.read_parquet(study / "results/tables/trials.parquet")
    read = trials.loc[trials["participant_id"] == pseudonymise(ids[3]), "trial"]
    assert f"c3d-{len(c3d_files(raw / 'c3d' / ids[3]))}" in set(read)  # the named trial was read, by its label
    exclusions = pd.read_csv(study / "results/report/exclusions.csv").set_index("participant_id")
    assert exclusions.at[pseudonymise(ids[7]), "reason"] == (
        "trials: is a symbolic link to a file that does not exist (a dangling link)"
    )
    tendon = pd.read_parquet(study / "results/tables/tendon.parquet")
    assert pseudonymise(scanned) not in set(tendon["participant_id"])  # its measures are set aside, not it

    manifest = json.loads((study / "results/provenance/manifest.json").read_text())
    link = [name for name in manifest["inputs"] if name.endswith(f"/c3d/{ids[7]}/c3d-1")]
    assert len(link) == 1 and manifest["inputs"][link[0]] is None  # listed, with no digest of nothing
    assert not [line for line in audit(study / "results/provenance/manifest.json", study) if link[0] in line]

    # the raw files are no job's input, yet a rerun does nothing, and a changed file reruns what reads it
    def dry_run() -> str:
        done = run_snakemake(study, 1, "--configfile", "config/test.yaml", "config/own.yaml", "-n", "--quiet", "host")
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout + done.stderr

    assert "Nothing to be done" in dry_run()
    named.write_bytes(named.read_bytes())  # rewritten as it was
    planned = dry_run()
    assert planned.count("rule raw_inventory:") == planned.count("rule extract_stances:") == 1
    assert "rule ingest_activities:" not in planned and "rule tendon_shard:" not in planned
    assert not [n for n in NAMES_AND_DATES if n in planned]


def _wait_for(condition, process, timeout=600):
    start = time.monotonic()
    while not condition():
        assert process.poll() is None, "the run ended before the kill point"
        assert time.monotonic() - start < timeout
        time.sleep(0.2)


def test_killed_runs_resume_to_byte_identical_results(small_run, tmp_path):
    workdir = copy_workflow(tmp_path / "killed")
    command = snakemake_command(2, "--configfile", "config/test.yaml")  # the default profile sets rerun-incomplete
    kill_points = [
        lambda: any((workdir / "resources/synthetic/inventory").glob("*.tsv")),  # while writing raw files
        lambda: len(list((workdir / "results/shards/stances").glob("*.parquet"))) >= 1,  # mid-extraction
        lambda: (workdir / "results/tables/analysis.parquet").exists(),  # while models and figures run
    ]
    for reached in kill_points:
        process = subprocess.Popen(
            command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        _wait_for(reached, process)
        os.killpg(process.pid, signal.SIGKILL)  # the scheduler and every job it started
        process.wait()
        unlocked = subprocess.run(snakemake_command(1, "--unlock"), cwd=workdir, capture_output=True, text=True)
        assert unlocked.returncode == 0, unlocked.stderr[-2000:]
    final = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr[-3000:]
    first, resumed = digests(small_run), digests(workdir)
    assert first.keys() == resumed.keys()
    assert [name for name in first if first[name] != resumed[name]] == []


FILE_NAMED = "Zelenkova_Katerina_run"  # a file named after the participant, as labs do
PLANTED = {
    "name": "Kateřina Zelenková-Vrbová",
    "email": "katerina.zelenkova@posta-example.cz",
    "date_of_birth": "1963-07-19",
    "phone": "+420 777 123 456",
}


def test_no_identifier_planted_in_raw_files_reaches_any_output(small_run, tmp_path):
    study, ids = own_data_study(small_run, tmp_path / "study")
    raw = study / "resources/synthetic"
    participants = pd.read_csv(raw / "participants.csv", dtype=str)
    for column, value in PLANTED.items():
        participants[column] = [f"{value} {i}" if column == "name" else value for i in range(len(participants))]
    participants.to_csv(raw / "participants.csv", index=False)
    reports = pd.read_csv(raw / "weekly_reports.csv", dtype=str, keep_default_na=False)
    reports["comment"] = f"mail {PLANTED['email']} or call {PLANTED['phone']}"
    reports.to_csv(raw / "weekly_reports.csv", index=False)
    export = sorted((raw / "fitbit" / ids[0]).glob("*.json"))[0]
    records = json.loads(export.read_text())
    for record in records:
        record["source"] = {"name": PLANTED["name"], "type": "tracker"}
        if record["activityName"] == "Walk":  # a name typed into the activity's title
            record["activityName"] = f"Walk with {PLANTED['name']}"
    export.write_text(json.dumps(records))
    export.rename(export.with_name(f"{FILE_NAMED}.json"))
    for pid in ids[:3]:
        trial = c3d_files(raw / "c3d" / pid)[0]
        c3d = ezc3d.c3d(str(trial))
        c3d["parameters"]["SUBJECTS"]["NAMES"]["value"] = [PLANTED["name"]]
        c3d.add_parameter("MANUFACTURER", "COMPANY", [f"Lab of {PLANTED['name']}"])
        c3d.write(str(trial.with_name(f"{FILE_NAMED}.c3d")))
        trial.unlink()
    gpx = REAL / "garmin" / "slither_running_polar_m400.gpx"
    (raw / "garmin" / ids[1]).mkdir(parents=True)
    shutil.copy(gpx, raw / "garmin" / ids[1] / f"{FILE_NAMED}_track.gpx")
    first_point = gpx.read_text().split("<trkpt", 1)[1]
    lat, lon = (first_point.split(f'{k}="', 1)[1].split('"', 1)[0] for k in ("lat", "lon"))

    # --quiet host: the job listing printed, as a cluster profile prints it
    result = run_snakemake(study, 2, "--configfile", "config/test.yaml", "config/own.yaml", "--quiet", "host")
    assert result.returncode == 0, result.stderr[-3000:]
    report = run_snakemake(study, 1, "--configfile", "config/test.yaml", "config/own.yaml", "--report", "report.html")
    assert report.returncode == 0, report.stderr[-3000:]
    activities = pd.read_parquet(study / "results/tables/activities.parquet")
    assert (activities["source"] == "gpx").sum() == 1  # the track was read...

    needles = [v.encode() for v in [*PLANTED.values(), FILE_NAMED]] + [lat[:7].encode(), lon[:7].encode()]
    ours = [p for p in [*(study / "results").rglob("*"), *(study / "logs").rglob("*")] if p.is_file()]
    assert len(ours) > 80
    leaks = [(str(p.relative_to(study)), n.decode()) for p in ours for n in needles if n in p.read_bytes()]
    assert leaks == []
    # Snakemake's own run log and report list jobs' inputs: the rules read inventories, never a raw file
    snakemakes = [p for p in [*(study / ".snakemake" / "log").rglob("*"), study / "report.html"] if p.is_file()]
    leaks = [(str(p.relative_to(study)), n.decode()) for p in snakemakes for n in needles if n in p.read_bytes()]
    assert leaks == []
    said = (result.stdout + result.stderr + report.stdout + report.stderr).encode()
    assert [n.decode() for n in needles if n in said] == []
    for table in (study / "results").rglob("*.parquet"):  # decoded, not only as compressed bytes
        text = " ".join(pd.read_parquet(table).astype(str).to_numpy().ravel())
        assert not [n for n in needles if n.decode() in text], table.name
    for table in (study / "results/tables").glob("*.parquet"):  # ...and no coordinate left as a number
        numbers = pd.read_parquet(table).select_dtypes("number")
        for target in (float(lat), float(lon)):
            assert not ((numbers - target).abs() < 1e-4).any().any(), table.name
