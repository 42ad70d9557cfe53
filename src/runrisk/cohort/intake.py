"""The intake check: before the long run, what a study's raw folder holds per participant, and every reason
something in it will be refused or will exclude someone, in plain words.

It reads the files with the study's own readers and rules (participants, surveillance answers, wearables
and their worn weeks, trial files, force plates and stance QC), but leaves out what only the run needs:
joint angles are not filtered and the gait model is not computed (a marker-only trial is checked for the
markers the model needs), MRI series are listed by their files, not fitted. So it takes seconds where the
run takes minutes, and a participant it calls ready can still meet a reason only the run finds (a marker gap
inside a stance, a series that fails its fit); the run's closing summary names those.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from runrisk.biomech.conventions import to_documented_convention
from runrisk.biomech.gait_model import computes
from runrisk.biomech.signals import OUTPUTS
from runrisk.biomech.stances import plate_stance
from runrisk.cohort.exposure import WeekCounting, weekly_volume
from runrisk.cohort.reasons import reason_kind, summarised
from runrisk.cohort.shards import (
    TrialReading,
    read_signals,
    relabelled,
    shard_activities,
    split_statics,
    trial_units,
)
from runrisk.errors import InputError, StudyError
from runrisk.ids import pseudonymise, shard_count, shard_members
from runrisk.io import layout, vocabulary
from runrisk.io.quarantine import Quarantine
from runrisk.io.surveillance import raw_participant_ids, read_diagnoses, read_participants, read_weekly_reports
from runrisk.io.wearables import WearableSettings
from runrisk.tendon.study import MRI_KIND

INTAKE_COLUMNS = [
    "participant_id",
    "outlook",
    "trial_files",
    "static_trials",
    "plates",
    "stances",
    "valid_stances_primary_limb",
    "wearable_files",
    "activities",
    "runs",
    "worn_weeks",
    "weekly_reports",
    "diagnoses",
    "mri_files",
    "reasons",
]
READY = "ready"


@dataclass(frozen=True)
class IntakeSettings:
    """The keys of a study's config the check reads (the config as the workflow completes it)."""

    raw_dir: Path
    timezone: str
    on_bad_input: str
    reading: TrialReading
    wearables: WearableSettings
    weeks: WeekCounting
    min_valid_stances: int
    min_worn_weeks: int  # over the whole follow-up here: the run counts a case's weeks before its onset only
    primary_limb: str
    region_synonyms: dict
    side_synonyms: dict
    shard_size: int

    @classmethod
    def from_config(cls, config: dict, raw_dir: Path | None = None) -> IntakeSettings:
        return cls(
            raw_dir=Path(raw_dir or config["raw_dir"]),
            timezone=config["study"]["timezone"],
            on_bad_input=config["on_bad_input"],
            reading=TrialReading.from_config(config["biomechanics"]),
            wearables=WearableSettings.from_config(config["wearables"]),
            weeks=WeekCounting.from_config(config["exposure"]),
            min_valid_stances=config["outcomes"]["min_valid_stances"],
            min_worn_weeks=config["exposure"]["min_worn_weeks"],
            primary_limb=config["biomechanics"]["primary_limb"],
            region_synonyms=config["outcomes"]["region_synonyms"],
            side_synonyms=config["outcomes"]["side_synonyms"],
            shard_size=config["shard_size"],
        )


@dataclass
class Intake:
    """Per participant what was found (intake.csv's rows, by pseudonym) and, for the terminal, the raw id."""

    table: pd.DataFrame
    raw_ids: list[str]
    stops: list[str]  # bad input that stops a run in stop mode, whatever participant it names


def check_study(settings: IntakeSettings, workers: int = 1) -> Intake:
    """Every participant of the study's participants.csv, checked; shards of shard_size in parallel."""
    participants_csv = layout.surveillance_files(settings.raw_dir)["participants"]
    if not participants_csv.is_file():
        raise StudyError(f"raw_dir {settings.raw_dir} has no participants.csv (runrisk init DIR writes its header)")
    raw_ids = raw_participant_ids(participants_csv)
    quarantine = Quarantine()
    participants = read_participants(participants_csv, quarantine)
    surveillance = surveillance_findings(settings, participants, quarantine)
    shards = [
        shard_members(raw_ids, k, settings.shard_size) for k in range(shard_count(len(raw_ids), settings.shard_size))
    ]
    jobs = [(settings, members) for members in shards]
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
            found = [row for rows in pool.map(_shard_findings, jobs) for row in rows]
    else:
        found = [row for job in jobs for row in _shard_findings(job)]
    by_id = {row["raw_id"]: row for row in found}
    rows = []
    for raw_id in raw_ids:
        row = by_id.get(raw_id, {"raw_id": raw_id, "reasons": []})
        row["reasons"] = [*surveillance.reasons.get(raw_id, []), *row["reasons"]]
        row.update(surveillance.counts(raw_id))
        rows.append(row)
    table = pd.DataFrame(rows)
    table["outlook"] = [outlook(row, settings) for row in rows]
    table["participant_id"] = [pseudonymise(raw_id) for raw_id in table["raw_id"]]
    table["reasons"] = ["; ".join(row["reasons"]) for row in rows]
    stops = [r for row in rows for r in row["reasons"] if r.startswith(STOPS)]
    return Intake(table.reindex(columns=INTAKE_COLUMNS), list(table["raw_id"]), stops)


STOPS = "bad input: "
SET_ASIDE = "set aside: "


def bad_input(error: InputError, settings: IntakeSettings) -> str:
    """A reader's refusal in words: in stop mode it stops the run, in quarantine mode it sets the
    participant aside."""
    where = f"{error.path}, row {error.row}" if error.row is not None else error.path
    return f"{prefix_of(settings)}{where}: {error.reason}"


@dataclass
class Surveillance:
    """What participants.csv and the two answer CSVs hold per raw id: every bad row, and the rows read."""

    reasons: dict[str, list[str]]
    reports: Counter
    diagnoses: Counter

    def counts(self, raw_id: str) -> dict:
        return {"weekly_reports": self.reports[raw_id], "diagnoses": self.diagnoses[raw_id]}


def surveillance_findings(settings: IntakeSettings, participants: pd.DataFrame, quarantine: Quarantine) -> Surveillance:
    files = layout.surveillance_files(settings.raw_dir)
    reports = read_weekly_reports(
        files["reports"], participants, vocabulary.regions(settings.region_synonyms), quarantine
    )
    diagnoses = read_diagnoses(files["diagnoses"], participants, vocabulary.sides(settings.side_synonyms), quarantine)
    reasons: dict[str, list[str]] = {}
    for record in quarantine.records:
        where = f"{record['file']}, row {record['row']}" if record["row"] >= 0 else record["file"]
        reasons.setdefault(record["raw_id"], []).append(f"{prefix_of(settings)}{where}: {record['reason']}")
    raw_of = dict(zip(participants["participant_id"], participants["raw_id"], strict=True))
    return Surveillance(
        reasons,
        Counter(reports["participant_id"].map(raw_of)),
        Counter(diagnoses["participant_id"].map(raw_of)),
    )


def prefix_of(settings: IntakeSettings) -> str:
    return SET_ASIDE if settings.on_bad_input == "quarantine" else STOPS


def _shard_findings(job: tuple[IntakeSettings, list[str]]) -> list[dict]:
    settings, members = job
    quarantine = Quarantine()
    participants = read_participants(
        layout.surveillance_files(settings.raw_dir)["participants"], quarantine, set(members)
    )
    valid = participants.set_index("raw_id")
    wearables = wearable_findings(settings, valid)
    rows = []
    for raw_id in members:
        row = {"raw_id": raw_id, "reasons": []}
        if raw_id in valid.index:
            row |= trial_findings(settings, raw_id, valid.loc[raw_id])
            row |= wearables.get(raw_id, {})
            row["reasons"] = [*row.get("trial_reasons", []), *row.get("wearable_reasons", [])]
        row |= mri_findings(settings.raw_dir, raw_id)
        rows.append(row)
    return rows


def trial_findings(settings: IntakeSettings, raw_id: str, participant: pd.Series) -> dict:
    """Trial files, plates, stances and why a stance is not valid, by the study's stance QC on unfiltered
    kinematics (the run filters them; QC reads only the ground reaction, which is filtered here too)."""
    found = {"trial_files": 0, "static_trials": 0, "plates": 0, "stances": 0, "valid_stances_primary_limb": 0}
    reasons: list[str] = []
    try:
        paths = layout.labelled_files(settings.raw_dir, raw_id, layout.TRIAL_KINDS)
    except InputError as error:
        return found | {"trial_reasons": [bad_input(error, settings)]}
    statics, dynamics = split_statics(paths, settings.reading)
    found["trial_files"], found["static_trials"] = len(paths), len(statics)
    if not paths:
        reasons.append("no trial files")
    stance_reasons: Counter = Counter()
    for path, label in trial_units(dynamics):
        try:
            stances, plates = trial_stances(path, participant, settings.reading, bool(statics))
        except InputError as error:
            reasons.append(bad_input(relabelled(error, label, raw_id), settings))
            continue
        except Exception as exc:  # a file its reader takes but no stance survives: the run says the same
            reasons.append(bad_input(InputError(label, f"stance extraction failed: {type(exc).__name__}"), settings))
            continue
        found["plates"] += plates
        found["stances"] += len(stances)
        if plates and not stances:
            reasons.append(f"{label}: nobody stepped on its {plates} force plate(s)")
        for stance in stances:
            if stance["qc_reason"]:
                stance_reasons[stance["qc_reason"]] += 1
            elif stance["side"] == settings.primary_limb:
                found["valid_stances_primary_limb"] += 1
    reasons += [f"{n} stance(s): {text}" for text, n in grouped(stance_reasons)]
    return found | {"trial_reasons": reasons}


def grouped(reasons: Counter) -> list[tuple[str, int]]:
    """Stance reasons of one kind as one, their numbers as ranges (as the run's summary says them),
    commonest first."""
    texts = pd.Series(list(reasons.elements()), dtype=object)
    if texts.empty:
        return []
    kinds = texts.groupby(reason_kind(texts), sort=True)
    found = [(summarised(group), len(group)) for _, group in kinds]
    return sorted(found, key=lambda item: -item[1])


def trial_stances(
    path: Path | list[Path], participant: pd.Series, reading: TrialReading, has_static: bool
) -> tuple[list, int]:
    """(the stance rows of one trial by the study's QC, the number of force plates)."""
    trial = read_signals(path, participant, reading)
    trial = to_documented_convention(
        trial, reading.convention_of(participant.get("lab", "")), participant["body_mass_kg"]
    )
    required = reading.required_signals
    if computes(trial, reading):  # the run computes the outputs from the markers: here only the markers count
        required = tuple(name for name in required if name not in OUTPUTS)
    settings = replace(reading, required_signals=required)
    return [row for plate in trial.plates if (row := plate_stance(trial, plate, settings)) is not None], len(
        trial.plates
    )


def wearable_findings(settings: IntakeSettings, members: pd.DataFrame) -> dict[str, dict]:
    """Per raw id: wearable files, activities, runs counted, worn weeks of the follow-up, and why not more."""
    quarantine = Quarantine()
    activities = shard_activities(members, settings.raw_dir, settings.timezone, settings.wearables, quarantine)
    weekly = weekly_volume(
        activities,
        members.reset_index(),
        settings.weeks.follow_up_weeks,
        settings.weeks.min_worn_days_per_week,
        settings.weeks.min_prior_weeks,
    )
    worn = weekly[weekly["week"] >= 1].groupby("participant_id")["worn"].sum()
    counted = activities["is_run"] & (activities["excluded_reason"] == "")
    runs = activities[counted].groupby("participant_id").size()
    rows = activities.groupby("participant_id").size()
    raw_of = members["participant_id"]
    bad = {}
    for record in quarantine.records:
        bad.setdefault(record["raw_id"], []).append(f"{prefix_of(settings)}{record['file']}: {record['reason']}")
    found = {}
    for raw_id, pseudonym in raw_of.items():
        files = layout.participant_files(settings.raw_dir, raw_id, layout.WEARABLE_KINDS, strict=False)
        weeks = int(worn.get(pseudonym, 0))
        reasons = list(bad.get(raw_id, []))
        if not files:
            reasons.append("no wearable files")
        elif weeks < settings.min_worn_weeks and raw_id not in bad:
            reasons.append(f"{weeks} worn week(s) in the follow-up, fewer than {settings.min_worn_weeks}")
        found[raw_id] = {
            "wearable_files": len(files),
            "activities": int(rows.get(pseudonym, 0)),
            "runs": int(runs.get(pseudonym, 0)),
            "worn_weeks": weeks,
            "wearable_reasons": reasons,
        }
    return found


def mri_findings(raw_dir: Path, raw_id: str) -> dict:
    """The files of a participant's MRI folder (listed, not read: the run's tendon step reads them)."""
    try:
        folder = layout.participant_folder(raw_dir, MRI_KIND, raw_id)
    except InputError:
        folder = None
    files = sum(1 for p in folder.rglob("*") if p.is_file()) if folder is not None else 0
    return {"mri_files": files}


def outlook(row: dict, settings: IntakeSettings) -> str:
    """What the run will do with the participant, by the first rule that applies (the flow's order)."""
    reasons = row["reasons"]
    if any(r.startswith(STOPS) for r in reasons):
        return "stops the run (on_bad_input: stop)"
    if any(r.startswith(SET_ASIDE) for r in reasons):
        return "set aside (quarantine)"
    if row.get("valid_stances_primary_limb", 0) < settings.min_valid_stances:
        return "excluded: no valid stance on the primary limb"
    if row.get("worn_weeks", 0) < settings.min_worn_weeks:
        return "excluded: too few follow-up weeks with the wearable worn"
    return READY
