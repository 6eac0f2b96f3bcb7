"""The progress page's charts: no label clipped, the delivered line stops at today, the axis title clear of
the ticks; the figures are in a table beside each."""

import datetime
import re
from decimal import Decimal

import pytest

from pins.reporting.charts import LABEL_LINE, delivery_chart, icb_bars_chart, label_lines
from pins.reporting.progress import Progress, WeekOfDelivery

LONGEST = "Bath and North East Somerset, Swindon and Wiltshire"


@pytest.mark.parametrize(
    "name", [LONGEST, "Cornwall and the Isles of Scilly Health and Social Care Partnership", "Alpha", "x" * 80]
)
def test_a_label_is_at_most_two_lines_that_fit_the_label_column(name):
    lines = label_lines(name)

    assert 1 <= len(lines) <= 2
    assert all(len(line) <= LABEL_LINE for line in lines)
    if len(name) <= LABEL_LINE:
        assert lines == [name]


def test_a_long_icb_name_wraps_in_the_bar_chart_and_a_shortened_one_keeps_its_full_name():
    rows = [
        Progress(name=LONGEST, quota_days=Decimal(10), allocated_days=Decimal(5), delivered_days=Decimal(1)),
        Progress(name="A" * 40 + " " + "B" * 40, quota_days=Decimal(10)),
    ]

    svg = str(icb_bars_chart(rows=rows, chart_id="bars").svg)

    drawn = re.sub(r"<(title|desc)[^>]*>.*?</(title|desc)>", "", svg)
    assert "<tspan" in drawn and LONGEST not in drawn
    assert f"<title>{'A' * 40} {'B' * 40}</title>" in svg
    assert "Bath and North East Somerset," in svg and "Swindon and Wiltshire" in svg


def _weeks(today_index: int, count: int = 10):
    start = datetime.date(2026, 9, 7)
    return [
        WeekOfDelivery(
            week=start + datetime.timedelta(weeks=n),
            delivered=Decimal(n) if n <= today_index else None,
            planned=Decimal(n * 2),
        )
        for n in range(count)
    ]


def _polylines(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(v) for v in point.split(",")) for point in points.split()]
        for points in re.findall(r'<polyline points="([^"]*)"', svg)
    ]


def test_the_delivered_line_stops_at_today_and_the_plan_runs_to_the_end():
    plan, delivered = _polylines(str(delivery_chart(weeks=_weeks(today_index=3), chart_id="d").svg))

    assert len(plan) == 10 and len(delivered) == 4
    assert delivered[-1][0] < plan[-1][0]


def test_the_axis_title_is_clear_of_the_top_tick_label():
    svg = str(delivery_chart(weeks=_weeks(today_index=9), chart_id="d").svg)
    texts = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="end"[^>]*>([^<]*)</text>', svg)

    title_y = next(float(y) for _, y, text in texts if text == "Days")
    tick_ys = [float(y) for _, y, text in texts if text != "Days"]
    assert min(tick_ys) - title_y >= 20  # a 14px font: a line and more apart


def test_the_chart_description_writes_figures_in_gov_uk_style():
    weeks = [
        WeekOfDelivery(week=datetime.date(2026, 9, 7), delivered=Decimal("1234.5"), planned=Decimal("2325.4")),
        WeekOfDelivery(week=datetime.date(2026, 9, 14), delivered=None, planned=Decimal("8410")),
    ]

    chart = delivery_chart(weeks=weeks, chart_id="d")

    assert "rises evenly to 8,410 days" in chart.description
    assert "1,234.5 days had been delivered against 2,325.5 planned" in chart.description
