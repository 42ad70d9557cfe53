"""Monte-Carlo replicates of the study at one cohort size, through the study's own outcome, exposure and
model code."""

from runrisk import scriptio
from runrisk.cohort.outcomes import OutcomeRules
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.stats.montecarlo import run_size
from runrisk.stats.terms import Term


def main(snakemake):
    params = snakemake.params
    terms = [Term.from_config(t) for t in params.terms]
    plan = {
        "terms": terms,
        "timevarying_terms": [Term.from_config(t) for t in params.timevarying["terms"]],
        "lag_weeks": params.timevarying["lag_weeks"],
    }
    rules = OutcomeRules.from_config(params.outcomes, params.exposure, [t.column for t in terms])
    replicates = run_size(
        params.simulate,
        plan,
        int(snakemake.wildcards.size),
        params.montecarlo["repetitions"],
        rules,
        params.exposure["min_prior_weeks"],
        params.montecarlo["alpha"],
    )
    write_table(replicates, snakemake.output.replicates, sort_by=SORT_KEYS["montecarlo_replicates"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
