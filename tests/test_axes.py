"""The pages' shared axes (runrisk.report.axes): round ticks, month ticks, marks kept inside a plot."""

import datetime as dt

import pytest

from runrisk.report.axes import Plot, month_ticks, nice_ticks, tick_label


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (45.0, [0, 10, 20, 30, 40, 50]),  # main's runner page: 0, 11, 23, 34, 45
        (50.0, [0, 10, 20, 30, 40, 50]),
        (7.2, [0, 2, 4, 6, 8]),
        (2.5, [0, 0.5, 1, 1.5, 2, 2.5]),
        (0.0, [0, 1]),
        (float("nan"), [0, 1]),
        (130.0, [0, 50, 100, 150]),
    ],
)
def test_nice_ticks_are_round_and_reach_the_top(top, ticks):
    assert nice_ticks(top) == pytest.approx(ticks)
    assert nice_ticks(3.0, floor=10.0)[-1] == 10  # a small season still gets a 10 km axis


def test_a_tick_label_is_written_without_a_trailing_zero_and_with_the_languages_decimal_mark():
    assert [tick_label(v) for v in (0, 10.0, 2.5)] == ["0", "10", "2.5"] and tick_label(2.5, "nl") == "2,5"


def test_a_value_beyond_the_axis_sits_on_the_plots_edge():
    plot = Plot(left=40, right=700, top=10, bottom=210, high=50)
    assert plot.y(0) == 210 and plot.y(50) == 10 and plot.y(25) == 110
    assert plot.y(80) == 10 and plot.y(-3) == 210 and plot.x(-0.2) == 40 and plot.x(1.5) == 700


def test_month_ticks_fall_on_month_starts_name_the_year_once_and_never_crowd():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    ticks = month_ticks(dt.date(2025, 11, 17), dt.date(2026, 3, 10), months, 0, 400)
    assert [t["date"] for t in ticks] == ["2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01"]
    assert [t["label"] for t in ticks] == ["Dec 2025", "Jan 2026", "Feb", "Mar"]
    crowded = month_ticks(dt.date(2020, 1, 1), dt.date(2026, 1, 1), months, 0, 400)
    assert all(b["x"] - a["x"] >= 40 for a, b in zip(crowded, crowded[1:], strict=False))


def test_a_span_away_from_zero_gets_round_ticks_around_it():
    from runrisk.report.axes import nice_span

    assert nice_span(171.2, 178.4) == [170, 175, 180]
    assert nice_span(241.0, 262.0) == [240, 260, 280]
    assert nice_span(8.0, 8.0) == [8, 8.5, 9]
