"""Axes for the coach's hand-drawn SVG charts (the screening page and the monitor's runner page): round
ticks a reader can use (0, 10, 20 km, not 0, 11, 23), month ticks on a time axis, and marks kept inside
their plot. Light: the pages import it without numpy's plotting stack."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)  # a step is one of these times a power of ten


def nice_step(span: float, count: int) -> float:
    """The smallest round step that covers span in at most count intervals."""
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in NICE_STEPS if m * power >= raw * (1 - 1e-9))


def nice_ticks(top: float, count: int = 5, floor: float = 0.0) -> list[float]:
    """Round ticks from 0 up to the first one at or above top (and at least floor): 45 km gives 0, 10, 20,
    30, 40, 50; the last tick is the axis's top, so the highest bar stays inside the plot."""
    top = max(top if math.isfinite(top) else 0.0, floor)
    step = nice_step(top, count)
    n = max(math.ceil(top / step - 1e-9), 1)
    return [round(i * step, 10) for i in range(n + 1)]


def tick_label(value: float, lang: str = "en") -> str:
    """A round tick as written: 10, 2.5 (2,5 in Dutch), never 10.0."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "nl" else text


@dataclass(frozen=True)
class Plot:
    """A plot rectangle in SVG pixels and a vertical value range: where a value goes, kept inside."""

    left: float
    right: float
    top: float
    bottom: float
    high: float  # the value at the plot's top (the last tick)
    low: float = 0.0

    def y(self, value: float) -> float:
        """The pixel row of value, clamped to the plot: a value beyond the axis sits on its edge."""
        share = (value - self.low) / (self.high - self.low) if self.high > self.low else 0.0
        return self.bottom - min(max(share, 0.0), 1.0) * (self.bottom - self.top)

    def x(self, share: float) -> float:
        """The pixel column of a share (0-1) of the plot's width, clamped to the plot."""
        return self.left + min(max(share, 0.0), 1.0) * (self.right - self.left)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month after first up to last (the time axis's ticks)."""
    year, month = (first.year, first.month + 1) if first.month < 12 else (first.year + 1, 1)
    starts = []
    while dt.date(year, month, 1) <= last:
        starts.append(dt.date(year, month, 1))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return starts


def month_ticks(first: dt.date, last: dt.date, months: list[str], left: float, right: float, gap: float = 40):
    """Ticks at month starts between first and last on an axis from left to right px: each labelled with
    the month's short name (months: the page language's twelve), the year added to the first label and to
    January's; a tick closer than gap px to the one before is left out, so labels never overlap."""
    days = max((last - first).days, 1)
    ticks = []
    for start in month_starts(first, last):
        x = left + (start - first).days / days * (right - left)
        if ticks and x - ticks[-1]["x"] < gap:
            continue
        name = months[start.month - 1]
        label = f"{name} {start.year}" if not ticks or start.month == 1 else name
        ticks.append({"x": x, "label": label, "date": start.isoformat()})
    return ticks


def nice_span(low: float, high: float, count: int = 2) -> list[float]:
    """Round ticks around a range that need not start at 0 (a cadence of 171-178 steps/min: 170, 175,
    180): the first at or below low, the last at or above high."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + 1.0
    step = nice_step(high - low, count)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(first, max(last, first + 1) + 1)]
