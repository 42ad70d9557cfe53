"""TRIPOD performance of the risk model: C-statistic, calibration, bootstrap optimism, decision curve."""

from runrisk import scriptio
from runrisk.io.tables import read_table, write_table
from runrisk.report.figures import calibration_figure, decision_curve_figure, not_drawn, save
from runrisk.stats.fittable import ModelData, fitted_or_reported
from runrisk.stats.settings import ValidationSettings
from runrisk.stats.terms import terms_of
from runrisk.stats.validation import unvalidated, validate


def main(snakemake):
    cfg = ValidationSettings.of(snakemake.params.validation)
    terms = terms_of(snakemake.params.terms)
    analysis = read_table(snakemake.input.analysis)
    data = ModelData.of(f"validation ({cfg.method})", analysis, terms)
    summary, curve, decision = fitted_or_reported(
        data,
        lambda: validate(analysis, terms, cfg),
        snakemake.params.on_unfittable,
        lambda exc: unvalidated(cfg.method, f"{exc.summary}: {exc.reason}"),
        separation_matters=cfg.method != "firth",
    )
    write_table(summary, snakemake.output.summary)
    write_table(curve, snakemake.output.calibration)
    write_table(decision, snakemake.output.decision)
    out = snakemake.output
    if summary["status"].iloc[0] == "fitted":
        save(calibration_figure(curve, summary), out.calibration_png, out.calibration_svg)
        save(decision_curve_figure(decision), out.decision_png, out.decision_svg)
    else:
        reason = summary["reason"].iloc[0]
        save(not_drawn("Calibration: the model could not be fitted", reason), out.calibration_png, out.calibration_svg)
        save(not_drawn("Decision curve: the model could not be fitted", reason), out.decision_png, out.decision_svg)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
