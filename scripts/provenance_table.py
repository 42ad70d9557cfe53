"""results/report/provenance.csv: the code commit, whether the code differed from it, the config hash and
every installed package with its version, for the report (the manifest holds the same)."""

from pathlib import Path

import pandas as pd

from runrisk import scriptio
from runrisk.report.provenance import code_revision, software_versions

CHANGED = {True: "yes", False: "no", None: "unknown (not a git checkout)"}


def main(snakemake):
    revision = code_revision(Path(snakemake.params.code_root))
    rows = [
        ("code commit", revision["commit"]),
        ("code changed from that commit", CHANGED[revision["dirty"]]),
        ("config SHA-256", snakemake.params.config_sha256),
        *((f"package {name}", version) for name, version in software_versions().items()),
    ]
    pd.DataFrame(rows, columns=["item", "value"]).to_csv(snakemake.output.table, index=False)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
