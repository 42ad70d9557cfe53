import csv
import glob
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from runrisk.ids import shard_count, shard_members

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


def raw_files(kind, pattern):
    """Input function: a shard's raw files, or the simulator's inventory that promises them."""

    def files(wildcards):
        if SIMULATED:
            return [f"{RAW}/inventory/shard-{wildcards.shard}.tsv"]
        members = shard_members(
            PARTICIPANTS, int(wildcards.shard), config["shard_size"]
        )
        return sorted(
            path
            for pid in members
            for path in glob.glob(f"{RAW}/{kind}/{pid}/{pattern}")
        )

    return files


def final_outputs():
    tables = [
        "participants",
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
    ]
    figures = ["forest", "km_volume_tertiles", "flow"]
    return (
        [f"results/tables/{t}.parquet" for t in tables]
        + [f"results/models/{m}.parquet" for m in ("logistic", "cox")]
        + [f"results/figures/{f}.{ext}" for f in figures for ext in ("png", "svg")]
    )
