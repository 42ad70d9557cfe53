"""Why each participant left the analysis, in words a study team reads at the end of a run.

The flow table counts the boxes; the reasons are spread over the quarantine table, the stances' QC and the
outcomes (worn weeks, missing terms). Here they are brought together per box, so that the terminal and
results/report/ say why nobody (or too few) were analysed, not only how many.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from runrisk.cohort.outcomes import (
    ABNORMAL_TENDON_BOX,
    CASE_BOX,
    CONTROL_BOX,
    EXCLUSION_BOXES,
    MISSING_TERM_BOX,
    QUARANTINE_BOXES,
)

NO_STANCE_BOX, FEW_WEEKS_BOX = EXCLUSION_BOXES[1], EXCLUSION_BOXES[2]
REASON_COLUMNS = ["box", "reason", "participants", "participant_ids"]
STANCE_QC_COLUMNS = ["reason", "stances", "participants"]
NUMBER = re.compile(r"\d+(?:\.\d+)?")
NAMED_IN_FULL = 5  # a reason of this many participants or fewer lists their pseudonyms in the summary


@dataclass(frozen=True)
class FlowRules:
    """What the boxes were decided by, so that a reason can say the threshold it missed."""

    primary_side: str
    min_valid_stances: int
    min_worn_weeks: int


def reason_kind(reasons: pd.Series) -> pd.Series:
    """Reasons that differ only in their numbers are one kind ("contact of 0.595 s is longer than 0.5 s"
    and "contact of 0.61 s ..."): the numbers are replaced by #."""
    return reasons.str.replace(NUMBER, "#", regex=True)


def summarised(reasons: pd.Series) -> str:
    """One text for reasons of one kind: each number that differs between them as its range."""
    texts = reasons.tolist()
    template = NUMBER.split(texts[0])
    slots = np.array([[float(n) for n in NUMBER.findall(text)] for text in texts]).reshape(len(texts), -1)
    parts = [template[0]]
    for i, rest in enumerate(template[1:]):
        low, high = slots[:, i].min(), slots[:, i].max()
        parts.append(f"{low:g}" if low == high else f"{low:g}-{high:g}")
        parts.append(rest)
    return "".join(parts)


def stance_reasons(stances: pd.DataFrame, participants: pd.Series, side: str) -> pd.Series:
    """Per participant of the no-valid-stance box, the commonest reason its stances on the primary limb were
    not valid (or that there were none on that limb, or none at all)."""
    mine = stances[stances["participant_id"].isin(participants)]
    on_limb = mine[(mine["side"] == side) & (mine["qc_reason"] != "")]
    commonest = (
        on_limb.assign(kind=reason_kind(on_limb["qc_reason"]))
        .groupby(["participant_id", "kind"], sort=True)["qc_reason"]
        .agg(["size", "first"])
        .reset_index()
        .sort_values(["participant_id", "size"], ascending=[True, False], kind="mergesort")
        .drop_duplicates("participant_id")
        .set_index("participant_id")["first"]
    )
    limb = {"R": "right", "L": "left"}.get(side, side)
    reasons = pd.Series(f"no stance of the {limb} foot on a force plate", index=pd.Index(participants))
    has_stances = participants[participants.isin(mine["participant_id"])]
    reasons[~reasons.index.isin(has_stances)] = "no stance on any force plate"
    return commonest.reindex(reasons.index).fillna(reasons)


def set_aside_only(outcomes: pd.DataFrame, quarantined: dict[str, frozenset[str]]) -> dict[str, int]:
    """Per modality, the participants whose files of it the quarantine set aside and who are in no
    quarantine box: the analysis does not use that modality (runrisk.cohort.outcomes.modalities_used)."""
    elsewhere = set(outcomes.loc[~outcomes["box"].isin(QUARANTINE_BOXES.values()), "participant_id"])
    return {modality: len(ids & elsewhere) for modality, ids in quarantined.items()}


def participant_reasons(
    outcomes: pd.DataFrame, stances: pd.DataFrame, trials: pd.DataFrame, quarantine: pd.DataFrame, rules: FlowRules
) -> pd.DataFrame:
    """One reason per excluded participant: participant_id, box, reason (the first found, in words)."""
    excluded = outcomes[~outcomes["box"].isin([CASE_BOX, CONTROL_BOX])].set_index("participant_id")
    reasons = pd.Series("", index=excluded.index, dtype=object)
    box = excluded["box"]

    for modality, name in QUARANTINE_BOXES.items():
        mine = quarantine[quarantine["enrolled"] & (quarantine["modality"] == modality)]
        first = mine.drop_duplicates("participant_id").set_index("participant_id")
        stage = first["stage"].reindex(excluded.index).fillna("")
        said = (stage + ": " + first["reason"].reindex(excluded.index).fillna("")).where(
            stage != "", "set aside by the quarantine"
        )
        reasons[box == name] = said[box == name]
    no_stance = excluded.index[box == NO_STANCE_BOX]
    with_trials = set(trials.loc[trials["model_source"] != "static", "participant_id"])
    found = stance_reasons(stances, pd.Series(no_stance), rules.primary_side)
    found[~found.index.isin(with_trials)] = "no trial files"
    reasons[found.index] = found
    few = box == FEW_WEEKS_BOX
    worn = excluded["weeks_worn"]
    reasons[few & (worn == 0)] = "no wearable data in the follow-up"
    reasons[few & (worn > 0)] = (
        "wore the device " + worn[few & (worn > 0)].astype(str) + f" weeks, fewer than {rules.min_worn_weeks}"
    )
    missing = box == MISSING_TERM_BOX
    reasons[missing] = "missing term(s): " + excluded.loc[missing, "missing_terms"]
    reasons[box == ABNORMAL_TENDON_BOX] = "the baseline MRI found the tendon abnormal"
    rest = reasons == ""
    reasons[rest] = box[rest].str.removeprefix("excluded: ")
    return pd.DataFrame({"participant_id": excluded.index, "box": box.to_numpy(), "reason": reasons.to_numpy()})


def flow_reasons(people: pd.DataFrame) -> pd.DataFrame:
    """Per box and kind of reason: the reason in words (numbers as their ranges), how many participants,
    and who (pseudonyms), commonest first."""
    if people.empty:
        return pd.DataFrame(columns=REASON_COLUMNS)
    people = people.assign(kind=reason_kind(people["reason"]))
    rows = [
        {
            "box": box,
            "reason": summarised(group["reason"]),
            "participants": len(group),
            "participant_ids": " ".join(sorted(group["participant_id"])),
        }
        for (box, _), group in people.groupby(["box", "kind"], sort=True)
    ]
    table = pd.DataFrame(rows, columns=REASON_COLUMNS)
    return table.sort_values(["box", "participants", "reason"], ascending=[True, False, True], kind="mergesort")


def stance_qc(stances: pd.DataFrame) -> pd.DataFrame:
    """Every reason a stance was not valid, by kind: how many stances and participants, commonest first."""
    rejected = stances[stances["qc_reason"] != ""]
    if rejected.empty:
        return pd.DataFrame(columns=STANCE_QC_COLUMNS)
    rejected = rejected.assign(kind=reason_kind(rejected["qc_reason"]))
    rows = [
        {"reason": summarised(g["qc_reason"]), "stances": len(g), "participants": g["participant_id"].nunique()}
        for _, g in rejected.groupby("kind", sort=True)
    ]
    table = pd.DataFrame(rows, columns=STANCE_QC_COLUMNS)
    return table.sort_values(["stances", "reason"], ascending=[False, True], kind="mergesort")


def closing_summary(
    study: str, flow: pd.DataFrame, reasons: pd.DataFrame, top: int = 3, set_aside_only: dict[str, int] | None = None
) -> str:
    """The flow as the terminal shows it at the end of a run: each box's count and, under each exclusion
    box, its commonest reasons with counts (and who, when few); then the files the quarantine set aside
    of participants the analysis keeps, because it does not use them (set_aside_only: modality -> count)."""
    width = max(len(box) for box in flow["box"])
    lines = [f"runrisk: participant flow of {study}"]
    for box, n in zip(flow["box"], flow["n"], strict=True):
        lines.append(f"  {box:<{width}}  {int(n):>6}")
        mine = reasons[(reasons["box"] == box) & (reasons["reason"] != box.removeprefix("excluded: "))]
        for row in mine.head(top).itertuples():
            who = f" ({row.participant_ids})" if row.participants <= NAMED_IN_FULL else ""
            lines.append(f"      {row.participants:>5}  {row.reason}{who}")
        if len(mine) > top:
            others = int(mine["participants"].iloc[top:].sum())
            lines.append(f"      {others:>5}  for {len(mine) - top} other reason(s)")
    kept = [f"{modality} of {n} participant(s)" for modality, n in (set_aside_only or {}).items() if n]
    if kept:
        lines.append(
            f"  Quarantined, but not used by this analysis, so their participants stay in it: {'; '.join(kept)}"
        )
    lines.append(
        "  Why, per participant: results/report/exclusions.csv; every stance set aside and why: "
        "results/report/stance_qc.csv; every file set aside: results/tables/quarantine.parquet"
    )
    return "\n".join(lines) + "\n"
