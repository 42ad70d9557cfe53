"""The bad-input corpus: each case mutates one thing of a small valid raw study and states what the
platform must say (stop mode) and whether the damage belongs to one participant (quarantine mode)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from real_files import IN_REPOSITORY
from workflow_runner import ROOT, demo_config, simulation

from runrisk.simulate import c3d_writer, cohort, fitbit_writer
from runrisk.simulate.c3d_writer import _set_int_parameter

REAL = IN_REPOSITORY  # the corpus uses only real files whose licence lets them live in the repository
CONFIG = demo_config()
# the tests' own seed (config/test.yaml's): the mutations' fixed dates and rows assume its cohort
TEST_SEED = yaml.safe_load((ROOT / "config" / "test.yaml").read_text())["simulate"]["seed"]


def build_study(root: Path, n: int = 4) -> list[str]:
    """A valid raw study of n participants in the real formats; returns the raw ids."""
    cfg = simulation(
        seed=TEST_SEED,
        n_participants=n,
        missing_biomechanics_fraction=0.0,
        no_wearable_fraction=0.0,
        runner_fraction=1.0,
        second_lab_fraction=0.0,
        marker_lab_fraction=0.0,
    )  # every participant has runs with the lab's outputs to damage, in run_01.c3d
    truth, weekly = cohort.simulate_truth(cfg)
    root.mkdir(parents=True, exist_ok=True)
    cohort.participants_csv(truth).to_csv(root / "participants.csv", index=False)
    cohort.write_surveillance_csvs(cfg, truth, root / "weekly_reports.csv", root / "diagnoses.csv")
    for _, row in truth.iterrows():
        person = row.to_dict()
        c3d_writer.write_trials(
            person, root / "c3d" / person["raw_id"], 2, cfg.seed, cfg.trial_sd_fraction, cfg.biomechanics
        )
        fitbit_writer.write_fitbit_export(
            person, weekly[weekly["raw_id"] == person["raw_id"]], root / "fitbit" / person["raw_id"], cfg.seed
        )
    return list(truth["raw_id"])


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path, list[str]], None]
    message: str | None  # regex the stop-mode error must match (file, participant/row, reason); None: valid
    participant: int | str | None  # the participant it belongs to (index or raw id): quarantinable; None: stops
    enrolled: bool = True  # False: the record names someone not in participants.csv


def _rewrite_text(raw, name, change, encoding="utf-8") -> None:
    path = raw / name
    path.write_bytes(change(path.read_text(encoding="utf-8")).encode(encoding))


def _report(raw, ids, **values) -> None:
    """A complaint week of participant 0 with the given answers and region."""
    row = {
        "participant_id": ids[0],
        "q1_participation": "8",
        "q2_training_volume": "6",
        "q3_performance": "6",
        "q4_symptoms": "8",
        "body_region": "achilles",
        **values,
    }
    _csv(raw, "weekly_reports.csv", lambda f: _set_row(f, 0, row))


def _set_row(frame, row, values):
    for column, value in values.items():
        frame.loc[row, column] = value


def _c3d(raw, ids, i=0, name="run_01.c3d") -> Path:
    return raw / "c3d" / ids[i] / name


def _rewrite_c3d(raw, ids, change) -> None:
    path = _c3d(raw, ids)
    c3d = __import__("ezc3d").c3d(str(path))
    change(c3d)
    c3d.write(str(path))


def _csv(raw, name, change) -> None:
    frame = pd.read_csv(raw / name, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(raw / name, index=False)


def _fitbit(raw, ids, change, i=0) -> None:
    path = raw / "fitbit" / ids[i] / "exercise-0.json"
    records = json.loads(path.read_text())
    change(records)
    path.write_text(json.dumps(records))


def _first_run(records) -> dict:
    return next(r for r in records if r["activityName"] == "Run")


def _append(frame, values):
    frame.loc[len(frame)] = values


def _set(frame, row, column, value):
    frame.loc[row, column] = value


def _processor(raw, ids, code):
    path = _c3d(raw, ids)
    data = bytearray(path.read_bytes())
    data[512 * (data[0] - 1) + 3] = code
    path.write_bytes(bytes(data))


def _garmin(raw, ids, source: str | None = None, text: str | None = None, name="activity.fit"):
    folder = raw / "garmin" / ids[0]
    folder.mkdir(parents=True, exist_ok=True)
    if source:
        shutil.copy(REAL / source, folder / Path(source).name)
    else:
        (folder / name).write_text(text)


def _export(raw, ids, members: dict[str, bytes], name="export.zip"):
    """An athlete's export archive in the participant's garmin folder."""
    folder = raw / "garmin" / ids[0]
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    (folder / name).write_bytes(buffer.getvalue())


def _damaged_export(raw, ids):
    _export(raw, ids, {"run.fit": (REAL / "garmin/slither_running_fr45.fit").read_bytes()})
    path = raw / "garmin" / ids[0] / "export.zip"
    data = bytearray(path.read_bytes())
    data[60] ^= 0xFF  # inside the member's packed bytes
    path.write_bytes(bytes(data))


def _daily_excess(records):
    """Four 60 km runs an hour apart on one day: each plausible alone, 240 km together is not."""
    run = _first_run(records)
    start = dt.datetime.strptime(run["startTime"], "%m/%d/%y %H:%M:%S").replace(hour=8)
    records.extend(
        {
            **run,
            "logId": run["logId"] + k,
            "distance": 60.0,
            "distanceUnit": "Kilometer",
            "startTime": (start + dt.timedelta(hours=k)).strftime("%m/%d/%y %H:%M:%S"),
        }
        for k in (1, 2, 3, 4)
    )


def _v3d_without_time(raw, ids):
    folder = raw / "visual3d" / ids[0]
    folder.mkdir(parents=True)
    rows = ["\tx.c3d", "\tFP1", "\tFORCE", "\tORIGINAL", "ITEM\tZ"] + [
        f"{i}\t{v}" for i, v in enumerate([0, 50, 900, 0])
    ]
    (folder / "trial.txt").write_text("\n".join(rows))


def _link_outside(raw, ids):
    outside = raw.parent / "elsewhere.c3d"
    shutil.copy(_c3d(raw, ids), outside)
    _c3d(raw, ids, name="escape.c3d").symlink_to(outside)


GPX = (
    "<gpx><trk><type>running</type><trkseg>"
    "<trkpt lat='50.0' lon='14.4'><time>2019-03-04T06:30:00Z</time></trkpt>{point}"
    "</trkseg></trk></gpx>"
)
TCX = (
    "<TrainingCenterDatabase><Activities><Activity Sport='Running'><Lap>"
    "<TotalTimeSeconds>1800</TotalTimeSeconds><DistanceMeters>5000</DistanceMeters>"
    "</Lap></Activity></Activities></TrainingCenterDatabase>"
)


CASES = [
    # --- C3D and Visual3D trials -----------------------------------------------------------------
    Case(
        "zero_byte_upper_case_c3d",  # .C3D is a C3D file: read, not ignored
        lambda r, i: _c3d(r, i, name="RUN_02.C3D").write_bytes(b""),
        r"file c3d-\d+, participant {p}: not a C3D file: 0 bytes",
        0,
    ),
    Case(
        "infinite_force_samples",
        lambda r, i: _rewrite_c3d(
            r, i, lambda c: c["data"]["analogs"][0][2].__setitem__(slice(100, 105), float("inf"))
        ),
        r"file c3d-\d+, participant {p}: force plate 1: vertical force is infinite at sample 100",
        0,
    ),
    Case(
        "same_trial_in_two_folders",
        lambda r, i: shutil.copy(_c3d(r, i), r / "c3d" / i[1] / "copied.c3d"),
        r"file c3d-\d+, participant {p}: the same bytes as a file of participant\(s\) P[0-9a-f]{{12}}",
        0,
    ),
    Case(
        "folder_of_nobody",  # valid: counted in the flow as records of people not enrolled
        lambda r, i: shutil.copytree(r / "c3d" / i[0], r / "c3d" / "4H99999"),
        None,
        None,
    ),
    Case(
        "folder_in_lower_case",  # valid: matched without regard to case, and the log says so
        lambda r, i: (r / "fitbit" / i[0]).rename(r / "fitbit" / i[0].lower()),
        None,
        0,
    ),
    Case(
        "symlink_out_of_raw_dir",
        _link_outside,
        r"file c3d-\d+, participant {p}: is a symbolic link that leads outside raw_dir",
        0,
    ),
    Case(
        "zero_byte_c3d",
        lambda r, i: _c3d(r, i).write_bytes(b""),
        r"file c3d-\d+, participant {p}: not a C3D file: 0 bytes",
        0,
    ),
    Case(
        "truncated_c3d",
        lambda r, i: _c3d(r, i).write_bytes(_c3d(r, i).read_bytes()[:3000]),
        r"file c3d-\d+, participant {p}: truncated: 3000 bytes where the header promises \d+",
        0,
    ),
    Case(
        "garbage_c3d",
        lambda r, i: _c3d(r, i).write_bytes(np.random.default_rng(1).bytes(4096)),
        r"file c3d-\d+, participant {p}: ",
        0,
    ),
    Case(
        "mips_processor_c3d", lambda r, i: _processor(r, i, 86), r"file c3d-\d+, participant {p}: written on a MIPS", 0
    ),
    Case(
        "unknown_processor_c3d",
        lambda r, i: _processor(r, i, 99),
        r"file c3d-\d+, participant {p}: ezc3d could not read it",
        0,
    ),
    Case(
        "unsupported_plate_type",
        lambda r, i: _rewrite_c3d(r, i, lambda c: _set_int_parameter(c, "FORCE_PLATFORM", "TYPE", np.array([2, 6]))),
        r"participant {p}: force plate 2 is FORCE_PLATFORM:TYPE 6",
        0,
    ),
    Case(
        "point_units_inches",
        lambda r, i: _rewrite_c3d(r, i, lambda c: c["parameters"]["POINT"]["UNITS"].update(value=["in"])),
        r"participant {p}: POINT:UNITS is not one of \['cm', 'm', 'mm'\] \(found text of 2 characters\)",
        0,
    ),
    Case("visual3d_without_time", _v3d_without_time, r"file visual3d-\d+, participant {p}: no time column", 0),
    # --- participants.csv ------------------------------------------------------------------------
    Case(
        "duplicate_participant_id",
        lambda r, i: _csv(r, "participants.csv", lambda f: _set(f, 1, "participant_id", i[0])),
        r"row 2, participant {p}: participant id appears more than once",
        0,
    ),
    Case(
        "id_with_path_characters",
        lambda r, i: _csv(r, "participants.csv", lambda f: _set(f, 1, "participant_id", "../x")),
        r"row 3: the participant id \(text of 4 characters\) may hold only letters",
        "../x",
    ),
    Case(
        "participants_missing_column",
        lambda r, i: _csv(r, "participants.csv", lambda f: f.drop(columns=["sex"], inplace=True)),
        r"participants\.csv: missing column\(s\) \['sex'\]",
        None,
    ),
    Case(
        "participants_not_utf8",
        lambda r, i: (r / "participants.csv").write_bytes(
            (r / "participants.csv").read_bytes().replace(b"yes", "j\u00e4".encode("latin-1"), 1)
        ),
        r"participants\.csv: not UTF-8",
        None,
    ),
    Case(
        "participants_header_only",
        lambda r, i: (r / "participants.csv").write_text((r / "participants.csv").read_text().splitlines()[0] + "\n"),
        r"participants\.csv: no participants",
        None,
    ),
    Case(
        "enrolment_date_out_of_range",
        lambda r, i: _csv(r, "participants.csv", lambda f: _set(f, 0, "enrolment_date", "1899-01-01")),
        r"row 2, participant {p}: enrolment_date is not a date YYYY-MM-DD between 1980 and 2099 "
        r"\(found a date in another form\)",
        0,
    ),
    Case(
        "absurd_age",
        lambda r, i: _csv(r, "participants.csv", lambda f: _set(f, 0, "age", "300")),
        r"row 2, participant {p}: age is not an age in years between 10 and 100 \(found a number\)",
        0,
    ),
    Case(
        "invalid_sex",
        lambda r, i: _csv(r, "participants.csv", lambda f: _set(f, 0, "sex", "X")),
        r"row 2, participant {p}: sex is not F or M \(found text of 1 characters\)",
        0,
    ),
    Case(
        "height_in_metres",
        lambda r, i: _csv(r, "participants.csv", lambda f: _set(f, 0, "height_cm", "1.75")),
        r"row 2, participant {p}: height_cm is not a height in cm \(100-230\) \(found a number\)",
        0,
    ),
    # --- weekly reports and diagnoses --------------------------------------------------------------
    Case(
        "report_for_unknown_participant",
        lambda r, i: _csv(r, "weekly_reports.csv", lambda f: _set(f, 0, "participant_id", "NOBODY")),
        r"weekly_reports\.csv, row 2, participant NOBODY: participant is not in participants\.csv",
        "NOBODY",
        enrolled=False,
    ),
    Case(
        "report_before_enrolment",
        lambda r, i: _csv(
            r,
            "weekly_reports.csv",
            lambda f: (_set(f, 0, "report_date", "2000-01-01"), _set(f, 0, "participant_id", i[0])),
        ),
        r"weekly_reports\.csv, row 2, participant {p}: weekly report dated 2000-01-01 is before enrolment",
        0,
    ),
    Case(
        "report_answer_out_of_range",
        lambda r, i: _csv(
            r,
            "weekly_reports.csv",
            lambda f: (_set(f, 0, "q1_participation", "99"), _set(f, 0, "participant_id", i[0])),
        ),
        r"row 2, participant {p}: q1_participation is not an OSTRC-O2 code of this question "
        r"\(0, 8, 17, 25\) \(found a number\)",
        0,
    ),
    Case(
        "report_answer_not_a_code",
        lambda r, i: _report(r, i, q1_participation="8.5"),
        r"row 2, participant {p}: q1_participation is not an OSTRC-O2 code of this question",
        0,
    ),
    Case(
        "report_region_unknown",
        lambda r, i: _report(r, i, body_region="where it hurts"),
        r"row 2, participant {p}: body_region is not a known body region \(add the study's own words to "
        r"outcomes\.region_synonyms\) \(found text of 14 characters\)",
        0,
    ),
    Case(
        "report_region_in_other_words",  # valid: English and Czech synonyms of a canonical region
        lambda r, i: _report(r, i, body_region="Achillova šlacha"),
        None,
        0,
    ),
    Case(
        "reports_with_byte_order_mark_and_crlf",  # valid: what Excel writes
        lambda r, i: _rewrite_text(r, "weekly_reports.csv", lambda t: "\ufeff" + t.replace("\n", "\r\n")),
        None,
        None,
    ),
    Case(
        "participants_with_semicolons",  # valid: European Excel
        lambda r, i: _rewrite_text(r, "participants.csv", lambda t: t.replace(",", ";")),
        None,
        None,
    ),
    Case(
        "participants_ids_padded",  # valid: spaces around an id are not part of it
        lambda r, i: _csv(r, "participants.csv", lambda f: _set(f, 0, "participant_id", f"  {i[0]} ")),
        None,
        None,
    ),
    Case(
        "reports_with_quoted_newlines",  # valid: a note column over two lines, quoted as Excel writes it
        lambda r, i: _csv(r, "weekly_reports.csv", lambda f: f.insert(len(f.columns), "note", "one line\nand another")),
        None,
        None,
    ),
    Case(
        "fitbit_run_in_the_dst_gap",  # valid: 02:30 on the night Prague's clocks jump from 02:00 to 03:00
        lambda r, i: _fitbit(r, i, lambda rec: _first_run(rec).update(startTime="03/31/19 02:30:00")),
        None,
        0,
    ),
    Case(
        "participants_in_cp1250",
        lambda r, i: _rewrite_text(r, "participants.csv", lambda t: t.replace("\n", ",Plzeň\n", 2), "cp1250"),
        r"participants\.csv: not UTF-8 text \(byte \d+\); save it as UTF-8 CSV",
        None,
    ),
    Case(
        "participants_column_twice",
        lambda r, i: _rewrite_text(r, "participants.csv", lambda t: t.replace("\n", ",age\n", 1)),
        r"participants\.csv: column\(s\) \['age'\] appear more than once",
        None,
    ),
    Case(
        "participants_row_of_empty_fields",
        lambda r, i: _rewrite_text(r, "participants.csv", lambda t: t + ",,,,,,,\n"),
        r"participants\.csv, row \d+: every field of this row is empty",
        None,
    ),
    Case(
        "diagnosis_side_unknown",
        lambda r, i: _csv(r, "diagnoses.csv", lambda f: _append(f, [i[0], "2019-05-05", "banana", "M76.6", ""])),
        r"diagnoses\.csv, row \d+, participant {p}: side is not a known side",
        0,
    ),
    Case(
        "diagnosis_icd10_cm_subcode",  # valid: what clinics write for right-sided Achilles tendinitis
        lambda r, i: _csv(r, "diagnoses.csv", lambda f: _append(f, [i[0], "2019-05-05", "pravá", "M76.61", ""])),
        None,
        0,
    ),
    Case(
        "report_date_not_iso",
        lambda r, i: _csv(
            r,
            "weekly_reports.csv",
            lambda f: (_set(f, 0, "report_date", "31/12/2019"), _set(f, 0, "participant_id", i[0])),
        ),
        r"row 2, participant {p}: report_date is not a date YYYY-MM-DD \(found a date in another form\)",
        0,
    ),
    Case(
        "reports_missing_column",
        lambda r, i: _csv(r, "weekly_reports.csv", lambda f: f.drop(columns=["q4_symptoms"], inplace=True)),
        r"weekly_reports\.csv: missing column\(s\) \['q4_symptoms'\]",
        None,
    ),
    Case(
        "diagnosis_before_enrolment",
        lambda r, i: _csv(r, "diagnoses.csv", lambda f: _append(f, [i[0], "2001-05-05", "right", "M76.6", ""])),
        r"diagnoses\.csv, row \d+, participant {p}: diagnosis dated 2001-05-05 is before enrolment",
        0,
    ),
    Case(
        "diagnosis_for_unknown_participant",
        lambda r, i: _csv(r, "diagnoses.csv", lambda f: _append(f, ["GHOST", "2019-05-05", "left", "M76.6", ""])),
        r"diagnoses\.csv, row \d+, participant GHOST: participant is not in participants\.csv",
        "GHOST",
        enrolled=False,
    ),
    Case(
        "diagnosis_not_icd10",
        lambda r, i: _csv(r, "diagnoses.csv", lambda f: _append(f, [i[0], "2021-05-05", "left", "Achilles", ""])),
        r"participant {p}: icd10 is not an ICD-10 code such as M76\.6 \(found text of 8 characters\)",
        0,
    ),
    Case(
        "diagnosis_date_out_of_range",
        lambda r, i: _csv(r, "diagnoses.csv", lambda f: _append(f, [i[0], "2150-01-01", "left", "M76.6", ""])),
        r"participant {p}: diagnosis_date is not a date YYYY-MM-DD \(found a date in another form\)",
        0,
    ),
    # --- wearables ---------------------------------------------------------------------------------
    Case(
        "miles_without_unit",
        lambda r, i: _fitbit(r, i, lambda rec: _first_run(rec).pop("distanceUnit")),
        r"file fitbit-\d+, participant {p}: record \d+: the distance has no known distanceUnit \(found an empty cell\)",
        0,
    ),
    Case(
        "boolean_distance",
        lambda r, i: _fitbit(r, i, lambda rec: _first_run(rec).update(distance=True)),
        r"file fitbit-\d+, participant {p}: record \d+: distance is not a number \(found a yes/no value\)",
        0,
    ),
    Case(
        "negative_distance",
        lambda r, i: _fitbit(r, i, lambda rec: _first_run(rec).update(distance=-3.0)),
        r"file fitbit-\d+, participant {p}: record \d+: negative distance",
        0,
    ),
    Case(
        "absurd_distance_one_run",
        lambda r, i: _fitbit(r, i, lambda rec: _first_run(rec).update(distance=500.0)),
        r"file fitbit-\d+, participant {p}: record \d+: distance 500\.0 km is outside",
        0,
    ),
    Case(
        "absurd_distance_one_day",
        lambda r, i: _fitbit(r, i, _daily_excess),
        r"file fitbit-\d+, participant {p}: [\d.]+ km of running on \d{{4}}-\d\d-\d\d is more than",
        0,
    ),
    Case(
        "fitbit_not_utf8",
        lambda r, i: (r / "fitbit" / i[0] / "exercise-0.json").write_bytes(b"[\xff\xfe]"),
        r"file fitbit-\d+, participant {p}: not valid UTF-8 JSON",
        0,
    ),
    Case(
        "fitbit_upper_case_invalid_json",
        lambda r, i: (r / "fitbit" / i[0] / "EXERCISE-9.JSON").write_text('[{"logId": 1,'),
        r"file fitbit-\d+, participant {p}: not valid UTF-8 JSON",
        0,
    ),
    Case(
        "fitbit_invalid_json",
        lambda r, i: (r / "fitbit" / i[0] / "exercise-0.json").write_text('[{"logId": 1,'),
        r"file fitbit-\d+, participant {p}: not valid UTF-8 JSON",
        0,
    ),
    Case(
        "fitbit_start_time_unreadable",
        lambda r, i: _fitbit(r, i, lambda rec: _first_run(rec).update(startTime="yesterday")),
        r"file fitbit-\d+, participant {p}: record \d+: startTime is not a Fitbit date and time \(found text of 9",
        0,
    ),
    Case(
        "fitbit_not_a_list",
        lambda r, i: (r / "fitbit" / i[0] / "exercise-0.json").write_text('{"summary": 1}'),
        r"file fitbit-\d+, participant {p}: expected a JSON list",
        0,
    ),
    Case(
        "corrupt_fit",
        lambda r, i: _garmin(r, i, "garmin/fitdecode_invalid_activity-unexpected-eof.fit"),
        r"file garmin-\d+, participant {p}: corrupt or truncated FIT file",
        0,
    ),
    Case(
        "fit_without_dates",
        lambda r, i: _garmin(r, i, "garmin/fitdecode_compressed-speed-distance_fr70_run.fit"),
        r"file garmin-\d+, participant {p}: session 0 start_time is a device-relative counter",
        0,
    ),
    Case(
        "export_member_leaves_the_archive",
        lambda r, i: _export(r, i, {"../../run.fit": b"x"}),
        r"file garmin-\d+, participant {p}: member 1's path leaves the archive",
        0,
    ),
    Case(
        "export_zip_bomb",
        lambda r, i: _export(r, i, {"settings.json": b"{}", "run.fit": bytes(8_000_000)}),
        r"file garmin-\d+, participant {p}: member 2 unpacks to too much \(a zip bomb\)",
        0,
    ),
    Case(
        "export_member_unreadable",
        _damaged_export,
        r"file garmin-\d+, participant {p}: member 1 cannot be read",
        0,
    ),
    Case(
        "gzipped_fit_cut_short",
        lambda r, i: _garmin(r, i, text="\x1f\x8b\x08", name="run.fit.gz"),  # a gzip file cut short
        r"file garmin-\d+, participant {p}: a gzip file that cannot be unpacked",
        0,
    ),
    Case(
        "gpx_malformed",
        lambda r, i: _garmin(r, i, text="<gpx><trk><trkseg><trkpt lat='1'", name="run.gpx"),
        r"file garmin-\d+, participant {p}: not well-formed XML",
        0,
    ),
    Case(
        "gpx_point_without_latitude",
        lambda r, i: _garmin(
            r, i, text=GPX.format(point="<trkpt lon='14.4'><time>2019-03-04T07:00:00Z</time></trkpt>"), name="run.gpx"
        ),
        r"file garmin-\d+, participant {p}: track 0 point 1: latitude or longitude missing or not a number",
        0,
    ),
    Case(
        "gpx_time_yesterday",
        lambda r, i: _garmin(
            r, i, text=GPX.format(point="<trkpt lat='50.1' lon='14.4'><time>yesterday</time></trkpt>"), name="run.gpx"
        ),
        r"file garmin-\d+, participant {p}: track 0 point 1: time is not an ISO 8601 date and time",
        0,
    ),
    Case(
        "tcx_lap_without_start_time",
        lambda r, i: _garmin(r, i, text=TCX, name="run.tcx"),
        r"file garmin-\d+, participant {p}: activity 0 lap 0 StartTime has no time",
        0,
    ),
    Case(
        "fitabase_many_users",
        lambda r, i: (
            lambda d: (
                d.mkdir(parents=True),
                shutil.copy(REAL / "fitbit/fitabase_dailyActivity_merged_2016-04-12_2016-05-12.csv", d),
            )
        )(r / "fitabase" / i[0]),
        r"file fitabase-\d+, participant {p}: holds 33 Fitabase Ids",
        0,
    ),
]
