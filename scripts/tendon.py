"""The baseline tendon MRI of every participant with one: results/tables/tendon.parquet from the shards,
without the participants the quarantine set aside, and the report's tendon table."""

from runrisk import scriptio
from runrisk.io.layout import MRI
from runrisk.io.quarantine import set_aside
from runrisk.io.tables import SORT_KEYS, gather_tables, read_table
from runrisk.tendon.study import AbnormalTendon, tendon_summary


def main(snakemake):
    leave_out = set_aside(read_table(snakemake.input.quarantine), MRI)
    gather_tables(list(snakemake.input.shards), snakemake.output.tendon, SORT_KEYS["tendon"], leave_out)
    summary = tendon_summary(read_table(snakemake.output.tendon), AbnormalTendon.of(snakemake.params.abnormal))
    summary.to_csv(snakemake.output.summary, index=False, float_format="%.6g")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
