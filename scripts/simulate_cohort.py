"""Write the synthetic cohort's participants, weekly reports and diagnoses CSVs plus its truth."""

import logging

from runrisk import scriptio
from runrisk.io.tables import SORT_KEYS, write_table
from runrisk.simulate import cohort
from runrisk.simulate.settings import Simulation


def main(snakemake):
    cfg = Simulation.of(snakemake.params.simulate)
    truth, weekly = cohort.simulate_truth(cfg)
    cohort.participants_csv(truth).to_csv(snakemake.output.participants, index=False)
    cohort.write_surveillance_csvs(cfg, truth, snakemake.output.reports, snakemake.output.diagnoses)
    write_table(truth, snakemake.output.truth, sort_by=SORT_KEYS["truth"])
    write_table(weekly, snakemake.output.weekly, sort_by=SORT_KEYS["truth_weekly"])
    logging.info("%d participants, %d true cases", len(truth), int(truth["true_case"].sum()))


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
