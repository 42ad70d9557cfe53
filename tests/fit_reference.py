"""fitdecode, the reference the FIT decoder (runrisk.io.fit) is held to: the same FitContents, decoded
frame by frame with fitdecode's full profile, and its errors in runrisk's words."""

from __future__ import annotations

from pathlib import Path

import fitdecode
import numpy as np

from runrisk.io.fit import FIT_UTC_REFERENCE, FitChecksum, FitContents, FitDecodeError, FitNotFit, FitTruncated

RECORD_FIELDS = {  # fitdecode's name -> runrisk.io.fit's column
    "cadence": "cadence",
    "fractional_cadence": "fractional_cadence",
    "vertical_oscillation": "vertical_oscillation",
    "stance_time": "stance_time",
    "step_length": "step_length",
}
ERRORS = (  # fitdecode's exception -> the refusal runrisk gives
    (fitdecode.FitEOFError, FitTruncated),
    (fitdecode.FitCRCError, FitChecksum),
    (fitdecode.FitHeaderError, FitNotFit),
    (fitdecode.FitError, FitDecodeError),
)


def refusal_words(error: fitdecode.FitError) -> str:
    return next(ours.words for theirs, ours in ERRORS if isinstance(error, theirs))


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else np.nan


def _fit_seconds(stamp) -> float:
    """A record's time in FIT seconds: fitdecode gives a date, or the counter below 0x10000000 as is."""
    if stamp is None:
        return np.nan
    return stamp.timestamp() - FIT_UTC_REFERENCE if hasattr(stamp, "timestamp") else float(stamp)


def fitdecode_contents(path: str | Path) -> FitContents:
    """The file as fitdecode reads it (CRC checked), raising fitdecode's own errors."""
    contents, records = FitContents([], {}, {}, {}), []
    with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as fit:
        for frame in fit:
            if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                continue
            if frame.name == "session":
                # by field number too: a profile older than the file's names RPE and feel unknown_192/193
                contents.sessions.append(
                    {f.name: f.value for f in frame.fields} | {f.def_num: f.value for f in frame.fields}
                )
            elif frame.name == "activity":
                contents.activity = {f.name: f.value for f in frame.fields}
            elif frame.name == "time_in_zone":
                fields = {f.name: f.value for f in frame.fields}
                if fields.get("reference_mesg") == "session":
                    contents.zones[fields.get("reference_index") or 0] = fields
            elif frame.name == "record":
                fields = {f.name: f.value for f in frame.fields if f.field_def is not None or f.name == "timestamp"}
                stamp = fields.get("timestamp")
                row = {"timestamp": _fit_seconds(stamp)}
                records.append(row | {ours: _number(fields.get(theirs)) for theirs, ours in RECORD_FIELDS.items()})
    columns = ["timestamp", *RECORD_FIELDS.values()]
    table = {c: np.array([r[c] for r in records], dtype=float) for c in columns}
    order = np.argsort(table["timestamp"], kind="stable")
    contents.records = {c: values[order] for c, values in table.items()}
    return contents
