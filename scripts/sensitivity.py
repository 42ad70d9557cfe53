"""Sensitivity analyses of the Firth logistic model: lenient controls, runners only, and complete case
against multiple imputation of missing biomechanics."""

import pandas as pd

from runrisk import scriptio
from runrisk.cohort.outcomes import LENIENT_CONTROLS, WITH_MISSING_BIOMECHANICS
from runrisk.io.tables import read_table, write_table
from runrisk.report.figures import forest_plot, save
from runrisk.stats.models import fit_firth, fit_logistic
from runrisk.stats.sensitivity import fit_mice_logistic
from runrisk.stats.terms import Term


def main(snakemake):
    cfg = snakemake.params.sensitivity
    terms = [Term.from_config(t) for t in snakemake.params.terms]
    analysis = read_table(snakemake.input.analysis)
    variants = read_table(snakemake.input.frames)
    tables = [fit_firth(analysis, terms).assign(analysis="primary (strict controls, complete case)")]
    if cfg["lenient_controls"]:
        lenient = variants[variants["variant"] == LENIENT_CONTROLS]
        tables.append(fit_firth(lenient, terms).assign(analysis="lenient controls"))
    if cfg["runners_only"]:
        runner_terms = [t for t in terms if t.column != "runner"]
        tables.append(fit_firth(analysis[analysis["runner"]], runner_terms).assign(analysis="runners only"))
    if cfg["multiple_imputation"]["enabled"]:
        mi = cfg["multiple_imputation"]
        tables.append(fit_logistic(analysis, terms).assign(analysis="complete case (ML)"))
        with_missing = variants[variants["variant"] == WITH_MISSING_BIOMECHANICS]
        tables.append(
            fit_mice_logistic(with_missing, terms, mi["imputations"], mi["burn_in"], mi["seed"]).assign(
                analysis="multiple imputation (MICE, ML)"
            )
        )
    table = pd.concat(tables, ignore_index=True)
    write_table(table, snakemake.output.table)
    save(forest_plot(table.assign(model=table["analysis"])), snakemake.output.png, snakemake.output.svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
