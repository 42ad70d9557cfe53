import csv
import glob
import sys
from pathlib import Path


from runrisk.ids import shard_count, shard_members, shard_of

RAW = config["raw_dir"]
SIMULATED = config["simulate"]["enabled"]
ENV = "../../envs/runrisk.yaml"


def participant_ids():
    """Raw ids of the study (read at DAG time for real data; known from config when simulated)."""
    if SIMULATED:
        from runrisk.simulate.cohort import raw_participant_id

        return [
            raw_participant_id(i) for i in range(config["simulate"]["n_participants"])
        ]
    with open(f"{RAW}/participants.csv", newline="", encoding="utf-8") as handle:
        return [row["participant_id"].strip() for row in csv.DictReader(handle)]


PARTICIPANTS = participant_ids()
SHARDS = [
    f"{k:03d}" for k in range(shard_count(len(PARTICIPANTS), config["shard_size"]))
]


wildcard_constraints:
    shard=r"\d{3}",


def shard_raw_files(shard, kinds):
    """A shard's raw files, or the simulator's inventory that promises them."""
    if SIMULATED:
        return [f"{RAW}/inventory/shard-{shard}.tsv"]
    members = shard_members(PARTICIPANTS, int(shard), config["shard_size"])
    return sorted(
        path
        for kind, pattern in kinds
        for pid in members
        for path in glob.glob(f"{RAW}/{kind}/{pid}/{pattern}")
    )


TRIAL_FILES = [("c3d", "*.c3d"), ("visual3d", "*.txt")]
WEARABLE_FILES = [
    ("fitbit", "*.json"),
    ("garmin", "*.fit"),
    ("garmin", "*.gpx"),
    ("garmin", "*.tcx"),
    ("fitabase", "*.csv"),
]
QC_PARTICIPANT = config["biomechanics"].get("qc_participant") or sorted(PARTICIPANTS)[0]


def trial_inputs(wildcards):
    return shard_raw_files(wildcards.shard, TRIAL_FILES)


def wearable_inputs(wildcards):
    return shard_raw_files(wildcards.shard, WEARABLE_FILES)


def qc_trial_inputs(wildcards):
    shard = shard_of(PARTICIPANTS, QC_PARTICIPANT, config["shard_size"])
    return shard_raw_files(f"{shard:03d}", TRIAL_FILES)


REPORT_TABLES = [
    "flow",
    "firth",
    "cox",
    "cox_timevarying",
    "ph_test",
    "validation",
    "sensitivity",
    "montecarlo",
]


def final_outputs():
    tables = [
        "participants",
        "trials",
        "stances",
        "biomechanics",
        "activities",
        "weekly_volume",
        "exposure",
        "weekly_reports",
        "diagnoses",
        "outcomes",
        "flow",
        "analysis",
        "analysis_sensitivity",
        "quarantine",
    ]
    figures = [
        "forest",
        "km_volume_tertiles",
        "flow",
        "qc_trial",
        "weekly_volume",
        "calibration",
        "decision_curve",
        "sensitivity",
        "power",
    ]
    return (
        [f"results/tables/{t}.parquet" for t in tables]
        + [
            f"results/models/{m}.parquet"
            for m in (
                "logistic",
                "firth",
                "cox",
                "cox_timevarying",
                "ph_test",
                "validation",
                "calibration_curve",
                "decision_curve",
                "sensitivity",
                "montecarlo",
            )
        ]
        + [f"results/figures/{f}.{ext}" for f in figures for ext in ("png", "svg")]
        + [f"results/report/{t}.csv" for t in REPORT_TABLES]
    )
