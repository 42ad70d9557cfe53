"""Weekly running volume of every shard -> one table, and the per-participant exposure."""

from runrisk import scriptio
from runrisk.exposure import exposure_summary
from runrisk.tables import gather_tables, read_table, write_table


def main(snakemake):
    gather_tables(list(snakemake.input), snakemake.output.weekly, ["participant_id", "week"])
    weekly = read_table(snakemake.output.weekly)
    write_table(exposure_summary(weekly), snakemake.output.exposure, sort_by=["participant_id"])


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
