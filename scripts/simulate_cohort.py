"""Write the synthetic cohort's participants, weekly reports and diagnoses CSVs plus its truth."""

import logging

from runrisk import scriptio
from runrisk.simulate import cohort
from runrisk.tables import write_table


def main(snakemake):
    cfg = snakemake.params.simulate
    truth, weekly = cohort.simulate_truth(cfg)
    cohort.participants_csv(truth).to_csv(snakemake.output.participants, index=False)
    cohort.write_surveillance_csvs(cfg, truth, snakemake.output.reports, snakemake.output.diagnoses)
    write_table(truth, snakemake.output.truth, sort_by=["index"])
    write_table(weekly, snakemake.output.weekly, sort_by=["raw_id", "week"])
    logging.info("%d participants, %d true cases", len(truth), int(truth["true_case"].sum()))


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
