import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from icbs.services import reference_data_load
from pins.demo.seed import demo_seed
from pins.kernel.errors import RuleBroken
from schools.models import Enrolment, WeeklyDelivery
from specialists.models import Capacity, Session, Visit
from specialists.rules import next_free_dates
from specialists.services import visit_allocate, visit_cancel, visit_confirm, visit_record_outcome, visit_reschedule
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory, VisitFactory
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
    """Every counter equals what the visits it counts add up to."""
    delivered = Q(status=Visit.Status.DELIVERED)
    for enrolment in Enrolment.objects.all():
        visits = Visit.objects.filter(enrolment=enrolment).aggregate(
            allocated_days=Sum("days", filter=~Q(status=Visit.Status.CANCELLED), default=Decimal("0")),
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
    dates = [record.date for record in moved.history_events.order_by("pgh_id")]
    assert dates == [TUESDAY, TUESDAY, datetime.date(2026, 11, 4)]
    assert {record.user_id for record in moved.history_events.all()} == {booking["coordinator"].pk}
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


def _deliver(visit, by, *, on):
    return visit_record_outcome(
        visit=visit, activities=["staff_consultation"], staff_reached=4, notes="", by=by, today=on
    )


def test_the_counters_follow_every_change_to_the_visits(booking):
    """Booked, confirmed, moved, delivered (and corrected), cancelled: after each, every counter and every week of
    delivery equals what the visits add up to."""
    coordinator = booking["coordinator"]
    steps = []
    morning = _book(booking, date=datetime.date(2026, 11, 3))
    full_day = _book(booking, date=datetime.date(2026, 11, 4), session=Session.FULL_DAY)
    afternoon = _book(booking, date=datetime.date(2026, 11, 5), session=Session.AFTERNOON)
    steps += [
        lambda: visit_confirm(visit=morning, by=coordinator),
        lambda: visit_confirm(visit=full_day, by=coordinator),
        lambda: visit_confirm(visit=full_day, by=coordinator),  # confirming twice counts once
        lambda: visit_reschedule(visit=full_day, date=datetime.date(2026, 11, 10), session=Session.MORNING, by=None),
        lambda: visit_confirm(visit=full_day, by=coordinator),
        lambda: _deliver(morning, coordinator, on=datetime.date(2026, 11, 3)),  # confirmed, then delivered
        lambda: _deliver(morning, coordinator, on=datetime.date(2026, 11, 6)),  # a correction counts nothing new
        lambda: _deliver(afternoon, coordinator, on=datetime.date(2026, 11, 5)),  # delivered without confirming
        lambda: visit_cancel(visit=full_day, reason="Staff training moved", by=coordinator),  # confirmed, cancelled
        lambda: _book(booking, date=datetime.date(2026, 11, 11), session=Session.FULL_DAY),
    ]
    for step in steps:
        step()
        _assert_counters_match_visits()

    booking["enrolment"].refresh_from_db()
    kept = booking["enrolment"]
    assert (kept.allocated_days, kept.confirmed_days, kept.delivered_days) == (Decimal("2.0"), 0, Decimal("1.0"))
    assert (kept.visits_delivered, kept.outcomes_recorded) == (2, 2)
    assert list(WeeklyDelivery.objects.values_list("week", "delivered_days")) == [
        (datetime.date(2026, 11, 2), Decimal("1.0"))
    ]


def test_a_refused_change_leaves_the_counters_as_they_were(booking):
    visit = visit_confirm(visit=_book(booking), by=booking["coordinator"])

    with pytest.raises(RuleBroken):
        visit_reschedule(visit=visit, date=datetime.date(2027, 1, 4), session=Session.MORNING, by=None)
    with pytest.raises(RuleBroken):
        _deliver(visit, None, on=datetime.date(2026, 11, 2))

    booking["enrolment"].refresh_from_db()
    assert booking["enrolment"].confirmed_days == Decimal("0.5")
    _assert_counters_match_visits()


@pytest.mark.engine
def test_the_database_refuses_counters_that_do_not_add_up(booking):
    enrolment = Enrolment.objects.filter(pk=booking["enrolment"].pk)
    _book(booking)

    for counters, constraint in [
        ({"confirmed_days": Decimal("1.0")}, "enrolment_confirmed_and_delivered_are_booked"),
        ({"visits_delivered": 1}, "enrolment_delivered_days_match_visits"),
        ({"outcomes_recorded": 1}, "enrolment_outcomes_of_delivered_visits"),
    ]:
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            enrolment.update(**counters)


def test_the_demo_seeds_every_counter_as_the_services_would_keep_it(db):
    reference_data_load()
    with time_machine.travel(datetime.datetime(2027, 2, 10, 9, tzinfo=datetime.UTC), tick=False):
        demo_seed(seed=1, scale=1)

    assert Enrolment.objects.filter(visits_delivered__gt=0, confirmed_days__gt=0).exists()
    _assert_counters_match_visits()


def test_open_visits_are_the_proposed_and_the_confirmed_ones_everywhere(booking):
    from specialists.presenters import with_school_page_actions

    proposed, confirmed, delivered, cancelled = (
        VisitFactory(enrolment=booking["enrolment"], specialist=booking["specialist"], date=day, status=status, **more)
        for day, status, more in [
            (TUESDAY, Visit.Status.PROPOSED, {}),
            (TUESDAY + datetime.timedelta(days=1), Visit.Status.CONFIRMED, {}),
            (TUESDAY + datetime.timedelta(days=2), Visit.Status.DELIVERED, {}),
            (TUESDAY + datetime.timedelta(days=3), Visit.Status.CANCELLED, {"cancelled_at": timezone.now()}),
        ]
    )

    assert set(Visit.objects.open()) == {
        visit for visit in (proposed, confirmed, delivered, cancelled) if visit.is_open
    }
    assert set(Visit.objects.open()) == {proposed, confirmed}
    # The school's page offers a confirmation on proposed visits only, and a change only to the school itself.
    for visit in (proposed, confirmed, delivered, cancelled):
        visit.open_requests = []
    shown = with_school_page_actions(
        [proposed, confirmed, delivered, cancelled], can_confirm=True, can_request_change=False, today=TUESDAY
    )
    assert [(visit.confirmable, visit.changeable) for visit in shown] == [
        (True, False),
        (False, False),
        (False, False),
        (False, False),
    ]
    senco_view = with_school_page_actions(
        [proposed, confirmed], can_confirm=True, can_request_change=True, today=TUESDAY
    )
    assert [visit.changeable for visit in senco_view] == [True, True]


def test_an_enrolment_has_days_to_book_while_enrolled_with_quota_left(booking):
    enrolment = booking["enrolment"]
    assert enrolment.has_days_to_book
    enrolment.allocated_days = enrolment.quota_days
    assert not enrolment.has_days_to_book
    enrolment.allocated_days, enrolment.status = 0, enrolment.Status.WITHDRAWN
    assert not enrolment.has_days_to_book
