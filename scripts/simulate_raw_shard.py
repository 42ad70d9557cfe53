"""Write one shard's C3D trials and Fitbit exports, and an inventory of the files written."""

import hashlib
import shutil
from pathlib import Path

import pandas as pd

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.simulate import c3d_writer, fitbit_writer


def main(snakemake):
    cfg = snakemake.params.simulate
    raw = Path(snakemake.params.raw_dir)
    truth = read_table(snakemake.input.truth).set_index("raw_id")
    weekly = read_table(snakemake.input.weekly)
    members = snakemake.params.members
    written = []
    for raw_id in members:
        person = {"raw_id": raw_id, **truth.loc[raw_id].to_dict()}
        person["enrolment_date"] = pd.Timestamp(person["enrolment_date"]).date()
        for kind in ("c3d", "fitbit"):  # files of an earlier simulation must not survive a rerun
            shutil.rmtree(raw / kind / raw_id, ignore_errors=True)
        if person["has_trials"]:  # a missed lab session leaves no trial files
            written += c3d_writer.write_trials(
                person,
                raw / "c3d" / raw_id,
                cfg["trials_per_participant"],
                cfg["seed"],
                cfg["trial_sd_fraction"],
                cfg["biomechanics"],
            )
        weeks = weekly[weekly["raw_id"] == raw_id]
        written += fitbit_writer.write_fitbit_export(person, weeks, raw / "fitbit" / raw_id, cfg["seed"])
    pd.DataFrame(
        {
            "path": [str(p.relative_to(raw)) for p in written],
            "bytes": [p.stat().st_size for p in written],
            "sha256": [hashlib.sha256(p.read_bytes()).hexdigest() for p in written],
        }
    ).to_csv(snakemake.output.inventory, sep="\t", index=False)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
