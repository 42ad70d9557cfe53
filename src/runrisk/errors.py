"""Errors that tell a study team which file, which participant and what is wrong."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np


class StudyError(Exception):
    """A study that cannot go on, said in one message a study team can act on (no traceback)."""


class InputError(StudyError, ValueError):
    """Bad raw input. The message always names the file, and the participant or row when known."""

    def __init__(
        self,
        path: object,
        reason: str,
        participant: str | None = None,
        row: int | None = None,
        name_participant: bool = True,
    ):
        self.path = str(path)
        self.participant = participant  # who is set aside in quarantine mode
        self.row = row
        self.reason = reason
        self.name_participant = name_participant  # False: the "id" itself is what is wrong (a name typed in)
        where = [f"file {self.path}"]
        if row is not None:
            where.append(f"row {row}")
        if participant is not None and name_participant:
            where.append(f"participant {participant}")
        super().__init__(f"{', '.join(where)}: {reason}")


def described(text: object) -> str:
    """What a bad value looks like, never the value itself: a cell or field may hold a name, an e-mail
    address or a date of birth, and messages reach logs and the quarantine table."""
    value = str(text).strip()
    if not value:
        return "an empty cell"
    if re.fullmatch(r"[-+]?\d+([.,]\d+)?", value):
        return "a number"
    if re.fullmatch(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}", value):
        return "a date in another form"
    if value.lower() in {"true", "false"}:
        return "a yes/no value"
    return f"text of {len(value)} characters"


def first_reasons(checks: Sequence[tuple[np.ndarray, Callable[[int], str]]], n: int) -> dict[int, str]:
    """Row -> the reason of the first check it fails, in the order the checks are listed, for column-wise
    validation that reports what a row-by-row reader would have reported."""
    failed = np.zeros(n, dtype=bool)
    reasons: dict[int, str] = {}
    for mask, describe in checks:
        new = np.asarray(mask, dtype=bool) & ~failed
        for i in np.flatnonzero(new):
            reasons[int(i)] = describe(int(i))
        failed |= new
    return dict(sorted(reasons.items()))
