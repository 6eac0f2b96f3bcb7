import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.db.models.lookups import Exact

from schools.models import MET_THROUGH_COLUMNS, BlackoutPeriod, Enrolment, ProgressChange, WeeklyDelivery
from specialists.models import Capacity, OpenVisitsChange, Visit
from tests.factories import (
    CapacityFactory,
    ClosureDateFactory,
    EnrolmentFactory,
    ProgrammeYearFactory,
    SpecialistFactory,
    UnavailabilityFactory,
    UserFactory,
)

# A Tuesday in term: no bank holiday, blackout or closure falls on it.
TUESDAY = datetime.date(2026, 11, 3)


@pytest.fixture
def booking(db):
    """An enrolled school with 5 days, and a specialist of the same ICB with 40 days of capacity."""
    year = ProgrammeYearFactory()
    BlackoutPeriod.objects.create(
        programme_year=year,
        name="KS2 SATs week",
        starts_on=datetime.date(2027, 5, 10),
        ends_on=datetime.date(2027, 5, 13),
    )
    enrolment = EnrolmentFactory(cohort__programme_year=year, quota_days=Decimal("5.0"))
    specialist = SpecialistFactory(icb=enrolment.icb, full_name="Ada Lovelace")
    CapacityFactory(specialist=specialist, programme_year=year, days=Decimal("40.0"))
    ClosureDateFactory(school=enrolment.school, starts_on=datetime.date(2027, 1, 4), ends_on=datetime.date(2027, 1, 4))
    UnavailabilityFactory(
        specialist=specialist, starts_on=datetime.date(2026, 10, 26), ends_on=datetime.date(2026, 10, 30)
    )
    return {"year": year, "enrolment": enrolment, "specialist": specialist, "coordinator": UserFactory()}


@pytest.fixture(autouse=True)
def _before_the_visits():
    """Today is before the dates these tests book (an outcome test says its own 'today')."""
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC), tick=True):
        yield


def assert_counters_match_visits():
    """Every counter equals what the visits it counts add up to."""
    delivered = Q(status=Visit.Status.DELIVERED)
    for enrolment in Enrolment.objects.all():
        visits = Visit.objects.filter(enrolment=enrolment).aggregate(
            allocated_days=Sum(
                "days",
                filter=~Q(status=Visit.Status.CANCELLED) & ~Q(status=Visit.Status.NOT_HELD, days_given_back=True),
                default=Decimal("0"),
            ),
            confirmed_days=Sum("days", filter=Q(status=Visit.Status.CONFIRMED), default=Decimal("0")),
            delivered_days=Sum("days", filter=delivered, default=Decimal("0")),
            visits_delivered=Count("pk", filter=delivered),
            outcomes_recorded=Count("outcome", filter=delivered),
        )
        kept = {name: getattr(enrolment, name) for name in visits}
        assert kept == visits, enrolment
    weeks = (
        Visit.objects.filter(delivered)
        .values_list("enrolment__programme_year", "enrolment__icb", TruncWeek("date"))
        .annotate(days=Sum("days"))
        .order_by()
    )
    kept_weeks = WeeklyDelivery.objects.exclude(delivered_days=0)
    assert set(kept_weeks.values_list("programme_year", "icb", "week", "delivered_days")) == set(weeks)
    for capacity in Capacity.objects.all():
        booked = (
            Visit.objects.counted()
            .filter(specialist=capacity.specialist, enrolment__programme_year=capacity.programme_year)
            .aggregate(total=Sum("days"))["total"]
        )
        assert capacity.allocated_days == (booked or Decimal("0")), capacity
    assert_progress_matches_enrolments()
    assert_open_visits_match_visits()


def assert_open_visits_match_visits():
    """What the open-visits trigger wrote adds up, for each ICB, year and day, to the open visits there are."""
    assert open_visits_kept() == open_visits_counted()


def open_visits_kept() -> set[tuple]:
    rows = OpenVisitsChange.objects.values_list("programme_year", "icb", "date").annotate(visits=Sum("visits"))
    return {tuple(row) for row in rows.order_by() if row[3]}


def open_visits_counted() -> set[tuple]:
    rows = (
        Visit.objects.open()
        .values_list("enrolment__programme_year", "enrolment__icb", "date")
        .annotate(visits=Count("pk"))
        .order_by()
    )
    return {tuple(row) for row in rows}


def assert_progress_matches_enrolments():
    """What the progress trigger wrote adds up, for each ICB and year, to what its enrolled schools' counters do."""
    assert progress_kept() == progress_of_enrolments()


FIGURES = [
    "schools",
    "quota_days",
    "allocated_days",
    "confirmed_days",
    "delivered_days",
    "visits_delivered",
    "outcomes_recorded",
]


def progress_kept() -> set[tuple]:
    return {
        tuple(row)
        for row in ProgressChange.objects.values_list("programme_year", "icb")
        .annotate(
            **{f"total_{name}": Sum(name) for name in FIGURES},
            visited=Sum("schools_visited"),
            **{name: Sum(name) for name in MET_THROUGH_COLUMNS},
        )
        .order_by()
        if row[2]  # an ICB whose schools have all left adds up to nothing
    }


def progress_of_enrolments() -> set[tuple]:
    return {
        tuple(row)
        for row in Enrolment.objects.filter(status=Enrolment.Status.ENROLLED)
        .values_list("programme_year", "icb")
        .annotate(
            schools=Count("pk"),
            **{f"total_{name}": Sum(name) for name in FIGURES[1:]},
            visited=Count("pk", filter=Q(visits_delivered__gt=0)),
            **{
                name: Count("pk", filter=Q(Exact(F("meeting_terms").bitand(2**terms - 1), 2**terms - 1)))
                for terms, name in enumerate(MET_THROUGH_COLUMNS, start=1)
            },
        )
        .order_by()
    }
