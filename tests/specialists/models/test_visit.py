"""Visits' history, kept by the database's triggers however a row changes, and which visits are open."""

import datetime

import pytest
from django.utils import timezone

from pins.kernel.history import acting
from schools.models import Enrolment
from specialists.models import Session, Visit
from specialists.services import visit_allocate, visit_cancel, visit_confirm
from tests.factories import VisitFactory
from tests.specialists.conftest import TUESDAY


def _book(booking):
    return visit_allocate(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        date=TUESDAY,
        session=Session.MORNING,
        by=booking["coordinator"],
    )


def test_each_service_change_is_an_event_naming_who_made_it(booking):
    visit = visit_confirm(visit=_book(booking), by=booking["coordinator"])
    visit_cancel(visit=visit, reason="School closed for snow", by=booking["coordinator"])

    events = list(visit.history_events.order_by("pgh_id"))

    assert [(event.pgh_label, event.status, event.version) for event in events] == [
        ("insert", "proposed", 1),
        ("update", "confirmed", 2),
        ("update", "cancelled", 3),
    ]
    assert {event.user_id for event in events} == {booking["coordinator"].pk}
    assert events[-1].cancellation_reason == "School closed for snow"


def test_a_bulk_update_that_no_service_made_is_in_the_history_too(booking):
    visit = _book(booking)

    with acting(None, reason="Data fix"):
        Visit.objects.filter(pk=visit.pk).update(purpose="Sensory audit")

    latest = visit.history_events.latest("pgh_id")
    assert (latest.pgh_label, latest.purpose, latest.pgh_context) == (
        "update",
        "Sensory audit",
        {"user": None, "reason": "Data fix"},
    )


def test_the_day_counters_moving_with_bookings_are_no_change_to_the_enrolments_history(booking):
    enrolment = booking["enrolment"]
    before = enrolment.history_events.count()

    visit_cancel(visit=_book(booking), reason="Moved to the spring", by=booking["coordinator"])

    enrolment.refresh_from_db()
    assert enrolment.history_events.count() == before
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    assert enrolment.history_events.latest("pgh_id").status == "withdrawn"


pytestmark = pytest.mark.django_db


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
