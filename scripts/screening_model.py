"""Write results/models/screening_model.json: what one runner's screening page needs from the study."""

import json
from pathlib import Path

import pandas as pd

from runrisk import scriptio
from runrisk.io.tables import read_table
from runrisk.report.provenance import code_revision
from runrisk.screening import model as screening
from runrisk.stats.terms import terms_of


def corrected_slope(validation: pd.DataFrame) -> float:
    """The optimism-corrected calibration slope of the validated model; 1 (no shrinkage) when the model
    could not be validated."""
    row = validation[(validation["metric"] == "calibration_slope") & (validation["status"] == "fitted")]
    return float(row["corrected"].iloc[0]) if len(row) else 1.0


def main(snakemake):
    params = snakemake.params
    terms = terms_of(params.terms)
    analysis = read_table(snakemake.input.analysis)
    revision = code_revision(Path(params.code_root))
    study = {**params.study, "code_commit": revision["commit"], "code_dirty": revision["dirty"]}
    settings = dict(params.settings)
    firth = read_table(snakemake.input.firth)
    if (firth["status"] != "fitted").any():
        document = screening.not_fitted(study, str(firth["reason"].iloc[0]))
    else:
        document = screening.build(
            analysis,
            terms,
            firth,
            corrected_slope(read_table(snakemake.input.validation)),
            study,
            settings,
            params.definition,
        )
    Path(snakemake.output.model).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
