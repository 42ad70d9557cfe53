"""Bad input that belongs to one participant: stop with a clear error, or set the participant aside.

With `on_bad_input: quarantine` a reader hands an InputError that names a participant to the
Quarantine instead of raising it; the quarantine table says which file, which row, why, and of which
modality. Bad input sets aside what depends on it: a participant's own record (participants.csv, the
weekly reports, the diagnoses) or their wearable files (every analysis counts exposure from them) set the
participant aside; bad lab trials or a bad tendon MRI set aside those measures, and the participant
leaves only the analyses that use them (runrisk.cohort.outcomes: a flow box per modality). Errors that
name no participant (a file without its columns, a file that is not text) always stop the run: there is
no one to set aside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from runrisk.errors import InputError
from runrisk.ids import pseudonymise
from runrisk.io.layout import MRI, TRIAL_KINDS, WEARABLE_KINDS, file_label

QUARANTINE_COLUMNS = ["participant_id", "enrolled", "stage", "modality", "file", "row", "reason"]
RECORD, WEARABLE, LAB_TRIALS = "record", "wearable", "lab trials"
MODALITIES = (RECORD, WEARABLE, LAB_TRIALS, MRI)  # the flow's order of the quarantine boxes
WHOLE_PARTICIPANT = frozenset({RECORD, WEARABLE})  # every analysis depends on these
STAGE_MODALITIES = {"trials": LAB_TRIALS, "wearables": WEARABLE, MRI: MRI}
T = TypeVar("T")


class Quarantine:
    def __init__(self) -> None:
        self.records: list[dict] = []

    def add(self, error: InputError, stage: str, enrolled: bool = True, pseudonym: str | None = None) -> None:
        self.records.append(
            {
                "raw_id": error.participant,  # kept in memory to skip the participant's other records
                "participant_id": pseudonym or pseudonymise(error.participant),
                "enrolled": enrolled,
                "stage": stage,
                "modality": modality_of(stage, file_label(error.path)),
                "file": file_label(error.path),  # c3d-2, not the file's own name: it may hold a person's
                "row": error.row if error.row is not None else -1,
                "reason": error.reason,
            }
        )

    @property
    def raw_ids(self) -> set[str]:
        return {r["raw_id"] for r in self.records}


def modality_of(stage: str, label: str) -> str:
    """The modality a quarantine record sets aside: its stage's, or for a file two participants share
    (stage "files") the kind of the file (c3d-1: lab trials)."""
    if stage == "files":
        kind = label.rsplit("-", 1)[0]
        return LAB_TRIALS if kind in TRIAL_KINDS else WEARABLE if kind in WEARABLE_KINDS else RECORD
    return STAGE_MODALITIES.get(stage, RECORD)


def attempt(quarantine: Quarantine | None, stage: str, action: Callable[[], T]) -> T | None:
    """The action's result; None when it raised an InputError that the quarantine took."""
    try:
        return action()
    except InputError as error:
        if quarantine is None or error.participant is None:
            raise
        quarantine.add(error, stage)
        return None


def records_frame(quarantine: Quarantine | None, since: int = 0) -> pd.DataFrame:
    """The quarantine table of a step (empty, with its columns, when the run stops on bad input)."""
    records = quarantine.records[since:] if quarantine is not None else []
    return pd.DataFrame(records, columns=QUARANTINE_COLUMNS).astype({"enrolled": bool, "row": int, "reason": str})


def set_aside(quarantine_table: pd.DataFrame, modality: str | None = None) -> frozenset[str]:
    """Pseudonyms of the enrolled participants whose rows a table of the modality leaves out: those the
    quarantine set aside as a whole (their record or their wearable files), and those whose files of
    that modality it set aside."""
    enrolled = quarantine_table[quarantine_table["enrolled"]]
    touched = enrolled["modality"].isin(WHOLE_PARTICIPANT | ({modality} if modality else set()))
    return frozenset(enrolled.loc[touched, "participant_id"])


def set_aside_by_modality(quarantine_table: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Per modality, the enrolled participants the quarantine set aside files or records of."""
    enrolled = quarantine_table[quarantine_table["enrolled"]]
    return {m: frozenset(enrolled.loc[enrolled["modality"] == m, "participant_id"]) for m in MODALITIES}


def quarantine_for(mode: str) -> Quarantine | None:
    if mode not in ("stop", "quarantine"):
        raise ValueError(f"on_bad_input must be 'stop' or 'quarantine', not {mode!r}")
    return Quarantine() if mode == "quarantine" else None
