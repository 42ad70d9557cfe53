"""Monte-Carlo replicates of the study at one cohort size."""

from runrisk import scriptio
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.stats.montecarlo import run_size
from runrisk.stats.terms import Term


def main(snakemake):
    cfg = snakemake.params.montecarlo
    terms = [Term.from_config(t) for t in snakemake.params.terms]
    replicates = run_size(
        snakemake.params.simulate,
        terms,
        int(snakemake.wildcards.size),
        cfg["repetitions"],
        snakemake.params.min_worn_weeks,
        cfg["alpha"],
    )
    write_table(replicates, snakemake.output.replicates, sort_by=SORT_KEYS["montecarlo_replicates"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
