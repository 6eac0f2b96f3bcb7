"""National rollout progress: how far each ICB and region has got in a programme year.

The figures are read from what is kept as visits change, never summed from the visits: each ICB's totals from
the rows a trigger writes as its enrolments' counters move (`ProgressChange`, folded to one row per ICB every few
minutes), and each ICB's weekly deliveries. So the page costs the same few queries and well under a millisecond
of SQL for 2 ICBs or 42, for a hundred schools or twenty thousand, and for a thousand visits or a million.
"""

import dataclasses
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from icbs.models import ICB, Region
from pins.kernel.units import days_number
from schools.models import ProgrammeYear, ProgressChange, WeeklyDelivery
from schools.selectors import schools_behind_on_meetings

ZERO = Decimal("0")
# "Behind plan": fewer schools enrolled than the year's target, or fewer days delivered than this share of
# what an even spread of the year's days would have delivered by today.
BEHIND_SHARE = Decimal("0.8")


def _percent(part, whole) -> int | None:
    return None if not whole else round(100 * Decimal(part) / Decimal(whole))


@dataclasses.dataclass
class Progress:
    """The figures for one ICB, one region or the nation."""

    name: str
    target_schools: int = 0
    schools_enrolled: int = 0
    quota_days: Decimal = ZERO
    allocated_days: Decimal = ZERO
    confirmed_days: Decimal = ZERO
    delivered_days: Decimal = ZERO
    schools_visited: int = 0
    visits_delivered: int = 0
    outcomes_recorded: int = 0
    schools_behind_on_meetings: int = 0
    planned_days: Decimal = ZERO
    icb: ICB | None = None
    region: Region | None = None

    @property
    def enrolled_percent(self):
        return _percent(self.schools_enrolled, self.target_schools)

    @property
    def allocated_percent(self):
        return _percent(self.allocated_days, self.quota_days)

    @property
    def delivered_percent(self):
        return _percent(self.delivered_days, self.quota_days)

    @property
    def first_visit_percent(self):
        return _percent(self.schools_visited, self.schools_enrolled)

    @property
    def outcomes_percent(self):
        return _percent(self.outcomes_recorded, self.visits_delivered)

    @property
    def behind_plan(self) -> bool:
        return self.schools_enrolled < self.target_schools or self.delivered_days < self.planned_days * BEHIND_SHARE

    def add(self, other: "Progress") -> None:
        for field in (
            "target_schools",
            "schools_enrolled",
            "quota_days",
            "allocated_days",
            "confirmed_days",
            "delivered_days",
            "schools_visited",
            "visits_delivered",
            "outcomes_recorded",
            "schools_behind_on_meetings",
            "planned_days",
        ):
            setattr(self, field, getattr(self, field) + getattr(other, field))


@dataclasses.dataclass(frozen=True)
class ProgressShown:
    """One ICB's row of the national table as the page writes it: worked out here rather than by template
    filters, as the table has a row for every ICB."""

    name: str
    url: str
    region: str
    behind_plan: bool
    schools: str
    allocated: str
    confirmed: str
    delivered: str
    delivered_percent: int
    first_visit_percent: int
    outcomes: str
    behind_on_meetings: str


def progress_shown(row: Progress, *, url: str) -> ProgressShown:
    behind = row.schools_behind_on_meetings
    return ProgressShown(
        name=row.name,
        url=url,
        region=row.region.name if row.region else "",
        behind_plan=row.behind_plan,
        schools=f"{row.schools_enrolled} of {row.target_schools}",
        allocated=f"{days_number(row.allocated_days)} of {days_number(row.quota_days)}",
        confirmed=days_number(row.confirmed_days),
        delivered=days_number(row.delivered_days),
        delivered_percent=row.delivered_percent or 0,
        first_visit_percent=row.first_visit_percent or 0,
        outcomes=f"{row.outcomes_percent}%" if row.visits_delivered else "–",
        behind_on_meetings=f"{behind} school{'' if behind == 1 else 's'}",
    )


def planned_share(year: ProgrammeYear, on: datetime.date) -> Decimal:
    """The share of the year's days an even spread would have delivered by a date (0 to 1)."""
    if on <= year.starts_on:
        return ZERO
    if on >= year.ends_on:
        return Decimal(1)
    return Decimal((on - year.starts_on).days) / Decimal((year.ends_on - year.starts_on).days)


@dataclasses.dataclass
class NationalProgress:
    year: ProgrammeYear
    on: datetime.date
    icbs: list[Progress]
    regions: list[Progress]
    nation: Progress


def national_progress(*, year: ProgrammeYear, on: datetime.date | None = None) -> NationalProgress:
    """Every ICB that took part in the year (or exists during it), with regional and national totals."""
    on = on or timezone.localdate()
    share = planned_share(year, on)
    by_enrolments = {
        row["icb"]: row
        for row in ProgressChange.objects.filter(programme_year=year)
        .values("icb")
        .annotate(
            schools=Sum("schools"),
            quota=Sum("quota_days"),
            allocated=Sum("allocated_days"),
            confirmed=Sum("confirmed_days"),
            delivered=Sum("delivered_days"),
            delivered_visits=Sum("visits_delivered"),
            outcomes=Sum("outcomes_recorded"),
            visited_schools=Sum("schools_visited"),
        )
        .order_by()
        if row["schools"]
    }
    behind_on_meetings = schools_behind_on_meetings(year=year, today=on)
    icbs = (
        ICB.objects.filter(Q(pk__in=by_enrolments) | Q(started_on__lte=year.ends_on, ended_on__isnull=True))
        .select_related("region")
        .order_by("region__name", "name")
    )
    rows = []
    for icb in icbs:
        counts = by_enrolments.get(icb.pk, {})
        quota = counts.get("quota", ZERO)
        rows.append(
            Progress(
                name=icb.short_name,
                icb=icb,
                region=icb.region,
                target_schools=year.target_schools_per_icb,
                schools_enrolled=counts.get("schools", 0),
                quota_days=quota,
                allocated_days=counts.get("allocated", ZERO),
                confirmed_days=counts.get("confirmed", ZERO),
                delivered_days=counts.get("delivered", ZERO),
                schools_visited=counts.get("visited_schools", 0),
                visits_delivered=counts.get("delivered_visits", 0),
                outcomes_recorded=counts.get("outcomes", 0),
                schools_behind_on_meetings=behind_on_meetings.get(icb.pk, 0),
                planned_days=(quota * share).quantize(Decimal("0.1")),
            )
        )
    regions: dict[int, Progress] = {}
    nation = Progress(name="England")
    for row in rows:
        regions.setdefault(row.region.pk, Progress(name=row.region.name, region=row.region)).add(row)
        nation.add(row)
    return NationalProgress(
        year=year, on=on, icbs=rows, regions=sorted(regions.values(), key=lambda r: r.name), nation=nation
    )


@dataclasses.dataclass
class WeekOfDelivery:
    week: datetime.date
    delivered: Decimal
    planned: Decimal

    # Written here rather than by template filters: the page shows a row for every week of the year.
    @property
    def week_shown(self) -> str:
        """3 Nov 2026."""
        return f"{self.week.day} {self.week:%b %Y}"

    @property
    def planned_shown(self) -> str:
        """The days planned, to the nearest whole day."""
        return f"{self.planned.quantize(Decimal(1), rounding=ROUND_HALF_UP)}"


def delivery_by_week(*, year: ProgrammeYear, icbs: list[ICB] | None = None, quota: Decimal) -> list[WeekOfDelivery]:
    """Cumulative days delivered at the end of each week of the year, beside an even-spread plan. One query,
    over the ICBs' kept weekly deliveries."""
    delivered = WeeklyDelivery.objects.filter(programme_year=year)
    if icbs is not None:
        delivered = delivered.filter(icb__in=icbs)
    per_week = defaultdict(Decimal)
    for row in delivered.values("week").annotate(days=Sum("delivered_days")).order_by():
        per_week[row["week"]] = row["days"]
    weeks, total = [], ZERO
    week = year.starts_on - datetime.timedelta(days=year.starts_on.weekday())
    while week <= year.ends_on:
        total += per_week.get(week, ZERO)
        end_of_week = min(week + datetime.timedelta(days=6), year.ends_on)
        weeks.append(WeekOfDelivery(week=week, delivered=total, planned=quota * planned_share(year, end_of_week)))
        week += datetime.timedelta(days=7)
    return weeks
