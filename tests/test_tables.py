import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from runrisk.ids import pseudonymise, shard_members
from runrisk.io.tables import gather_tables, read_table, write_table


def _shard_files(tmp_path, raw_ids, shard_size, rng):
    """Per-shard tables of a few rows per participant, each written in a shuffled row order."""
    paths = []
    for shard in range(-(-len(raw_ids) // shard_size)):
        members = shard_members(raw_ids, shard, shard_size)
        rows = pd.DataFrame(
            {
                "participant_id": np.repeat([pseudonymise(m) for m in members], 3),
                "week": np.tile([2, 0, 1], len(members)),
                "km": rng.random(3 * len(members)),
            }
        ).sample(frac=1, random_state=shard)
        paths.append(tmp_path / f"shard-{shard:03d}.parquet")
        write_table(rows, paths[-1])
    return paths


def test_streamed_gather_equals_a_global_sort_one_row_group_per_shard(tmp_path):
    raw_ids = [f"4H{i:05d}" for i in range(23)]
    paths = _shard_files(tmp_path, raw_ids, 5, np.random.default_rng(1))
    gather_tables(paths, tmp_path / "all.parquet", ["participant_id", "week"])
    gathered = read_table(tmp_path / "all.parquet")
    expected = pd.concat([read_table(p) for p in paths]).sort_values(["participant_id", "week"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(gathered, expected)
    assert pq.ParquetFile(tmp_path / "all.parquet").metadata.num_row_groups == len(paths)


def test_gathering_shards_out_of_pseudonym_order_is_an_error(tmp_path):
    paths = _shard_files(tmp_path, [f"4H{i:05d}" for i in range(10)], 5, np.random.default_rng(2))
    with pytest.raises(ValueError, match=r"shard-000.parquet: participants start at .*runrisk.ids.shard_order"):
        gather_tables(paths[::-1], tmp_path / "all.parquet", ["participant_id", "week"])


def test_selective_reads_return_the_rows_pandas_would(tmp_path):
    paths = _shard_files(tmp_path, [f"4H{i:05d}" for i in range(12)], 4, np.random.default_rng(3))
    gather_tables(paths, tmp_path / "all.parquet", ["participant_id", "week"])
    whole = read_table(tmp_path / "all.parquet")
    chosen = sorted(whole["participant_id"].unique())[2:7]
    some = read_table(
        tmp_path / "all.parquet",
        columns=["participant_id", "km"],
        filters=[("participant_id", "in", chosen), ("week", ">=", 1)],
        categorical=["participant_id"],
    )
    expected = whole[whole["participant_id"].isin(chosen) & (whole["week"] >= 1)][["participant_id", "km"]]
    assert isinstance(some["participant_id"].dtype, pd.CategoricalDtype)
    assert some["participant_id"].astype(str).tolist() == expected["participant_id"].tolist()
    assert some["km"].tolist() == expected["km"].tolist()
    nobody = read_table(tmp_path / "all.parquet", filters=[("participant_id", "==", "nobody")])
    assert nobody.empty and list(nobody.columns) == list(whole.columns)


def test_a_filter_on_no_participants_gives_no_rows_not_an_arrow_error(tmp_path):
    """An empty analysis asks for the weeks of no participant: an empty "in" list has pyarrow's null type,
    which a string column refused with ArrowTypeError (fit_timevarying's traceback on a study of 0)."""
    path = tmp_path / "weekly.parquet"
    write_table(pd.DataFrame({"participant_id": ["a", "b"], "week": [1, 2]}), path)
    for categorical in ([], ["participant_id"]):
        empty = read_table(path, filters=[("participant_id", "in", [])], categorical=categorical)
        assert empty.empty and list(empty.columns) == ["participant_id", "week"]
        assert read_table(path, filters=[("participant_id", "in", ["b"])], categorical=categorical)[
            "week"
        ].tolist() == [2]
    assert len(read_table(path, filters=[("participant_id", "not in", [])])) == 2
