"""Bad input that belongs to one participant: stop with a clear error, or set the participant aside.

With `on_bad_input: quarantine` a reader hands an InputError that names a participant to the
Quarantine instead of raising it; the participant then ends in the flow's quarantine box and the
quarantine table says which file, which row and why. Errors that name no participant (a file without
its columns, a file that is not text) always stop the run: there is no one to set aside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from runrisk.errors import InputError
from runrisk.ids import pseudonymise
from runrisk.io.layout import file_label

QUARANTINE_COLUMNS = ["participant_id", "enrolled", "stage", "file", "row", "reason"]
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
                "file": file_label(error.path),  # c3d-2, not the file's own name: it may hold a person's
                "row": error.row if error.row is not None else -1,
                "reason": error.reason,
            }
        )

    @property
    def raw_ids(self) -> set[str]:
        return {r["raw_id"] for r in self.records}


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


def set_aside(quarantine_table: pd.DataFrame) -> frozenset[str]:
    """Pseudonyms of the enrolled participants that the quarantine set aside, at whatever stage."""
    return frozenset(quarantine_table.loc[quarantine_table["enrolled"], "participant_id"])


def quarantine_for(mode: str) -> Quarantine | None:
    if mode not in ("stop", "quarantine"):
        raise ValueError(f"on_bad_input must be 'stop' or 'quarantine', not {mode!r}")
    return Quarantine() if mode == "quarantine" else None
