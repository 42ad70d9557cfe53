import hashlib
import hmac

import pytest

import runrisk.ids
from runrisk.ids import (
    DEMO_PSEUDONYM_KEY,
    PSEUDONYM_KEY_ENV,
    PSEUDONYM_KEY_FILE_ENV,
    PseudonymKeyError,
    key_fingerprint,
    key_source,
    pseudonymise,
    require_study_key,
    shard_count,
    shard_members,
    shard_of,
    shard_order,
)


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


def test_shards_partition_the_ids_in_pseudonym_order_whatever_their_input_order():
    ids = [f"id{i:03d}" for i in range(23)]
    shuffled = ids[::-1]
    shards = [shard_members(shuffled, k, 5) for k in range(shard_count(len(ids), 5))]
    assert len(shards) == 5
    assert sorted(sum(shards, [])) == sorted(ids)
    assert [len(s) for s in shards] == [5, 5, 5, 5, 3]
    # concatenating shards in order gives ids sorted by pseudonym: gathering needs no global sort
    assert [pseudonymise(i) for i in sum(shards, [])] == sorted(pseudonymise(i) for i in ids)
    assert all(shard_of(ids, i, 5) == k for k, shard in enumerate(shards) for i in shard)


def test_pseudonym_is_hmac_sha256_of_the_raw_id_for_short_and_long_keys():
    for key in (b"k", b"x" * 100):
        for raw_id in ("4H00001", "Běžec-7", "", "id with spaces"):
            expected = hmac.new(key, raw_id.encode(), hashlib.sha256).hexdigest()[:12]
            assert pseudonymise(raw_id, key) == f"P{expected}"


def test_shard_order_sorts_by_pseudonym_then_raw_id(monkeypatch):
    ids = ["b", "a", "ab", "Ž", "a1", "Z", "10", "9"]
    assert shard_order(ids) == sorted(ids, key=lambda i: (pseudonymise(i), i))
    # with every pseudonym equal, only the raw-id tie-break is left to order them
    monkeypatch.setattr(runrisk.ids, "_digest", lambda raw_id, key: bytes(32))
    runrisk.ids._pseudonym_order.cache_clear()
    assert shard_order(ids) == sorted(ids)
    runrisk.ids._pseudonym_order.cache_clear()  # no order from the fake digest outlives this test


def test_a_study_of_real_people_is_refused_the_demo_key_and_keys_that_protect_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    monkeypatch.delenv(PSEUDONYM_KEY_FILE_ENV, raising=False)
    assert require_study_key(simulated=True) == DEMO_PSEUDONYM_KEY.encode()  # the synthetic cohort's own
    with pytest.raises(PseudonymKeyError, match="public demo key: set RUNRISK_PSEUDONYM_KEY"):
        require_study_key(simulated=False)
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, DEMO_PSEUDONYM_KEY)
    with pytest.raises(PseudonymKeyError, match="public demo key"):
        require_study_key(simulated=False)
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "s3cret")
    with pytest.raises(PseudonymKeyError, match="6 characters, fewer than 16"):
        require_study_key(simulated=False)
    monkeypatch.delenv(PSEUDONYM_KEY_ENV)
    workflow = tmp_path / "runrisk"
    (workflow / "keys").mkdir(parents=True)
    inside, outside = workflow / "keys" / "study.key", tmp_path / "study.key"
    for path in (inside, outside):
        path.write_text("a-long-secret-of-the-study-team\n")
    monkeypatch.setenv(PSEUDONYM_KEY_FILE_ENV, str(inside))
    with pytest.raises(PseudonymKeyError, match="inside the workflow's folder"):
        require_study_key(simulated=False, workflow_dir=workflow)
    monkeypatch.setenv(PSEUDONYM_KEY_FILE_ENV, str(outside))
    assert require_study_key(simulated=False, workflow_dir=workflow) == b"a-long-secret-of-the-study-team"
    assert key_source() == "file"
    monkeypatch.setenv(PSEUDONYM_KEY_FILE_ENV, str(tmp_path / "absent.key"))
    with pytest.raises(PseudonymKeyError, match="cannot be read"):
        require_study_key(simulated=False)


def test_the_key_is_recorded_by_a_fingerprint_that_tells_keys_apart_and_reveals_neither():
    a, b = key_fingerprint(b"key-number-one-0000"), key_fingerprint(b"key-number-two-0000")
    assert a != b and a == key_fingerprint(b"key-number-one-0000") and len(a) == 16
    assert "key-number" not in a and a not in pseudonymise("key-number-one-0000", b"key-number-one-0000")
