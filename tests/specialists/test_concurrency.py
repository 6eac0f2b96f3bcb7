"""Real concurrent transactions against PostgreSQL: the rules hold when many people book at once."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.db.models import Sum

from pins.kernel.errors import RuleBroken
from schools.models import Enrolment
from specialists.models import Capacity, Session, Visit
from specialists.services import visit_allocate
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory, UserFactory
from tests.specialists.conftest import TUESDAY

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]

ATTEMPTS = 24


def _race(bookings: list[dict]) -> tuple[list[Visit], list[str]]:
    """Run every booking at once, each in its own thread, transaction and database connection."""
    start = threading.Barrier(len(bookings))
    booked, refused, errors = [], [], []
    lock = threading.Lock()

    def attempt(arguments):
        try:
            start.wait()
            visit = visit_allocate(**arguments)
            with lock:
                booked.append(visit)
        except RuleBroken as rule:
            with lock:
                refused.append(rule.message)
        except Exception as error:  # anything else is a failure of the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(arguments,)) for arguments in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert not errors, errors
    return booked, refused


def _counters_match_visits():
    for enrolment in Enrolment.objects.all():
        total = Visit.objects.booked().filter(enrolment=enrolment).aggregate(days=Sum("days"))["days"] or 0
        assert enrolment.allocated_days == total
    for capacity in Capacity.objects.all():
        total = Visit.objects.booked().filter(specialist=capacity.specialist).aggregate(days=Sum("days"))["days"] or 0
        assert capacity.allocated_days == total


def test_many_coordinators_booking_the_same_specialist_session_get_one_booking():
    assert connection.vendor == "postgresql"
    coordinator = UserFactory()
    first = EnrolmentFactory()
    schools = [first] + [
        EnrolmentFactory(cohort=first.cohort, school__local_authority=first.school.local_authority)
        for _ in range(ATTEMPTS - 1)
    ]
    specialist = SpecialistFactory(icb=first.icb, full_name="Ada Lovelace")
    CapacityFactory(specialist=specialist, programme_year=first.programme_year, days=Decimal("40.0"))

    booked, refused = _race(
        [
            {
                "enrolment": enrolment,
                "specialist": specialist,
                "date": TUESDAY,
                "session": Session.MORNING,
                "by": coordinator,
            }
            for enrolment in schools
        ]
    )

    assert len(booked) == 1
    assert len(refused) == ATTEMPTS - 1
    assert all("Ada Lovelace is already booked in the morning on Tuesday 3 November 2026" in m for m in refused)
    assert Visit.objects.booked().count() == 1
    assert Capacity.objects.get().allocated_days == Decimal("0.5")
    _counters_match_visits()


def test_many_bookings_for_one_school_never_overfill_its_quota():
    coordinator = UserFactory()
    enrolment = EnrolmentFactory(quota_days=Decimal("5.0"))
    specialists = []
    for n in range(ATTEMPTS):
        specialist = SpecialistFactory(icb=enrolment.icb, full_name=f"Specialist {n}")
        CapacityFactory(specialist=specialist, programme_year=enrolment.programme_year, days=Decimal("10.0"))
        specialists.append(specialist)

    booked, refused = _race(
        [
            {
                "enrolment": enrolment,
                "specialist": specialist,
                "date": TUESDAY,
                "session": Session.FULL_DAY,
                "by": coordinator,
            }
            for specialist in specialists
        ]
    )

    assert len(booked) == 5
    assert len(refused) == ATTEMPTS - 5
    assert all("has 0 days left of its 5 days: a full-day visit does not fit" in message for message in refused)
    enrolment.refresh_from_db()
    assert enrolment.allocated_days == Decimal("5.0")
    _counters_match_visits()


def test_many_bookings_never_overspend_a_specialists_capacity():
    coordinator = UserFactory()
    first = EnrolmentFactory()
    schools = [first] + [
        EnrolmentFactory(cohort=first.cohort, school__local_authority=first.school.local_authority)
        for _ in range(ATTEMPTS - 1)
    ]
    specialist = SpecialistFactory(icb=first.icb)
    CapacityFactory(specialist=specialist, programme_year=first.programme_year, days=Decimal("3.0"))
    dates = [TUESDAY.replace(day=day) for day in (3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18)]

    booked, refused = _race(
        [
            {
                "enrolment": enrolment,
                "specialist": specialist,
                "date": dates[n % len(dates)],
                "session": Session.MORNING if n < len(dates) else Session.AFTERNOON,
                "by": coordinator,
            }
            for n, enrolment in enumerate(schools)
        ]
    )

    assert len(booked) == 6  # 3 days of half-days
    assert all("of capacity left in 2026-27" in message for message in refused)
    _counters_match_visits()
