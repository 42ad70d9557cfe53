"""Write results/provenance/manifest.json for the run that produced the results."""

import json
from pathlib import Path

from runrisk import scriptio
from runrisk.report.provenance import build_manifest, raw_inputs


def main(snakemake):
    inputs = raw_inputs(Path(snakemake.params.raw_dir), Path.cwd())
    manifest = build_manifest(
        dict(snakemake.params.config),
        inputs,
        list(snakemake.input.outputs),
        Path(snakemake.params.code_root),
        Path.cwd(),
        snakemake.params.key_fingerprint,
    )
    Path(snakemake.output.manifest).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
