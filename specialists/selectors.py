"""Reads for the allocation pages. Each aggregates in the database: a fixed number of queries whatever the
number of schools, specialists or visits."""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from icbs.models import ICB
from schools.models import Enrolment, ProgrammeYear
from schools.selectors import with_parent_carer_progress
from specialists.models import CalendarFeed, Capacity, ChangeRequest, Specialist, Visit

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=5, decimal_places=1))


def _days_with_status(status: str):
    return Coalesce(
        Sum("visits__days", filter=Q(visits__status=status)),
        ZERO,
        output_field=DecimalField(max_digits=5, decimal_places=1),
    )


def with_visit_days(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments annotated with the days proposed, confirmed and delivered, and the days remaining."""
    return enrolments.annotate(
        proposed_days=_days_with_status(Visit.Status.PROPOSED),
        confirmed_days=_days_with_status(Visit.Status.CONFIRMED),
        delivered_days=_days_with_status(Visit.Status.DELIVERED),
        remaining=F("quota_days") - F("allocated_days"),
    )


def icb_enrolments(*, icb: ICB, programme_year: ProgrammeYear) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.filter(icb=icb, programme_year=programme_year).select_related(
        "school__local_authority", "cohort"
    )
    return with_parent_carer_progress(with_visit_days(enrolments), year=programme_year).order_by("school__name")


def open_change_requests(*, icb: ICB) -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(resolved_at__isnull=True, visit__enrolment__icb=icb)
        .select_related("visit__enrolment__school", "visit__specialist", "requested_by")
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

    @property
    def remaining_days(self) -> Decimal:
        return self.quota_days - self.allocated_days


def icb_totals(*, icb: ICB, programme_year: ProgrammeYear) -> IcbTotals:
    enrolled = Enrolment.objects.filter(icb=icb, programme_year=programme_year, status=Enrolment.Status.ENROLLED)
    counts = enrolled.aggregate(
        schools=Count("pk"),
        quota_days=Coalesce(Sum("quota_days"), ZERO),
        allocated_days=Coalesce(Sum("allocated_days"), ZERO),
    )
    visits = Visit.objects.filter(enrolment__in=enrolled).aggregate(
        confirmed_days=Coalesce(Sum("days", filter=Q(status=Visit.Status.CONFIRMED)), ZERO),
        delivered_days=Coalesce(Sum("days", filter=Q(status=Visit.Status.DELIVERED)), ZERO),
    )
    return IcbTotals(**counts, **visits)


def icb_specialists(*, icb: ICB, programme_year: ProgrammeYear) -> QuerySet[Specialist]:
    """The ICB's specialists with their capacity for the year, the days booked and the days left."""
    capacity = Capacity.objects.filter(specialist=OuterRef("pk"), programme_year=programme_year)
    return (
        Specialist.objects.filter(icb=icb)
        .annotate(
            capacity_days=Coalesce(Subquery(capacity.values("days")[:1]), ZERO),
            booked_days=Coalesce(Subquery(capacity.values("allocated_days")[:1]), ZERO),
        )
        .annotate(left_days=F("capacity_days") - F("booked_days"))
        .order_by("-active", "full_name", "pk")  # a total order, so no specialist is on two pages or none
    )


def visits_between(*, visits: QuerySet[Visit], start: datetime.date, end: datetime.date) -> QuerySet[Visit]:
    return (
        visits.booked()
        .filter(date__range=(start, end))
        .select_related("enrolment__school", "specialist")
        .order_by("date", "slot_start")
    )


def icb_calendar_feeds(*, icb: ICB) -> QuerySet[CalendarFeed]:
    """The calendar addresses working now for the ICB's schools and specialists, newest first."""
    return (
        CalendarFeed.objects.filter(revoked_at__isnull=True)
        .filter(Q(school__icb=icb) | Q(specialist__icb=icb))
        .select_related("school", "specialist", "created_by")
        .order_by("-created_at", "-pk")
    )
