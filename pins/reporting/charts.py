"""Charts drawn on the server as SVG: no JavaScript or third-party service is needed to read them. Each has a
title and a description for assistive technology, and the page shows the same figures in a table beside it."""

import dataclasses
import textwrap
from decimal import Decimal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from pins.kernel.units import figure
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


def _points(values: list[Decimal | None], *, left: int, top: int, width: int, height: int, most: Decimal) -> str:
    """A polyline's points, one a value, evenly spaced across the whole width; a None (a week still to come)
    ends the line there, so it stops at today rather than running flat into the future."""
    if len(values) < 2:
        return ""
    step = width / (len(values) - 1)
    return " ".join(
        f"{left + n * step:.1f},{top + height - (float(value) / float(most)) * height:.1f}"
        for n, value in enumerate(values)
        if value is not None
    )


# The longest label line the bar chart's label column holds at its font size; longer names wrap to a second
# line, and a name longer than two lines is shortened with an ellipsis (its full name is in the table).
LABEL_LINE = 30


def label_lines(name: str, *, width: int = LABEL_LINE) -> list[str]:
    """A name as at most two lines of at most `width` characters, broken between words."""
    lines = textwrap.wrap(name, width=width, break_long_words=True) or [""]
    if len(lines) <= 2:
        return lines
    second = " ".join(lines[1:])
    return [lines[0], second[: width - 1].rstrip() + "…"]


def _delivery_description(weeks: list[WeekOfDelivery]) -> str:
    if not weeks:
        return "No weeks to show."
    first, last = weeks[0], weeks[-1]
    text = f"A line chart by week from {first.week:%-d %B %Y} to {last.week:%-d %B %Y}. "
    text += f"The plan rises evenly to {figure(last.planned)} days. "
    reached = next((week for week in reversed(weeks) if week.delivered), None)
    if reached is None:
        return text + "No days have been delivered yet."
    return text + (
        f"By the week of {reached.week:%-d %B %Y}, {figure(reached.delivered)} days had been delivered "
        f"against {figure(reached.planned)} planned."
    )


def delivery_chart(*, weeks: list[WeekOfDelivery], chart_id: str) -> Chart:
    """Cumulative days delivered against the plan, week by week through the programme year."""
    # The axis title sits above the top tick's label, with room between them.
    left, top, width, height = 70, 44, 600, 240
    most = max([week.planned for week in weeks] + [week.delivered for week in weeks if week.delivered] + [Decimal(1)])
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
                figure(tick),
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
        '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="{}">Days</text>'
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
        left - 8,
        top - 22,
        BLACK,
    )
    return Chart(svg=svg, title=title, description=description)


def _bar_label(name: str, *, x: int, y: int) -> str:
    """The ICB's name right-aligned beside its bar, on one or two lines; a shortened name carries the full one
    as a tooltip."""
    lines = label_lines(name)
    first_y = y + 15 if len(lines) == 1 else y + 7
    spans = "".join(f'<tspan x="{x}" y="{first_y + n * 16}">{escape(line)}</tspan>' for n, line in enumerate(lines))
    tooltip = f"<title>{escape(name)}</title>" if lines[-1].endswith("…") else ""
    return f'<text text-anchor="end" font-size="14" fill="{BLACK}">{tooltip}{spans}</text>'


def icb_bars_chart(*, rows: list[Progress], chart_id: str) -> Chart:
    """Each ICB's days allocated and delivered as a share of its quota, as horizontal bars."""
    label_width, bar_width, row_height = 260, 420, 40
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
            _bar_label(row.name, x=label_width - 10, y=20 + n * row_height)
            + f'<rect x="{label_width}" y="{20 + n * row_height}" '
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
