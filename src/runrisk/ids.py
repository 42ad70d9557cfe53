"""Participant pseudonyms and deterministic shards."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from collections.abc import Sequence
from pathlib import Path

from runrisk.errors import StudyError

# The demo key is public on purpose: it pseudonymises only the embedded synthetic cohort. A study of real
# people sets its own key (RUNRISK_PSEUDONYM_KEY, or RUNRISK_PSEUDONYM_KEY_FILE naming a file outside the
# repository), so that nobody holding the code and the outputs can re-derive raw ids by hashing candidates.
DEMO_PSEUDONYM_KEY = "runrisk-demo-key"
PSEUDONYM_KEY_ENV = "RUNRISK_PSEUDONYM_KEY"
PSEUDONYM_KEY_FILE_ENV = "RUNRISK_PSEUDONYM_KEY_FILE"
MIN_KEY_LENGTH = 16  # bytes: short keys can be found by trying candidates against the pseudonyms of known ids
HOW_TO_SET_A_KEY = (
    f"set {PSEUDONYM_KEY_ENV} to a secret of at least {MIN_KEY_LENGTH} characters, e.g. "
    f"`export {PSEUDONYM_KEY_ENV}=$(python3 -c 'import secrets; print(secrets.token_hex(32))')`, "
    f"or {PSEUDONYM_KEY_FILE_ENV} to a file outside the repository that holds it; keep it with the study's "
    "raw data: the same key gives the same pseudonyms (docs/own-study.md)"
)


class PseudonymKeyError(StudyError):
    """The pseudonym key cannot be used for this study."""


def pseudonym_key() -> bytes:
    """The key: RUNRISK_PSEUDONYM_KEY, else the file RUNRISK_PSEUDONYM_KEY_FILE names, else the demo key."""
    if os.environ.get(PSEUDONYM_KEY_ENV):
        return os.environ[PSEUDONYM_KEY_ENV].encode()
    if os.environ.get(PSEUDONYM_KEY_FILE_ENV):
        return _key_from_file(Path(os.environ[PSEUDONYM_KEY_FILE_ENV]))
    return DEMO_PSEUDONYM_KEY.encode()


@functools.lru_cache(maxsize=4)
def _key_from_file(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        reason = f"names a key file that cannot be read ({error.strerror})"
        raise PseudonymKeyError(f"{PSEUDONYM_KEY_FILE_ENV} {reason}") from None
    if not key:
        raise PseudonymKeyError(f"{PSEUDONYM_KEY_FILE_ENV} names an empty key file")
    return key


def key_source() -> str:
    if os.environ.get(PSEUDONYM_KEY_ENV):
        return "environment"
    return "file" if os.environ.get(PSEUDONYM_KEY_FILE_ENV) else "demo"


def require_study_key(simulated: bool, workflow_dir: str | Path | None = None) -> bytes:
    """The key a study may pseudonymise with: the embedded synthetic cohort takes any (the demo key by
    default); a study of real people is refused the public demo key, a short key, and a key file inside
    the workflow's folder (a clone or a results archive would carry it)."""
    key = pseudonym_key()
    if simulated:
        return key
    if key == DEMO_PSEUDONYM_KEY.encode():
        raise PseudonymKeyError(
            "simulate.enabled is false, so this is a study of real people, and its ids would be pseudonymised "
            f"with the public demo key: {HOW_TO_SET_A_KEY}"
        )
    if len(key) < MIN_KEY_LENGTH:
        short = f"the pseudonym key has {len(key)} characters, fewer than {MIN_KEY_LENGTH}"
        raise PseudonymKeyError(f"{short}: {HOW_TO_SET_A_KEY}")
    key_file = os.environ.get(PSEUDONYM_KEY_FILE_ENV)
    from_file = key_file and not os.environ.get(PSEUDONYM_KEY_ENV)
    if from_file and workflow_dir is not None and Path(key_file).resolve().is_relative_to(Path(workflow_dir).resolve()):
        raise PseudonymKeyError(
            f"{PSEUDONYM_KEY_FILE_ENV} names a file inside the workflow's folder, which a copy of the repository "
            "or of its results would carry: keep the key file outside it"
        )
    return key


def key_fingerprint(key: bytes | None = None) -> str:
    """Which key made the pseudonyms, never the key: an HMAC of a fixed text, so two runs can be told to
    share a key (or not) from their manifests alone."""
    return hmac.new(key or pseudonym_key(), b"runrisk pseudonym key fingerprint", hashlib.sha256).hexdigest()[:16]


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
