"""The day counters the visit services keep on enrolments, capacities and weeks, equal to what the visits add up to."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from pins.kernel.errors import RuleBroken
from schools.models import Enrolment, WeeklyDelivery
from specialists.models import Session
from specialists.services import visit_allocate, visit_cancel, visit_confirm, visit_record_outcome, visit_reschedule
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
        assert_counters_match_visits()

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
    assert_counters_match_visits()


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
