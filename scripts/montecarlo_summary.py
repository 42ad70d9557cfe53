"""Bias, coverage and power per effect and cohort size; power against size."""

import numpy as np
import pandas as pd

from runrisk import scriptio
from runrisk.io.tables import SORT_KEYS, read_table, write_table
from runrisk.report.figures import power_figure, save
from runrisk.simulate.cohort import TRUE_EFFECT_OF_TERM
from runrisk.stats.montecarlo import summarise


def main(snakemake):
    replicates = pd.concat([read_table(p) for p in snakemake.input], ignore_index=True)
    ors = snakemake.params.true_odds_ratios
    # the simulator states each true OR in the direction the configured term reports it
    truth = {
        t["column"]: float(np.log(ors[TRUE_EFFECT_OF_TERM[t["column"]]]))
        if t["column"] in TRUE_EFFECT_OF_TERM
        else np.nan
        for t in snakemake.params.terms
    }
    summary = summarise(replicates, truth)
    labels = {t["column"]: t["label"] for t in snakemake.params.terms}
    summary["label"] = summary["term"].map(labels)
    write_table(summary, snakemake.output.summary, sort_by=SORT_KEYS["montecarlo"])
    save(power_figure(summary), snakemake.output.png, snakemake.output.svg)
    summary.to_csv(snakemake.output.csv, index=False, float_format="%.6g")  # the report renders CSV


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
