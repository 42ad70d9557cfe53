"""runrisk monitor: a squad folder to its pages, reading only the files that changed since the last run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from runrisk.errors import InputError, StudyError
from runrisk.io.tables import write_table
from runrisk.io.wearables import WearableSettings
from runrisk.monitor import page
from runrisk.monitor.squad import (
    CACHE,
    DATE_MARGIN_DAYS,
    SessionCache,
    content_hash,
    path_key,
    read_squad,
    season_span,
    set_aside_impossible_dates,
    with_weeks,
)
from runrisk.monitor.tendon_load import as_cached, runner_tendon, speed_relation, with_tendon_load
from runrisk.screening import model

log = logging.getLogger(__name__)
WEEKS_TABLE = "weeks.parquet"


@dataclass
class Written:
    runners: int
    files_read: int  # wearable files parsed this run (the rest came from the cache)
    pages_written: int  # runner pages written this run (the squad page is always written)
    risks_measured: int


@dataclass(frozen=True)
class Baseline:
    """The study model's risk for a runner, and the training it was measured on."""

    risk: model.Risk
    window: tuple[str, str]  # YYYY-MM-DD: the training measured, up to runner.yaml's screening_date or the
    # last day with wearable data


def baseline_risk(person, document: dict | None, cache: SessionCache) -> tuple[Baseline | None, bool]:
    """The study model's risk for the runner's gait trials and training, cached by the model and the
    runner's files; (risk or None, measured now)."""
    if document is None or person.runner is None or not person.has_trials:
        return None, False
    files = sorted(
        (str(p.relative_to(person.folder)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in person.folder.rglob("*")
        if p.is_file()
    )
    key = f"risk|{path_key(person.folder)}"
    stamp = content_hash(document["content_sha256"], files, dataclasses.asdict(person.runner))
    cached = cache.get(key)
    if cached and cached["stamp"] == stamp:
        return (Baseline(model.Risk(**cached["risk"]), tuple(cached["window"])) if cached["risk"] else None), False
    # here: the gait model's code is imported only for a squad with trials to measure
    from runrisk.screening.measure import measure

    measured = measure(person.folder, person.runner, document)
    complete = all(term["column"] in measured.values for term in document["terms"])
    risk = model.predict(document, measured.values) if complete else None
    window = tuple(day.isoformat() for day in measured.window) if measured.window else ("", "")
    cache.put(key, {"stamp": stamp, "risk": dataclasses.asdict(risk) if risk else None, "window": window})
    return (Baseline(risk, window) if risk else None), True


def monitor(
    squad: Path,
    model_path: Path,
    out: Path,
    lang: str = "en",
    since: dt.date | None = None,
    as_of: dt.date | None = None,
    timezone: str | None = None,
    cache_path: Path | None = None,
    date_margin_days: int | None = None,
    today: dt.date | None = None,
) -> Written:
    """The squad's pages in out (index.html, runners/<label>.html, weeks.parquet); each file's sessions
    are kept in cache_path (default out/.monitor-cache.json) for the next week's update. Dates after today
    (the run's date in the squad's time zone), and symptoms more than date_margin_days after the squad's
    newest activity, are listed problems, never the season's end."""
    if lang not in page.LANGUAGES:
        raise StudyError(f"--lang must be one of {', '.join(page.LANGUAGES)}")
    if not squad.is_dir():
        raise InputError(squad, "the squad folder does not exist")
    # the study's model carries its reading rules (wearables, time zone, vocabularies): the squad's files
    # are read as the study read its cohort's
    document = model.load(model_path)
    study_settings = document["settings"]
    wearables = WearableSettings.from_config(study_settings["wearables"])
    tz = ZoneInfo(timezone or study_settings["timezone"])
    outcomes = study_settings.get("outcomes", {})  # a model of an older release has no vocabularies
    synonyms = {"regions": outcomes.get("region_synonyms", {}), "sides": outcomes.get("side_synonyms", {})}
    cache = SessionCache(cache_path or out / CACHE)
    today = today or dt.datetime.now(tz).date()
    runners = read_squad(squad, tz, wearables, synonyms, cache, today)
    margin = DATE_MARGIN_DAYS if date_margin_days is None else date_margin_days
    set_aside_impossible_dates(runners, today, margin)
    first, last = season_span(runners, since, as_of)
    if first is not None:
        with_weeks(runners, first, last)
    relation = speed_relation(document)  # the study's: each week's km carried to its pace as the study's runs
    for person in runners:  # the week's tendon load where the runner has lab trials
        person.tendon, person.tendon_relation = runner_tendon(person, document, cache), relation
        if person.weeks is not None:
            person.weeks = with_tendon_load(person.weeks, person.tendon, relation)
    risks, measured = {}, 0
    for person in runners:
        risk, fresh = baseline_risk(person, document, cache)
        risks[person.slug], measured = risk, measured + fresh
    written = write_pages(runners, risks, document, lang, out, cache, first, last)
    write_weeks(runners, out / WEEKS_TABLE)
    cache.save()
    return Written(len(runners), cache.read_files, written, measured)


def write_pages(runners, risks, document, lang, out: Path, cache: SessionCache, first, last) -> int:
    (out / "runners").mkdir(parents=True, exist_ok=True)
    model_hash = document["content_sha256"] if document else ""
    written = 0
    for person in runners:
        risk = risks.get(person.slug)
        stamp = content_hash(
            person.weeks_digest or weeks_digest(person.weeks),
            dataclasses.asdict(risk) if risk else None,
            person.problems,
            person.not_counted,
            person.other_activities,
            person.hard_from_bpm,
            lang,
            person.label,
            model_hash,
            person.has_trials,
            as_cached(person.tendon),
            page.design_digest(),
        )
        target = out / "runners" / f"{person.slug}.html"
        key = f"page|{target.name}"
        cached = cache.get(key)
        if cached == stamp and target.is_file():
            continue
        target.write_text(page.runner_page(person, risk, document, lang, person.problems), encoding="utf-8")
        cache.put(key, stamp)
        written += 1
    current = {f"{person.slug}.html" for person in runners}
    for stale in (out / "runners").glob("*.html"):  # a runner who left, or a label changed: no old page stays
        if stale.name not in current:
            stale.unlink()
    (out / "index.html").write_text(page.squad_page(runners, risks, document, lang, first, last), encoding="utf-8")
    return written


def weeks_digest(weeks: pd.DataFrame | None) -> str:
    """A digest of a runner's weeks, values and columns (pandas' row hashes: no rows turned to dicts)."""
    if weeks is None:
        return ""
    rows = pd.util.hash_pandas_object(weeks, index=False).to_numpy()
    return hashlib.sha256(rows.tobytes() + "|".join(weeks.columns).encode()).hexdigest()


def write_weeks(runners, path: Path) -> None:
    frames = [p.weeks.assign(runner=p.label) for p in runners if p.weeks is not None]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["runner", "week_start"])
    write_table(table[["runner", *[c for c in table.columns if c != "runner"]]], path, sort_by=["runner", "week_start"])
