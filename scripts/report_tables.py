"""Key tables as CSV for `snakemake --report` (which renders CSV, not Parquet)."""

from runrisk import scriptio
from runrisk.io.tables import read_table


def main(snakemake):
    for name, source in snakemake.input.items():
        read_table(source).to_csv(snakemake.output[name], index=False, float_format="%.6g")


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
