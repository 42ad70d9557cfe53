"""Write one shard's C3D trials and Fitbit exports, and an inventory of the files written."""

import hashlib
from pathlib import Path

import pandas as pd

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.simulate.raw_files import write_participant
from runrisk.simulate.settings import Simulation


def main(snakemake):
    cfg = Simulation.of(snakemake.params.simulate)
    raw = Path(snakemake.params.raw_dir)
    truth = read_table(snakemake.input.truth).set_index("raw_id")
    weekly = read_table(snakemake.input.weekly)
    members = snakemake.params.members
    written = [path for raw_id in members for path in write_participant(raw_id, truth, weekly, cfg, raw)]
    pd.DataFrame(
        {
            "path": [str(p.relative_to(raw)) for p in written],
            "bytes": [p.stat().st_size for p in written],
            "sha256": [hashlib.sha256(p.read_bytes()).hexdigest() for p in written],
        }
    ).to_csv(snakemake.output.inventory, sep="\t", index=False)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
