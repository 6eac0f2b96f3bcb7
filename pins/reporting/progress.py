"""National rollout progress: how far each ICB and region has got in a programme year.

The figures are read from what is kept as visits change, never summed from the visits: each ICB's totals from
the rows a trigger writes as its enrolments' counters move (`ProgressChange`, folded to one row per ICB every few
minutes), and each ICB's weekly deliveries. So the page costs the same few queries and well under a millisecond
of SQL for 2 ICBs or 42, for a hundred schools or twenty thousand, and for a thousand visits or a million.
The overdue visits (open, dated before today, so no outcome) are counted from the rows a trigger on visits keeps
of each ICB's open visits by day (`OpenVisitsChange`, folded to one row per ICB and day).

Every measure the page shows is defined once here, and `MEASURES` says how each is worked out, for the page.
"""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from icbs.models import ICB, Region
from pins.kernel.prepared import prepared_read
from pins.kernel.units import figure
from schools.models import PlanMilestone, ProgrammeYear, ProgressChange, WeeklyDelivery
from schools.selectors import TermsEnded, met_through_column, terms_ended
from specialists.models import OpenVisitsChange

ZERO = Decimal("0")

# How each figure is worked out, shown on the page under "How these figures are worked out".
MEASURES = [
    (
        "Target schools",
        "The programme year's schools per ICB, for each ICB. An ICB formed by a merger has the targets of the "
        "ICBs it was formed from, added together, so a merger never changes the national target.",
    ),
    ("Days allocated", "Days booked in visits that are not cancelled, as a share of the enrolled schools' days."),
    ("Days delivered", "Days in visits whose outcome has been recorded, as a share of the enrolled schools' days."),
    ("First visit", "Enrolled schools with at least one delivered visit, as a share of the schools enrolled."),
    (
        "Outcomes recorded",
        "Visits with an outcome, as a share of every visit whose date has passed (not counting cancelled ones). "
        "A visit whose date has passed with no outcome recorded is overdue.",
    ),
    (
        "Behind plan",
        "The programme admin sets a trajectory: the share of days expected to be allocated and delivered by the "
        "end of each month. An ICB is behind plan when its share allocated or delivered is below the last "
        "month-end passed; the table says on which measure and by how many percentage points.",
    ),
    (
        "Totals",
        "The figures at the top add up the ICBs the table shows, so they follow the region and other choices.",
    ),
]


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
    visits_overdue: int = 0
    schools_behind_on_meetings: int = 0
    planned_days: Decimal = ZERO
    expected: "Expected | None" = None
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
    def visits_past(self) -> int:
        """Visits whose date has passed: those delivered (a visit is delivered by recording its outcome) and
        those overdue."""
        return self.visits_delivered + self.visits_overdue

    @property
    def outcomes_percent(self):
        return _percent(self.outcomes_recorded, self.visits_past)

    @property
    def shortfalls(self) -> list["Shortfall"]:
        """Where the ICB is below the trajectory's last month-end passed, measure by measure."""
        if self.expected is None or not self.quota_days:
            return []
        found = []
        for measure, percent, expected in (
            ("allocated", self.allocated_percent or 0, self.expected.allocated_percent),
            ("delivered", self.delivered_percent or 0, self.expected.delivered_percent),
        ):
            if percent < expected:
                found.append(Shortfall(measure=measure, percent=percent, expected=expected))
        return found

    @property
    def behind_plan(self) -> bool:
        return bool(self.shortfalls)

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
            "visits_overdue",
            "schools_behind_on_meetings",
            "planned_days",
        ):
            setattr(self, field, getattr(self, field) + getattr(other, field))
        self.expected = other.expected


@dataclasses.dataclass(frozen=True)
class Expected:
    """The trajectory's shares in force on a day: those of the last month-end passed."""

    month: datetime.date
    allocated_percent: int
    delivered_percent: int


@dataclasses.dataclass(frozen=True)
class Shortfall:
    measure: str  # "allocated" or "delivered"
    percent: int
    expected: int

    @property
    def points(self) -> int:
        return self.expected - self.percent

    def __str__(self):
        return f"{self.measure.capitalize()} {self.percent}%, expected {self.expected}% ({self.points} points behind)"


def expected_on(year: ProgrammeYear, on: datetime.date) -> Expected | None:
    """The trajectory's milestone for the last month that ended before `on`; None when none has."""
    passed = None
    for milestone in _milestones(year_id=year.pk):
        ends = (milestone.month + datetime.timedelta(days=31)).replace(day=1)
        if ends <= on:
            passed = milestone
    if passed is None:
        return None
    return Expected(
        month=passed.month,
        allocated_percent=passed.allocated_percent,
        delivered_percent=passed.delivered_percent,
    )


def progress_total(rows: list[Progress], *, name: str) -> Progress:
    """The figures of the rows shown, added up: the page's headline follows its filters."""
    total = Progress(name=name)
    for row in rows:
        total.add(row)
    return total


@dataclasses.dataclass(frozen=True)
class ProgressShown:
    """One ICB's row of the national table as the page writes it: worked out here rather than by template
    filters, as the table has a row for every ICB."""

    name: str
    url: str
    region: str
    behind_plan: bool
    shortfalls: list[str]
    schools: str
    allocated: str
    confirmed: str
    delivered: str
    delivered_percent: int
    first_visit_percent: int
    outcomes: str
    behind_on_meetings: str

    @property
    def html(self) -> SafeString:
        """The row's markup, written here rather than by the template: with every ICB in the table, Django's
        templates took several milliseconds to write its cells one variable at a time."""
        escaped = conditional_escape
        name = escaped(self.name)
        if self.url:
            name = f'<a class="govuk-link" href="{escaped(self.url)}">{name}</a>'
        behind = ""
        if self.behind_plan:
            behind = ' <strong class="govuk-tag govuk-tag--orange">Behind plan</strong>' + "".join(
                f'<br><span class="govuk-body-s">{escaped(shortfall)}</span>' for shortfall in self.shortfalls
            )
        cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
        return mark_safe(  # every value is escaped
            '<tr class="govuk-table__row">'
            '<th scope="row" class="govuk-table__header govuk-!-font-weight-regular">'
            f'{name}<br><span class="govuk-hint govuk-!-font-size-16">{escaped(self.region)}</span>{behind}</th>'
            f"{cell}{escaped(self.schools)}</td>"
            f"{cell}{escaped(self.allocated)}</td>"
            f"{cell}{escaped(self.confirmed)}</td>"
            f'{cell}{escaped(self.delivered)} <span class="govuk-hint govuk-!-font-size-16">'
            f"({escaped(self.delivered_percent)}%)</span></td>"
            f"{cell}{escaped(self.first_visit_percent)}%</td>"
            f"{cell}{escaped(self.outcomes)}</td>"
            f"{cell}{escaped(self.behind_on_meetings)}</td>"
            "</tr>"
        )


def progress_shown(row: Progress, *, url: str) -> ProgressShown:
    behind = row.schools_behind_on_meetings
    return ProgressShown(
        name=row.name,
        url=url,
        region=row.region.name if row.region else "",
        behind_plan=row.behind_plan,
        shortfalls=[str(shortfall) for shortfall in row.shortfalls],
        schools=f"{figure(row.schools_enrolled)} of {figure(row.target_schools)}",
        allocated=f"{figure(row.allocated_days)} of {figure(row.quota_days)}",
        confirmed=figure(row.confirmed_days),
        delivered=figure(row.delivered_days),
        delivered_percent=row.delivered_percent or 0,
        first_visit_percent=row.first_visit_percent or 0,
        outcomes=(f"{row.outcomes_percent}% ({figure(row.visits_overdue)} overdue)" if row.visits_past else "–"),
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
    expected: Expected | None = None


def national_progress(*, year: ProgrammeYear, on: datetime.date | None = None) -> NationalProgress:
    """Every ICB that took part in the year (or exists during it), with regional and national totals."""
    on = on or timezone.localdate()
    share = planned_share(year, on)
    # Schools behind on parent and carer meetings: those enrolled less those met in every term ended so far.
    ended = terms_ended(year, today=on)
    met_through = met_through_column(ended)
    by_enrolments = {row["icb"]: row for row in _figures_by_icb(year_id=year.pk, terms_ended=ended) if row["schools"]}
    overdue = dict(_visits_overdue_by_icb(year_id=year.pk, starts_on=year.starts_on, on=on))
    expected = expected_on(year, on)
    icbs = list(_icbs_taking_part(enrolled_ids=frozenset(by_enrolments), ends_on=year.ends_on))
    targets = _targets(year, icbs)
    rows = []
    for icb in icbs:
        counts = by_enrolments.get(icb.pk, {})
        quota = counts.get("quota", ZERO)
        rows.append(
            Progress(
                name=icb.short_name,
                icb=icb,
                region=icb.region,
                target_schools=targets[icb.pk],
                visits_overdue=overdue.get(icb.pk, 0),
                expected=expected,
                schools_enrolled=counts.get("schools", 0),
                quota_days=quota,
                allocated_days=counts.get("allocated", ZERO),
                confirmed_days=counts.get("confirmed", ZERO),
                delivered_days=counts.get("delivered", ZERO),
                schools_visited=counts.get("visited_schools", 0),
                visits_delivered=counts.get("delivered_visits", 0),
                outcomes_recorded=counts.get("outcomes", 0),
                schools_behind_on_meetings=counts["schools"] - counts["met"] if met_through and counts else 0,
                planned_days=(quota * share).quantize(Decimal("0.1")),
            )
        )
    regions: dict[int, Progress] = {}
    for row in rows:
        regions.setdefault(row.region.pk, Progress(name=row.region.name, region=row.region)).add(row)
    return NationalProgress(
        year=year,
        on=on,
        icbs=rows,
        regions=sorted(regions.values(), key=lambda r: r.name),
        nation=progress_total(rows, name="England"),
        expected=expected,
    )


def _targets(year: ProgrammeYear, icbs: list[ICB]) -> dict[int, int]:
    """Each ICB's target: the year's schools per ICB, times the ICBs it stands for. A successor stands for its
    predecessors together (and theirs, through a chain of mergers), except those shown in their own right."""
    shown = {icb.pk for icb in icbs}
    predecessors = defaultdict(list)
    for pk, successor in _mergers():
        predecessors[successor].append(pk)

    def stands_for(pk: int) -> int:
        if pk not in predecessors:
            return 1
        return sum(stands_for(earlier) for earlier in predecessors[pk] if earlier not in shown)

    return {pk: year.target_schools_per_icb * stands_for(pk) for pk in shown}


@dataclasses.dataclass
class WeekOfDelivery:
    week: datetime.date
    delivered: Decimal | None  # None for a week that has not started: the line stops at today
    planned: Decimal

    # Written here rather than by template filters: the page shows a row for every week of the year.
    @property
    def week_shown(self) -> str:
        """3 Nov 2026."""
        return f"{self.week.day} {self.week:%b %Y}"

    @property
    def planned_shown(self) -> str:
        """The days planned, to the nearest half-day."""
        return figure(self.planned)

    @property
    def delivered_shown(self) -> str:
        return "–" if self.delivered is None else figure(self.delivered)


def delivery_by_week(
    *, year: ProgrammeYear, icbs: list[ICB] | None = None, quota: Decimal, on: datetime.date | None = None
) -> list[WeekOfDelivery]:
    """Cumulative days delivered at the end of each week of the year, beside an even-spread plan; weeks after
    today have no delivered figure. One query, over the ICBs' kept weekly deliveries."""
    on = on or timezone.localdate()
    per_week = defaultdict(Decimal)
    icb_ids = None if icbs is None else frozenset(icb.pk for icb in icbs)
    for row in _delivered_by_week(year_id=year.pk, icb_ids=icb_ids):
        per_week[row["week"]] = row["days"]
    weeks, total = [], ZERO
    week = year.starts_on - datetime.timedelta(days=year.starts_on.weekday())
    while week <= year.ends_on:
        total += per_week.get(week, ZERO)
        end_of_week = min(week + datetime.timedelta(days=6), year.ends_on)
        weeks.append(
            WeekOfDelivery(
                week=week,
                delivered=total if week <= on else None,
                planned=quota * planned_share(year, end_of_week),
            )
        )
        week += datetime.timedelta(days=7)
    return weeks


# The page's reads, their SQL built once per process (pins.kernel.prepared).


@prepared_read
def _figures_by_icb(*, year_id: int, terms_ended: TermsEnded):
    """The kept figures added up by ICB, with those met in every term ended so far (see national_progress)."""
    met_through = met_through_column(terms_ended)
    return (
        ProgressChange.objects.filter(programme_year_id=year_id)
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
            **({"met": Sum(met_through)} if met_through else {}),
        )
        .order_by()
    )


@prepared_read
def _visits_overdue_by_icb(*, year_id: int, starts_on: datetime.date, on: datetime.date):
    return (
        OpenVisitsChange.objects.filter(programme_year_id=year_id, date__gte=starts_on, date__lt=on)
        .values_list("icb")
        .annotate(visits=Sum("visits"))
        .order_by()
    )


@prepared_read
def _icbs_taking_part(*, enrolled_ids: frozenset[int], ends_on: datetime.date) -> QuerySet[ICB]:
    """The ICBs with schools enrolled in the year, and those that exist during it."""
    return (
        ICB.objects.filter(Q(pk__in=enrolled_ids) | Q(started_on__lte=ends_on, ended_on__isnull=True))
        .select_related("region")
        .order_by("region__name", "name")
    )


@prepared_read
def _milestones(*, year_id: int) -> QuerySet[PlanMilestone]:
    return PlanMilestone.objects.filter(programme_year_id=year_id).order_by("month")


@prepared_read
def _mergers():
    return ICB.objects.filter(successor__isnull=False).values_list("pk", "successor")


@prepared_read
def _delivered_by_week(*, year_id: int, icb_ids: frozenset[int] | None):
    """Days delivered each week of the year, in these ICBs (None: in all)."""
    delivered = WeeklyDelivery.objects.filter(programme_year_id=year_id)
    if icb_ids is not None:
        delivered = delivered.filter(icb_id__in=icb_ids)
    return delivered.values("week").annotate(days=Sum("delivered_days")).order_by()
