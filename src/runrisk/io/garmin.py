"""Garmin FIT activity files (runrisk.io.fit), GPX and TCX tracks into activities rows.

Only totals leave this module: start, duration, distance and sport, and the session's details a coach's
monitoring reads (DETAILS: ascent, heart rate, time in the hardest heart-rate zones, the runner's RPE and
feel). Track points (GPS) are summed into a distance and an ascent here and dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from runrisk.errors import InputError
from runrisk.io.fit import FIT_UTC_REFERENCE, FitContents, FitDecodeError, read_fit_contents
from runrisk.io.wearables import DYNAMICS, activity_type, make_activity

# a session's details beside the study's activity columns (which runrisk.io.wearables.activities_frame
# keeps, so the study's tables never carry these): NaN where the file has none
DETAILS = ("ascent_m", "avg_hr", "max_hr", "hard_hr_s", "hard_from_bpm", "rpe", "feel")
FIT_WORKOUT_FEEL, FIT_WORKOUT_RPE = 192, 193  # session fields: feel 0-100, RPE x 10 (Borg CR10)
FIT_EPOCH_MIN = 0x10000000  # FIT date_time values below this are device-relative counters, not dates
EARTH_RADIUS_M = 6371008.8


def _number(value, scale: float = 1.0) -> float:
    return float(value) * scale if isinstance(value, int | float) and not isinstance(value, bool) else float("nan")


# Garmin's FIT profile numbers heart-rate zones from 0: time_in_hr_zone[i] is the time in zone i, zone 0
# being below zone 1, and hr_zone_high_boundary[i] is zone i's top (a Garmin watch writes 7 times and 6
# tops: below zone 1, zones 1-5, and above zone 5's top). Hard running: zones 4 and 5 and above, the top
# two of the watch's five (Garmin's threshold and maximum zones: from 95 % of lactate-threshold HR, or
# from 80 % of maximum HR).
HARD_HR_ZONE = 4
ZONE_TIME_TOLERANCE = 1.05  # zone times adding up to more than the session's time (ms read as s?) are not trusted


def hard_hr_seconds(session: dict) -> float:
    """Seconds in heart-rate zones HARD_HR_ZONE and up, from the session's time_in_hr_zone or else its
    time_in_zone message; NaN where the file has none, or where the zones' times are not the session's."""
    times = session.get("time_in_hr_zone")
    if not isinstance(times, tuple | list) or not any(t is not None for t in times):
        times = session.get("zones", {}).get("time_in_hr_zone")
    if not isinstance(times, tuple | list) or len(times) <= HARD_HR_ZONE:
        return float("nan")
    values = [float(t) for t in times if isinstance(t, int | float)]
    duration = _number(session.get("total_elapsed_time") or session.get("total_timer_time"))
    if math.isfinite(duration) and sum(values) > ZONE_TIME_TOLERANCE * duration + 1:
        return float("nan")
    return sum(float(t) for t in times[HARD_HR_ZONE:] if isinstance(t, int | float))


def hard_from_bpm(session: dict) -> float:
    """Where the watch's zone HARD_HR_ZONE begins (zone 3's top, in bpm), when the file gives its zones."""
    tops = session.get("zones", {}).get("hr_zone_high_boundary")
    if not isinstance(tops, tuple | list) or len(tops) < HARD_HR_ZONE:
        return float("nan")
    return _number(tops[HARD_HR_ZONE - 1])


def fit_details(session: dict) -> dict:
    """The session's ascent (m), average and maximum heart rate, seconds in heart-rate zones 4, 5 and
    above (hard_hr_seconds), RPE (0-10) and feel (0-100); NaN where the file has none."""
    return {
        "ascent_m": _number(session.get("total_ascent")),
        "avg_hr": _number(session.get("avg_heart_rate")),
        "max_hr": _number(session.get("max_heart_rate")),
        "hard_hr_s": hard_hr_seconds(session),
        "hard_from_bpm": hard_from_bpm(session),
        "rpe": _number(session.get(FIT_WORKOUT_RPE), 0.1),
        "feel": _number(session.get(FIT_WORKOUT_FEEL)),
    }


ASCENT_HYSTERESIS_M = 3.0  # GPS elevation jitters by metres: a rise counts once it passes this


def ascent_m(elevations: list[float]) -> float:
    """Total ascent along a track's elevations, a rise counted once it climbs ASCENT_HYSTERESIS_M above
    the lowest point since the last counted one (summing every rise of GPS elevations counts their noise
    many times over); NaN without elevations."""
    if len(elevations) < 2:
        return float("nan")
    total, reference = 0.0, elevations[0]
    for elevation in elevations[1:]:
        if elevation - reference >= ASCENT_HYSTERESIS_M:
            total += elevation - reference
            reference = elevation
        elif elevation < reference:
            reference = elevation
    return total


def no_details() -> dict:
    return dict.fromkeys(DETAILS, float("nan"))


def _fit_local_zone(activity: dict, fallback: dt.tzinfo) -> dt.tzinfo:
    """The device's UTC offset (local_timestamp - timestamp) when the file has both as dates."""
    utc, local = activity.get("timestamp"), activity.get("local_timestamp")
    if isinstance(utc, dt.datetime) and isinstance(local, dt.datetime):
        offset = local.replace(tzinfo=None) - utc.replace(tzinfo=None)
        return dt.timezone(dt.timedelta(minutes=round(offset.total_seconds() / 60)))
    return fallback


def read_fit(path: str | Path, participant: str, tz: dt.tzinfo, data: bytes | None = None) -> list[dict]:
    """One row per FIT session (a multisport file has several); data: the file's bytes if read already."""
    path = Path(path)
    try:
        contents = read_fit_contents(path, data)
    except FitDecodeError as exc:  # its words, never a decoder's text ("expected 3 bytes, got 2 @ 139")
        raise InputError(path, exc.words, participant) from exc
    return fit_rows(path, participant, tz, contents)


def fit_rows(path: Path, participant: str, tz: dt.tzinfo, contents: FitContents) -> list[dict]:
    """The activities rows of a decoded FIT file: each session with its details."""
    if not contents.sessions:
        raise InputError(path, "FIT file has no session message: not an activity file", participant)
    local = _fit_local_zone(contents.activity, tz)
    rows = []
    for i, session in enumerate(contents.sessions):
        session = session | {"zones": contents.zones.get(i, {})}
        start = session.get("start_time")
        if not isinstance(start, dt.datetime):
            raise InputError(
                path,
                f"session {i} start_time is a device-relative counter ({start}), not a date; "
                "the activity cannot be placed in a week",
                participant,
            )
        distance = session.get("total_distance")
        try:
            activity_row = make_activity(
                str(i),  # the session, track or activity in the file: never its name
                fit_activity_name(session),
                start,
                local,
                float(session.get("total_timer_time") or session.get("total_elapsed_time") or 0),
                None if distance is None else float(distance) / 1000.0,
            )
            seconds = _number(session.get("total_elapsed_time") or session.get("total_timer_time"))
            dynamics = session_dynamics(contents.records, start, seconds, activity_row["activity"])
            rows.append(activity_row | fit_details(session) | dynamics)
        except ValueError as exc:
            raise InputError(path, f"session {i}: {exc}", participant) from exc
    return rows


def fit_activity_name(session: dict) -> str:
    """The session's sport, or its sub-sport where that names the activity: a Garmin strength workout is
    sport `training` with sub_sport `strength_training` (capacity work, not "other")."""
    if session.get("sub_sport") == "strength_training":
        return "strength_training"
    return str(session.get("sport") or "generic")


STEPPING = ("run", "walk", "hike")  # a cycling cadence counts pedal turns, not steps
MAX_RECORD_GAP_S = 10.0  # a longer gap between records is a pause (auto-pause), not steps at the last cadence


def no_dynamics() -> dict:
    return dict.fromkeys(DYNAMICS, float("nan"))


def _moving_mean(values: np.ndarray) -> float:
    """The mean of the values a watch records while moving (0 and invalid left out, as in the watch's own
    averages; a mean over records is closer to them on our files than one weighted by record gaps)."""
    moving = values[np.isfinite(values) & (values > 0)]
    return float(moving.mean()) if len(moving) else float("nan")


def session_dynamics(records: dict[str, np.ndarray], start: dt.datetime, seconds: float, activity: str) -> dict:
    """A session's running dynamics from its records (those from its start to its end): average cadence in
    steps/min (a FIT record's cadence counts strides, each two steps), stance time (ms), vertical
    oscillation (mm), step length (mm), and steps: the cadence summed over the time to the next record
    (at most MAX_RECORD_GAP_S). NaN where the watch recorded none, and for sessions not on foot."""
    if activity not in STEPPING or not len(records.get("timestamp", ())) or not math.isfinite(seconds):
        return no_dynamics()
    first = start.timestamp() - FIT_UTC_REFERENCE
    times = records["timestamp"]
    inside = (times >= first) & (times <= first + seconds)
    if not inside.any():
        return no_dynamics()
    fraction = np.nan_to_num(records["fractional_cadence"][inside])
    cadence = 2.0 * (records["cadence"][inside] + fraction)
    gaps = np.minimum(np.diff(times[inside], append=times[inside][-1]), MAX_RECORD_GAP_S)
    recorded = np.isfinite(cadence)
    return {
        "cadence_spm": _moving_mean(cadence),
        "stance_time_ms": _moving_mean(records["stance_time"][inside]),
        "vertical_oscillation_mm": _moving_mean(records["vertical_oscillation"][inside]),
        "step_length_mm": _moving_mean(records["step_length"][inside]),
        "steps": float(np.sum(cadence[recorded] * gaps[recorded]) / 60.0) if recorded.any() else float("nan"),
    }


def track_dynamics(cadence: list[tuple[dt.datetime, float | None]], activity: str) -> dict:
    """A GPX track's or TCX activity's cadence and steps, from its points' times and strides per minute
    (session_dynamics on them); NaN where no point carries a cadence."""
    known = [(t, c) for t, c in cadence if c is not None]
    if not known:
        return no_dynamics()
    first = min(t for t, _ in known)
    times = np.array([(t - first).total_seconds() for t, _ in known]) + first.timestamp() - FIT_UTC_REFERENCE
    order = np.argsort(times, kind="stable")
    nothing = np.full(len(known), np.nan)
    records = {
        "timestamp": times[order],
        "cadence": np.array([c for _, c in known])[order],
        "fractional_cadence": nothing,
        "stance_time": nothing,
        "vertical_oscillation": nothing,
        "step_length": nothing,
    }
    return session_dynamics(records, first, float(times.max() - times.min()), activity)


def _tcx_cadence(activity: ET.Element) -> list[tuple[dt.datetime, float | None]]:
    """Each trackpoint's time and running cadence (Garmin's ActivityExtension RunCadence, strides per
    minute); trackpoints without a readable time are left out (the laps' times place the activity)."""
    found = []
    for point in (e for e in activity.iter() if _local(e.tag) == "Trackpoint"):
        stamp = next((e.text for e in point if _local(e.tag) == "Time"), None)
        run_cadence = next((e.text for e in point.iter() if _local(e.tag) == "RunCadence"), None)
        try:
            found.append((_iso(stamp), _float_or_none(run_cadence)))
        except (AttributeError, ValueError):
            continue
    return found


def haversine_m(points: list[tuple[float, float]]) -> float:
    total = 0.0
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:], strict=False):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lon2 - lon1)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
    return total


def _iso(text: str) -> dt.datetime:
    stamp = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _stamp(text: str | None, path: Path, participant: str, where: str) -> dt.datetime:
    """An ISO 8601 time of a track, or bad input that says where (the value itself is not repeated)."""
    if not text or not text.strip():
        raise InputError(path, f"{where} has no time", participant)
    try:
        return _iso(text)
    except ValueError as exc:
        raise InputError(path, f"{where}: time is not an ISO 8601 date and time", participant) from exc


def _coordinates(point: ET.Element, path: Path, participant: str, where: str) -> tuple[float, float]:
    try:
        lat, lon = float(point.get("lat")), float(point.get("lon"))
    except (TypeError, ValueError) as exc:
        raise InputError(path, f"{where}: latitude or longitude missing or not a number", participant) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(path, f"{where}: latitude or longitude out of range", participant)
    return lat, lon


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xml(path: Path, participant: str, data: bytes | None = None) -> ET.Element:
    try:
        return ET.parse(path if data is None else io.BytesIO(data)).getroot()
    except ET.ParseError as exc:
        # the parser's own text is not in words: where it stopped is
        where = f" (line {exc.position[0]})" if getattr(exc, "position", None) else ""
        raise InputError(path, f"not well-formed XML{where}: the file is damaged or cut short", participant) from exc


def read_gpx(
    path: str | Path, participant: str, tz: dt.tzinfo, default_activity: str, data: bytes | None = None
) -> list[dict]:
    """One row per track: start and end from point times, distance along the points."""
    path = Path(path)
    rows = []
    for i, track in enumerate(e for e in _parse_xml(path, participant, data).iter() if _local(e.tag) == "trk"):
        kind = next((e.text for e in track if _local(e.tag) == "type" and e.text), default_activity)
        coords, times, elevations, cadence = [], [], [], []
        for j, point in enumerate(e for e in track.iter() if _local(e.tag) == "trkpt"):
            coords.append(_coordinates(point, path, participant, f"track {i} point {j}"))
            stamp = next((e.text for e in point if _local(e.tag) == "time"), None)
            if stamp is not None:
                times.append(_stamp(stamp, path, participant, f"track {i} point {j}"))
                # Garmin's TrackPointExtension: strides (cycles) per minute
                cadence.append(
                    (times[-1], _float_or_none(next((e.text for e in point.iter() if _local(e.tag) == "cad"), None)))
                )
            elevation = next((e.text for e in point if _local(e.tag) == "ele"), None)
            elevations += [value for value in [_float_or_none(elevation)] if value is not None]
        if not times:
            raise InputError(path, f"track {i} has no point times; it cannot be placed in a week", participant)
        try:
            rows.append(
                make_activity(
                    str(i),  # the session, track or activity in the file: never its name
                    kind,
                    min(times),
                    tz,
                    (max(times) - min(times)).total_seconds(),
                    haversine_m(coords) / 1000.0,
                )
                | no_details()
                | {"ascent_m": ascent_m(elevations)}
            )
            rows[-1] |= track_dynamics(cadence, rows[-1]["activity"])
        except ValueError as exc:
            raise InputError(path, f"track {i}: {exc}", participant) from exc
    if not rows:
        raise InputError(path, "GPX file has no track (trk): a route or waypoints, not a recorded run", participant)
    return rows


def _float_or_none(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _heart_rate(lap: ET.Element, name: str) -> float | None:
    element = next((e for e in lap if _local(e.tag) == name), None)
    value = next((e.text for e in element if _local(e.tag) == "Value"), None) if element is not None else None
    return _float_or_none(value)


def tcx_details(activity: ET.Element, laps: list[ET.Element]) -> dict:
    """Ascent along the trackpoints' AltitudeMeters; average heart rate weighted by lap time, maximum."""
    elevations = [_float_or_none(e.text) for e in activity.iter() if _local(e.tag) == "AltitudeMeters"]
    seconds = [_float_or_none(next((e.text for e in lap if _local(e.tag) == "TotalTimeSeconds"), None)) for lap in laps]
    averages = [(_heart_rate(lap, "AverageHeartRateBpm"), s or 0.0) for lap, s in zip(laps, seconds, strict=True)]
    weighted = [(hr, s) for hr, s in averages if hr is not None and s > 0]
    maxima = [hr for hr in (_heart_rate(lap, "MaximumHeartRateBpm") for lap in laps) if hr is not None]
    return no_details() | {
        "ascent_m": ascent_m([e for e in elevations if e is not None]),
        "avg_hr": sum(hr * s for hr, s in weighted) / sum(s for _, s in weighted) if weighted else float("nan"),
        "max_hr": max(maxima) if maxima else float("nan"),
    }


def read_tcx(path: str | Path, participant: str, tz: dt.tzinfo, data: bytes | None = None) -> list[dict]:
    """One row per Activity: laps summed (TotalTimeSeconds, DistanceMeters)."""
    path = Path(path)
    rows = []
    for i, activity in enumerate(e for e in _parse_xml(path, participant, data).iter() if _local(e.tag) == "Activity"):
        laps = [e for e in activity if _local(e.tag) == "Lap"]
        if not laps:
            raise InputError(path, f"activity {i} has no laps", participant)

        def total(name, laps=laps):
            return sum(float(next((e.text for e in lap if _local(e.tag) == name), 0) or 0) for lap in laps)

        start = _stamp(laps[0].get("StartTime"), path, participant, f"activity {i} lap 0 StartTime")
        try:
            rows.append(
                make_activity(
                    str(i),  # the session, track or activity in the file: never its name
                    activity.get("Sport", "Other"),
                    start,
                    tz,
                    total("TotalTimeSeconds"),
                    total("DistanceMeters") / 1000.0,
                )
                | tcx_details(activity, laps)
                | track_dynamics(_tcx_cadence(activity), activity_type(activity.get("Sport", "Other")))
            )
        except (TypeError, ValueError) as exc:
            raise InputError(path, f"activity {i}: {exc}", participant) from exc
    if not rows:
        raise InputError(path, "TCX file has no Activity: a course or workout, not a recorded run", participant)
    return rows
