"""The true effect of each model term as the analysis defines it, from a large truth cohort."""

import logging

from runrisk import scriptio
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.power.truth import true_effects
from runrisk.simulate.settings import Simulation
from runrisk.stats.comparison import swapped
from runrisk.stats.settings import ExposureComparison
from runrisk.stats.terms import terms_of


def alternatives(params) -> tuple:
    """The exposure comparison's alternative exposures, each with its model's terms (none without the comparison)."""
    if not params.comparison:
        return ()
    comparison = ExposureComparison.of(params.comparison)
    terms = terms_of(params.terms)
    return tuple((alt, swapped(terms, comparison.replaces, alt)) for alt in comparison.alternatives)


def main(snakemake):
    params = snakemake.params
    effects = true_effects(
        Simulation.of(params.simulate),
        terms_of(params.terms),
        terms_of(params.timevarying_terms),
        params.min_worn_weeks,
        alternatives(params),
    )
    logging.info("%s", effects.to_string(index=False))
    write_table(effects, snakemake.output.effects, sort_by=SORT_KEYS["true_effects"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
