"""Reads for the allocation pages. Each aggregates in the database: a fixed number of queries whatever the
number of schools, specialists or visits."""

import dataclasses
import datetime
import typing
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from icbs.models import ICB
from pins.kernel.history import with_who
from pins.kernel.prepared import prepared_read
from schools.models import (
    Enrolment,
    ProgrammeYear,
    ProgressChange,
    SelfAssessment,
    SelfAssessmentRating,
    SencoMembership,
)
from schools.selectors import TermsEnded, met_through_column, terms_ended, with_meetings_missing
from specialists.models import SESSION_DAYS, CalendarFeed, ChangeRequest, Specialist, Visit
from specialists.rules import next_free_dates
from specialists.services.calendar_feed import calendar_token_hash

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=5, decimal_places=1))


def with_visit_days(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments annotated with the days proposed and the days remaining, from the counters the visit
    services keep (confirmed and delivered days are counters themselves)."""
    return enrolments.annotate(
        proposed_days=F("allocated_days") - F("confirmed_days") - F("delivered_days"),
        remaining=F("quota_days") - F("allocated_days"),
    )


def icb_enrolments(*, icb_id: int, year_id: int, terms_ended: TermsEnded) -> QuerySet[Enrolment]:
    """The ICB page's schools: only the columns its table shows, as narrower rows are quicker to build, on the
    page coordinators open most. Unfiltered, as mostly, it is `icb_enrolments_listed`."""
    enrolments = (
        Enrolment.objects.filter(icb_id=icb_id, programme_year_id=year_id)
        .select_related("school__local_authority")
        .only(
            "support",
            "status",
            "quota_days",
            "allocated_days",
            "confirmed_days",
            "delivered_days",
            "school__name",
            "school__local_authority__name",
        )
    )
    return with_meetings_missing(with_visit_days(enrolments), terms_ended=terms_ended).order_by("school__name")


icb_enrolments_listed = prepared_read(icb_enrolments)


@prepared_read
def open_change_requests(*, icb_id: int) -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(resolved_at__isnull=True, visit__enrolment__icb_id=icb_id)
        .select_related("visit__enrolment__school", "visit__specialist")
        .only(
            "reason",
            "from_specialist",
            "requested_at",
            "visit__date",
            "visit__enrolment__school__name",
            "visit__specialist__full_name",
        )
        .order_by("requested_at", "pk")  # a total order, so no request is on two pages or none
    )


def without_discipline(enrolments: QuerySet[Enrolment], discipline: str) -> QuerySet[Enrolment]:
    """Schools with no visit (not cancelled) from a specialist of the discipline."""
    booked = Visit.objects.booked().filter(enrolment=OuterRef("pk"), specialist__discipline=discipline)
    return enrolments.filter(~Exists(booked))


@dataclasses.dataclass
class IcbTotals:
    schools: int
    quota_days: Decimal
    allocated_days: Decimal
    confirmed_days: Decimal
    delivered_days: Decimal
    behind_on_parent_carers: int

    @property
    def remaining_days(self) -> Decimal:
        return self.quota_days - self.allocated_days


def icb_totals(*, icb: ICB, programme_year: ProgrammeYear) -> IcbTotals:
    """The ICB's enrolled schools added up, with those behind on parent and carer meetings: one query over the
    rows the progress trigger keeps for it (docs/adr/0020), not over its schools."""
    ended = terms_ended(programme_year)
    found = list(_icb_figures(icb_id=icb.pk, year_id=programme_year.pk, terms_ended=ended))
    figures = found[0] if found else dict(NO_FIGURES)
    figures.pop("icb")
    met = figures.pop("met", figures["schools"])  # before any term has ended, no school is behind
    return IcbTotals(**figures, behind_on_parent_carers=figures["schools"] - met)


# What the sums come to over no rows, as the database gives them.
NO_FIGURES = {"icb": None, "schools": 0} | dict.fromkeys(
    ("quota_days", "allocated_days", "confirmed_days", "delivered_days"), Decimal("0")
)


@prepared_read
def _icb_figures(*, icb_id: int, year_id: int, terms_ended: TermsEnded):
    """The ICB's kept figures added up: one row, or none before it has any."""
    met_through = met_through_column(terms_ended)
    return (
        ProgressChange.objects.filter(icb_id=icb_id, programme_year_id=year_id)
        .values("icb")
        .annotate(
            schools=Coalesce(Sum("schools"), 0),
            quota_days=Coalesce(Sum("quota_days"), ZERO),
            allocated_days=Coalesce(Sum("allocated_days"), ZERO),
            confirmed_days=Coalesce(Sum("confirmed_days"), ZERO),
            delivered_days=Coalesce(Sum("delivered_days"), ZERO),
            **({"met": Coalesce(Sum(met_through), 0)} if met_through else {}),
        )
        .order_by()
    )


def icb_specialists(*, icb: ICB, programme_year: ProgrammeYear) -> QuerySet[Specialist]:
    """The ICB's specialists with their capacity for the year, the days booked and the days left: one join to
    the year's capacity (a specialist has at most one)."""
    return (
        Specialist.objects.filter(icb=icb)
        .annotate(this_year=FilteredRelation("capacities", condition=Q(capacities__programme_year=programme_year)))
        .annotate(
            capacity_days=Coalesce(F("this_year__days"), ZERO),
            booked_days=Coalesce(F("this_year__allocated_days"), ZERO),
            left_days=Coalesce(F("this_year__days") - F("this_year__allocated_days"), ZERO),
        )
        .order_by("-active", "full_name", "pk")  # a total order, so no specialist is on two pages or none
    )


def visits_between(*, visits: QuerySet[Visit], start: datetime.date, end: datetime.date) -> QuerySet[Visit]:
    return (
        visits.booked()
        .filter(date__range=(start, end))
        .select_related("enrolment__school", "specialist")
        .order_by("date", "slot_start")
    )


@prepared_read
def schedule_school_rows(*, icb_id: int, year_id: int | None) -> QuerySet[Enrolment]:
    """The ICB schedule's rows of schools: only what a row shows and its holidays need (the school's URN, name and
    local authority)."""
    return (
        Enrolment.objects.filter(icb_id=icb_id, programme_year_id=year_id)
        .select_related("school")
        .only("icb", "school__name", "school__local_authority_id")
        .order_by("school__name")
    )


@prepared_read
def schedule_specialist_rows(*, icb_id: int) -> QuerySet[Specialist]:
    """The ICB schedule's rows of specialists."""
    return Specialist.objects.filter(icb_id=icb_id).only("icb", "full_name").order_by("full_name")


@prepared_read
def schedule_visits_in_cells(
    *, icb_id: int, start: datetime.date, end: datetime.date, rows: frozenset[int], rows_are_schools: bool
) -> QuerySet[Visit]:
    """The ICB schedule's visits in the period, in the rows shown: each row an enrolment or a specialist."""
    in_rows = {"enrolment_id__in": rows} if rows_are_schools else {"specialist_id__in": rows}
    return (
        visits_between(visits=icb_visits(icb_id), start=start, end=end)
        .filter(**in_rows)
        .only("date", "session", "status", "enrolment__school__name", "specialist__full_name")
    )


def icb_calendar_feeds(*, icb: ICB) -> QuerySet[CalendarFeed]:
    """The calendar addresses working now for the ICB's schools and specialists, newest first."""
    return (
        CalendarFeed.objects.filter(revoked_at__isnull=True)
        .filter(Q(school__icb=icb) | Q(specialist__icb=icb))
        .select_related("school", "specialist", "created_by")
        .order_by("-created_at", "-pk")
    )


def icb_visits(icb: ICB | int) -> QuerySet[Visit]:
    """Every visit to the ICB's enrolled schools, whatever the year."""
    return Visit.objects.filter(enrolment__icb=icb)


@prepared_read
def school_visits(*, enrolment_id: int) -> QuerySet[Visit]:
    """An enrolment's visits in date order, each with its outcome and `open_requests` (the school's change requests
    still waiting for an answer): one query for the visits and one for the requests."""
    return (
        Visit.objects.filter(enrolment_id=enrolment_id)
        .select_related("specialist", "outcome")
        .prefetch_related(
            Prefetch(
                "change_requests",
                queryset=ChangeRequest.objects.filter(resolved_at__isnull=True),
                to_attr="open_requests",
            )
        )
        .order_by("date", "slot_start")
    )


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    """The working calendar address with this secret token, if any."""
    return (
        CalendarFeed.objects.select_related("school", "specialist")
        .filter(token_hash=calendar_token_hash(token), revoked_at__isnull=True)
        .first()
    )


def calendar_feed_visits(feed: CalendarFeed, *, since: datetime.date) -> QuerySet[Visit]:
    """The visits a calendar address publishes: its school's or its specialist's, from `since` on."""
    visits = Visit.objects.filter(date__gte=since).select_related("enrolment__school", "specialist")
    if feed.school_id:
        visits = visits.filter(enrolment__school_id=feed.school_id)
    else:
        visits = visits.filter(specialist_id=feed.specialist_id)
    return visits.order_by("date", "slot_start")


def calendar_feed_working(*, school=None, specialist=None) -> CalendarFeed | None:
    """The school's or the specialist's calendar address that works now, if any."""
    return CalendarFeed.objects.filter(school=school, specialist=specialist, revoked_at__isnull=True).first()


@dataclasses.dataclass
class DatesOffered:
    """The next free dates one specialist can take a visit on, for the reschedule page."""

    specialist: Specialist
    dates: list[datetime.date]
    is_current: bool


def reschedule_offers(*, visit: Visit, today: datetime.date, per_specialist: int = 3, others: int = 4):
    """The next free dates for the visit's session: its own specialist's first, then those of up to `others`
    active specialists of the same discipline in the ICB with room for it in their capacity. Each specialist's
    dates come from the same calendar the booking checks (`next_free_dates`), so a date offered is bookable."""
    enrolment = visit.enrolment
    year = enrolment.programme_year
    after = max(today, year.starts_on - datetime.timedelta(days=1))
    room = SESSION_DAYS[visit.session]
    alternatives = list(
        Specialist.objects.active()
        .filter(
            icb_id=enrolment.icb_id,
            discipline=visit.specialist.discipline,
            capacities__programme_year=year,
            capacities__allocated_days__lte=F("capacities__days") - room,
        )
        .exclude(pk=visit.specialist_id)
        .order_by("full_name")[:others]
    )
    offers = []
    for specialist in [visit.specialist, *alternatives]:
        dates = next_free_dates(
            enrolment=enrolment, specialist=specialist, session=visit.session, after=after, count=per_specialist
        )
        offers.append(DatesOffered(specialist=specialist, dates=dates, is_current=specialist.pk == visit.specialist_id))
    return offers


@prepared_read
def icb_visits_not_held(*, icb_id: int, year_id: int) -> QuerySet[Visit]:
    """The ICB's visits in the year that did not take place, the latest first, for its coordinators."""
    return (
        Visit.objects.filter(
            status=Visit.Status.NOT_HELD, enrolment__icb_id=icb_id, enrolment__programme_year_id=year_id
        )
        .select_related("enrolment__school", "specialist")
        .only(
            "date",
            "not_held_reason",
            "not_held_details",
            "enrolment__school__name",
            "specialist__full_name",
        )
        .order_by("-date", "-pk")
    )


@dataclasses.dataclass
class SchoolBriefing:
    """What a specialist needs to know before a visit: what the school said it needs at the start, who its SENCOs
    are, and what earlier visits there did."""

    start_assessment: object  # schools.models.SelfAssessment or None
    sencos: list[tuple[str, str]]  # (name, e-mail)
    earlier_visits: list[Visit]


EARLIER_VISITS_SHOWN = 10


# The briefing's reads, their SQL built once (pins.kernel.prepared): the visit page is among the most used.


@prepared_read
def _start_assessment(*, enrolment_id: int) -> QuerySet[SelfAssessment]:
    return (
        SelfAssessment.objects.filter(enrolment_id=enrolment_id, stage=SelfAssessment.Stage.START)
        .select_related("enrolment__school")
        # Ordered by domain alone: the ratings' default order, by assessment, joins through to the enrolment's.
        .prefetch_related(Prefetch("ratings", queryset=SelfAssessmentRating.objects.order_by("domain")))[:1]
    )


@prepared_read
def _senco_names(*, urn: int) -> QuerySet:
    return (
        SencoMembership.objects.filter(school_id=urn)
        .order_by("user__full_name", "user__email")
        .values_list("user__full_name", "user__email")
    )


@prepared_read
def _visits_delivered_before(*, enrolment_id: int, before: datetime.date) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(
            enrolment_id=enrolment_id, status=Visit.Status.DELIVERED, date__lt=before, outcome__isnull=False
        )
        .select_related("specialist", "outcome")
        .order_by("-date", "-slot_start")[:EARLIER_VISITS_SHOWN]
    )


@prepared_read
def open_change_request(*, visit_id: int) -> QuerySet[ChangeRequest]:
    """The visit's change request waiting for an answer, if any (there is at most one)."""
    return ChangeRequest.objects.filter(visit_id=visit_id, resolved_at__isnull=True).select_related("requested_by")


@prepared_read
def visit_history_events(*, visit_id: int) -> QuerySet:
    """A visit's history events, oldest first, each with who made the change."""
    events = Visit.history_events.field.model.objects.filter(pgh_obj_id=visit_id)
    return with_who(events.order_by("pgh_created_at", "pgh_id"))


@prepared_read
def enrolment_history_events(*, enrolment_id: int, shown: typing.Literal[20]) -> QuerySet:
    """An enrolment's latest `shown` history events, newest first, each with who made the change."""
    events = Enrolment.history_events.field.model.objects.filter(pgh_obj_id=enrolment_id)
    return with_who(events.order_by("-pgh_created_at", "-pgh_id"))[:shown]


def school_briefing(visit: Visit) -> SchoolBriefing:
    """Four queries whatever the school's history: its start self-assessment, its SENCOs, and the outcomes of
    its visits delivered before this one in the same enrolment (the latest first)."""
    assessment = next(iter(_start_assessment(enrolment_id=visit.enrolment_id)), None)
    sencos = [(name or email, email) for name, email in _senco_names(urn=visit.enrolment.school_id)]
    earlier = list(_visits_delivered_before(enrolment_id=visit.enrolment_id, before=visit.date))
    return SchoolBriefing(start_assessment=assessment, sencos=sencos, earlier_visits=earlier)
