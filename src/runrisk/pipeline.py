"""Per-shard work: each participant's raw files in, one table out; raw ids never leave here."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from runrisk.biomechanics import PEAK_NAMES, StanceSettings, extract_stances
from runrisk.c3d import read_trial
from runrisk.ids import pseudonymise, shard_members
from runrisk.surveillance import read_participants
from runrisk.wearables import ACTIVITY_COLUMNS, activities_frame, read_fitbit_exercise

log = logging.getLogger(__name__)
STANCE_COLUMNS = [
    "participant_id",
    "trial",
    "plate",
    "side",
    "contact_s",
    "toe_off_s",
    "contact_time_s",
    "peak_vgrf_n",
    "strike_index_pct",
    *PEAK_NAMES,
    "qc_reason",
]


def _members(participants_csv: str | Path, shard: int, shard_size: int) -> list[str]:
    return shard_members(read_participants(participants_csv)["raw_id"], shard, shard_size)


def shard_stances(
    participants_csv: str | Path, raw_dir: str | Path, shard: int, shard_size: int, settings: dict
) -> pd.DataFrame:
    stance_settings = StanceSettings(
        **{k: settings[k] for k in ("force_threshold_n", "cop_threshold_n", "min_stance_s", "max_stance_s")}
    )
    rows = []
    for raw_id in _members(participants_csv, shard, shard_size):
        trials = sorted((Path(raw_dir) / "c3d" / raw_id).glob("*.c3d"))
        if not trials:
            log.warning("participant %s: no C3D trials in %s", raw_id, Path(raw_dir) / "c3d" / raw_id)
        pid = pseudonymise(raw_id)
        for path in trials:
            for stance in extract_stances(read_trial(path), stance_settings):
                rows.append({"participant_id": pid, "trial": path.stem, **stance})
    return pd.DataFrame(rows, columns=STANCE_COLUMNS)


def shard_activities(
    participants_csv: str | Path, raw_dir: str | Path, shard: int, shard_size: int, timezone: str
) -> pd.DataFrame:
    tz = ZoneInfo(timezone)
    rows = []
    for raw_id in _members(participants_csv, shard, shard_size):
        pid = pseudonymise(raw_id)
        for path in sorted((Path(raw_dir) / "fitbit" / raw_id).glob("*.json")):
            for record in read_fitbit_exercise(path, raw_id, tz):
                rows.append({"participant_id": pid, "source": "fitbit_export", "source_file": path.name, **record})
    return activities_frame(rows) if rows else activities_frame([])[ACTIVITY_COLUMNS]
