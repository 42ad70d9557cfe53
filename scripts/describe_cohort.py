"""Table 1 (the participants by outcome and by runner status) and Table 2 (cases against strict controls,
one measure at a time), as Parquet and as the report's CSV."""

from runrisk import scriptio
from runrisk.cohort.exposure import exposure_under
from runrisk.io.tables import read_table, write_table
from runrisk.stats.describe import participant_frame, table1, table1_wide, table2
from runrisk.tendon.study import AbnormalTendon, tendon_covariates


def main(snakemake):
    params = snakemake.params
    biomechanics = read_table(snakemake.input.biomechanics)
    tendon = snakemake.input.tendon
    frame = participant_frame(
        read_table(snakemake.input.participants),
        read_table(snakemake.input.outcomes),
        biomechanics[biomechanics["side"] == params.primary_limb],
        exposure_under(read_table(snakemake.input.exposure), params.window),
        tendon_covariates(read_table(tendon[0]), AbnormalTendon.of(params.abnormal_tendon)) if tendon else None,
    )
    first = table1(frame)
    summaries = dict(zip(first["measure"], first["summary"], strict=False))
    second = table2(read_table(snakemake.input.analysis), summaries)
    write_table(first, snakemake.output.table1)
    write_table(second, snakemake.output.table2)
    table1_wide(first).to_csv(snakemake.output.table1_csv, index=False)
    second.to_csv(snakemake.output.table2_csv, index=False, float_format="%.4g")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
