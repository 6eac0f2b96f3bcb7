import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db.models import Sum

from pins.errors import RuleBroken
from schools.models import Enrolment
from specialists.models import Capacity, Session, Visit
from specialists.rules import next_free_dates
from specialists.services import visit_allocate, visit_cancel, visit_confirm, visit_record_outcome, visit_reschedule
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory
from tests.specialists.conftest import TUESDAY

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


def _assert_counters_match_visits():
    """Every counter equals the sum of the days of the visits it counts."""
    for enrolment in Enrolment.objects.all():
        booked = Visit.objects.booked().filter(enrolment=enrolment).aggregate(total=Sum("days"))["total"]
        assert enrolment.allocated_days == (booked or Decimal("0")), enrolment
    for capacity in Capacity.objects.all():
        booked = (
            Visit.objects.booked()
            .filter(specialist=capacity.specialist, enrolment__programme_year=capacity.programme_year)
            .aggregate(total=Sum("days"))["total"]
        )
        assert capacity.allocated_days == (booked or Decimal("0")), capacity


def test_a_half_day_takes_half_a_day_from_the_school_and_the_specialist(booking):
    visit = _book(booking, purpose="Sensory audit")

    assert (visit.status, visit.days, visit.version) == (Visit.Status.PROPOSED, Decimal("0.5"), 1)
    booking["enrolment"].refresh_from_db()
    assert booking["enrolment"].remaining_days == Decimal("4.5")
    assert Capacity.objects.get().allocated_days == Decimal("0.5")
    _assert_counters_match_visits()


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
    _assert_counters_match_visits()


def test_a_specialist_cannot_be_booked_for_overlapping_sessions(booking):
    _book(booking, session=Session.MORNING)
    other_school = EnrolmentFactory(
        cohort=booking["enrolment"].cohort, school__local_authority__icb=booking["enrolment"].icb
    )

    with pytest.raises(RuleBroken, match="Ada Lovelace is already booked in the morning on Tuesday 3 November 2026"):
        _book(booking, enrolment=other_school, session=Session.FULL_DAY)

    afternoon = _book(booking, enrolment=other_school, session=Session.AFTERNOON)
    assert afternoon.pk
    _assert_counters_match_visits()


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
    _assert_counters_match_visits()


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
    _assert_counters_match_visits()


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
    dates = [record.date for record in moved.history.order_by("history_date")]
    assert dates == [TUESDAY, TUESDAY, datetime.date(2026, 11, 4)]
    assert {record.history_user for record in moved.history.all()} == {booking["coordinator"]}
    _assert_counters_match_visits()


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


def test_next_free_dates_skip_every_unavailable_day(booking):
    _book(booking, date=datetime.date(2026, 12, 21), session=Session.FULL_DAY)

    free = next_free_dates(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        session=Session.MORNING,
        after=datetime.date(2026, 12, 18),
    )

    # 19-20 Dec weekend, 21 Dec booked, 25 and 28 Dec bank holidays, 26-27 weekend.
    assert free == [datetime.date(2026, 12, d) for d in (22, 23, 24, 29, 30)]
