"""TRIPOD performance of the risk model: C-statistic, calibration, bootstrap optimism, decision curve."""

import numpy as np

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.report.figures import calibration_figure, decision_curve_figure, save
from runrisk.stats.terms import Term, design_matrix, outcome
from runrisk.stats.validation import bootstrap_validation, calibration_curve, decision_curve, fit_coefficients


def main(snakemake):
    cfg = snakemake.params.validation
    analysis = read_table(snakemake.input.analysis)
    x, _ = design_matrix(analysis, [Term.from_config(t) for t in snakemake.params.terms])
    X = np.column_stack([np.ones(len(x)), x.to_numpy()])
    y = outcome(analysis).to_numpy()
    summary = bootstrap_validation(X, y, cfg["method"], cfg["bootstrap_repetitions"], cfg["seed"])
    write_table(summary, snakemake.output.summary)
    risk = 1 / (1 + np.exp(-(X @ fit_coefficients(X, y, cfg["method"]))))
    curve = calibration_curve(y, risk, cfg["calibration_groups"])
    write_table(curve, snakemake.output.calibration)
    start, stop, step = cfg["decision_thresholds"]
    decision = decision_curve(y, risk, np.arange(start, stop + step / 2, step))
    write_table(decision, snakemake.output.decision)
    save(calibration_figure(curve, summary), snakemake.output.calibration_png, snakemake.output.calibration_svg)
    save(decision_curve_figure(decision), snakemake.output.decision_png, snakemake.output.decision_svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
