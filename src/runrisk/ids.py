"""Participant pseudonyms and deterministic shards."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from collections.abc import Sequence

# The demo key is public on purpose: real studies set RUNRISK_PSEUDONYM_KEY so that
# nobody holding the outputs can re-derive raw ids by hashing candidate ids.
DEMO_PSEUDONYM_KEY = "runrisk-demo-key"
PSEUDONYM_KEY_ENV = "RUNRISK_PSEUDONYM_KEY"


def pseudonym_key() -> bytes:
    return os.environ.get(PSEUDONYM_KEY_ENV, DEMO_PSEUDONYM_KEY).encode()


@functools.lru_cache(maxsize=8)
def _keyed_mac(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def _digest(raw_id: str, key: bytes) -> bytes:
    # copying a keyed HMAC skips hashing the key again: a shard job orders every id of the cohort
    mac = _keyed_mac(key).copy()
    mac.update(str(raw_id).encode())
    return mac.digest()


def pseudonymise(raw_id: str, key: bytes | None = None) -> str:
    """Keyed hash of a raw participant id: stable across runs, not reversible without the key."""
    return f"P{_digest(raw_id, key or pseudonym_key()).hex()[:12]}"


def shard_count(n_participants: int, shard_size: int) -> int:
    return max(1, -(-n_participants // shard_size))


def shard_order(raw_ids: Sequence[str]) -> list[str]:
    """Raw ids in the order of their pseudonyms: shards cut in this order and concatenated in shard order
    give tables sorted by participant_id, so gathering them never needs a cohort-wide sort."""
    return list(_pseudonym_order(tuple(str(i) for i in raw_ids), pseudonym_key()))


@functools.lru_cache(maxsize=4)
def _pseudonym_order(raw_ids: tuple[str, ...], key: bytes) -> tuple[str, ...]:
    """Cached: on real data the DAG asks for every shard's members, each a slice of this one order.
    A pseudonym's 12 hex digits are its digest's first 6 bytes, so the sort key orders (pseudonym, raw id)."""
    return tuple(sorted(raw_ids, key=lambda i: _digest(i, key)[:6] + i.encode()))


def shard_members(raw_ids: Sequence[str], shard: int, shard_size: int) -> list[str]:
    """Participants of one shard: a slice of the ids in pseudonym order, never dependent on job order."""
    return shard_order(raw_ids)[shard * shard_size : (shard + 1) * shard_size]


def shard_of(raw_ids: Sequence[str], raw_id: str, shard_size: int) -> int:
    return shard_order(raw_ids).index(str(raw_id)) // shard_size
