from runrisk.ids import pseudonymise, shard_count, shard_members


def test_pseudonym_is_stable_and_depends_on_the_key():
    assert pseudonymise("4H00001", b"k1") == pseudonymise("4H00001", b"k1")
    assert pseudonymise("4H00001", b"k1") != pseudonymise("4H00001", b"k2")
    assert pseudonymise("4H00001", b"k1") != pseudonymise("4H00002", b"k1")
    assert "4H00001" not in pseudonymise("4H00001", b"k1")


def test_pseudonym_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("RUNRISK_PSEUDONYM_KEY", "secret-a")
    a = pseudonymise("x")
    monkeypatch.setenv("RUNRISK_PSEUDONYM_KEY", "secret-b")
    assert pseudonymise("x") != a


def test_shards_partition_the_sorted_ids_whatever_their_input_order():
    ids = [f"id{i:03d}" for i in range(23)]
    shuffled = ids[::-1]
    shards = [shard_members(shuffled, k, 5) for k in range(shard_count(len(ids), 5))]
    assert len(shards) == 5
    assert sum(shards, []) == sorted(ids)
    assert [len(s) for s in shards] == [5, 5, 5, 5, 3]
