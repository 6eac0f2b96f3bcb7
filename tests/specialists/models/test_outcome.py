"""Outcomes' history, kept by the database's triggers, and their activities held by the database."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from specialists.models import Outcome, Session
from specialists.services import visit_allocate, visit_record_outcome
from tests.specialists.conftest import TUESDAY


def _book(booking):
    return visit_allocate(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        date=TUESDAY,
        session=Session.MORNING,
        by=booking["coordinator"],
    )


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
