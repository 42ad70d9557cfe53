"""Per-shard work: each participant's raw files in, one table out; raw ids never leave here."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from runrisk.biomechanics import PEAK_NAMES, StanceSettings, extract_stances
from runrisk.c3d import read_trial
from runrisk.conventions import to_documented_convention
from runrisk.fitabase import read_fitabase_daily
from runrisk.garmin import read_fit, read_gpx, read_tcx
from runrisk.ids import shard_members
from runrisk.surveillance import read_participants
from runrisk.trial import Trial
from runrisk.visual3d import read_visual3d
from runrisk.wearables import activities_frame, flag_duplicates, flag_uncountable_runs, read_fitbit_exercise

log = logging.getLogger(__name__)
TRIAL_COLUMNS = [
    "participant_id",
    "trial",
    "format",
    "manufacturer",
    "point_rate_hz",
    "analog_rate_hz",
    "n_frames",
    "n_plates",
    "plate_types",
    "n_events",
    "has_model_outputs",
    "n_stances",
    "n_valid_stances",
]
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


def _members(participants_csv: str | Path, shard: int, shard_size: int) -> pd.DataFrame:
    participants = read_participants(participants_csv).set_index("raw_id")
    return participants.loc[shard_members(participants.index, shard, shard_size)]


def trial_files(raw_dir: str | Path, raw_id: str) -> list[Path]:
    """A participant's C3D trials and Visual3D ASCII exports, in a fixed order."""
    raw = Path(raw_dir)
    return sorted((raw / "c3d" / raw_id).glob("*.c3d")) + sorted((raw / "visual3d" / raw_id).glob("*.txt"))


def load_trial(path: Path, convention: str, body_mass_kg: float, visual3d_rate_hz: float | None) -> Trial:
    trial = read_trial(path) if path.suffix.lower() == ".c3d" else read_visual3d(path, visual3d_rate_hz)
    return to_documented_convention(trial, convention, body_mass_kg)


def convention_of(participant: pd.Series, settings: dict) -> str:
    return settings.get("lab_conventions", {}).get(
        participant.get("lab", ""), settings.get("convention", "plugin_gait")
    )


def shard_stances(
    participants_csv: str | Path, raw_dir: str | Path, shard: int, shard_size: int, settings: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stances (one row per loaded plate) and trials (one row per file) of one shard."""
    stance_settings = StanceSettings.from_config(settings)
    stance_rows, trial_rows = [], []
    for raw_id, participant in _members(participants_csv, shard, shard_size).iterrows():
        paths = trial_files(raw_dir, raw_id)
        if not paths:
            log.warning("participant %s: no trial files under %s/{c3d,visual3d}/%s", raw_id, raw_dir, raw_id)
        for path in paths:
            trial = load_trial(
                path,
                convention_of(participant, settings),
                participant["body_mass_kg"],
                settings.get("visual3d_rate_hz"),
            )
            stances = extract_stances(trial, stance_settings)
            key = {"participant_id": participant["participant_id"], "trial": path.stem}
            trial_rows.append(
                {
                    **key,
                    **trial.summary(),
                    "n_stances": len(stances),
                    "n_valid_stances": sum(s["qc_reason"] == "" for s in stances),
                }
            )
            stance_rows += [{**key, **stance} for stance in stances]
    return pd.DataFrame(stance_rows, columns=STANCE_COLUMNS), pd.DataFrame(trial_rows, columns=TRIAL_COLUMNS)


def participant_activities(raw_dir: Path, raw_id: str, tz: ZoneInfo, settings: dict) -> list[dict]:
    """Every activity row of one participant from every wearable source found in raw_dir."""
    rows = []
    for path in sorted((raw_dir / "fitbit" / raw_id).glob("*.json")):
        rows += [{"source": "fitbit", "source_file": path.name, **r} for r in read_fitbit_exercise(path, raw_id, tz)]
    for path in sorted((raw_dir / "garmin" / raw_id).glob("*")):
        suffix = path.suffix.lower()
        if suffix == ".fit":
            found = read_fit(path, raw_id, tz)
        elif suffix == ".gpx":
            found = read_gpx(path, raw_id, tz, settings["gpx_default_activity"])
        elif suffix == ".tcx":
            found = read_tcx(path, raw_id, tz)
        else:
            continue
        rows += [{"source": suffix[1:], "source_file": path.name, **r} for r in found]
    for path in sorted((raw_dir / "fitabase" / raw_id).glob("*.csv")):
        found = read_fitabase_daily(path, raw_id, tz, settings["fitabase_running_column"])
        rows += [{"source": "fitabase", "source_file": path.name, **r} for r in found]
    return rows


def shard_activities(
    participants_csv: str | Path, raw_dir: str | Path, shard: int, shard_size: int, timezone: str, settings: dict
) -> pd.DataFrame:
    """Activities of one shard: all sources, units in km and s, UTC and local dates, duplicates flagged."""
    tz = ZoneInfo(timezone)
    rows = []
    for raw_id, participant in _members(participants_csv, shard, shard_size).iterrows():
        found = participant_activities(Path(raw_dir), raw_id, tz, settings)
        if not found:
            log.warning("participant %s: no wearable files", raw_id)
        rows += [{"participant_id": participant["participant_id"], "excluded_reason": "", **r} for r in found]
    activities = flag_uncountable_runs(activities_frame(rows), settings["min_run_s"], settings["min_run_km"])
    return flag_duplicates(activities, settings["duplicate_window_s"], settings["source_priority"])
