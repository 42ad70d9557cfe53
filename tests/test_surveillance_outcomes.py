import warnings
from dataclasses import replace

import pandas as pd
import pytest
from workflow_runner import schema_defaults

from runrisk.cohort.exposure import exposure_summary, exposure_under
from runrisk.cohort.outcomes import (
    CASE_BOX,
    CONTROL_BOX,
    EXCLUSION_BOXES,
    MISSING_TERM_BOX,
    QUARANTINE_BOX,
    QUARANTINE_BOXES,
    SENSITIVITY_VARIANTS,
    WITH_MISSING_BIOMECHANICS,
    OutcomeRules,
    abnormal_tendon,
    analysis_frame,
    classify,
    complained_without_diagnosis,
    enrolled_with_quarantined,
    flow_table,
    is_case_code,
    onset_weeks,
)
from runrisk.errors import InputError, StudyError
from runrisk.ids import pseudonymise
from runrisk.io import vocabulary
from runrisk.io.quarantine import Quarantine, records_frame, set_aside, set_aside_by_modality
from runrisk.io.surveillance import read_diagnoses, read_participants, read_weekly_reports
from runrisk.io.tables import read_table, write_table
from runrisk.stats.sensitivity import sensitivity_tables
from runrisk.stats.settings import SensitivitySettings
from runrisk.stats.terms import terms_of

DEFAULTS = schema_defaults()
REGIONS = vocabulary.regions(DEFAULTS["outcomes"]["region_synonyms"])
SIDES = vocabulary.sides(DEFAULTS["outcomes"]["side_synonyms"])
RULES = OutcomeRules.from_config(DEFAULTS["outcomes"], DEFAULTS["exposure"], ("age", "ankle_external_rotation_peak"))
HEADER = "participant_id,age,sex,height_cm,body_mass_kg,runner,prior_achilles_problems,enrolment_date,name\n"


def _participants(tmp_path, rows):
    path = tmp_path / "participants.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


GOOD = ["A1,30,F,165,60,yes,no,2019-03-04,Jane Roe\n", "A2,41,M,180,80,no,yes,2019-04-01,John Doe\n"]


def test_participants_are_pseudonymised_and_identifiers_dropped(tmp_path):
    participants = read_participants(_participants(tmp_path, GOOD))
    assert list(participants["participant_id"]) == [pseudonymise("A1"), pseudonymise("A2")]
    assert "name" not in participants.columns
    assert participants["height_m"].tolist() == [1.65, 1.80]
    assert participants["prior_achilles"].tolist() == [False, True]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([GOOD[0], GOOD[0]], "appears more than once"),
        (["A1,30,X,165,60,yes,no,2019-03-04,\n"], r"row 2, participant A1: sex is not F or M \(found text of 1"),
        (["A1,30,F,165,60,maybe,no,2019-03-04,\n"], r"row 2, participant A1: runner is not yes/no \(found text of 5"),
        (["A1,30,F,165,60,yes,no,04/03/2019,\n"], r"enrolment_date is not a date .* \(found a date in another form\)"),
        (["A1,300,F,165,60,yes,no,2019-03-04,\n"], r"age is not an age in years between 10 and 100 \(found a number\)"),
    ],
)
def test_bad_participant_rows_name_row_participant_and_reason(tmp_path, rows, message):
    with pytest.raises(InputError, match=message):
        read_participants(_participants(tmp_path, rows))


def test_missing_column_and_non_utf8_are_clear(tmp_path):
    path = tmp_path / "participants.csv"
    path.write_text("participant_id,age\nA1,30\n")
    with pytest.raises(InputError, match=r"participants.csv: missing column\(s\) \['sex'"):
        read_participants(path)
    path.write_bytes(HEADER.encode() + "A1,30,F,165,60,yes,no,2019-03-04,Jürgen\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_participants(path)


def test_reports_and_diagnoses_validate_against_participants(tmp_path):
    participants = read_participants(_participants(tmp_path, GOOD))
    reports = tmp_path / "weekly_reports.csv"
    reports.write_text(
        "participant_id,report_date,q1_participation,q2_training_volume,q3_performance,q4_symptoms,body_region\n"
        "A1,2019-03-10,8,6,0,8,Achilles\nZZ,2019-03-10,0,0,0,0,\n"
    )
    with pytest.raises(InputError, match="row 3, participant ZZ: participant is not in participants.csv"):
        read_weekly_reports(reports, participants, REGIONS)
    diagnoses = tmp_path / "diagnoses.csv"
    diagnoses.write_text("participant_id,diagnosis_date,side,icd10\nA2,2019-01-02,right,M76.6\n")
    with pytest.raises(InputError, match="participant A2: diagnosis dated 2019-01-02 is before enrolment"):
        read_diagnoses(diagnoses, participants, SIDES)


def _frames():
    ids = [f"p{i}" for i in range(8)]
    enrol = pd.Timestamp("2019-01-07")
    participants = pd.DataFrame(
        {
            "participant_id": ids,
            "enrolment_date": enrol,
            "prior_achilles": [False, False, False, True, False, True, False, False],
            "age": 40.0,
            "sex": "F",
            "runner": True,
        }
    )
    # p7's lab files gave no ankle rotation: a model term is missing
    rotation = [10.0, 11.0, 12.0, 9.0, 8.0, 10.0, float("nan")]
    biomechanics = pd.DataFrame({"participant_id": ids[1:], "n_stances": 3, "ankle_external_rotation_peak": rotation})
    exposure = pd.DataFrame(
        {
            "participant_id": ids,
            "weeks_worn": [40, 40, 2, 40, 40, 40, 40, 40],
            "last_worn_week": [52, 52, 5, 52, 30, 52, 52, 52],
        }
    )
    reports = pd.DataFrame(
        {
            "participant_id": ["p4", "p6"],
            "report_date": [enrol + pd.Timedelta(days=20)] * 2,
            "severity": [30, 10],
            "body_region": ["ankle", "knee"],
        }
    )
    diagnoses = pd.DataFrame(
        {
            "participant_id": ["p5", "p6"],
            "diagnosis_date": [enrol + pd.Timedelta(days=70), enrol + pd.Timedelta(days=400)],
            "icd10": ["M76.6", "M76.6"],
        }
    )
    return participants, biomechanics, exposure, reports, diagnoses


def test_every_participant_lands_in_exactly_one_box():
    outcomes = classify(*_frames(), RULES, quarantined=frozenset({"p1"})).set_index("participant_id")
    assert outcomes.loc["p1", "box"] == EXCLUSION_BOXES[0] == QUARANTINE_BOX
    assert outcomes.loc["p0", "box"] == EXCLUSION_BOXES[1]  # no stance
    assert outcomes.loc["p2", "box"] == EXCLUSION_BOXES[2]  # wore the device 2 weeks
    assert outcomes.loc["p7", "box"] == EXCLUSION_BOXES[3] == MISSING_TERM_BOX
    assert outcomes.loc["p7", "missing_terms"] == "ankle_external_rotation_peak"
    assert outcomes.loc["p3", "box"] == EXCLUSION_BOXES[4]  # prior Achilles problems
    assert outcomes.loc["p4", "box"] == EXCLUSION_BOXES[5]  # ankle complaint, no diagnosis
    assert outcomes.loc["p5", "box"] == CASE_BOX  # prior problems do not remove a case
    assert outcomes.loc["p5", "event_week"] == 11 and outcomes.loc["p5", "follow_up_weeks"] == 11
    assert outcomes.loc["p6", "box"] == CONTROL_BOX  # knee complaint; diagnosis after 52 weeks
    flow = flow_table(outcomes.reset_index())
    assert flow.loc[0, "n"] == 8 and flow.loc[1:, "n"].sum() == 8


def test_bad_input_of_one_modality_sets_aside_what_depends_on_it():
    """An MRI file the primary analysis does not use costs the participant nothing there; bad lab trials
    exclude them from the analyses that need a stance only; a bad record or wearable file from all."""
    quarantine = Quarantine()
    for raw_id, stage, label in [("p5", "mri", "mri-1"), ("p6", "trials", "c3d-1"), ("p4", "wearables", "garmin-1")]:
        quarantine.add(InputError(label, "bad", participant=raw_id), stage, pseudonym=raw_id)
    quarantine.add(
        InputError("c3d-2", "the same file as another participant's", participant="p3"), "files", pseudonym="p3"
    )
    table = records_frame(quarantine)
    assert list(table["modality"]) == ["mri", "lab trials", "wearable", "lab trials"]
    assert set_aside(table) == {"p4"} and set_aside(table, "mri") == {"p4", "p5"}
    by_modality = set_aside_by_modality(table)
    outcomes = classify(*_frames(), RULES, quarantined=by_modality).set_index("participant_id")
    assert outcomes.loc["p5", "box"] == CASE_BOX  # the primary analysis has no tendon term
    assert outcomes.loc["p6", "box"] == outcomes.loc["p3", "box"] == QUARANTINE_BOXES["lab trials"]
    assert outcomes.loc["p4", "box"] == QUARANTINE_BOXES["wearable"]
    flow = flow_table(outcomes.reset_index()).set_index("box")["n"]
    assert flow[QUARANTINE_BOXES["lab trials"]] == 2 and QUARANTINE_BOXES["mri"] not in flow
    assert flow.drop("enrolled").sum() == flow["enrolled"]
    without_stances = SENSITIVITY_VARIANTS[WITH_MISSING_BIOMECHANICS](RULES)
    outcomes = classify(*_frames(), without_stances, quarantined=by_modality).set_index("participant_id")
    assert outcomes.loc["p6", "box"] == CONTROL_BOX and outcomes.loc["p4", "box"] == QUARANTINE_BOXES["wearable"]
    with_tendon = replace(RULES, exclude_abnormal_tendon=True)
    outcomes = classify(*_frames(), with_tendon, quarantined=by_modality).set_index("participant_id")
    assert outcomes.loc["p5", "box"] == QUARANTINE_BOXES["mri"]
    assert (
        flow_table(outcomes.reset_index(), mri_quarantine_box=True).set_index("box").at[QUARANTINE_BOXES["mri"], "n"]
        == 1
    )


def test_lenient_controls_keep_prior_problems_and_complaints():
    outcomes = classify(*_frames(), replace(RULES, strict_controls=False)).set_index("participant_id")
    assert outcomes.loc[["p3", "p4"], "status"].tolist() == ["control", "control"]


def test_the_imputation_set_keeps_participants_with_a_missing_term():
    rules = SENSITIVITY_VARIANTS[WITH_MISSING_BIOMECHANICS](RULES)
    outcomes = classify(*_frames(), rules).set_index("participant_id")
    assert outcomes.loc["p7", "status"] == "control" and outcomes.loc["p0", "status"] == "control"


def test_a_term_column_no_table_has_is_a_config_error():
    with pytest.raises(StudyError, match=r"models.terms: column\(s\) \['ankle_rot'\] are in no table"):
        classify(*_frames(), replace(RULES, term_columns=("ankle_rot",)))


def test_case_codes_match_their_icd10_cm_subcodes_and_nothing_else():
    codes = pd.Series(["M76.6", "M76.60", "m76.61 ", "M766", "M76.7", "M76", "M77.6", "S86.0"])
    assert list(is_case_code(codes, ["M76.6"])) == [True, True, True, True, False, False, False, False]
    frames = list(_frames())
    frames[4] = frames[4].assign(icd10=["M76.61", "M76.6"])  # p5's diagnosis written as ICD-10-CM
    outcomes = classify(*frames, RULES).set_index("participant_id")
    assert outcomes.loc["p5", "box"] == CASE_BOX


ENROL = pd.Timestamp("2019-01-07")


def _on_week(week: int) -> pd.Timestamp:
    return ENROL + pd.Timedelta(days=7 * (week - 1) + 2)


def _one_runner_weeks(km_by_week: dict[int, float], participant="p0", weeks=52) -> pd.DataFrame:
    week = pd.RangeIndex(0, weeks + 1)
    km = pd.Series(km_by_week, dtype=float).reindex(week)
    return pd.DataFrame({"participant_id": participant, "week": week, "running_km": km, "worn": km.notna()})


def test_exposure_stops_before_the_first_achilles_complaint_for_cases_and_controls():
    """Injured runners cut back: the weeks from the first Achilles complaint on say nothing about the
    load that led to it, and a control's complaint ends its window by the same rule."""
    participants = pd.DataFrame({"participant_id": ["p0", "p1", "p2"], "enrolment_date": ENROL})
    weekly = pd.concat(
        [
            _one_runner_weeks({w: 30.0 if w < 11 else 5.0 for w in range(1, 53)}, "p0"),
            _one_runner_weeks({w: 20.0 for w in range(1, 53)}, "p1"),
            _one_runner_weeks({w: 12.0 if w < 20 else 2.0 for w in range(1, 53)}, "p2"),
        ]
    )
    reports = pd.DataFrame(
        {
            "participant_id": ["p0", "p0", "p2"],
            "report_date": [_on_week(11), _on_week(3), _on_week(20)],
            "severity": [40, 20, 25],
            "body_region": ["achilles", "knee", "achilles"],
        }
    )
    diagnoses = pd.DataFrame({"participant_id": ["p0"], "diagnosis_date": [_on_week(14)], "icd10": ["M76.61"]})
    onset = onset_weeks(participants, reports, diagnoses, RULES)
    assert onset.to_dict() == {"p0": 11, "p2": 20}  # the knee complaint in week 3 is no Achilles onset
    summary = exposure_summary(weekly, window_end=onset - 1).set_index("participant_id")
    assert summary.loc["p0", "pre_onset_weeks_worn"] == 10 and summary.loc["p0", "pre_onset_mean_weekly_km"] == 30
    assert summary.loc["p0", "whole_follow_up_mean_weekly_km"] == pytest.approx((10 * 30 + 42 * 5) / 52)
    assert summary.loc["p1", "pre_onset_weeks_worn"] == 52  # no onset: the whole follow-up
    assert summary.loc["p2", "pre_onset_mean_weekly_km"] == 12.0
    assert summary.loc["p0", "last_worn_week"] == 52
    under = exposure_under(summary.reset_index(), "whole_follow_up").set_index("participant_id")
    assert under.loc["p0", "mean_weekly_km"] == summary.loc["p0", "whole_follow_up_mean_weekly_km"]


def test_a_diagnosis_without_an_earlier_complaint_is_the_onset():
    participants = pd.DataFrame({"participant_id": ["p0"], "enrolment_date": ENROL})
    reports = pd.DataFrame(
        {
            "participant_id": pd.Series(dtype=str),
            "report_date": pd.Series(dtype="datetime64[ns]"),
            "severity": pd.Series(dtype=int),
            "body_region": pd.Series(dtype=str),
        }
    )
    diagnoses = pd.DataFrame({"participant_id": ["p0"], "diagnosis_date": [_on_week(30)], "icd10": ["M76.6"]})
    assert onset_weeks(participants, reports, diagnoses, RULES).to_dict() == {"p0": 30}


def test_the_entry_rule_counts_worn_weeks_inside_the_window():
    """A case who wore the device 2 weeks before onset and 30 after has 2 weeks of exposure, not 32."""
    participants, biomechanics, _, reports, diagnoses = _frames()
    weekly = _one_runner_weeks({w: 10.0 for w in (1, 2, *range(12, 42))}, "p5")
    onset = onset_weeks(participants, reports, diagnoses, RULES)
    exposure = exposure_summary(weekly, window_end=onset - 1)
    assert exposure["pre_onset_weeks_worn"].iloc[0] == 2 and exposure["whole_follow_up_weeks_worn"].iloc[0] == 32
    both = {window: exposure_under(exposure, window) for window in ("pre_onset", "whole_follow_up")}
    people = participants[participants["participant_id"] == "p5"]
    strict = classify(people, biomechanics, both["pre_onset"], reports, diagnoses, RULES)
    published = classify(people, biomechanics, both["whole_follow_up"], reports, diagnoses, RULES)
    assert strict["box"].iloc[0] == "excluded: too few follow-up weeks with the wearable worn"
    assert published["box"].iloc[0] == CASE_BOX


def test_cases_and_controls_are_censored_by_one_rule():
    """A case whose device went quiet in week 9 and who was diagnosed in week 41 leaves the risk set where a
    control who stopped wearing in week 9 does: week 9 plus the grace weeks."""
    participants, biomechanics, _, reports, diagnoses = _frames()
    grace = RULES.grace_weeks
    exposure = pd.DataFrame(
        {"participant_id": participants["participant_id"], "weeks_worn": 9, "last_worn_week": 9, "mean_weekly_km": 5.0}
    )
    late = diagnoses.assign(diagnosis_date=[_on_week(41), ENROL + pd.Timedelta(days=400)])
    outcomes = classify(participants, biomechanics, exposure, reports, late, RULES).set_index("participant_id")
    assert outcomes.loc["p5", "status"] == "case" and not outcomes.loc["p5", "event"]
    assert outcomes.loc["p5", "follow_up_weeks"] == outcomes.loc["p1", "follow_up_weeks"] == 9 + grace
    early = classify(participants, biomechanics, exposure, reports, diagnoses, RULES).set_index("participant_id")
    assert early.loc["p5", "event"] and early.loc["p5", "follow_up_weeks"] == 11  # diagnosed inside the grace


def test_a_complaint_is_explained_only_by_a_diagnosis_of_its_region_near_it():
    participants = pd.DataFrame({"participant_id": [f"p{i}" for i in range(5)], "enrolment_date": ENROL})
    reports = pd.DataFrame(
        {
            "participant_id": ["p0", "p1", "p2", "p3", "p4"],
            "report_date": [_on_week(10)] * 5,
            "severity": 30,
            "body_region": ["achilles", "foot", "foot", "ankle", "lower_leg"],
        }
    )
    diagnoses = pd.DataFrame(
        {
            "participant_id": ["p0", "p1", "p2", "p3", "p4"],
            # a knee diagnosis explains no Achilles complaint; plantar fasciitis 2 weeks on explains the foot;
            # 30 weeks on it explains nothing; an ankle sprain explains the ankle; a shin stress fracture the shin
            "diagnosis_date": [_on_week(10), _on_week(12), _on_week(40), _on_week(9), _on_week(10)],
            "icd10": ["M22.4", "M72.2", "M72.2", "S93.40", "M84.361A"],
        }
    )
    assert complained_without_diagnosis(participants, reports, diagnoses, RULES) == {"p0", "p2"}


def test_an_empty_analysis_keeps_its_types_and_every_sensitivity_analysis_says_not_fitted(tmp_path):
    """A pilot where nobody is analysed and one participant's row was quarantined: the quarantine's stub
    made `runner` an object column, and on an empty frame `analysis[analysis["runner"]]` selected columns,
    not rows (KeyError: 'event' in the sensitivity rule)."""
    participants, biomechanics, exposure, reports, diagnoses = _frames()
    quarantine = pd.DataFrame({"participant_id": ["p9"], "enrolled": [True]})
    participants = enrolled_with_quarantined(participants, quarantine)
    nobody = replace(RULES, min_valid_stances=99)
    outcomes = classify(participants, biomechanics, exposure, reports, diagnoses, nobody, frozenset({"p9"}))
    limb = biomechanics.assign(side="R")
    write_table(analysis_frame(participants, limb, exposure, outcomes, "R"), tmp_path / "analysis.parquet")
    analysis = read_table(tmp_path / "analysis.parquet")
    assert analysis.empty and analysis["runner"].dtype == bool
    terms = terms_of([{"column": "age", "label": "Age", "scale": 10, "sign": 1}])
    settings = SensitivitySettings.from_config(DEFAULTS["sensitivity"])
    table = sensitivity_tables(analysis, analysis.assign(variant="lenient controls"), terms, settings, "report")
    assert "runners only" in set(table["analysis"])
    assert (table["status"] == "not fitted").all()


def test_a_participant_without_a_scan_has_no_abnormal_tendon_and_the_default_run_no_warning():
    """The tendon table's flag is missing for a participant whose scan was not measured: not abnormal, and
    said without pandas' FutureWarning (the default run printed it four times)."""
    tendon = pd.DataFrame({"participant_id": ["a", "b", "c"], "abnormal_tendon": [True, False, None]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flags = abnormal_tendon(pd.Series(["a", "b", "c", "d"]), tendon)
    assert flags.tolist() == [True, False, False, False]
