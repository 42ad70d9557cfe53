"""A coach's squad folder read into seasons: one folder per runner with runner.yaml, the wearable files
runrisk reads (Garmin FIT, GPX, TCX, Fitbit exports, Fitabase daily CSV), an optional symptoms.csv and
optional gait trials (C3D, Visual3D text, OpenSim results) for the study model's baseline risk and the
week's tendon load (runrisk.monitor.tendon_load).

Every file is named on the pages by its label (fit-3: the third .fit by name in the runner's folder),
never by its own name; GPS points are summed in the readers and never kept; of symptoms.csv only the
closed fields are read. A file that cannot be read is listed, with its reason, on the runner's and the
squad's pages; the rest of the runner's season is shown.

Weekly updates: each file's sessions are kept in a cache beside the pages, keyed by the file's path,
size and modification time, so a new week of files reads only those files; a runner's page is written
again only when what it shows changed.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import json
import logging
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from runrisk.errors import InputError
from runrisk.io.garmin import DETAILS
from runrisk.io.layout import TRIAL_KINDS, wearable_format
from runrisk.io.response import COLUMNS as RESPONSE_FILE_COLUMNS
from runrisk.io.response import RESPONSE_FILES, WORD_COLUMNS, read_response_log
from runrisk.io.vocabulary import regions, sides
from runrisk.io.wearable_files import is_export_index, read_wearable_file
from runrisk.io.wearables import (
    ACTIVITY_COLUMNS,
    DYNAMICS,
    WearableSettings,
    flag_duplicates,
    flag_uncountable_runs,
)
from runrisk.monitor.load import RUNNER, squad_weeks
from runrisk.monitor.response import response_weeks
from runrisk.monitor.symptoms import SYMPTOM_COLUMNS, SYMPTOMS, read_symptoms
from runrisk.screening.runner import Runner, read_runner

RUNNER_FILE = "runner.yaml"
TRIAL_SUFFIXES = tuple(s for suffixes in TRIAL_KINDS.values() for s in suffixes)
CACHE = ".monitor-cache.json"
# the readers' version in every cached file's stamp: a release that reads a file differently (hard HR by the
# FIT profile's zones, a symptom log's rows one by one; 4: runrisk's own FIT decoder, running dynamics and
# steps, athletes' exports; 5: a FIT strength_training session is a strength session, the response logs) reads
# it again instead of showing the old numbers
READERS = 5
MRI_KIND = "mri"  # runrisk.tendon.study's folder of a runner's baseline scan (not imported: numpy-heavy fitting code)
NOT_READ = (
    "not a kind of file runrisk monitor reads (FIT, GPX, TCX, plain or gzipped, an export's zip, a Fitbit "
    "export's JSON, a Fitabase CSV, symptoms.csv, runner.yaml, gait trials)"
)
log = logging.getLogger(__name__)
WHO = "runner"  # the readers' participant in messages: the page names the runner by label


@dataclass
class SquadRunner:
    label: str
    slug: str
    folder: Path
    runner: Runner | None
    activities: pd.DataFrame
    symptoms: pd.DataFrame
    problems: list[str] = field(default_factory=list)  # "fit-3: reason"
    has_trials: bool = False
    weeks: pd.DataFrame | None = None
    not_counted: list[tuple[str, int]] = field(default_factory=list)  # (the study's reason, runs) in the season
    other_activities: list[tuple[str, int]] = field(default_factory=list)  # (type, count) in the season: not runs
    hard_from_bpm: float = math.nan  # where the watch's zone 4 begins, by the season's latest file that says
    tendon: object = None  # runrisk.monitor.tendon_load.LabTendon of the runner's lab trials, None without
    tendon_relation: object = None  # the study's SpeedRelation from the model file, None without (older file)
    response: dict[str, pd.DataFrame] = field(default_factory=dict)  # response file name -> its good rows
    weeks_digest: str = ""  # a digest of weeks' values and columns (the page's stamp), "" without weeks


def not_counted_runs(activities: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> list[tuple[str, int]]:
    """The season's runs the study's rules did not count, by reason (a run synced twice is one reason, not
    one per file), so a run the watch shows never leaves the page without a word."""
    runs = activities[activities["is_run"] & (activities["excluded_reason"] != "")]
    runs = runs[runs["local_date"].between(first, last)]
    reasons = runs["excluded_reason"].where(~runs["excluded_reason"].str.startswith("duplicate of"), DUPLICATE)
    return sorted(reasons.value_counts().items())


def other_activities(activities: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> list[tuple[str, int]]:
    """The season's activities that are not runs, by type (walk, ride ...): read, and said not to be running."""
    if activities["is_run"].all():
        return []
    others = activities[~activities["is_run"] & activities["local_date"].between(first, last)]
    return sorted(others["activity"].value_counts().items())


def latest_zone_start(activities: pd.DataFrame, last: pd.Timestamp) -> float:
    """Where the watch's hard zones began in the season's latest activity whose file gives its zones."""
    given = activities[activities["hard_from_bpm"].notna() & (activities["local_date"] <= last)]
    return float(given.sort_values("start_utc")["hard_from_bpm"].iloc[-1]) if len(given) else math.nan


def slug_of(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "runner"


def file_labels(folder: Path) -> dict[Path, str]:
    """Every file of the runner's folder (runner.yaml and symptoms.csv by name) by kind and order; the
    tendon scan's mri/ folder is the baseline risk's (its BIDS sidecars are JSON, not Fitbit exports)."""
    # os.walk and strings sorted by their parts (as Paths sort), not rglob and Paths: a season holds
    # hundreds of files a runner, and pathlib's are several times slower
    names = [
        os.path.join(root, n)
        for root, _, found in os.walk(folder)
        if Path(root).relative_to(folder).parts[:1] != (MRI_KIND,)
        for n in found
        if n[0] != "."
    ]
    files = [Path(name) for name in sorted(names, key=lambda name: name.split(os.sep))]
    labels, counts = {}, {}
    for path in files:
        if path.name.lower() in (RUNNER_FILE, SYMPTOMS, *RESPONSE_FILES):
            labels[path] = path.name.lower()
            continue
        kind = path.suffix.lower().lstrip(".") or "file"
        kind = "fitbit" if kind == "json" else (wearable_format(path.name) or kind) if kind == "gz" else kind
        counts[kind] = counts.get(kind, 0) + 1
        labels[path] = f"{kind}-{counts[kind]}"
    return labels


def read_sessions(path: Path, tz: dt.tzinfo, settings: WearableSettings) -> tuple[str, list[dict]]:
    """(source, rows) of one wearable file, each row an activity with the session's details."""
    return read_wearable_file(path, WHO, tz, settings)


def _jsonable(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if isinstance(value, dt.datetime | dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, float) and not math.isfinite(value):
            out[key] = None
        elif isinstance(value, np.generic):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def symptom_problem(error: InputError, name: str = SYMPTOMS) -> str:
    return f"{name}{f' row {error.row}' if error.row else ''}: {error.reason}"


def response_frame(rows: list[dict], name: str) -> pd.DataFrame:
    """A response log's rows (the reader's or the cache's) as a frame, dates as datetimes."""
    frame = pd.DataFrame(rows, columns=RESPONSE_FILE_COLUMNS[name])
    frame["date"] = pd.to_datetime(frame["date"])
    for column in frame.columns.difference(["date", *WORD_COLUMNS]):  # the cache's None is NaN, not an object
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return frame


def symptom_frame(rows: list[dict]) -> pd.DataFrame:
    """Symptom rows (the reader's or the cache's) as a typed frame (built column by column: a squad has one
    per runner every week)."""
    if not rows:
        return _no_symptoms().copy()
    return _symptom_frame(rows)


@functools.cache
def _no_symptoms() -> pd.DataFrame:
    return _symptom_frame([])


def _symptom_frame(rows: list[dict]) -> pd.DataFrame:
    column = {name: [row.get(name) for row in rows] for name in SYMPTOM_COLUMNS}
    return pd.DataFrame(
        {
            # ISO dates (the reader's dates, the cache's strings) by numpy: pandas' parser costs a squad 0.1 s
            "date": np.array(
                [str(d) if d is not None else "NaT" for d in column["date"]], dtype="datetime64[D]"
            ).astype("datetime64[ns]"),
            "region": pd.Series(column["region"], dtype=object),
            "side": pd.Series(column["side"], dtype=object),
            "pain": np.array(column["pain"], dtype=float),
            "ostrc_score": np.array(column["ostrc_score"], dtype=float),
            "substantial": np.array(column["substantial"], dtype=bool),
            "row": np.array(column["row"], dtype=int),
        },
        columns=SYMPTOM_COLUMNS,
    )


def path_key(path: Path) -> str:
    """A file's cache key: a digest of its path, so the cache holds no file names."""
    return hashlib.sha256(str(path.absolute()).encode()).hexdigest()


OS_ERROR_WORDS = {
    errno.ELOOP: "a symbolic link that leads back to itself: there is no file to read",
    errno.ENOENT: "a symbolic link to a file that does not exist",
    errno.EACCES: "the file may not be read (permissions)",
    errno.EPERM: "the file may not be read (permissions)",
    errno.EISDIR: "a folder where a file was expected",
}


def unopenable(error: OSError) -> str:
    """Why a file could not be opened, in words (the operating system's text names the file's path)."""
    return OS_ERROR_WORDS.get(error.errno, "the file could not be opened (an operating-system error)")


class SessionCache:
    """Each file's rows (or its reason for not being read), by path, size and modification time; and what
    season.py keeps between runs (risks, page stamps). Only what this run looked up is saved again, so
    a file taken out of the squad leaves the cache with the next run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict = {}
        if path.is_file():
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                self.entries = {}  # a damaged cache is rebuilt, never trusted
        self.used: set[str] = set()
        self.read_files = 0

    def _fresh(self, key: str, stamp: list):
        self.used.add(key)
        cached = self.entries.get(key)
        return cached if cached and cached["stamp"] == stamp else None

    def rows(self, path: Path, tz: dt.tzinfo, settings: WearableSettings) -> tuple[str, list[dict] | None, str]:
        try:
            stat = path.stat()
        except OSError as error:  # a link to itself or to nothing: this file is listed, the squad goes on
            return "", None, unopenable(error)
        key, stamp = path_key(path), [stat.st_size, stat.st_mtime_ns, str(tz), READERS]
        cached = self._fresh(key, stamp)
        if cached:
            return cached["source"], cached["rows"], cached["reason"]
        self.read_files += 1
        try:
            source, rows = read_sessions(path, tz, settings)
            entry = {"stamp": stamp, "source": source, "rows": [_jsonable(r) for r in rows], "reason": ""}
        except InputError as error:
            entry = {"stamp": stamp, "source": "", "rows": None, "reason": error.reason}
        except OSError as error:
            entry = {"stamp": stamp, "source": "", "rows": None, "reason": unopenable(error)}
        self.entries[key] = entry
        return entry["source"], entry["rows"], entry["reason"]

    def symptoms(self, path: Path, label: str, region_words, side_words) -> tuple[pd.DataFrame, list[str]]:
        """(the symptom log's good rows, the problems the pages list: the file's, or one per bad row)."""
        try:
            stat = path.stat()
        except OSError as error:
            return symptom_frame([]), [f"{SYMPTOMS}: {unopenable(error)}"]
        vocabularies = content_hash(sorted(region_words.spellings.items()), sorted(side_words.spellings.items()))
        key, stamp = path_key(path), [stat.st_size, stat.st_mtime_ns, vocabularies, READERS]
        cached = self._fresh(key, stamp)
        if not cached:
            try:
                log = read_symptoms(path, SYMPTOMS, label, region_words, side_words)
                rows = [_jsonable(r) for r in log.rows.to_dict("records")]
                cached = {"stamp": stamp, "rows": rows, "problems": [symptom_problem(e) for e in log.bad_rows]}
            except InputError as error:
                cached = {"stamp": stamp, "rows": [], "problems": [symptom_problem(error)]}
            except OSError as error:
                cached = {"stamp": stamp, "rows": [], "problems": [f"{SYMPTOMS}: {unopenable(error)}"]}
            self.entries[key] = cached
        return symptom_frame(cached["rows"]), list(cached.get("problems", []))

    def response(self, path: Path, name: str, today: dt.date) -> tuple[pd.DataFrame, list[str]]:
        """(a response log's good rows, the problems the pages list: the file's, or one per bad row); read
        again each day, for a row dated after yesterday's today may be today's row."""
        try:
            stat = path.stat()
        except OSError as error:
            return response_frame([], name), [f"{name}: {unopenable(error)}"]
        key, stamp = path_key(path), [stat.st_size, stat.st_mtime_ns, str(today), READERS]
        cached = self._fresh(key, stamp)
        if not cached:
            try:
                log = read_response_log(path, name, WHO, today)
                rows = [_jsonable(r) for r in log.rows.to_dict("records")]
                cached = {"stamp": stamp, "rows": rows, "problems": [symptom_problem(e, name) for e in log.bad_rows]}
            except InputError as error:
                cached = {"stamp": stamp, "rows": [], "problems": [symptom_problem(error, name)]}
            except OSError as error:
                cached = {"stamp": stamp, "rows": [], "problems": [f"{name}: {unopenable(error)}"]}
            self.entries[key] = cached
        return response_frame(cached["rows"], name), list(cached["problems"])

    def get(self, key: str):
        self.used.add(key)
        return self.entries.get(key)

    def put(self, key: str, value) -> None:
        self.used.add(key)
        self.entries[key] = value

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = {key: self.entries[key] for key in sorted(self.used) if key in self.entries}
        self.path.write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")


def runner_folders(squad: Path) -> list[Path]:
    return sorted(p for p in squad.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_squad(
    squad: Path,
    tz: dt.tzinfo,
    settings: WearableSettings,
    synonyms: dict,
    cache: SessionCache,
    today: dt.date | None = None,
):
    """Every runner of the squad folder, in folder order, each run counted by the study's rules; a folder
    without a readable runner.yaml is a runner with that problem. today: response-log rows after it are
    listed problems (default: today in tz)."""
    today = today or dt.datetime.now(tz).date()
    region_words, side_words = regions(synonyms.get("regions", {})), sides(synonyms.get("sides", {}))
    runners, rows = [], []
    for number, folder in enumerate(runner_folders(Path(squad).absolute()), start=1):
        person, found = read_runner_folder(folder, number, tz, settings, cache, region_words, side_words, today)
        runners.append(person)
        rows.append(found)
    told_apart(runners)
    # the squad's activities counted at once (the study's rules group by participant): one pass, not 50
    everyone = [row | {"participant_id": p.slug} for p, found in zip(runners, rows, strict=True) for row in found]
    activities = dict(tuple(counted(everyone, settings).groupby("participant_id", sort=False)))
    empty = activity_frame([])
    for person in runners:
        person.activities = activities.get(person.slug, empty).reset_index(drop=True)
    return runners


def told_apart(runners: list[SquadRunner]) -> None:
    """Runners whose runner.yaml give one label (or labels with one page name) are each shown as the label
    and a digest of their folder's name, a problem on each page naming the label: a page file and a
    coach's bookmark stay with their runner whatever the folders' order, and no folder name is shown."""
    by_slug: dict[str, list[SquadRunner]] = {}
    for person in runners:
        by_slug.setdefault(person.slug, []).append(person)
    for same in (group for group in by_slug.values() if len(group) > 1):
        labels = " / ".join(sorted({person.label for person in same}))
        for person in same:
            digest = hashlib.sha256(person.folder.name.encode()).hexdigest()[:4]
            person.label, person.slug = f"{person.label}-{digest}", f"{person.slug}-{digest}"
            person.problems.insert(
                0,
                f"{RUNNER_FILE}: the label {labels} is given to {len(same)} runners; each is shown as the label "
                "and four characters of its folder until the labels differ",
            )


def read_runner_folder(
    folder, number, tz, settings, cache, region_words, side_words, today: dt.date | None = None
) -> tuple[SquadRunner, list]:
    """(the runner, the rows of its wearable files, not yet counted); today: response-log rows after it
    are listed problems (default: today in tz)."""
    today = today or dt.datetime.now(tz).date()
    problems: list[str] = []
    try:
        runner = read_runner(folder / RUNNER_FILE)
    except InputError as error:
        runner = None
        problems.append(f"{RUNNER_FILE}: {error.reason}")
    label = runner.label if runner and runner.label else f"R{number:02d}"
    labels = file_labels(folder)
    rows = []
    for path, file_label in labels.items():
        if file_label in (RUNNER_FILE, SYMPTOMS, *RESPONSE_FILES) or path.suffix.lower() in TRIAL_SUFFIXES:
            continue
        if is_export_index(path):  # Strava's list of its export, beside the activities it lists
            log.info("runner %s: %s, the export's index, skipped", label, file_label)
            continue
        if wearable_format(path.name) is None:  # a spreadsheet, a photo: never silently
            problems.append(f"{file_label}: {NOT_READ}")
            continue
        source, found, reason = cache.rows(path, tz, settings)
        if found is None:
            problems.append(f"{file_label}: {reason}")
            continue
        rows += [{"source": source, "source_file": file_label, **r} for r in found]
    symptoms = symptom_frame([])
    symptom_file = next((p for p, name in labels.items() if name == SYMPTOMS), None)
    if symptom_file is not None:
        symptoms, found = cache.symptoms(symptom_file, label, region_words, side_words)
        problems += found
    response = {}
    for path, name in labels.items():
        if name in RESPONSE_FILES:
            response[name], found = cache.response(path, name, today)
            problems += found
    has_trials = any(p.suffix.lower() in TRIAL_SUFFIXES for p in labels)
    person = SquadRunner(label, slug_of(label), folder, runner, pd.DataFrame(), symptoms, problems, has_trials)
    person.response = response
    return person, rows


def activity_frame(rows: list[dict]) -> pd.DataFrame:
    """Activity rows (the readers' or the cache's) as a typed frame, none yet excluded."""
    columns = [*ACTIVITY_COLUMNS, *DETAILS]
    frame = pd.DataFrame(rows, columns=columns)
    frame["excluded_reason"] = ""
    frame["is_run"] = frame["is_run"].astype(bool)
    frame["start_utc"] = pd.to_datetime(frame["start_utc"], format="ISO8601")
    frame["local_date"] = pd.to_datetime(frame["local_date"], format="ISO8601")
    for column in ("duration_s", "distance_km", *DYNAMICS, *DETAILS):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def counted(rows: list[dict], settings: WearableSettings) -> pd.DataFrame:
    """Activities with the study's rules: too short or too small runs and the same run synced from two
    sources flagged (per participant_id), so each run counts once."""
    frame = activity_frame(rows)
    if frame.empty:
        return frame
    frame = flag_uncountable_runs(frame, settings.min_run_s, settings.min_run_km)
    return flag_duplicates(frame, settings.duplicate_window_s, list(settings.source_priority))


def runs_of(activities: pd.DataFrame) -> pd.DataFrame:
    return activities[activities["is_run"] & (activities["excluded_reason"] == "")].reset_index(drop=True)


DATE_MARGIN_DAYS = 14  # monitor.date_margin_days: how far a symptom may lie past the squad's newest activity


FIRST_WATCH_DAY = pd.Timestamp("2000-01-01")  # before any GPS running watch wrote a file: a clock never set


def set_aside_impossible_dates(runners: list[SquadRunner], today: dt.date, margin_days: int = DATE_MARGIN_DAYS) -> None:
    """Activities dated after the run's date or before FIRST_WATCH_DAY, and symptom and response-log rows
    after the run's date or more than margin_days outside the squad's activities, are listed problems,
    never the season's ends (a row typed 2031 for 2026 made every runner's last week an empty week of
    2031; a watch whose clock was never set dates its run 1970)."""
    limit = pd.Timestamp(today)
    for person in runners:
        if person.activities.empty:
            continue
        dates = person.activities["local_date"].to_numpy()
        wrong = (dates > limit.to_datetime64()) | (dates < FIRST_WATCH_DAY.to_datetime64())
        if not wrong.any():
            continue
        for file_label, day in person.activities.loc[wrong, ["source_file", "local_date"]].itertuples(False):
            when = f"after today ({today})" if day > limit else f"before {FIRST_WATCH_DAY:%Y}, when no watch wrote runs"
            person.problems.append(
                f"{file_label}: an activity dated {day:%Y-%m-%d}, {when}: set aside (the device's clock?)"
            )
        person.activities = person.activities[~wrong].reset_index(drop=True)
    dates = [p.activities["local_date"] for p in runners if len(p.activities)]
    newest = pd.concat(dates).max() if dates else pd.NaT
    oldest = pd.concat(dates).min() if dates else pd.NaT
    margin = pd.Timedelta(days=margin_days)
    latest = min(limit, newest + margin) if pd.notna(newest) else limit
    earliest = oldest - margin if pd.notna(oldest) else FIRST_WATCH_DAY
    for person in runners:
        # the logs a runner keeps by hand (symptoms, the tendon's response) by the same margins: a row typed
        # 2016 for 2026 would start every runner's season ten years early
        for name, log in [(SYMPTOMS, person.symptoms), *person.response.items()]:
            if log.empty:
                continue
            days = log["date"].to_numpy()
            wrong = (days > latest.to_datetime64()) | (days < earliest.to_datetime64())
            if not wrong.any():
                continue
            for row, day in log.loc[wrong, ["row", "date"]].itertuples(False):
                if day > limit:
                    when = f"after today ({today})"
                elif day > latest:
                    when = f"more than {margin_days} days after the squad's newest activity ({newest:%Y-%m-%d})"
                else:
                    when = f"more than {margin_days} days before the squad's first activity ({oldest:%Y-%m-%d})"
                person.problems.append(f"{name} row {int(row)}: dated {day:%Y-%m-%d}, {when}: set aside")
            kept = log[~wrong].reset_index(drop=True)
            if name == SYMPTOMS:
                person.symptoms = kept
            else:
                person.response[name] = kept


def season_span(runners: list[SquadRunner], since: dt.date | None, as_of: dt.date | None) -> tuple:
    """The season's first and last day: as given, else the squad's first and last day with data."""
    dates = [r.activities["local_date"].dropna() for r in runners if len(r.activities)]
    dates += [pd.to_datetime(r.symptoms["date"]) for r in runners if len(r.symptoms)]
    # an injured runner who stops running and keeps logging the tendon's response: the season goes on
    dates += [log["date"] for r in runners for log in r.response.values() if len(log)]
    known = pd.concat(dates) if dates else pd.Series(dtype="datetime64[ns]")
    if known.empty and (since is None or as_of is None):
        return None, None
    first = pd.Timestamp(since) if since else known.min()
    last = pd.Timestamp(as_of) if as_of else known.max()
    return first.normalize(), last.normalize()


DUPLICATE = "the same run from another file or source (counted once)"
LEAD_DAYS = 35  # runs before the season's first day that its first weeks' signals look back on


def with_weeks(runners: list[SquadRunner], first: pd.Timestamp, last: pd.Timestamp) -> None:
    """Every runner's weeks of the season (first to last), computed for the whole squad at once, each
    week's signals from the runs up to it (LEAD_DAYS before the season for its first weeks)."""
    lead = first - pd.Timedelta(days=LEAD_DAYS)
    runs = [runs_of(p.activities).assign(**{RUNNER: p.slug}) for p in runners if len(p.activities)]
    runs = pd.concat(runs, ignore_index=True) if runs else runs_of(activity_frame([])).assign(**{RUNNER: ""})
    runs = runs[(runs["local_date"] >= lead) & (runs["local_date"] <= last)]
    symptoms = [p.symptoms.assign(**{RUNNER: p.slug}) for p in runners if len(p.symptoms)]
    symptoms = pd.concat(symptoms, ignore_index=True) if symptoms else pd.DataFrame(columns=[*SYMPTOM_COLUMNS, RUNNER])
    symptoms = symptoms[pd.to_datetime(symptoms["date"]).between(first, last)]
    # the ratio's history starts with the runner's first recorded activity, of any kind: a watch worn
    data_from = {p.slug: p.activities["local_date"].min() for p in runners if len(p.activities)}
    weeks = squad_weeks(runs, symptoms, [p.slug for p in runners], lead, last, data_from)
    weeks = weeks[weeks["week_start"] >= first - pd.Timedelta(days=first.weekday())]
    weeks = with_response(weeks, runners, first, last)
    # the pages' stamps: every week's row hashed once for the squad (pandas hashes column by column, and
    # 50 runners' frames of 37 columns cost ten times one frame's)
    rows = pd.util.hash_pandas_object(weeks.drop(columns=RUNNER), index=False).to_numpy()
    columns = "|".join(c for c in weeks.columns if c != RUNNER).encode()
    by_runner = dict(tuple(weeks.groupby(RUNNER, sort=False)))
    for person in runners:
        mine = by_runner[person.slug]
        person.weeks = mine.drop(columns=RUNNER).reset_index(drop=True)
        person.weeks_digest = hashlib.sha256(rows[weeks.index.get_indexer(mine.index)].tobytes() + columns).hexdigest()
        person.not_counted = not_counted_runs(person.activities, first, last) if len(person.activities) else []
        person.other_activities = other_activities(person.activities, first, last) if len(person.activities) else []
        person.hard_from_bpm = latest_zone_start(person.activities, last) if len(person.activities) else math.nan


def with_response(weeks: pd.DataFrame, runners: list[SquadRunner], first, last) -> pd.DataFrame:
    """The squad's weeks with the tendon's response (runrisk.monitor.response) beside the load: the
    response logs' rows and the watches' strength sessions of the season."""
    monday = first - pd.Timedelta(days=first.weekday())  # the season's first week, whole
    inside = {
        person.slug: {name: rows[rows["date"].between(monday, last)] for name, rows in person.response.items()}
        for person in runners
    }
    strength = []
    for p in runners:
        kinds = p.activities["activity"].to_numpy() if len(p.activities) else np.array([])
        if not (kinds == "strength").any():  # most runners' watches log no strength workout: no frame work
            continue
        days = p.activities["local_date"]
        kept = (kinds == "strength") & (p.activities["excluded_reason"] == "").to_numpy() & days.between(monday, last)
        strength.append(p.activities.loc[kept, ["local_date"]].assign(**{RUNNER: p.slug}))
    strength = pd.concat(strength, ignore_index=True) if strength else pd.DataFrame(columns=[RUNNER, "local_date"])
    grid = pd.MultiIndex.from_frame(weeks[[RUNNER, "week_start"]])
    response = response_weeks(inside, strength, grid)
    return pd.concat([weeks.reset_index(drop=True), response.reset_index(drop=True)], axis=1)


def content_hash(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def zone_of(name: str) -> dt.tzinfo:
    return ZoneInfo(name)
