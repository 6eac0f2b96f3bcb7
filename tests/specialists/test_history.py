"""Visits' and outcomes' history, kept by the database's triggers however a row changes, and outcomes'
activities held by the database."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from pins.kernel.history import acting
from schools.models import Enrolment
from specialists.models import Outcome, Session, Visit
from specialists.services import visit_allocate, visit_cancel, visit_confirm, visit_record_outcome
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


def test_recording_an_outcome_again_keeps_what_it_said_before(booking):
    visit = _book(booking)
    after_the_visit = datetime.date(2026, 11, 4)
    visit_record_outcome(
        visit=visit,
        activities=["staff_consultation"],
        staff_reached=4,
        notes="",
        by=booking["coordinator"],
        today=after_the_visit,
    )

    outcome = visit_record_outcome(
        visit=visit,
        activities=["staff_consultation", "resources_or_plans", "staff_consultation"],
        staff_reached=6,
        notes="Plan shared",
        by=booking["coordinator"],
        today=after_the_visit,
    )

    assert outcome.activities == ["staff_consultation", "resources_or_plans"]
    assert [event.activities for event in outcome.history_events.order_by("pgh_id")] == [
        ["staff_consultation"],
        ["staff_consultation", "resources_or_plans"],
    ]


@pytest.mark.engine
@pytest.mark.parametrize(
    ("activities", "constraint"),
    [
        (["staff_consultation", "juggling"], "outcome_activities_known"),
        ([], "outcome_has_an_activity"),
    ],
)
def test_the_database_holds_an_outcomes_activities_to_known_ones_at_least_one(booking, activities, constraint):
    visit = _book(booking)

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Outcome.objects.create(visit=visit, activities=activities, staff_reached=3)
