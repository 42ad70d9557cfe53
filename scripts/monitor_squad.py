"""The squad's pages: results/monitor/index.html, runners/, weeks.parquet."""

import datetime as dt
import logging
from pathlib import Path

from runrisk import scriptio
from runrisk.monitor.season import monitor


def day(text):
    return dt.date.fromisoformat(str(text)) if text else None


def main(snakemake):
    written = monitor(
        Path(snakemake.input.squad),
        Path(snakemake.input.model),
        Path(snakemake.output.pages),
        snakemake.params.lang,
        day(snakemake.params.since),
        day(snakemake.params.as_of),
        cache_path=Path(snakemake.params.cache),
        date_margin_days=snakemake.params.date_margin_days,
    )
    counts = (written.runners, written.files_read, written.pages_written)
    logging.info("%d runners, %d files read, %d runner pages written", *counts)


scriptio.run(lambda: main(snakemake), snakemake.log[0])  # noqa: F821
