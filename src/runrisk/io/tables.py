"""Deterministic Parquet I/O: one schema per table, sorted rows, no wall-clock metadata."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# Arrow's default allocator keeps freed buffers for reuse; the system one returns them, so a step that
# reads a large table column by column does not hold every buffer it ever read at its peak.
pa.set_memory_pool(pa.system_memory_pool())

# The row order of every table the workflow writes, declared once: equal data gives equal bytes, and
# shard tables sorted by participant first are gathered by streaming (gather_tables).
SORT_KEYS: dict[str, list[str]] = {
    "participants": ["participant_id"],
    "trials": ["participant_id", "trial"],
    "tendon": ["participant_id", "scan"],
    "stances": ["participant_id", "trial", "plate"],
    "biomechanics": ["participant_id", "side"],
    "activities": ["participant_id", "start_utc", "activity", "log_id"],
    "weekly_volume": ["participant_id", "week"],
    "exposure": ["participant_id"],
    "weekly_tendon_load": ["participant_id", "week"],
    "tendon_exposure": ["participant_id"],
    "weekly_reports": ["participant_id", "report_date"],
    "diagnoses": ["participant_id", "diagnosis_date", "icd10"],
    "quarantine": ["stage", "participant_id", "file", "row"],
    "unenrolled": ["kind", "participant_id"],
    "outcomes": ["participant_id"],
    "flow": ["step"],
    "analysis": ["participant_id"],
    "analysis_sensitivity": ["variant", "participant_id"],
    "montecarlo_replicates": ["replicate", "strategy", "term"],
    "montecarlo": ["strategy", "term", "size"],
    "true_effects": ["model", "term"],
    "truth": ["index"],
    "truth_weekly": ["raw_id", "week"],
}


def write_table(df: pd.DataFrame, path: str | Path, sort_by: list[str] | None = None) -> None:
    """Write df sorted by sort_by with a plain index, so equal data gives equal bytes."""
    if sort_by:
        df = df.sort_values(sort_by, kind="mergesort")
    df = df.reset_index(drop=True)
    table = pa.Table.from_pandas(df, preserve_index=False)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def read_table(
    path: str | Path, columns: list[str] | None = None, filters: list | None = None, categorical: list[str] = ()
) -> pd.DataFrame:
    """A table, or only the columns and rows a step needs (pyarrow filters, e.g. [("week", ">=", 1)]).

    A selective read scans row group by row group (gathered tables have one per shard), so a step that
    needs a few of a large table's rows never decodes the whole table at once. Columns in categorical
    (participant ids of a weekly table) come as pandas categoricals: a few bytes a row, not a string.
    """
    if filters is None and not categorical:
        return pq.read_table(path, columns=columns).to_pandas()
    file = pq.ParquetFile(path, read_dictionary=list(categorical) or None)
    filters = typed_filters(filters, file.schema_arrow) if filters else None
    keep = pq.filters_to_expression(filters) if filters else None
    wanted = columns or file.schema_arrow.names
    needed = list(dict.fromkeys([*wanted, *_filter_columns(filters or [])]))  # a filter may use other columns
    parts = []
    for group in range(file.metadata.num_row_groups):
        part = file.read_row_group(group, columns=needed)
        parts.append((part.filter(keep) if keep is not None else part).select(wanted))
    if not parts:
        parts = [file.schema_arrow.empty_table().select(wanted)]
    return pa.concat_tables(parts).to_pandas()


def typed_filters(filters: list, schema: pa.Schema) -> list:
    """Filters whose value lists have their column's type: an empty list (no participant analysed) is of
    pyarrow's null type, which an "in" on a string column refuses (ArrowTypeError), though it means no row."""
    if isinstance(filters[0], tuple):
        return [typed_filter(f, schema) for f in filters]
    return [typed_filters(conjunction, schema) for conjunction in filters]


def typed_filter(condition: tuple, schema: pa.Schema) -> tuple:
    column, op, value = condition
    if op in {"in", "not in"} and not isinstance(value, pa.Array):
        dtype = schema.field(column).type
        value = pa.array(list(value), type=dtype.value_type if pa.types.is_dictionary(dtype) else dtype)
    return column, op, value


def _filter_columns(filters: list) -> list[str]:
    """Column names in pyarrow DNF filters: [(col, op, value), ...] or [[(col, op, value), ...], ...]."""
    if filters and isinstance(filters[0], tuple):
        return [f[0] for f in filters]
    return [name for conjunction in filters for name in _filter_columns(conjunction)]


def gather_tables(
    paths: list[str | Path], out: str | Path, sort_by: list[str], leave_out: set[str] | frozenset[str] = frozenset()
) -> None:
    """Concatenate shard tables into one table sorted by sort_by, without the participants in leave_out
    (those set aside by the quarantine at any stage, so none of their rows reaches a gathered table).

    Tables sorted by participant first are streamed, one shard in memory at a time (the activities of
    9,110 participants are millions of rows): shards hold participants in pseudonym order
    (runrisk.ids.shard_order), so sorting each shard is enough, and a shard that would break the order
    is an error rather than a silently unsorted table. Other tables (the quarantine, a few rows from
    several stages) are sorted whole.
    """
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    order = [(key, "ascending") for key in sort_by]
    if sort_by[0] != "participant_id":
        table = pa.concat_tables([pq.read_table(p) for p in paths], promote_options="default")
        pq.write_table(table.sort_by(order).combine_chunks(), out, compression="zstd")
        return
    schema = pa.unify_schemas([pq.read_schema(p) for p in paths], promote_options="default")
    previous_last = None
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for path in paths:
            table = pq.read_table(path).cast(schema).sort_by(order)
            if leave_out:
                table = table.filter(pc.invert(pc.is_in(table.column("participant_id"), pa.array(sorted(leave_out)))))
            if table.num_rows == 0:
                continue
            first, last = table.column(sort_by[0])[0].as_py(), table.column(sort_by[0])[-1].as_py()
            if previous_last is not None and first <= previous_last:
                raise ValueError(
                    f"{path}: participants start at {first}, not after the previous shard's last ({previous_last}); "
                    "shards must follow runrisk.ids.shard_order"
                )
            previous_last = last
            writer.write_table(table, row_group_size=1 << 20)
