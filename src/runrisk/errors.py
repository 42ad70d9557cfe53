"""Errors that tell a study team which file, which participant and what is wrong."""

from __future__ import annotations


class InputError(ValueError):
    """Bad raw input. The message always names the file, and the participant or row when known."""

    def __init__(self, path: object, reason: str, participant: str | None = None, row: int | None = None):
        self.path = str(path)
        self.participant = participant
        self.row = row
        self.reason = reason
        where = [f"file {self.path}"]
        if row is not None:
            where.append(f"row {row}")
        if participant is not None:
            where.append(f"participant {participant}")
        super().__init__(f"{', '.join(where)}: {reason}")
