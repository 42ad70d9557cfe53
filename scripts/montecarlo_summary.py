"""Bias, coverage and power per strategy, effect and cohort size; power against size."""

import pandas as pd

from runrisk import scriptio
from runrisk.io.tables import SORT_KEYS, read_table, write_table
from runrisk.power.montecarlo import summarise
from runrisk.power.truth import strategy_targets
from runrisk.report.figures import power_figure, save


def main(snakemake):
    replicates = pd.concat([read_table(p) for p in snakemake.input.replicates], ignore_index=True)
    summary = summarise(replicates, strategy_targets(read_table(snakemake.input.effects)))
    labels = {t["column"]: t["label"] for t in [*snakemake.params.terms, *snakemake.params.timevarying_terms]}
    summary["label"] = summary["term"].map(labels)
    write_table(summary, snakemake.output.summary, sort_by=SORT_KEYS["montecarlo"])
    save(power_figure(summary), snakemake.output.png, snakemake.output.svg)
    summary.to_csv(snakemake.output.csv, index=False, float_format="%.6g")  # the report renders CSV


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
