"""Monte-Carlo replicates of the study at one cohort size, through the study's own outcome, exposure and
model code."""

from runrisk import scriptio
from runrisk.cohort.outcomes import Censoring, OutcomeRules, OutcomeSettings
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.power.montecarlo import run_size
from runrisk.simulate.settings import Simulation
from runrisk.stats.settings import MontecarloSettings
from runrisk.stats.terms import Timevarying, terms_of


def main(snakemake):
    params = snakemake.params
    terms, timevarying = terms_of(params.terms), Timevarying.of(params.timevarying)
    montecarlo = MontecarloSettings.of(params.montecarlo)
    plan = {"terms": terms, "timevarying_terms": list(timevarying.terms), "lag_weeks": timevarying.lag_weeks}
    outcomes, exposure = OutcomeSettings.of(params.outcomes), Censoring.of(params.exposure)
    rules = OutcomeRules.of(outcomes, exposure, [t.column for t in terms])
    replicates = run_size(
        Simulation.of(params.simulate),
        plan,
        int(snakemake.wildcards.size),
        montecarlo.repetitions,
        rules,
        params.min_prior_weeks,
        montecarlo.alpha,
    )
    write_table(replicates, snakemake.output.replicates, sort_by=SORT_KEYS["montecarlo_replicates"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
