"""Studies too small or too odd to model, and a study made of other people's real files: every rule
either succeeds or ends with one clear message, and the flow accounts for everyone."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import ezc3d
import pandas as pd
import pydicom
import pytest
import yaml
from bad_input.corpus import build_study
from real_files import real_path
from workflow_runner import copy_workflow, run_snakemake

from runrisk.cohort.outcomes import MISSING_TERM_BOX, QUARANTINE_BOXES
from runrisk.cohort.reasons import FEW_WEEKS_BOX, NO_STANCE_BOX
from runrisk.ids import key_fingerprint, pseudonymise
from runrisk.io.fitabase import read_fitabase_daily
from runrisk.io.garmin import read_fit, read_gpx, read_tcx
from runrisk.io.tables import write_table
from runrisk.stats.sensitivity import SCANNED, SCANNED_WITH_TENDON

pytestmark = pytest.mark.slow
TOO_SMALL = "a model needs cases and controls|no participant was analysed|parameters cannot be estimated from"
TZ = "Europe/Prague"
MODEL_RULES = ("fit_model", "fit_timevarying", "ph_test", "validate_model", "sensitivity")
QUICK = {  # the planning study and the bootstrap are not what these tests are about
    "validation": {"bootstrap_repetitions": 5},
    "montecarlo": {"repetitions": 2, "sizes": [60]},
}


def study_dir(tmp_path: Path, raw: Path, **config) -> Path:
    workdir = copy_workflow(tmp_path)
    settings = {"study": {"name": "small", "timezone": TZ}, "raw_dir": str(raw), **QUICK, **config}
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(settings))
    return workdir


def no_traceback(workdir: Path, stderr: str) -> None:
    assert "Traceback (most recent call last)" not in stderr
    for log in (workdir / "logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(), log


def flow(workdir: Path) -> pd.DataFrame:
    table = pd.read_parquet(workdir / "results/tables/flow.parquet")
    enrolled = table.loc[table["box"] == "enrolled", "n"].iloc[0]
    boxes = table[~table["box"].isin(["enrolled"]) & ~table["box"].str.startswith("not enrolled")]
    assert boxes["n"].sum() == enrolled
    return table.set_index("box")["n"]


# --- a five-participant pilot: nobody to model ---------------------------------------------------------


@pytest.fixture(scope="module")
def pilot_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("pilot") / "raw"
    build_study(raw, n=5)
    return raw


def test_a_pilot_study_stops_each_model_with_its_reason(pilot_raw, tmp_path):
    workdir = study_dir(tmp_path / "stop", pilot_raw)
    result = run_snakemake(workdir, 2, "--keep-going")
    assert result.returncode != 0
    no_traceback(workdir, result.stderr)
    analysis = pd.read_parquet(workdir / "results/tables/analysis.parquet")
    n, events = len(analysis), int((analysis["status"] == "case").sum())
    expected = {
        "logs/models/logistic.log": "logistic",
        "logs/models/firth.log": "firth",
        "logs/models/cox.log": "cox",
        "logs/models/ph_test.log": "ph_test",
        "logs/models/cox_timevarying.log": "cox_timevarying",
        "logs/models/validation.log": "validation (firth)",
        "logs/models/sensitivity.log": "firth",
    }
    for log, model in expected.items():
        text = (workdir / log).read_text()
        assert re.search(rf"ERROR runrisk: {re.escape(model)}: {n} analysed, {events} events, ", text), (log, text)
        assert re.search(TOO_SMALL, text), text
    # the figure that needs no model still draws what there is
    assert (workdir / "results/figures/km_volume_groups.png").stat().st_size > 5000


def test_a_pilot_study_reports_what_it_could_not_fit(pilot_raw, tmp_path):
    workdir = study_dir(tmp_path / "report", pilot_raw, models={"on_unfittable": "report"})
    result = run_snakemake(workdir, 2)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "results are in " in result.stdout and "--report report.html" in result.stdout
    assert "follow the squad" not in result.stdout  # a study without a squad is not told about one
    no_traceback(workdir, result.stderr)
    flow(workdir)
    for name in ("logistic", "firth", "cox", "cox_timevarying", "sensitivity"):
        table = pd.read_parquet(workdir / f"results/models/{name}.parquet")
        assert (table["status"] == "not fitted").all() and table["ratio"].isna().all(), name
        assert re.search(TOO_SMALL, table["reason"].iloc[0]), name
    assert (pd.read_parquet(workdir / "results/models/ph_test.parquet")["status"] == "not fitted").all()
    assert (pd.read_parquet(workdir / "results/models/validation.parquet")["status"] == "not fitted").all()
    report = pd.read_csv(workdir / "results/report/firth.csv")
    assert (report["status"] == "not fitted").all()
    for figure in ("forest", "calibration", "decision_curve", "sensitivity"):
        assert (workdir / f"results/figures/{figure}.png").stat().st_size > 5000
    every_rule_after_the_analysis_on_0_1_and_2_participants(workdir)


def every_rule_after_the_analysis_on_0_1_and_2_participants(workdir: Path) -> None:
    """Every rule after the analysis on 0, 1 and 2 analysed participants: a table that says "not fitted"
    with on_unfittable report, one clear line per model with stop, never a traceback. Nobody analysed is
    the analysis as the outcomes rule writes it when everyone is excluded and one participants.csv row is
    quarantined (its stub typed `runner` as object: the sensitivity rule then died with KeyError 'event');
    1 and 2 are the first rows of the full analysis."""
    full = pd.read_parquet(workdir / "results/tables/analysis.parquet")
    config_path = workdir / "config" / "config.yaml"
    settings = yaml.safe_load(config_path.read_text())
    participants_csv = Path(settings["raw_dir"]) / "participants.csv"
    rows = participants_csv.read_text()
    # Nobody analysed comes last: its bad participants.csv row makes Snakemake rebuild the analysis
    for n, mode in [(n, mode) for n in (1, 2, 0) for mode in ("report", "stop")]:
        study = {**settings, "models": {"on_unfittable": mode}}
        if n == 0:
            study |= {"on_bad_input": "quarantine", "outcomes": {"min_valid_stances": 99}}
            participants_csv.write_text(rows + "X99,not an age,F,170,60,yes,no,2019-01-07\n")
        config_path.write_text(yaml.safe_dump(study))
        if n > 0:  # participants.csv untouched so far: rewriting it would make Snakemake rebuild the analysis
            write_table(full.head(n), workdir / "results/tables/analysis.parquet")
        result = run_snakemake(workdir, 2, "--keep-going")
        no_traceback(workdir, result.stderr)
        if n == 0:
            assert pd.read_parquet(workdir / "results/tables/analysis.parquet").empty
        if mode == "report":
            assert result.returncode == 0, (n, result.stderr[-3000:])
            for name in ("logistic", "firth", "cox", "cox_timevarying", "ph_test", "validation", "sensitivity"):
                table = pd.read_parquet(workdir / f"results/models/{name}.parquet")
                assert (table["status"] == "not fitted").all(), (n, name)
            assert (workdir / "results/models/screening_model.json").exists()
        else:
            assert result.returncode != 0
            for log in ("cox_timevarying", "sensitivity"):
                text = (workdir / f"logs/models/{log}.log").read_text()
                assert re.search(rf"ERROR runrisk: \w+: {n} analysed, ", text), (n, log, text)
                assert "models.on_unfittable: report" in text, text  # the setting that makes it a report
    participants_csv.write_text(rows)


# --- a study made of public real files ---------------------------------------------------------------

REAL_TRIALS = {  # participant -> (source file, name in the study)
    "R01": ("btk_PiG_Motion3_noFF.c3d", "walk_01.C3D"),  # Nexus outputs labelled ...V, upper-case extension
    "R02": ("btk_PiG_Motion3_noFF.c3d", "walk_01.c3d"),  # the same trial with plain labels (written below)
    "R03": ("pyorerun_Running_0002.c3d", "run_01.c3d"),  # Qualisys: RHeel/RMT1, no model outputs
    "R04": ("btk_PiG_Motion-FlatFoot-Full.c3d", "walk_01.c3d"),
    "R05": ("btk_sample09_PlugInC3D.c3d", "walk_01.c3d"),
    "R06": ("btk_MotionAnalysis_Gait.c3d", "walk_01.c3d"),  # markers only
    "R07": ("Sample02_dec_int.c3d", "walk_01.c3d"),  # DEC processor, no foot markers
    "R08": ("btk_Codamotion_ADemo1_pc_float.c3d", "trial.c3d"),  # R.Heel / R.Toe
    "R09": ("Sample01_Eb015pr.c3d", "walk_01.c3d"),
}
REAL_WEARABLES = {  # participant -> (folder, source file, name in the study)
    "R01": ("garmin", "fitdecode_activity-small-fenix2-run.fit", "run.FIT"),
    "R02": ("garmin", "slither_running_fr45.fit", "run.fit"),
    "R03": ("garmin", "slither_running_runtastic.tcx", "run.tcx"),
    "R04": ("fitabase", "fitabase_dailyActivity_merged_2016-04-12_2016-05-12.csv", "dailyActivity.CSV"),  # one Id
    "R05": ("garmin", "slither_running_polar_m400.gpx", "run.gpx"),
    "R06": ("garmin", "fitdecode_activity-large-fenix2-multisport.fit", "multisport.fit"),
    "R07": ("garmin", "fitdecode_garmin-fenix-5-run.fit", "run.fit"),
    "R08": ("garmin", "fitdecode_garmin-fenix-5-walk.fit", "walk.fit"),
    "R09": ("garmin", "fitdecode_compressed-speed-distance_fr70_run.fit", "run.fit"),  # device-time stamps: bad
}
BAD = "R09"
CASES = ("R01", "R05")


def copy_wearable(source: str, folder: str, destination: Path) -> None:
    """A real wearable file into the study; a Fitabase export of many users becomes the first user's."""
    if folder != "fitabase":
        shutil.copy(real_path(f"{folder}/{source}"), destination)
        return
    frame = pd.read_csv(real_path(f"fitbit/{source}"), dtype=str)
    frame[frame["Id"] == frame["Id"].iloc[0]].to_csv(destination, index=False)


def first_local_date(path: Path, raw_id: str) -> dt.date:
    tz = ZoneInfo(TZ)
    suffix = path.suffix.lower()
    if suffix == ".fit":
        rows = read_fit(path, raw_id, tz)
    elif suffix == ".tcx":
        rows = read_tcx(path, raw_id, tz)
    elif suffix == ".gpx":
        rows = read_gpx(path, raw_id, tz, "running")
    else:
        rows = read_fitabase_daily(path, raw_id, tz, "VeryActiveDistance")
    return min(pd.Timestamp(r["local_date"]).date() for r in rows)


def without_v_suffix(source: Path, destination: Path) -> None:
    c3d = ezc3d.c3d(str(source))
    point = c3d["parameters"]["POINT"]
    for key in ("LABELS", "ANGLES", "LABELS2"):
        if key in point:
            point[key]["value"] = [label[:-1] if label.endswith("V") else label for label in point[key]["value"]]
    c3d.write(str(destination))


def build_real_study(raw: Path) -> None:
    for raw_id, (source, name) in REAL_TRIALS.items():
        (raw / "c3d" / raw_id).mkdir(parents=True)
        shutil.copy(real_path(f"c3d/{source}"), raw / "c3d" / raw_id / name)
    without_v_suffix(real_path(f"c3d/{REAL_TRIALS['R02'][0]}"), raw / "c3d" / "R02" / REAL_TRIALS["R02"][1])
    rows, reports, diagnoses = [], [], []
    for i, (raw_id, (folder, source, name)) in enumerate(REAL_WEARABLES.items()):
        (raw / folder / raw_id).mkdir(parents=True)
        copy_wearable(source, folder, raw / folder / raw_id / name)
        start = dt.date(2019, 3, 4) if raw_id == BAD else first_local_date(raw / folder / raw_id / name, raw_id)
        enrolment = start - dt.timedelta(days=10)
        rows.append(f"{raw_id},{30 + 3 * i},{'FM'[i % 2]},{165 + i},{60 + 2 * i},yes,no,{enrolment}")
        reports.append(f"{raw_id},{enrolment + dt.timedelta(days=14)},0,0,0,0,")
        if raw_id in CASES:
            reports.append(f"{raw_id},{enrolment + dt.timedelta(days=35)},8,6,6,8,achilles")
            diagnoses.append(f"{raw_id},{enrolment + dt.timedelta(days=42)},right,M76.6")
    header = "participant_id,age,sex,height_cm,body_mass_kg,runner,prior_achilles_problems,enrolment_date"
    (raw / "participants.csv").write_text("\n".join([header, *rows]) + "\n")
    (raw / "weekly_reports.csv").write_text(
        "participant_id,report_date,q1_participation,q2_training_volume,q3_performance,q4_symptoms,body_region\n"
        + "\n".join(reports)
        + "\n"
    )
    (raw / "diagnoses.csv").write_text("participant_id,diagnosis_date,side,icd10\n" + "\n".join(diagnoses) + "\n")


@pytest.fixture(scope="module")
def real_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("real") / "raw"
    build_real_study(raw)
    return raw


WALKING_LAB = {"biomechanics": {"max_stance_s": 1.5}, "exposure": {"min_worn_weeks": 1}}


def real_study(tmp_path: Path, raw: Path, mode: str) -> tuple[Path, object]:
    workdir = study_dir(tmp_path, raw, on_bad_input=mode, models={"on_unfittable": "report"}, **WALKING_LAB)
    result = run_snakemake(workdir, 2, "--keep-going")
    no_traceback(workdir, result.stderr)
    return workdir, result


@pytest.fixture(scope="module")
def real_run(real_raw, tmp_path_factory) -> Path:
    workdir, result = real_study(tmp_path_factory.mktemp("real-quarantine"), real_raw, "quarantine")
    assert result.returncode == 0, result.stderr[-4000:]
    (workdir / "terminal.txt").write_text(result.stdout + result.stderr)  # what the study team saw
    return workdir


def test_the_run_ends_by_saying_why_each_excluded_participant_was_excluded(real_run):
    said = (real_run / "terminal.txt").read_text()
    summary = said[said.index("runrisk: participant flow of small") :]
    outcomes = pd.read_parquet(real_run / "results/tables/outcomes.parquet")
    excluded = outcomes[outcomes["status"] == "excluded"]
    assert len(excluded) >= 2
    for row in excluded.itertuples():  # a small study names each by pseudonym under its box, with a reason
        box_line = next(i for i, line in enumerate(summary.splitlines()) if line.strip().startswith(row.box))
        reasons = summary.splitlines()[box_line + 1 :]
        assert any(row.participant_id in line for line in reasons[: 1 + (excluded["box"] == row.box).sum()])
    quarantined = pseudonymise(BAD)
    assert re.search(rf"wearables: .*device-relative.*\({quarantined}\)", summary)
    assert "results are in " in said and "--report report.html" in said
    exclusions = pd.read_csv(real_run / "results/report/exclusions.csv")
    assert set(exclusions["participant_id"]) == set(excluded["participant_id"])
    assert (exclusions["reason"].str.len() > 0).all()
    assert not re.search(r"^WARNING runrisk.cohort.shards: participant", said, flags=re.MULTILINE)
    manifest = json.loads((real_run / "results/provenance/manifest.json").read_text())
    assert manifest["pseudonym_key"] == {"fingerprint": key_fingerprint(), "demo": False}


def test_the_intake_check_foresees_the_runs_exclusions(real_run):
    runrisk = str(Path(sys.executable).with_name("runrisk"))
    result = subprocess.run([runrisk, "check", "--cores", "2"], cwd=real_run, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    intake = pd.read_csv(real_run / "results/report/intake.csv", keep_default_na=False).set_index("participant_id")
    outcomes = pd.read_parquet(real_run / "results/tables/outcomes.parquet").set_index("participant_id")
    foreseen = {
        **dict.fromkeys(QUARANTINE_BOXES.values(), "set aside (quarantine)"),
        NO_STANCE_BOX: NO_STANCE_BOX,
        FEW_WEEKS_BOX: FEW_WEEKS_BOX,
    }
    for pseudonym, box in outcomes["box"].items():
        assert intake.loc[pseudonym, "outlook"] == foreseen.get(box, "ready"), (pseudonym, box, intake.loc[pseudonym])
    for raw_id in REAL_TRIALS:
        assert f"  {raw_id}: " in result.stdout or intake.loc[pseudonymise(raw_id), "reasons"] == ""


def test_stop_mode_names_the_bad_real_file(real_raw, tmp_path):
    workdir, result = real_study(tmp_path, real_raw, "stop")
    assert result.returncode != 0
    logs = "".join(p.read_text() for p in (workdir / "logs/exposure").glob("activities-*.log"))
    assert re.search(rf"bad input: file garmin-1, participant {BAD}: session 0 start_time is a device-relative", logs)


def stances_of(workdir: Path, raw_id: str) -> pd.DataFrame:
    stances = pd.read_parquet(workdir / "results/tables/stances.parquet")
    return stances[stances["participant_id"] == pseudonymise(raw_id)].reset_index(drop=True)


def test_the_real_files_study_accounts_for_everyone(real_run):
    boxes = flow(real_run)
    assert boxes["enrolled"] == len(REAL_TRIALS)
    assert boxes[QUARANTINE_BOXES["wearable"]] == 1  # its FIT file: every analysis counts its exposure
    quarantine = pd.read_parquet(real_run / "results/tables/quarantine.parquet")
    assert list(quarantine["participant_id"]) == [pseudonymise(BAD)]
    assert list(quarantine["modality"]) == ["wearable"]
    for table in ("activities", "weekly_volume", "exposure", "stances", "trials", "biomechanics"):
        rows = pd.read_parquet(real_run / f"results/tables/{table}.parquet")
        assert pseudonymise(BAD) not in set(rows["participant_id"]), table
    outcomes = pd.read_parquet(real_run / "results/tables/outcomes.parquet").set_index("participant_id")
    assert outcomes.loc[pseudonymise("R03"), "box"] == "excluded: no valid stance on the primary limb"
    analysed = outcomes["status"] != "excluded"
    assert (outcomes.loc[analysed, "missing_terms"] == "").all()
    assert boxes[MISSING_TERM_BOX] == (outcomes["box"] == MISSING_TERM_BOX).sum()


def test_upper_case_extensions_are_read(real_run):
    trials = pd.read_parquet(real_run / "results/tables/trials.parquet")
    activities = pd.read_parquet(real_run / "results/tables/activities.parquet")
    assert pseudonymise("R01") in set(trials["participant_id"])
    assert {pseudonymise("R01"), pseudonymise("R04")} <= set(activities["participant_id"])


def test_v_suffixed_labels_give_the_peaks_of_plain_labels(real_run):
    suffixed, plain = stances_of(real_run, "R01"), stances_of(real_run, "R02")
    assert len(suffixed) == len(plain) > 0
    peaks = [c for c in suffixed.columns if c.endswith("_peak")]
    pd.testing.assert_frame_equal(suffixed[peaks], plain[peaks])
    assert suffixed["ankle_external_rotation_peak"].notna().any()
    trials = pd.read_parquet(real_run / "results/tables/trials.parquet").set_index("participant_id")
    assert "LAnkleAngles=LAnkleAnglesV" in trials.loc[pseudonymise("R01"), "signal_labels"]
    assert "LAnkleAngles=LAnkleAngles;" in trials.loc[pseudonymise("R02"), "signal_labels"]


def test_the_qualisys_trial_finds_its_foot_and_says_what_is_missing(real_run):
    stances = stances_of(real_run, "R03")
    loaded = stances[stances["side"] != ""]
    assert list(loaded["side"]) == ["R"]
    assert loaded["qc_reason"].iloc[0].startswith("missing signal(s) RAnkleAngles, RAnkleMoment")
    assert 0 < loaded["strike_index_pct"].iloc[0] < 100
    trials = pd.read_parquet(real_run / "results/tables/trials.parquet").set_index("participant_id")
    assert "RHEE=RHeel; RTOE=RMT1" in trials.loc[pseudonymise("R03"), "signal_labels"]


def test_models_of_the_real_files_study_fit_or_say_why(real_run):
    for name in ("logistic", "firth", "cox", "cox_timevarying"):
        table = pd.read_parquet(real_run / f"results/models/{name}.parquet")
        assert set(table["status"]) <= {"fitted", "not fitted"}
        fitted = table["status"] == "fitted"
        assert table.loc[~fitted, "reason"].str.contains(r"\d+ analysed, \d+ events").all()
        assert table.loc[fitted, "ratio"].notna().all()


# --- a study with baseline tendon MRI -----------------------------------------------------------------


def test_a_study_with_tendon_mri_measures_quarantines_and_never_leaks_the_headers(tmp_path):
    """Six participants in shards of two: a scanner's classic DICOM series with a NIfTI mask, the
    radiologist's measurements, a series whose files name two patients (quarantined), an Enhanced MR object
    with a DICOM-SEG named by its UID, one without MRI, and a NIfTI series whose ROI holds negative signal
    (a processed series: quarantined). The tendon table holds what each gave, the report's tendon table
    counts them, the sensitivity analyses refit on the scanned, the flow shows the quarantined ones and the
    abnormal tendon the study excludes, and no DICOM patient field reaches any output or log."""
    import nibabel
    import numpy as np

    from runrisk.io import mri
    from runrisk.simulate.mri_writer import (
        Patient,
        Phantom,
        dicom_affine_ras,
        write_dicom_seg,
        write_dicom_series,
        write_enhanced_series,
    )

    raw = tmp_path / "raw"
    ids = build_study(raw, n=6)
    phantom, patient = Phantom(t2star_ms=11.0, snr=40.0), Patient()
    scanned = raw / "mri" / ids[0]
    write_dicom_series(scanned, phantom.magnitudes(np.random.default_rng(1)), phantom, patient, seed=1)
    mask = nibabel.Nifti1Image(phantom.tendon_mask().astype(np.uint8), dicom_affine_ras(phantom))
    nibabel.save(mask, scanned / "tendon_mask.nii.gz")
    phases = np.random.default_rng(5).uniform(0, 4095, phantom.magnitudes(np.random.default_rng(1)).shape)
    phase_files = write_dicom_series(  # the scanner's phase images in the same series (ImageType P)
        scanned, phases, phantom, patient, seed=1, scale=1.0, image_type=("ORIGINAL", "PRIMARY", "P", "ND"), prefix="PH"
    )
    measured = raw / "mri" / ids[1]
    measured.mkdir(parents=True)
    (measured / "tendon_measurements.csv").write_text(
        f"participant,thickness_mm,csa_mm2,t2star_ms,abnormal\n{ids[1]},5.2,61.0,9.4,no\n"
    )
    two_patients = raw / "mri" / ids[2]
    files = write_dicom_series(two_patients, phantom.magnitudes(np.random.default_rng(2)), phantom, patient, seed=2)
    other = pydicom.dcmread(files[3])
    other.PatientID = "PLANTED-OTHER-99"
    other.save_as(files[3])
    shutil.copyfile(scanned / "tendon_mask.nii.gz", two_patients / "tendon_mask.nii.gz")
    enhanced, thin = raw / "mri" / ids[3], Phantom(t2star_ms=14.0, thickness_mm=5.0, snr=40.0)
    magnitudes = thin.magnitudes(np.random.default_rng(3))
    write_enhanced_series(enhanced / "1.3.12.2.1107.5.2.43.1", magnitudes, thin, patient, seed=3)
    sources = write_dicom_series(tmp_path / "classic", magnitudes, thin, patient, seed=3)  # what the SEG references
    write_dicom_seg(enhanced / "1.2.826.0.1.3680043.2.1143.9", sources, thin.tendon_mask(), seed=3)
    processed = raw / "mri" / ids[5]
    processed.mkdir(parents=True)
    signed = phantom.magnitudes(np.random.default_rng(4)) - 300.0  # an offset subtracted: late echoes negative
    nibabel.save(nibabel.Nifti1Image(signed.astype(np.float32), dicom_affine_ras(phantom)), processed / "me.nii.gz")
    (processed / "me.json").write_text(json.dumps({"EchoTime": [t / 1000 for t in phantom.echo_times_ms]}))
    shutil.copyfile(scanned / "tendon_mask.nii.gz", processed / "tendon_mask.nii.gz")
    terms = [
        {"column": "t2star_median_ms", "label": "Tendon T2* (per SD)", "scale": "sd"},
        {"column": "age", "label": "Age (per 10 years)", "scale": 10},
    ]
    workdir = study_dir(
        tmp_path / "run",
        raw,
        on_bad_input="quarantine",
        shard_size=2,
        models={"on_unfittable": "report", "terms": terms},
        tendon={"abnormal": {"exclude": True, "thickness_mm": 5.5}},  # the phantom's 6 mm, not the radiologist's 5.2
    )
    result = run_snakemake(workdir, 2)
    assert result.returncode == 0, result.stderr[-3000:]
    no_traceback(workdir, result.stderr)
    tendon = pd.read_parquet(workdir / "results/tables/tendon.parquet").set_index("participant_id")
    classic, radiologist, enhanced_row = (tendon.loc[pseudonymise(ids[i])] for i in (0, 1, 3))
    assert classic["source"] == enhanced_row["source"] == "images" and radiologist["source"] == "radiologist"
    assert abs(classic["t2star_median_ms"] / 11.0 - 1) < 0.03 and classic["echoes"] == len(phantom.echo_times_ms)
    phase_labels = sorted(mri.label_of(p, scanned) for p in phase_files)
    assert classic["files_not_used"].startswith(f"{phase_labels[0]} to {phase_labels[-1]}: phase images")
    assert radiologist["files_not_used"] == enhanced_row["files_not_used"] == ""
    assert abs(enhanced_row["t2star_median_ms"] / 14.0 - 1) < 0.03
    assert abs(enhanced_row["thickness_max_mm"] - 5.0) <= thin.pixel_mm
    assert radiologist["thickness_max_mm"] == 5.2 and not radiologist["abnormal"]
    summary = pd.read_csv(workdir / "results/report/tendon.csv")
    t2star = summary[summary["measure"] == "ROI median T2* (ms)"].set_index("source")
    assert t2star.loc["images", "scans"] == 2 and t2star.loc["radiologist", "scans"] == 1
    images = tendon.loc[tendon["source"] == "images", "t2star_median_ms"]
    assert t2star.loc["images", "median"] == pytest.approx(images.median(), rel=1e-5)  # CSV keeps 6 digits
    sensitivity = pd.read_parquet(workdir / "results/models/sensitivity.parquet")
    refits = sensitivity[sensitivity["analysis"].str.startswith("scanned at baseline")]
    assert set(refits["analysis"]) == {SCANNED, SCANNED_WITH_TENDON}
    with_tendon = refits[refits["analysis"].str.contains("with tendon")]
    assert "thickness_max_mm" in set(with_tendon["term"]) and set(refits["n"]) <= {0, 1, 2, 3}
    quarantine = pd.read_parquet(workdir / "results/tables/quarantine.parquet")
    mri_rows = quarantine[quarantine["stage"] == "mri"].set_index("participant_id")
    assert len(mri_rows) == 2 and "more than one patient" in mri_rows.at[pseudonymise(ids[2]), "reason"]
    negative = mri_rows.loc[pseudonymise(ids[5])]  # me.json is mri-1, the series me.nii.gz mri-2
    assert negative["file"] == "mri-2"
    assert re.search(r"\d+ of \d+ ROI voxels have a NaN or negative", negative["reason"])
    assert len(list((workdir / "results/shards/tendon").glob("shard-*.parquet"))) == 3  # one job per shard
    assert set(tendon.index) == {pseudonymise(ids[i]) for i in (0, 1, 3)}  # the quarantined leave no row
    boxes = flow(workdir)
    assert boxes["excluded: abnormal Achilles tendon at the baseline MRI"] == 1
    assert boxes[QUARANTINE_BOXES["mri"]] == 2  # this analysis uses the MRI: it excludes abnormal tendons
    outcomes = pd.read_parquet(workdir / "results/tables/outcomes.parquet").set_index("participant_id")
    assert outcomes.loc[pseudonymise(ids[0]), "box"] == "excluded: abnormal Achilles tendon at the baseline MRI"
    planted = [patient.name, patient.patient_id, patient.birth_date, patient.institution, patient.accession]
    planted += [patient.physician, "1.3.12.2.1107", "1.2.826.0.1.3680043"]  # file names built of UIDs
    planted += ["PLANTED-OTHER-99", "Planted"]
    for path in [*(workdir / "results").rglob("*"), *(workdir / "logs").rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert not any(p.encode() in data for p in planted), path
