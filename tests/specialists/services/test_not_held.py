"""A visit that did not take place: its reason, its days given back or kept by rule, its counters kept right."""

import datetime
from decimal import Decimal

import pytest

from pins.kernel.errors import RuleBroken
from schools.models import Enrolment
from specialists.models import Capacity, ChangeRequest, Notice, Session, Visit
from specialists.services import (
    visit_allocate,
    visit_change_request,
    visit_confirm,
    visit_counters_recount,
    visit_record_not_held,
    visit_record_outcome,
)
from specialists.services.counters import capacity_counters_recount
from tests.specialists.conftest import TUESDAY, assert_counters_match_visits

pytestmark = pytest.mark.django_db

AFTER = datetime.date(2026, 11, 4)


def _confirmed(booking, session=Session.FULL_DAY):
    visit = visit_allocate(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        date=TUESDAY,
        session=session,
        by=booking["coordinator"],
    )
    return visit_confirm(visit=visit, by=booking["coordinator"])


@pytest.mark.parametrize("reason", ["school_closed", "specialist_ill"])
def test_days_go_back_when_the_school_was_not_at_fault(booking, reason):
    visit = _confirmed(booking)

    recorded = visit_record_not_held(visit=visit, reason=reason, by=booking["coordinator"], today=AFTER)

    assert recorded.status == Visit.Status.NOT_HELD and recorded.days_given_back
    enrolment = Enrolment.objects.get(pk=booking["enrolment"].pk)
    assert (enrolment.allocated_days, enrolment.confirmed_days, enrolment.delivered_days) == (0, 0, 0)
    assert Capacity.objects.get(specialist=booking["specialist"]).allocated_days == 0
    assert_counters_match_visits()


def test_days_still_count_when_the_school_cancelled_on_the_day(booking):
    visit = _confirmed(booking)

    recorded = visit_record_not_held(visit=visit, reason="cancelled_on_the_day", by=booking["coordinator"], today=AFTER)

    assert not recorded.days_given_back
    enrolment = Enrolment.objects.get(pk=booking["enrolment"].pk)
    assert (enrolment.allocated_days, enrolment.confirmed_days) == (Decimal("1.0"), 0)
    assert Capacity.objects.get(specialist=booking["specialist"]).allocated_days == Decimal("1.0")
    assert_counters_match_visits()


def test_the_recount_agrees_with_what_the_service_kept(booking):
    visit_record_not_held(visit=_confirmed(booking), reason="specialist_ill", by=None, today=AFTER)
    kept = Enrolment.objects.get(pk=booking["enrolment"].pk).allocated_days

    visit_counters_recount(enrolments=Enrolment.objects.all())
    capacity_counters_recount(capacities=Capacity.objects.all())

    assert Enrolment.objects.get(pk=booking["enrolment"].pk).allocated_days == kept == 0
    assert_counters_match_visits()


def test_another_reason_must_be_explained(booking):
    with pytest.raises(RuleBroken, match="Enter what happened"):
        visit_record_not_held(visit=_confirmed(booking), reason="other", details=" ", by=None, today=AFTER)


def test_an_unknown_reason_is_refused(booking):
    with pytest.raises(RuleBroken, match="Choose why"):
        visit_record_not_held(visit=_confirmed(booking), reason="rain", by=None, today=AFTER)


def test_a_visit_still_to_come_cannot_be_recorded(booking):
    with pytest.raises(RuleBroken, match="once the day has come"):
        visit_record_not_held(
            visit=_confirmed(booking), reason="school_closed", by=None, today=datetime.date(2026, 11, 2)
        )


def test_it_is_recorded_once_and_then_takes_no_outcome(booking):
    visit = visit_record_not_held(visit=_confirmed(booking), reason="school_closed", by=None, today=AFTER)

    with pytest.raises(RuleBroken, match="did not take place: it can no longer be changed"):
        visit_record_not_held(visit=visit, reason="school_closed", by=None, today=AFTER)
    with pytest.raises(RuleBroken):
        visit_record_outcome(visit=visit, activities=["staff_consultation"], staff_reached=1, notes="", by=None)


def test_the_school_and_specialist_are_told_and_a_waiting_request_answered(booking, django_capture_on_commit_callbacks):
    visit = _confirmed(booking)
    visit_change_request(visit=visit, reason="Snow forecast", by=None)

    visit_record_not_held(visit=visit, reason="school_closed", by=booking["coordinator"], today=AFTER)

    notice = Notice.objects.get(change=Notice.Change.NOT_HELD, recipient=booking["specialist"].email)
    assert "The school was closed" in notice.body and "go back to the school" in notice.body
    assert ChangeRequest.objects.get().resolved_at is not None
