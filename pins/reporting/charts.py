"""Charts drawn on the server as SVG: no JavaScript or third-party service is needed to read them. Each has a
title and a description for assistive technology, and the page shows the same figures in a table beside it."""

import dataclasses
from decimal import Decimal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from pins.reporting.progress import Progress, WeekOfDelivery

# GOV.UK colours: lines and bars keep at least 3:1 contrast against white.
BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"
GREEN = "#00703c"


@dataclasses.dataclass
class Chart:
    svg: str
    title: str
    description: str


def _points(values: list[Decimal], *, left: int, top: int, width: int, height: int, most: Decimal) -> str:
    if len(values) < 2:
        return ""
    step = width / (len(values) - 1)
    return " ".join(
        f"{left + n * step:.1f},{top + height - (float(value) / float(most)) * height:.1f}"
        for n, value in enumerate(values)
    )


def _delivery_description(weeks: list[WeekOfDelivery]) -> str:
    if not weeks:
        return "No weeks to show."
    first, last = weeks[0], weeks[-1]
    text = f"A line chart by week from {first.week:%-d %B %Y} to {last.week:%-d %B %Y}. "
    text += f"The plan rises evenly to {last.planned:,.0f} days. "
    reached = next((week for week in reversed(weeks) if week.delivered), None)
    if reached is None:
        return text + "No days have been delivered yet."
    return text + (
        f"By the week of {reached.week:%-d %B %Y}, {reached.delivered:,.1f} days had been delivered "
        f"against {reached.planned:,.0f} planned."
    )


def delivery_chart(*, weeks: list[WeekOfDelivery], chart_id: str) -> Chart:
    """Cumulative days delivered against the plan, week by week through the programme year."""
    left, top, width, height = 70, 20, 600, 240
    most = max([week.planned for week in weeks] + [week.delivered for week in weeks] + [Decimal(1)])
    title = "Days delivered against plan, cumulative"
    description = _delivery_description(weeks)
    ticks = [most * Decimal(n) / 4 for n in range(5)]
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="{}">{}</text>',
        (
            (
                left,
                top + height - float(tick / most) * height,
                left + width,
                top + height - float(tick / most) * height,
                LIGHT_GREY,
                left - 8,
                top + height - float(tick / most) * height + 5,
                BLACK,
                f"{tick:,.0f}",
            )
            for tick in ticks
        ),
    )
    months = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="14" fill="{}">{}</text>',
        (
            (left + n * width / max(len(weeks) - 1, 1), top + height + 22, BLACK, f"{week.week:%b}")
            for n, week in enumerate(weeks)
            if week.week.day <= 7
        ),
    )
    plan = _points([w.planned for w in weeks], left=left, top=top, width=width, height=height, most=most)
    done = _points([w.delivered for w in weeks], left=left, top=top, width=width, height=height, most=most)
    svg = format_html(
        '<svg class="pins-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}{}"
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="8 6"/>'
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="4"/>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>'
        '<text x="{}" y="{}" font-size="14" fill="{}">Days</text>'
        "</svg>",
        left + width + 20,
        top + height + 40,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        grid,
        months,
        plan,
        GREY,
        done,
        BLUE,
        left,
        top + height,
        left + width,
        top + height,
        BLACK,
        4,
        top + 4,
        BLACK,
    )
    return Chart(svg=svg, title=title, description=description)


def icb_bars_chart(*, rows: list[Progress], chart_id: str) -> Chart:
    """Each ICB's days allocated and delivered as a share of its quota, as horizontal bars."""
    label_width, bar_width, row_height = 260, 420, 34
    height = max(len(rows), 1) * row_height + 40
    title = "Days allocated and delivered, as a share of each ICB's quota"
    most_behind = sorted((row for row in rows if row.quota_days), key=lambda row: row.delivered_percent or 0)[:3]
    description = (
        f"A bar chart of {len(rows)} ICBs. For each, a light bar shows the share of its days allocated and a "
        "dark bar the share delivered."
    )
    if most_behind:
        description += " Lowest shares delivered: " + "; ".join(
            f"{row.name} {row.delivered_percent}%" for row in most_behind
        )
    # Written with f-strings, only the names escaped: the rest are numbers and our colours, and the chart has a
    # bar for every ICB.
    bars = mark_safe(
        "".join(
            f'<text x="{label_width - 10}" y="{20 + n * row_height + 15}" text-anchor="end" font-size="14" '
            f'fill="{BLACK}">{escape(row.name)}</text>'
            f'<rect x="{label_width}" y="{20 + n * row_height}" '
            f'width="{bar_width * min(row.allocated_percent or 0, 100) / 100}" height="20" fill="{LIGHT_GREY}"/>'
            f'<rect x="{label_width}" y="{20 + n * row_height}" '
            f'width="{bar_width * min(row.delivered_percent or 0, 100) / 100}" height="20" fill="{GREEN}"/>'
            f'<rect x="{label_width}" y="{20 + n * row_height}" width="{bar_width}" height="20" fill="none" '
            f'stroke="{GREY}"/>'
            f'<text x="{label_width + bar_width + 8}" y="{20 + n * row_height + 15}" font-size="14" '
            f'fill="{BLACK}">{row.delivered_percent or 0}%</text>'
            for n, row in enumerate(rows)
        )
    )
    svg = format_html(
        '<svg class="pins-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        label_width + bar_width + 60,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        bars,
    )
    return Chart(svg=svg, title=title, description=description)
