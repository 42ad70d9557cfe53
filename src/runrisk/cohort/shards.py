"""Per-shard work: each participant's raw files in, one table out; raw ids never leave here."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from runrisk.biomech.cgm import Subject
from runrisk.biomech.conventions import to_documented_convention
from runrisk.biomech.gait_model import ModelSettings, calibrated, computes, is_static, with_model_outputs
from runrisk.biomech.signals import SignalNaming, resolve_signals
from runrisk.biomech.stances import PEAK_NAMES, StanceSettings, extract_stances, no_stance_reason
from runrisk.biomech.tendon_force import TENDON_COLUMNS, trial_speed
from runrisk.errors import InputError
from runrisk.io.c3d import read_trial
from runrisk.io.layout import OPENSIM_SUFFIXES, TRIAL_KINDS, WEARABLE_KINDS, kind_of, labelled_files
from runrisk.io.opensim import group_trials, read_opensim
from runrisk.io.quarantine import Quarantine, attempt
from runrisk.io.surveillance import read_participants
from runrisk.io.trial import Trial
from runrisk.io.visual3d import read_visual3d
from runrisk.io.wearable_files import read_wearable_file
from runrisk.io.wearables import (
    FitbitBatch,
    WearableSettings,
    activities_frame,
    flag_duplicates,
    flag_uncountable_runs,
    load_fitbit_records,
    per_distinct,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrialReading(StanceSettings, ModelSettings, SignalNaming):
    """Everything reading a participant's trials takes from the biomechanics section: how signals are named,
    where the gait model comes from, how stances are found (not the QC figure's participant nor
    primary_limb, so changing those reruns no shard)."""


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
    "plate_origins",
    "n_events",
    "has_model_outputs",
    "model_source",
    "signal_labels",
    "n_stances",
    "n_valid_stances",
    "no_stance_reason",
    "speed_reason",
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
    *TENDON_COLUMNS,
    "model_source",
    "qc_reason",
]


def shard_participants(
    participants_csv: str | Path, members: Sequence[str], quarantine: Quarantine | None
) -> pd.DataFrame:
    """Valid participants of one shard, indexed by raw id, in the order of members (the raw ids the DAG
    gave the shard). Only the members are validated; a participant quarantined by ingest_participants is
    left out here too, leaving a gap rather than moving others between shards."""
    valid = read_participants(participants_csv, Quarantine() if quarantine is not None else None, only=set(members))
    valid = valid.set_index("raw_id")
    return valid.loc[[m for m in members if m in valid.index]]


def load_trial(
    path: Path | list[Path], participant: pd.Series, settings: TrialReading, calibration: Calibration | None = None
) -> Trial:
    """One trial (a file, or an OpenSim trial's files) with its signals under canonical names, in the
    documented convention, its joint angles and moments from the lab's model or computed from its markers
    (biomechanics.model)."""
    trial = read_signals(path, participant, settings)
    trial = to_documented_convention(
        trial, settings.convention_of(participant.get("lab", "")), participant["body_mass_kg"]
    )
    if computes(trial, settings):
        subject = calibration.subject() if calibration is not None else None
        return with_model_outputs(trial, participant, settings, subject)
    return replace(trial, model_source="file" if trial.angle_labels or trial.moment_labels else "")


def read_signals(path: Path | list[Path], participant: pd.Series, settings: SignalNaming) -> Trial:
    paths = path if isinstance(path, list) else [path]
    suffix = paths[0].suffix.lower()
    if suffix in OPENSIM_SUFFIXES:
        trial = read_opensim(paths)
    elif suffix == ".c3d":
        trial = read_trial(paths[0])
    else:
        trial = read_visual3d(paths[0], settings.visual3d_rate_hz)
    return resolve_signals(trial, settings.names_for_lab(participant.get("lab", "")))


def trial_units(paths: list[tuple[Path, str]]) -> list[tuple[list[Path], str]]:
    """Each trial's files and label: a C3D or Visual3D file is one trial; an OpenSim trial is its inverse
    kinematics, inverse dynamics and ground reaction force files (one name stem), labelled by the first."""
    labels = dict(paths)
    opensim = [p for p, _ in paths if p.suffix.lower() in OPENSIM_SUFFIXES]
    groups = {tuple(group): labels[group[0]] for group in group_trials(opensim)}
    units = []
    for path, label in paths:
        if path.suffix.lower() not in OPENSIM_SUFFIXES:
            units.append(([path], label))
        elif (group := next(g for g in groups if path in g))[0] == path:
            units.append((list(group), groups[group]))
    return units


class Calibration:
    """A participant's static trial, read and calibrated the first time a trial needs the gait model
    (a lab whose files carry their own outputs never needs it)."""

    def __init__(self, statics: list[tuple[Path, str]], participant: pd.Series, settings: TrialReading, raw_id: str):
        self.statics, self.participant, self.settings, self.raw_id = statics, participant, settings, raw_id
        self._subject: Subject | None = None

    def subject(self) -> Subject | None:
        """The calibrated subject; None without a static trial (the trial's PROCESSING offsets then)."""
        if self._subject is None and self.statics:
            path, label = self.statics[0]
            try:
                static = read_signals(path, self.participant, self.settings)
                self._subject = calibrated(static, self.participant, self.settings)
            except InputError as error:
                raise relabelled(error, label, self.raw_id) from error
        return self._subject


def split_statics(paths: list[tuple[Path, str]], settings: ModelSettings) -> tuple[list, list]:
    """(static trials, the others) by biomechanics.static_pattern on the file name."""
    pattern = settings.static_pattern
    statics = [(p, label) for p, label in paths if is_static(p, pattern)]
    return statics, [(p, label) for p, label in paths if (p, label) not in statics]


def static_trial_row(participant: pd.Series, label: str) -> dict:
    """A static trial in the trials table: it calibrates, it has no stances."""
    return {
        "participant_id": participant["participant_id"],
        "trial": label,
        "model_source": "static",
        "no_stance_reason": "a static (calibration) trial",
        "speed_reason": "a static (calibration) trial",
    }


def participant_stances(
    raw_dir: str | Path, raw_id: str, participant: pd.Series, settings: TrialReading
) -> tuple[list[dict], list[dict]]:
    stance_rows, trial_rows = [], []
    paths = labelled_files(raw_dir, raw_id, TRIAL_KINDS)
    if not paths:
        # a missed lab session is the study's flow to count (the run's closing summary), not a warning each
        log.info("participant %s: no trial files under %s/{%s}/%s", raw_id, raw_dir, ",".join(TRIAL_KINDS), raw_id)
    statics, dynamics = split_statics(paths, settings)
    calibration = Calibration(statics, participant, settings, raw_id)
    trial_rows += [static_trial_row(participant, label) for _, label in statics]
    for path, label in trial_units(dynamics):
        try:
            trial = load_trial(path, participant, settings, calibration)
        except InputError as error:  # file readers know the file; its label and the participant are known here
            raise relabelled(error, label, raw_id) from error
        try:
            stances = extract_stances(trial, settings, participant.get("body_mass_kg"))
        except InputError as error:
            raise relabelled(error, label, raw_id) from error
        except Exception as exc:  # a file ezc3d reads but whose content no stance survives
            raise InputError(label, f"stance extraction failed: {type(exc).__name__}", participant=raw_id) from exc
        key = {"participant_id": participant["participant_id"], "trial": label}  # never the file's own name
        trial_rows.append(
            {
                **key,
                **trial.summary(),
                "n_stances": len(stances),
                "n_valid_stances": sum(s["qc_reason"] == "" for s in stances),
                "no_stance_reason": no_stance_reason(trial, stances, settings),
                "speed_reason": trial_speed(trial)[1],
            }
        )
        stance_rows += [{**key, **stance, "model_source": trial.model_source} for stance in stances]
    return stance_rows, trial_rows


def shard_stances(
    members: pd.DataFrame, raw_dir: str | Path, settings: TrialReading, quarantine: Quarantine | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stances (one row per loaded plate) and trials (one row per file) of one shard's participants
    (shard_participants' frame)."""
    stance_rows, trial_rows = [], []
    for raw_id, participant in members.iterrows():
        found = attempt(
            quarantine,
            "trials",
            lambda r=raw_id, p=participant: participant_stances(raw_dir, r, p, settings),
        )
        if found is not None:
            stance_rows += found[0]
            trial_rows += found[1]
    return pd.DataFrame(stance_rows, columns=STANCE_COLUMNS), pd.DataFrame(trial_rows, columns=TRIAL_COLUMNS)


def participant_activities(
    raw_dir: Path, raw_id: str, tz: ZoneInfo, settings: WearableSettings, fitbit: FitbitBatch
) -> list[dict]:
    """Activity rows of one participant's Garmin and Fitabase files; their Fitbit exports go into the
    batch, converted later with the rest of the shard's."""
    rows = []
    for path, label in labelled_files(raw_dir, raw_id, WEARABLE_KINDS):
        try:
            source, found = read_wearable(path, raw_id, tz, settings, label)
        except InputError as error:
            raise relabelled(error, label, raw_id) from error
        if source == "fitbit":
            fitbit.add(path, raw_id, found, label)
        else:
            rows += [{"source": source, "source_file": label, **r} for r in found]
    return rows


def read_wearable(
    path: Path, raw_id: str, tz: ZoneInfo, settings: WearableSettings, label: str = "an export"
) -> tuple[str, list[dict]]:
    """The source of one wearable file and its rows (a Fitbit export's raw records, for the batch)."""
    kind = kind_of(path)
    if kind == "fitbit":
        return "fitbit", load_fitbit_records(path, raw_id)
    return read_wearable_file(path, raw_id, tz, settings, kind, f"participant {raw_id}: {label}")


def relabelled(error: InputError, label: str, raw_id: str) -> InputError:
    """A reader's error about one of a participant's files, naming the file by its label (c3d-2: the
    second .c3d by name in the participant's c3d folder), never by its own name."""
    return InputError(label, error.reason, participant=raw_id, row=error.row)


def daily_volume_errors(activities: pd.DataFrame, raw_ids: dict[str, str], max_daily_km: float) -> list[InputError]:
    """More counted running in one local day than anyone runs is a unit or sync error, not training:
    one error per participant, for their largest such day."""
    counted = activities[activities["is_run"] & (activities["excluded_reason"] == "")]
    daily = counted.groupby(["participant_id", "local_date"])["distance_km"].sum()
    errors = []
    for pseudonym, days in daily[daily > max_daily_km].groupby(level=0):
        (_, day), km = days.idxmax(), days.max()
        mine = counted[(counted["participant_id"] == pseudonym) & (counted["local_date"] == day)]
        errors.append(
            InputError(
                ", ".join(sorted(set(mine["source_file"]))),
                f"{km:.1f} km of running on {day.date()} is more than wearables.max_daily_run_km ({max_daily_km:g} km)",
                participant=raw_ids[pseudonym],
            )
        )
    return errors


def set_aside_for_bad_records(
    raw_ids: pd.Index, errors: dict[str, InputError], quarantine: Quarantine | None
) -> set[str]:
    """Raw ids to drop: those already quarantined, and those with a bad record (quarantine mode; in stop
    mode the first, in participant order, is raised, as if each participant had been read alone)."""
    set_aside = set(quarantine.raw_ids) if quarantine is not None else set()
    for raw_id in raw_ids:
        if raw_id in errors and raw_id not in set_aside:
            if quarantine is None:
                raise errors[raw_id]
            quarantine.add(errors[raw_id], "wearables")
            set_aside.add(raw_id)
    return set_aside


def shard_activities(
    members: pd.DataFrame,
    raw_dir: str | Path,
    timezone: str,
    settings: WearableSettings,
    quarantine: Quarantine | None = None,
) -> pd.DataFrame:
    """Activities of one shard's participants (shard_participants' frame): all sources, units in km and
    s, UTC and local dates, duplicates flagged. Flags and checks run once over the shard, not per
    participant (small pandas frames are slow)."""
    tz = ZoneInfo(timezone)
    fitbit, rows = FitbitBatch(), []
    for raw_id in members.index:
        found = attempt(
            quarantine, "wearables", lambda r=raw_id: participant_activities(Path(raw_dir), r, tz, settings, fitbit)
        )
        if found is not None:
            rows += [{"raw_id": raw_id, "excluded_reason": "", **r} for r in found]
    activities, fitbit_errors = fitbit.activities(tz)
    if rows:  # other sources than Fitbit exports
        activities = pd.concat([activities, activities_frame(rows, "raw_id")], ignore_index=True)
    set_aside = set_aside_for_bad_records(members.index, fitbit_errors, quarantine)
    without_files = set(members.index) - {raw_id for _, raw_id, _ in fitbit.files} - {r["raw_id"] for r in rows}
    for raw_id in sorted(without_files - set_aside):
        log.info("participant %s: no wearable files", raw_id)
    if set_aside:
        activities = activities[~activities["raw_id"].isin(set_aside)].reset_index(drop=True)
    pseudonyms = members["participant_id"].to_dict()
    activities.insert(0, "participant_id", per_distinct(activities.pop("raw_id").to_numpy(), pseudonyms.get))
    activities = flag_uncountable_runs(activities, settings.min_run_s, settings.min_run_km)
    activities = flag_duplicates(activities, settings.duplicate_window_s, list(settings.source_priority))
    raw_ids = dict(zip(members["participant_id"], members.index, strict=True))
    for error in daily_volume_errors(activities, raw_ids, settings.max_daily_run_km):
        if quarantine is None:
            raise error
        quarantine.add(error, "wearables")
        activities = activities[activities["participant_id"] != members.at[error.participant, "participant_id"]]
    return activities.reset_index(drop=True)


def first_readable_trial(
    raw_dir: str | Path, participants: pd.DataFrame, preferred: str, settings: TrialReading
) -> tuple[pd.Series, str, Trial, list[dict]] | None:
    """The preferred participant's first trial that reads and gives stances, else the next participant's
    (participants indexed by raw id): a figure shows a trial that can be shown. A file that cannot be read
    is skipped here; the participant's shard job is where it stops the run or is quarantined."""
    for raw_id in dict.fromkeys([preferred, *participants.index]):
        if raw_id not in participants.index:
            continue
        participant = participants.loc[raw_id]
        try:
            statics, dynamics = split_statics(labelled_files(raw_dir, raw_id, TRIAL_KINDS), settings)
        except InputError:
            continue
        calibration = Calibration(statics, participant, settings, raw_id)
        for path, label in trial_units(dynamics):
            try:
                trial = load_trial(path, participant, settings, calibration)
                return participant, label, trial, extract_stances(trial, settings)
            except InputError as error:
                log.info("QC figure: %s of %s skipped (%s)", label, participant["participant_id"], error.reason)
    return None
