"""The visit services: allocating, confirming, moving, cancelling and recording outcomes, under every rule and
under concurrent bookings."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection

from pins.kernel.errors import RuleBroken
from schools.models import Enrolment
from specialists.models import Capacity, Session, Visit
from specialists.services import visit_allocate, visit_cancel, visit_confirm, visit_record_outcome, visit_reschedule
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory, UserFactory
from tests.specialists.conftest import TUESDAY, assert_counters_match_visits

pytestmark = pytest.mark.django_db


def _book(booking, date=TUESDAY, session=Session.MORNING, **overrides):
    arguments = {
        "enrolment": booking["enrolment"],
        "specialist": booking["specialist"],
        "date": date,
        "session": session,
        "by": booking["coordinator"],
        **overrides,
    }
    return visit_allocate(**arguments)


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


def test_a_half_day_takes_half_a_day_from_the_school_and_the_specialist(booking):
    visit = _book(booking, purpose="Sensory audit")

    assert (visit.status, visit.days, visit.version) == (Visit.Status.PROPOSED, Decimal("0.5"), 1)
    booking["enrolment"].refresh_from_db()
    assert booking["enrolment"].remaining_days == Decimal("4.5")
    assert Capacity.objects.get().allocated_days == Decimal("0.5")
    assert_counters_match_visits()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (datetime.date(2026, 9, 29), "The date must be today or later: Tuesday 29 September 2026 has passed"),
        (datetime.date(2027, 7, 20), "The date must be in the 2026-27 programme year, between 1 September 2026"),
        (datetime.date(2026, 11, 7), "The date must be a weekday: Saturday 7 November 2026 is a Saturday"),
        (datetime.date(2026, 12, 25), "Friday 25 December 2026 is a bank holiday (Christmas Day)"),
        (datetime.date(2027, 5, 11), "Tuesday 11 May 2027 is in KS2 SATs week, when no visits are booked"),
        (datetime.date(2027, 1, 4), "is closed on 4 January 2027 (INSET day)"),
        (datetime.date(2026, 10, 27), "Ada Lovelace is unavailable from 26 October to 30 October 2026 (Annual leave)"),
    ],
)
def test_each_scheduling_rule_refuses_with_its_own_message(booking, date, message):
    with pytest.raises(RuleBroken) as refused:
        _book(booking, date=date)

    assert message in refused.value.message
    assert refused.value.field == "date"
    assert not Visit.objects.exists()
    assert_counters_match_visits()


def test_a_specialist_cannot_be_booked_for_overlapping_sessions(booking):
    _book(booking, session=Session.MORNING)
    other_school = EnrolmentFactory(
        cohort=booking["enrolment"].cohort, school__local_authority__icb=booking["enrolment"].icb
    )

    with pytest.raises(RuleBroken, match="Ada Lovelace is already booked in the morning on Tuesday 3 November 2026"):
        _book(booking, enrolment=other_school, session=Session.FULL_DAY)

    afternoon = _book(booking, enrolment=other_school, session=Session.AFTERNOON)
    assert afternoon.pk
    assert_counters_match_visits()


@pytest.mark.engine
def test_the_database_refuses_a_double_booking_the_service_did_not_see(booking):
    visit = _book(booking)

    with pytest.raises(IntegrityError, match="visit_no_specialist_double_booking"):
        Visit.objects.create(
            enrolment=visit.enrolment,
            specialist=visit.specialist,
            date=visit.date,
            session=Session.FULL_DAY,
            slot_start=0,
            slot_end=2,
            days=Decimal("1.0"),
        )


def test_a_school_never_gets_more_than_its_quota(booking):
    for day in (3, 4, 5, 6, 9):
        _book(booking, date=datetime.date(2026, 11, day), session=Session.FULL_DAY)

    with pytest.raises(RuleBroken, match="has 0 days left of its 5 days: a half-day visit does not fit"):
        _book(booking, date=datetime.date(2026, 11, 10))
    assert_counters_match_visits()


@pytest.mark.engine
def test_the_database_refuses_a_counter_above_the_quota(booking):
    with pytest.raises(IntegrityError, match="enrolment_quota_not_exceeded"):
        Enrolment.objects.filter(pk=booking["enrolment"].pk).update(allocated_days=Decimal("5.5"))


def test_a_specialist_never_goes_over_their_capacity(booking):
    Capacity.objects.update(days=Decimal("0.5"))
    _book(booking)

    with pytest.raises(RuleBroken, match="Ada Lovelace has 0 days of capacity left in 2026-27"):
        _book(booking, session=Session.AFTERNOON)
    booking["enrolment"].refresh_from_db()
    assert booking["enrolment"].allocated_days == Decimal("0.5")  # the refused booking took nothing


def test_a_specialist_of_another_icb_or_inactive_cannot_be_booked(booking):
    outsider = SpecialistFactory(full_name="Otto Outside")
    CapacityFactory(specialist=outsider, programme_year=booking["year"])
    with pytest.raises(RuleBroken, match="Otto Outside works for"):
        _book(booking, specialist=outsider)

    booking["specialist"].active = False
    booking["specialist"].save()
    with pytest.raises(RuleBroken, match="Ada Lovelace is not active"):
        _book(booking)


def test_a_withdrawn_school_cannot_be_booked(booking):
    Enrolment.objects.update(status=Enrolment.Status.WITHDRAWN)

    with pytest.raises(RuleBroken, match="is withdrawn, not enrolled"):
        _book(booking)


def test_cancelling_gives_the_days_back_and_frees_the_slot(booking):
    visit = _book(booking)

    visit_cancel(visit=visit, reason="Staff training moved", by=booking["coordinator"])

    visit.refresh_from_db()
    assert (visit.status, visit.cancellation_reason, visit.version) == (
        Visit.Status.CANCELLED,
        "Staff training moved",
        2,
    )
    booking["enrolment"].refresh_from_db()
    assert booking["enrolment"].allocated_days == 0
    assert _book(booking).pk  # the same slot again
    assert_counters_match_visits()


def test_cancelling_needs_a_reason(booking):
    with pytest.raises(RuleBroken, match="Enter why the visit is cancelled"):
        visit_cancel(visit=_book(booking), reason="  ", by=booking["coordinator"])


def test_confirming_records_who_and_when(booking):
    visit = visit_confirm(visit=_book(booking), by=booking["coordinator"])

    assert visit.status == Visit.Status.CONFIRMED
    assert visit.confirmed_by == booking["coordinator"] and visit.confirmed_at


def test_rescheduling_keeps_the_history_and_needs_confirming_again(booking):
    visit = visit_confirm(visit=_book(booking), by=booking["coordinator"])

    moved = visit_reschedule(
        visit=visit, date=datetime.date(2026, 11, 4), session=Session.FULL_DAY, by=booking["coordinator"]
    )

    assert (moved.date, moved.session, moved.status, moved.version) == (
        datetime.date(2026, 11, 4),
        Session.FULL_DAY,
        Visit.Status.PROPOSED,
        3,
    )
    dates = [record.date for record in moved.history_events.order_by("pgh_id")]
    assert dates == [TUESDAY, TUESDAY, datetime.date(2026, 11, 4)]
    assert {record.user_id for record in moved.history_events.all()} == {booking["coordinator"].pk}
    assert_counters_match_visits()


def test_rescheduling_into_a_closed_day_is_refused(booking):
    visit = _book(booking)

    with pytest.raises(RuleBroken, match="closed on 4 January 2027"):
        visit_reschedule(visit=visit, date=datetime.date(2027, 1, 4), session=Session.MORNING, by=None)
    visit.refresh_from_db()
    assert visit.date == TUESDAY


def test_recording_the_outcome_marks_the_visit_delivered(booking):
    visit = _book(booking)

    outcome = visit_record_outcome(
        visit=visit,
        activities=["whole_school_training", "resources_or_plans"],
        staff_reached=24,
        notes="Zones of regulation training",
        by=booking["coordinator"],
        today=datetime.date(2026, 11, 4),
    )

    visit.refresh_from_db()
    assert visit.status == Visit.Status.DELIVERED
    assert outcome.get_activities_display() == ["Whole-school training", "Resources or plans produced"]
    with pytest.raises(RuleBroken, match="can no longer be changed"):
        visit_cancel(visit=visit, reason="Too late", by=None)


def test_an_outcome_cannot_be_recorded_before_the_visit(booking):
    with pytest.raises(RuleBroken, match="record what happened once it has taken place"):
        visit_record_outcome(
            visit=_book(booking), activities=["staff_consultation"], staff_reached=3, notes="", by=None,
            today=datetime.date(2026, 11, 2),
        )  # fmt: skip


# Real concurrent transactions against PostgreSQL: the rules hold when many people book at once.
@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
class TestManyPeopleBookingAtOnce:
    def test_many_coordinators_booking_the_same_specialist_session_get_one_booking(self):
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
        assert_counters_match_visits()

    def test_many_bookings_for_one_school_never_overfill_its_quota(self):
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
        assert_counters_match_visits()

    def test_many_bookings_never_overspend_a_specialists_capacity(self):
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
        assert_counters_match_visits()
