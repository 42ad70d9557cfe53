"""A coach's squad cut from the embedded default, written as a squad's files are: a dozen runners of the
synthetic world with their weekly km as single runs (Garmin FIT with heart rate, zones, RPE and feel;
one runner's GPX, one's TCX, one's Fitbit export), runner.yaml, symptom logs, gait trials for two, and
load spikes for three of them, two followed by an Achilles complaint and a cut-back, as runners do; the
two who complained keep the tendon's response logs (VISA-A, pain monitoring, heel-raise tests, capacity
work), with a planted week the pain-monitoring model judges too much, and one runner's watch records
running dynamics, with a planted change in the last week.

FIT files are written with Garmin's own FIT SDK (garmin-fit-sdk's Encoder); their records carry GPS
points at a planted place, and the symptom logs a free-text note, so the pages' privacy is tested on
what watches and runners write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import yaml

from runrisk.io.layout import TRIAL_KINDS

SQUAD_SIZE = 12
PLANTED_LAT, PLANTED_LON = 50.087451, 14.421252  # where every synthetic run starts (never on a page)
PLANTED_NOTE = "PLANTED-NOTE sore after long run with Jana Novakova"
SPIKE_FROM_END = 2  # the spike falls in the season's second-to-last week, the complaint in its last
SPIKED = (1, 4, 7)  # squad positions with a load spike
COMPLAINED = (1, 4)  # ... followed by an Achilles complaint and two weeks cut back
MILD = 9  # a runner logging mild symptoms without a spike
DYNAMICS_RUNNER = 2  # a watch with running dynamics (cadence, contact time, oscillation, step length)
RESPONSE_WEEKS = 8  # the weeks the two who complained logged their tendon's response, to the season's end
# the planted weeks of the pain-monitoring model: S02's last week, pain during runs 6/10 (too much: over
# 5); S05's last week, morning pain higher than the week before (too much: rising)
PAIN_PLANTED = {1: ("too much", "during_over_5"), 4: ("too much", "morning_pain_rising")}
# hand-scored VISA-A answers of S02 (items 1-7, item 8's part and points) and their sums
VISA_ANSWERS = (
    ((9, 9, 10, 10, 9, 8, 10), "A", 30),  # 95
    ((8, 8, 9, 9, 8, 7, 7), "A", 21),  # 77
    ((6, 7, 5, 8, 4, 3, 4), "B", 10),  # 47
)
VISA_SCORES = (95, 77, 47)
RUN_DAYS = (0, 2, 4, 5, 6)  # Monday, Wednesday, Friday, Saturday, Sunday
PRAGUE = ZoneInfo("Europe/Prague")
MAX_HR = 190  # the squad's watches set zones by % of maximum HR, Garmin's default: tops of zones 0-5
HR_ZONE_TOPS = tuple(round(MAX_HR * share) for share in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0))


@dataclass(frozen=True)
class SquadRun:
    start: dt.datetime  # aware
    km: float
    seconds: float
    ascent_m: float
    avg_hr: int
    max_hr: int
    zones_s: tuple[float, ...]  # as a Garmin watch writes time_in_hr_zone: below zone 1, zones 1-5, above zone 5
    rpe: int  # 0-10
    feel: int  # 0-100
    cadence_spm: float = float("nan")  # running dynamics the watch records (NaN: a watch without them)
    stance_time_ms: float = float("nan")
    vertical_oscillation_mm: float = float("nan")
    step_length_mm: float = float("nan")


def squad_people(truth: pd.DataFrame) -> pd.DataFrame:
    """A dozen runners with a wearable, those with gait trials first (two pages show a baseline risk)."""
    candidates = truth[truth["runner"] & truth["has_wearable"]].copy()
    candidates["order"] = ~candidates["has_trials"]
    return candidates.sort_values(["order", "index"]).head(SQUAD_SIZE).reset_index(drop=True)


def spike_week(weeks: int) -> int:
    return weeks - SPIKE_FROM_END


def season_km(weekly: pd.DataFrame, raw_id: str, position: int, weeks: int) -> np.ndarray:
    """The runner's weekly km in the world (its first `weeks` follow-up weeks, laid on the squad's common
    season), with the squad's spike and cut-back."""
    km = weekly[weekly["raw_id"] == raw_id].sort_values("week")["km"].fillna(0.0).to_numpy(float)[:weeks]
    km = np.concatenate([np.where(km > 0, km, 0.0), np.zeros(weeks - len(km))])
    spike = spike_week(weeks)
    if position in SPIKED:
        km[spike] = max(km[spike - 1], 10.0) * 1.6
    if position in COMPLAINED:
        km[spike + 1 :] *= 0.6  # the runner cut back when the tendon hurt
    return km


def week_runs(rng: np.random.Generator, monday: dt.date, km: float, long_factor: float) -> list[SquadRun]:
    if km < 1.0:
        return []
    count = int(np.clip(round(km / 9), 1, len(RUN_DAYS)))
    shares = np.full(count, 1.0)
    shares[-1] = 1.8 * long_factor if count > 1 else 1.0  # the weekend long run
    shares /= shares.sum()
    runs = []
    for day, share in zip(RUN_DAYS[-count:], shares, strict=True):
        distance = float(km * share)
        pace = float(rng.normal(5.6, 0.3)) * 60  # s per km
        seconds = distance * pace
        hard = float(np.clip(rng.normal(0.15, 0.08), 0, 0.6)) * seconds
        easy = seconds - hard
        zones = (0.05 * easy, 0.1 * easy, 0.35 * easy, 0.5 * easy, 0.7 * hard, 0.3 * hard, 0.0)
        start = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(7, 0), PRAGUE)
        start += dt.timedelta(minutes=int(rng.integers(0, 90)))
        rpe = int(np.clip(round(3 + distance / 6 + rng.normal(0, 0.8)), 1, 10))
        runs.append(
            SquadRun(
                start,
                distance,
                seconds,
                float(max(rng.normal(8, 4), 0) * distance),
                int(rng.normal(148, 6)),
                int(rng.normal(172, 5)),
                zones,
                rpe,
                int(np.clip(rng.normal(60, 15), 0, 100)),
            )
        )
    return runs


def fit_bytes(run: SquadRun) -> bytes:
    """One run as a FIT activity file: file id, three GPS records, a session with its details, the
    activity with the device's local time."""
    from garmin_fit_sdk import Encoder, Profile

    numbers = Profile["mesg_num"]
    utc = run.start.astimezone(dt.UTC)
    end = utc + dt.timedelta(seconds=run.seconds)
    semicircles = 2**31 / 180
    encoder = Encoder()
    encoder.on_mesg(
        numbers["FILE_ID"],
        {"type": "activity", "manufacturer": "development", "product": 1, "time_created": utc, "serial_number": 4242},
    )
    dynamics = {}
    if np.isfinite(run.cadence_spm):  # as a watch writes them: strides per minute, mm, ms
        dynamics = {
            "cadence": int(run.cadence_spm // 2),
            "fractional_cadence": (run.cadence_spm / 2) % 1,
            "stance_time": run.stance_time_ms,
            "vertical_oscillation": run.vertical_oscillation_mm,
            "step_length": run.step_length_mm,
        }
    for k in range(3):
        encoder.on_mesg(
            numbers["RECORD"],
            {
                "timestamp": utc + dt.timedelta(seconds=k * run.seconds / 2),
                "position_lat": int((PLANTED_LAT + 0.001 * k) * semicircles),
                "position_long": int((PLANTED_LON + 0.001 * k) * semicircles),
                "distance": 1000.0 * run.km * k / 2,
                "heart_rate": run.avg_hr,
                **dynamics,
            },
        )
    encoder.on_mesg(
        numbers["SESSION"],
        {
            "timestamp": end,
            "start_time": utc,
            "sport": "running",
            "sub_sport": "generic",
            "total_elapsed_time": run.seconds,
            "total_timer_time": run.seconds,
            "total_distance": 1000.0 * run.km,
            "total_ascent": int(round(run.ascent_m)),
            "avg_heart_rate": run.avg_hr,
            "max_heart_rate": run.max_hr,
            "time_in_hr_zone": list(run.zones_s),
            "workout_rpe": 10 * run.rpe,
            "workout_feel": run.feel,
            "event": "session",
            "event_type": "stop",
            "first_lap_index": 0,
            "num_laps": 1,
        },
    )
    encoder.on_mesg(  # the zones the times were counted in, as a Garmin watch writes them after its session
        numbers["TIME_IN_ZONE"],
        {
            "timestamp": end,
            "reference_mesg": "session",
            "reference_index": 0,
            "time_in_hr_zone": list(run.zones_s),
            "hr_zone_high_boundary": list(HR_ZONE_TOPS),
            "hr_calc_type": "percent_max_hr",
            "max_heart_rate": MAX_HR,
        },
    )
    local = run.start.replace(tzinfo=None) + dt.timedelta(seconds=run.seconds)
    encoder.on_mesg(
        numbers["ACTIVITY"],
        {
            "timestamp": end,
            "local_timestamp": local,
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "total_timer_time": run.seconds,
        },
    )
    return encoder.close()


def strength_fit_bytes(start: dt.datetime, minutes: float) -> bytes:
    """A strength workout as a Garmin watch writes it: sport training, sub-sport strength_training."""
    from garmin_fit_sdk import Encoder, Profile

    numbers = Profile["mesg_num"]
    utc = start.astimezone(dt.UTC)
    end = utc + dt.timedelta(minutes=minutes)
    encoder = Encoder()
    encoder.on_mesg(
        numbers["FILE_ID"],
        {"type": "activity", "manufacturer": "development", "product": 1, "time_created": utc, "serial_number": 4242},
    )
    encoder.on_mesg(
        numbers["SESSION"],
        {
            "timestamp": end,
            "start_time": utc,
            "sport": "training",
            "sub_sport": "strength_training",
            "total_elapsed_time": 60.0 * minutes,
            "total_timer_time": 60.0 * minutes,
            "event": "session",
            "event_type": "stop",
            "first_lap_index": 0,
            "num_laps": 1,
        },
    )
    local = start.replace(tzinfo=None) + dt.timedelta(minutes=minutes)
    encoder.on_mesg(
        numbers["ACTIVITY"],
        {"timestamp": end, "local_timestamp": local, "num_sessions": 1, "type": "manual", "event": "activity"},
    )
    return encoder.close()


def with_dynamics(rng: np.random.Generator, runs: list[SquadRun], planted_from: dt.date) -> list[SquadRun]:
    """The runs with a watch's running dynamics, steady from run to run; from planted_from on the runner
    shortens the step (cadence up, contact time and oscillation down): the change the page marks."""
    out = []
    for run in runs:
        changed = run.start.date() >= planted_from
        cadence = float(rng.normal(192.0 if changed else 172.0, 1.0))
        out.append(
            dataclasses.replace(
                run,
                cadence_spm=cadence,
                stance_time_ms=float(rng.normal(228.0 if changed else 252.0, 2.0)),
                vertical_oscillation_mm=float(rng.normal(76.0 if changed else 92.0, 1.0)),
                step_length_mm=float(rng.normal(940.0 if changed else 1060.0, 8.0)),
            )
        )
    return out


def response_files(position: int, season_start: dt.date, weeks: int) -> dict[str, pd.DataFrame]:
    """The tendon's response logs of a runner who complained: the last RESPONSE_WEEKS weeks, quiet until
    the spike, then the planted week; each file with one bad row the pages list by number."""
    first_week = weeks - RESPONSE_WEEKS
    spike = spike_week(weeks)
    pain, heel, capacity = [], [], []
    for week in range(first_week, weeks):
        monday = season_start + dt.timedelta(weeks=week)
        last = week == weeks - 1
        during = 4 if week == spike else (6 if last and position == 1 else 1)
        morning = 1
        if position == 4:  # S05: morning pain 1 every week, 3 in the last
            morning, during = (3 if last else 1), min(during, 2)
        for day in (0, 2, 4):
            date = monday + dt.timedelta(days=day)
            pain.append(
                {"date": date, "morning_pain": morning, "morning_stiffness": 1, "pain_during": during, "pain_after": 1}
            )
            pain.append({"date": date + dt.timedelta(days=1), "morning_pain": morning})
            kind = "calf" if day else "heel raises"
            capacity.append({"date": date + dt.timedelta(days=1), "kind": kind, "minutes": 25})
        right = 18 if last else 27
        heel += [{"date": monday, "side": "left", "reps": 28}, {"date": monday, "side": "R", "reps": right}]
    pain.append({"date": season_start + dt.timedelta(weeks=weeks - 1, days=6), "morning_pain": 11})  # bad: over 10
    heel.append({"date": season_start + dt.timedelta(weeks=weeks - 1), "side": "left", "reps": "2.5"})  # bad: no count
    capacity.append({"date": dt.date(2099, 1, 1), "kind": "calf", "minutes": 20})  # bad: after today
    visa = []
    for k, (items, part, q8) in enumerate(VISA_ANSWERS):
        date = season_start + dt.timedelta(weeks=weeks - 1 - 2 * (len(VISA_ANSWERS) - 1 - k), days=1)
        visa.append({"date": date, **{f"q{n}": v for n, v in enumerate(items, start=1)}, "q8_part": part, "q8": q8})
    visa.append({**visa[-1], "q7": 5})  # bad: item 7 is 0, 4, 7 or 10
    names = ("visa_a.csv", "pain_monitoring.csv", "heel_raise.csv", "capacity.csv")
    return {
        name: pd.DataFrame(rows).assign(note=PLANTED_NOTE)
        for name, rows in zip(names, (visa, pain, heel, capacity), strict=True)
    }


def gpx_text(runs: list[SquadRun]) -> str:
    tracks = []
    for run in runs:
        utc = run.start.astimezone(dt.UTC)
        points = []
        for k in range(3):
            stamp = (utc + dt.timedelta(seconds=k * run.seconds / 2)).strftime("%Y-%m-%dT%H:%M:%SZ")
            # along a meridian: 0.009 degrees of latitude per km
            lat = PLANTED_LAT + 0.009 * run.km * k / 2
            points.append(
                f'<trkpt lat="{lat:.6f}" lon="{PLANTED_LON:.6f}"><ele>{200 + 10 * k}</ele><time>{stamp}</time></trkpt>'
            )
        tracks.append(f"<trk><type>running</type><trkseg>{''.join(points)}</trkseg></trk>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="synthetic" '
        f'xmlns="http://www.topografix.com/GPX/1/1">{"".join(tracks)}</gpx>'
    )


def tcx_text(runs: list[SquadRun]) -> str:
    activities = []
    for run in runs:
        stamp = run.start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lap = (
            f'<Lap StartTime="{stamp}"><TotalTimeSeconds>{run.seconds:.1f}</TotalTimeSeconds>'
            f"<DistanceMeters>{1000 * run.km:.1f}</DistanceMeters>"
            f"<AverageHeartRateBpm><Value>{run.avg_hr}</Value></AverageHeartRateBpm>"
            f"<MaximumHeartRateBpm><Value>{run.max_hr}</Value></MaximumHeartRateBpm></Lap>"
        )
        activities.append(f'<Activity Sport="Running"><Id>{stamp}</Id>{lap}</Activity>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f"<Activities>{''.join(activities)}</Activities></TrainingCenterDatabase>"
    )


def fitbit_records(runs: list[SquadRun]) -> list[dict]:
    return [
        {
            "logId": 90_000_000 + i,
            "activityName": "Run",
            "startTime": run.start.strftime("%m/%d/%y %H:%M:%S"),
            "duration": int(run.seconds * 1000),
            "distance": round(run.km, 3),
            "distanceUnit": "Kilometer",
            "elevationGain": round(run.ascent_m, 1),
            "averageHeartRate": run.avg_hr,
            "heartRateZones": [
                {"name": name, "minutes": int(round(seconds / 60))}
                for name, seconds in zip(
                    ("Out of Range", "Fat Burn", "Cardio", "Peak"),
                    (sum(run.zones_s[:2]), sum(run.zones_s[2:4]), run.zones_s[4], sum(run.zones_s[5:])),
                    strict=True,
                )
            ],
        }
        for i, run in enumerate(runs)
    ]


def symptom_rows(position: int, season_start: dt.date, weeks: int) -> list[dict]:
    note = {"note": PLANTED_NOTE}
    if position in COMPLAINED:
        first = season_start + dt.timedelta(weeks=spike_week(weeks) + 1)
        return [
            {
                "date": first + dt.timedelta(days=1),
                "region": "Achilles tendon",
                "side": "right",
                "pain": 4,
                "ostrc_participation": 1,
                "ostrc_volume": 2,
                "ostrc_performance": 2,
                "ostrc_pain": 2,
                **note,
            },
            {
                "date": first + dt.timedelta(days=4),
                "region": "achilles",
                "side": "R",
                "pain": 3,
                "ostrc_participation": 1,
                "ostrc_volume": 2,
                "ostrc_performance": 1,
                "ostrc_pain": 1,
                **note,
            },
            {
                "date": first + dt.timedelta(days=6),
                "region": "achilles",
                "side": "right",
                "pain": 2,
                "ostrc_participation": 1,
                "ostrc_volume": 1,
                "ostrc_performance": 1,
                "ostrc_pain": 1,
                "note": "",
            },
        ]
    if position == MILD:
        return [
            {
                "date": season_start + dt.timedelta(weeks=w, days=2),
                "region": "knee",
                "side": "left",
                "pain": 2,
                "note": "",
            }
            for w in (weeks - 9, weeks - 4, weeks - 1)
        ]
    return []


def write_squad(truth: pd.DataFrame, weekly: pd.DataFrame, raw_dir: Path, folder: Path, seed: int) -> list[str]:
    """The squad's folders (S01 ... S12); returns their labels."""
    people = squad_people(truth)
    first = min(pd.Timestamp(d).date() for d in people["enrolment_date"])
    season_start = first - dt.timedelta(days=first.weekday())  # one calendar season for the whole squad
    weeks = int(weekly["week"].max()) + 1 if len(weekly) else 52
    labels = []
    for position, person in people.iterrows():
        label = f"S{position + 1:02d}"
        labels.append(label)
        runner_dir = folder / label.lower()
        runner_dir.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng([seed, int(person["index"]), 28])
        runs = []
        for week, km in enumerate(season_km(weekly, person["raw_id"], position, weeks)):
            long_factor = 2.2 if (position in SPIKED and week == spike_week(weeks)) else 1.0
            runs += week_runs(rng, season_start + dt.timedelta(weeks=week), km, long_factor)
        if position == DYNAMICS_RUNNER and runs:  # the change planted in the runner's last week with runs
            last_week = runs[-1].start.date() - dt.timedelta(days=runs[-1].start.weekday())
            runs = with_dynamics(rng, runs, last_week)
        write_runs(runner_dir, runs, position)
        if position in PAIN_PLANTED:
            for name, table in response_files(position, season_start, weeks).items():
                table.to_csv(runner_dir / name, index=False)
        if position == 4:  # the watch's strength workouts, capacity work too
            for week in range(weeks - RESPONSE_WEEKS, weeks):
                start = dt.datetime.combine(season_start + dt.timedelta(weeks=week, days=3), dt.time(18, 0), PRAGUE)
                (runner_dir / f"{start:%Y-%m-%d-%H%M}-strength.fit").write_bytes(strength_fit_bytes(start, 40))
        runner = {
            "label": label,
            "age": float(person["age"]),
            "sex": "female" if person["female"] else "male",
            "body_mass_kg": float(person["body_mass_kg"]),
        }
        if person["has_trials"] and position < 2:
            runner["lab"] = str(person["lab"])
            copy_trials(raw_dir, person["raw_id"], runner_dir)
        (runner_dir / "runner.yaml").write_text(yaml.safe_dump(runner, sort_keys=False))
        symptoms = symptom_rows(position, season_start, weeks)
        if symptoms:
            pd.DataFrame(symptoms).to_csv(runner_dir / "symptoms.csv", index=False)
    return labels


def write_runs(runner_dir: Path, runs: list[SquadRun], position: int) -> None:
    if position == 9:
        (runner_dir / "season.gpx").write_text(gpx_text(runs))
    elif position == 10:
        (runner_dir / "season.tcx").write_text(tcx_text(runs))
    elif position == 11:
        (runner_dir / "exercise-0.json").write_text(json.dumps(fitbit_records(runs)))
    else:
        for run in runs:
            (runner_dir / f"{run.start:%Y-%m-%d-%H%M}.fit").write_bytes(fit_bytes(run))
    if position == 3:  # a watch file cut short in transfer: listed on the pages, the season still shown
        good = fit_bytes(runs[0]) if runs else b""
        (runner_dir / "transfer-cut.fit").write_bytes(good[: len(good) // 2])


def copy_trials(raw_dir: Path, raw_id: str, runner_dir: Path) -> None:
    for kind in TRIAL_KINDS:
        source = raw_dir / kind / raw_id
        if source.is_dir():
            for path in sorted(source.iterdir()):
                shutil.copyfile(path, runner_dir / path.name)
