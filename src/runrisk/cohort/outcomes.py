"""Case, strict-control or excluded (with reason) for every enrolled participant; the flow account."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from runrisk.biomech.stances import SUMMARY_COLUMNS
from runrisk.cohort.exposure import WHOLE_FOLLOW_UP, follow_up_week
from runrisk.config import Section
from runrisk.errors import StudyError
from runrisk.io.layout import MRI
from runrisk.io.quarantine import LAB_TRIALS, RECORD, WEARABLE, WHOLE_PARTICIPANT
from runrisk.tendon.study import COVARIATES


@dataclass(frozen=True)
class OutcomeSettings(Section):
    """What the case definition reads of the outcomes section (not the words of ingestion's vocabulary)."""

    SECTION = "outcomes"

    case_icd10: tuple[str, ...]
    complaint_regions: tuple[str, ...]
    onset_regions: tuple[str, ...]
    diagnosis_regions: dict[str, str]
    explaining_diagnosis_weeks: int
    min_valid_stances: int
    strict_controls: bool


@dataclass(frozen=True)
class Censoring(Section):
    """What the outcome rules read of the exposure section."""

    SECTION = "exposure"

    follow_up_weeks: int
    min_worn_weeks: int
    window: Literal["pre_onset", "whole_follow_up"]
    grace_weeks: int


@dataclass(frozen=True)
class OutcomeRules:
    """The case definition, exclusions and censoring, derived from the outcomes and exposure sections."""

    follow_up_weeks: int
    case_icd10: tuple[str, ...]
    complaint_regions: tuple[str, ...]
    onset_regions: tuple[str, ...]
    diagnosis_regions: tuple[tuple[str, str], ...]  # (ICD-10 stem, body region), longest stem first
    explaining_diagnosis_weeks: int
    min_valid_stances: int
    min_worn_weeks: int
    exposure_window: str
    grace_weeks: int
    strict_controls: bool
    term_columns: tuple[str, ...]  # the model's covariates: an analysed participant has every one
    exclude_abnormal_tendon: bool = False  # a baseline MRI's abnormal tendon is a flow box of its own

    @classmethod
    def of(
        cls,
        outcomes: OutcomeSettings,
        exposure: Censoring,
        term_columns: Sequence[str],
        exclude_abnormal_tendon: bool = False,
    ) -> OutcomeRules:
        stems = {icd10_stem(code): region for code, region in outcomes.diagnosis_regions.items()}
        return cls(
            follow_up_weeks=exposure.follow_up_weeks,
            case_icd10=outcomes.case_icd10,
            complaint_regions=outcomes.complaint_regions,
            onset_regions=outcomes.onset_regions,
            diagnosis_regions=tuple(sorted(stems.items(), key=lambda item: -len(item[0]))),
            explaining_diagnosis_weeks=outcomes.explaining_diagnosis_weeks,
            min_valid_stances=outcomes.min_valid_stances,
            min_worn_weeks=exposure.min_worn_weeks,
            exposure_window=exposure.window,
            grace_weeks=exposure.grace_weeks,
            strict_controls=outcomes.strict_controls,
            term_columns=tuple(term_columns),
            exclude_abnormal_tendon=exclude_abnormal_tendon,
        )

    @classmethod
    def from_config(cls, outcomes: dict, exposure: dict, term_columns: Sequence[str]) -> OutcomeRules:
        """From whole (validated, defaulted) sections, for callers outside a rule."""
        return cls.of(OutcomeSettings.from_config(outcomes), Censoring.from_config(exposure), term_columns)


# The analysis sets of the sensitivity analyses, declared once: outcomes writes them, sensitivity fits them.
LENIENT_CONTROLS = "lenient_controls"  # no strict-control exclusions
WITH_MISSING_BIOMECHANICS = "with_missing_biomechanics"  # participants without a valid stance kept
WHOLE_FOLLOW_UP_EXPOSURE = "whole_follow_up_exposure"  # the published analysis: km of every worn week
SENSITIVITY_VARIANTS = {
    LENIENT_CONTROLS: lambda rules: replace(rules, strict_controls=False),
    WHOLE_FOLLOW_UP_EXPOSURE: lambda rules: replace(rules, exposure_window=WHOLE_FOLLOW_UP),
    # multiple imputation fills what is missing, so nobody is excluded for a missing term there
    WITH_MISSING_BIOMECHANICS: lambda rules: replace(rules, min_valid_stances=0, term_columns=()),
}


# Order matters: a participant lands in the first box that applies.
MISSING_TERM_BOX = "excluded: a model term is missing (outcomes.missing_terms names it)"
QUARANTINE_BOX = "excluded: quarantined (bad input; see the quarantine table)"
# bad input sets aside what depends on it: a box per modality, in the quarantine table's modality column
QUARANTINE_BOXES = {
    RECORD: QUARANTINE_BOX,  # participants.csv, weekly reports or diagnoses: the participant's own record
    WEARABLE: "excluded: wearable files quarantined (bad input; see the quarantine table)",
    LAB_TRIALS: "excluded: lab trials quarantined (bad input; see the quarantine table)",
    # only in the flow of an analysis that uses the MRI (a tendon term, or tendon.abnormal.exclude)
    MRI: "excluded: tendon MRI quarantined (bad input; see the quarantine table)",
}
UNKNOWN_RECORDS_BOX = "not enrolled: records quarantined for participants missing from participants.csv"
UNENROLLED_FOLDERS_BOX = "not enrolled: raw folders of people missing from participants.csv (unenrolled table)"
EXCLUSION_BOXES = (
    QUARANTINE_BOX,
    "excluded: no valid stance on the primary limb",
    "excluded: too few follow-up weeks with the wearable worn",
    MISSING_TERM_BOX,
    "excluded: control with prior Achilles problems",
    "excluded: control with Achilles/foot/ankle/shin complaint that no diagnosis of its region explains",
)
# only in the flow of a study that excludes them (tendon.abnormal.exclude): a study without MRI keeps its flow
ABNORMAL_TENDON_BOX = "excluded: abnormal Achilles tendon at the baseline MRI"
CASE_BOX, CONTROL_BOX = "analysed: case (physician-confirmed Achilles tendinopathy)", "analysed: strict control"


def icd10_stem(code: str) -> str:
    """A code as ICD-10 and ICD-10-CM write it, without the dot: M76.6, M76.60 and M766 share M766."""
    return str(code).strip().upper().replace(".", "")


def is_case_code(codes: pd.Series, case_codes: Sequence[str]) -> np.ndarray:
    """A diagnosis code that is one of the case codes or a subcode of one (M76.6 matches M76.60 and
    M76.61, the ICD-10-CM codes clinics write for left and right Achilles tendinitis)."""
    stems = tuple(icd10_stem(c) for c in case_codes)
    return np.array([icd10_stem(c).startswith(stems) for c in codes], dtype=bool)


def weeks_of(dates: pd.Series, people: pd.Series, participants: pd.DataFrame) -> pd.Series:
    enrol = participants.set_index("participant_id")["enrolment_date"]
    return follow_up_week(dates, people.map(enrol))


def first_case_week(participants: pd.DataFrame, diagnoses: pd.DataFrame, rules: OutcomeRules) -> pd.Series:
    at = diagnoses[is_case_code(diagnoses["icd10"], rules.case_icd10)].copy()
    at["week"] = weeks_of(at["diagnosis_date"], at["participant_id"], participants)
    at = at[(at["week"] >= 1) & (at["week"] <= rules.follow_up_weeks)]
    return at.groupby("participant_id")["week"].min()


def complaints(participants: pd.DataFrame, reports: pd.DataFrame, regions: Sequence[str], weeks: int) -> pd.DataFrame:
    """Reported complaints (severity above 0) of the given regions in follow-up weeks 1..weeks, with week."""
    week = weeks_of(reports["report_date"], reports["participant_id"], participants)
    keep = (reports["severity"] > 0) & reports["body_region"].isin(regions) & (week >= 1) & (week <= weeks)
    return reports.loc[keep, ["participant_id", "body_region"]].assign(week=week[keep])


def onset_weeks(
    participants: pd.DataFrame, reports: pd.DataFrame, diagnoses: pd.DataFrame, rules: OutcomeRules
) -> pd.Series:
    """Per participant with one, the first follow-up week of a complaint in an onset region (the Achilles)
    or of a case diagnosis, whichever came first: from that week on, running reflects the condition."""
    first_complaint = (
        complaints(participants, reports, rules.onset_regions, rules.follow_up_weeks)
        .groupby("participant_id")["week"]
        .min()
    )
    both = pd.concat([first_complaint, first_case_week(participants, diagnoses, rules)])
    return both.groupby(level=0).min().rename("onset_week")


def diagnosis_region(codes: pd.Series, rules: OutcomeRules) -> np.ndarray:
    """The body region of each diagnosis code by the longest stem of outcomes.diagnosis_regions that
    starts it; "" for a code the table does not place."""
    stems = codes.map(icd10_stem)
    region = np.full(len(codes), "", dtype=object)
    for stem, name in reversed(rules.diagnosis_regions):  # shortest first, so the longest stem wins
        region[stems.str.startswith(stem).to_numpy()] = name
    return region


def complained_without_diagnosis(
    participants: pd.DataFrame, reports: pd.DataFrame, diagnoses: pd.DataFrame, rules: OutcomeRules
) -> set[str]:
    """Participants with a complaint in a complaint region that no diagnosis explains: one of the same
    body region within outcomes.explaining_diagnosis_weeks of the complaint's week (before or after)."""
    said = complaints(participants, reports, rules.complaint_regions, rules.follow_up_weeks)
    diagnosed = diagnoses.assign(
        body_region=diagnosis_region(diagnoses["icd10"], rules),
        diagnosis_week=weeks_of(diagnoses["diagnosis_date"], diagnoses["participant_id"], participants),
    )[["participant_id", "body_region", "diagnosis_week"]]
    pairs = said.reset_index(names="complaint").merge(diagnosed, on=["participant_id", "body_region"])
    near = (pairs["diagnosis_week"] - pairs["week"]).abs() <= rules.explaining_diagnosis_weeks
    explained = set(pairs.loc[near, "complaint"])
    return set(said.loc[~said.index.isin(explained), "participant_id"])


def censoring_week(last_worn_week: np.ndarray, rules: OutcomeRules) -> np.ndarray:
    """The week a participant leaves observation, the same for cases and controls: the last worn week
    plus outcomes' grace weeks, at most the end of follow-up."""
    return np.minimum(last_worn_week + rules.grace_weeks, rules.follow_up_weeks)


def classify(
    participants: pd.DataFrame,
    biomechanics: pd.DataFrame,
    exposure: pd.DataFrame,
    reports: pd.DataFrame,
    diagnoses: pd.DataFrame,
    rules: OutcomeRules,
    quarantined: frozenset[str] | Mapping[str, frozenset[str]] = frozenset(),
    tendon: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per enrolled participant: status, the flow box, the diagnosis week (event_week), and the
    time-to-event view: follow_up_weeks to a case's onset (onset_weeks: its first Achilles complaint or
    the diagnosis, whichever came first; from then on its running reflects the condition, so the weeks
    between onset and diagnosis are not at risk) or to censoring (censoring_week, the same rule for cases
    and controls; a case whose onset came after it is censored there). Exposure is as exposure_under
    gives it. quarantined: per modality, the participants the quarantine set aside files or records of
    (runrisk.io.quarantine.set_aside_by_modality; a set: their records); a modality's bad input excludes
    a participant only from an analysis that uses it (modalities_used)."""
    ids = participants["participant_id"]
    by_modality = quarantined if isinstance(quarantined, Mapping) else {RECORD: frozenset(quarantined)}
    used = modalities_used(rules)
    set_aside = [ids.isin(by_modality.get(m, ())).to_numpy() & (m in used) for m in QUARANTINE_BOXES]
    stances = biomechanics.set_index("participant_id")["n_stances"].reindex(ids).fillna(0)
    worn = exposure.set_index("participant_id")["weeks_worn"].reindex(ids).fillna(0)
    last_worn = exposure.set_index("participant_id")["last_worn_week"].reindex(ids).fillna(0)
    case_week = first_case_week(participants, diagnoses, rules).reindex(ids)
    complainers = complained_without_diagnosis(participants, reports, diagnoses, rules)
    is_case = case_week.notna().to_numpy()
    onset = onset_weeks(participants, reports, diagnoses, rules).reindex(ids).where(is_case)
    censored = censoring_week(last_worn.to_numpy().astype(int), rules)
    event = is_case & (onset.fillna(np.inf).to_numpy() <= censored)
    missing = missing_terms(participants, biomechanics, exposure, rules.term_columns, tendon)
    abnormal = abnormal_tendon(ids, tendon) & rules.exclude_abnormal_tendon
    conditions = [
        *set_aside,
        abnormal,
        stances.to_numpy() < rules.min_valid_stances,
        worn.to_numpy() < rules.min_worn_weeks,
        missing.to_numpy() != "",
        ~is_case & participants["prior_achilles"].to_numpy() & rules.strict_controls,
        ~is_case & ids.isin(complainers).to_numpy() & rules.strict_controls,
        is_case,
    ]
    box = np.select(
        conditions,
        [*QUARANTINE_BOXES.values(), ABNORMAL_TENDON_BOX, *EXCLUSION_BOXES[1:], CASE_BOX],
        default=CONTROL_BOX,
    )
    status = np.where(box == CASE_BOX, "case", np.where(box == CONTROL_BOX, "control", "excluded"))
    follow = np.where(event, onset.fillna(0).to_numpy(), censored)
    return pd.DataFrame(
        {
            "participant_id": ids.to_numpy(),
            "status": status,
            "box": box,
            "diagnosed_at": is_case,
            "event_week": case_week.astype("Int64").to_numpy(),
            "onset_week": onset.astype("Int64").to_numpy(),
            "follow_up_weeks": follow.astype(int),
            "event": event,
            "weeks_worn": worn.to_numpy().astype(int),
            "missing_terms": missing.to_numpy(),
        }
    )


def modalities_used(rules: OutcomeRules) -> set[str]:
    """The modalities an analysis depends on: the participant's record and wearable always (exposure and
    censoring come from them); lab trials when it needs a valid stance or a biomechanics term; the tendon
    MRI when it has a tendon term or excludes abnormal tendons."""
    used = set(WHOLE_PARTICIPANT)
    if rules.min_valid_stances > 0 or set(rules.term_columns) & set(SUMMARY_COLUMNS):
        used.add(LAB_TRIALS)
    if rules.exclude_abnormal_tendon or set(rules.term_columns) & set(COVARIATES):
        used.add(MRI)
    return used


def abnormal_tendon(ids: pd.Series, tendon: pd.DataFrame | None) -> np.ndarray:
    """Per participant (in ids' order): the baseline MRI found the tendon abnormal (tendon_covariates'
    abnormal_tendon); False without MRI."""
    if tendon is None or "abnormal_tendon" not in tendon:
        return np.zeros(len(ids), bool)
    flags = tendon.set_index("participant_id")["abnormal_tendon"]
    return flags.reindex(ids).eq(True).to_numpy()  # no scan (NaN) is not abnormal; fillna on objects is deprecated


def flow_table(
    outcomes: pd.DataFrame,
    unknown_records: int = 0,
    unenrolled_folders: int = 0,
    abnormal_tendon_box: bool = False,
    mri_quarantine_box: bool = False,
) -> pd.DataFrame:
    """Counts per box in a fixed order; the boxes after 'enrolled' sum to the enrolled count.
    Each box also states the median number of follow-up weeks its participants wore the wearable.
    Quarantined records of people not in participants.csv get a last row outside that sum. The tendon
    MRI's quarantine box and the abnormal tendon box are in the flow of an analysis that uses the MRI."""
    quarantined = [box for m, box in QUARANTINE_BOXES.items() if m != MRI or mri_quarantine_box]
    order = [*quarantined, *[ABNORMAL_TENDON_BOX] * abnormal_tendon_box, *EXCLUSION_BOXES[1:], CASE_BOX, CONTROL_BOX]
    counts = outcomes["box"].value_counts().reindex(order, fill_value=0)
    worn = outcomes.groupby("box")["weeks_worn"].median().reindex(order)
    rows = [
        {"step": 0, "box": "enrolled", "n": len(outcomes), "median_weeks_worn": float(outcomes["weeks_worn"].median())}
    ]
    rows += [
        {"step": i + 1, "box": box, "n": int(counts[box]), "median_weeks_worn": float(worn[box])}
        for i, box in enumerate(order)
    ]
    for box, n in ((UNKNOWN_RECORDS_BOX, unknown_records), (UNENROLLED_FOLDERS_BOX, unenrolled_folders)):
        if n:
            rows.append({"step": len(rows), "box": box, "n": int(n), "median_weeks_worn": float("nan")})
    return pd.DataFrame(rows)


def enrolled_with_quarantined(participants: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """Participants plus those whose participants.csv row itself was quarantined, so flow counts them."""
    enrolled_ids = set(quarantine.loc[quarantine["enrolled"], "participant_id"]) - set(participants["participant_id"])
    if not enrolled_ids:
        return participants
    # Every other column is missing for them (an all-NA column would type the concat: deprecated in pandas)
    stubs = pd.DataFrame({"participant_id": sorted(enrolled_ids), "prior_achilles": False})
    return pd.concat([participants, stubs], ignore_index=True).sort_values("participant_id", kind="mergesort")


def covariates(
    participants: pd.DataFrame, limb: pd.DataFrame, exposure: pd.DataFrame, tendon: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every participant's baseline covariates: demographics, one limb's biomechanics, exposure, and the
    baseline tendon MRI's measures when the study has them (runrisk.tendon.study.COVARIATES)."""
    frame = (
        participants[["participant_id", "age", "sex", "runner"]]
        .merge(limb.drop(columns=["side"], errors="ignore"), on="participant_id", how="left")
        .merge(exposure.drop(columns=["weeks_worn"]), on="participant_id", how="left")
    )
    if tendon is not None:
        frame = frame.merge(tendon, on="participant_id", how="left")
    frame["female"] = (frame["sex"] == "F").astype(int)
    return frame


def missing_terms(
    participants: pd.DataFrame,
    limb: pd.DataFrame,
    exposure: pd.DataFrame,
    columns: Sequence[str],
    tendon: pd.DataFrame | None = None,
) -> pd.Series:
    """Per participant (in participants' order), the model's covariates that are missing, comma-separated;
    "" when none is. A column no table has is a config error, not a missing value."""
    frame = covariates(participants, limb, exposure, tendon)
    unknown = [c for c in columns if c not in frame.columns]
    if unknown:
        raise StudyError(
            f"models.terms: column(s) {unknown} are in no table of the study; "
            f"the analysis table has {sorted(frame.columns.drop('participant_id'))}"
        )
    missing = pd.Series("", index=frame.index)
    for column in columns:
        missing = missing.where(frame[column].notna(), missing + ", " + column)
    return missing.str.removeprefix(", ").set_axis(participants.index)


def analysis_frame(
    participants: pd.DataFrame,
    biomechanics: pd.DataFrame,
    exposure: pd.DataFrame,
    outcomes: pd.DataFrame,
    primary_side: str,
    statuses=("case", "control"),
    tendon: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Participants of the given statuses with covariates of the primary limb (NaN where none)."""
    limb = biomechanics[biomechanics["side"] == primary_side]
    selected = outcomes[outcomes["status"].isin(statuses)]
    people = participants[participants["participant_id"].isin(selected["participant_id"])]
    frame = selected.merge(covariates(people, limb, exposure, tendon), on="participant_id")
    # the analysed are never the quarantine's stubs (no row of their own, `runner` missing): typed as the
    # participants table types it, even when nobody is analysed and no row says so
    frame = frame.astype({"runner": bool})
    return frame.sort_values("participant_id").reset_index(drop=True)
