"""Moving a visit to another specialist: every rule checked again, the capacities moved, everyone told."""

from decimal import Decimal

import pytest

from pins.kernel.errors import RuleBroken
from specialists.models import Capacity, Notice, Session
from specialists.services import visit_allocate, visit_confirm, visit_reschedule
from tests.factories import CapacityFactory, SpecialistFactory, UnavailabilityFactory
from tests.specialists.conftest import TUESDAY, assert_counters_match_visits

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(booking):
    specialist = SpecialistFactory(icb=booking["enrolment"].icb, full_name="Grace Hopper")
    CapacityFactory(specialist=specialist, programme_year=booking["year"], days=Decimal("2.0"))
    return specialist


def _book(booking, session=Session.MORNING):
    return visit_allocate(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        date=TUESDAY,
        session=session,
        by=booking["coordinator"],
    )


def test_changing_the_specialist_moves_the_days_and_tells_both_specialists(booking, colleague):
    visit = visit_confirm(visit=_book(booking), by=booking["coordinator"])

    moved = visit_reschedule(
        visit=visit, date=TUESDAY, session=Session.FULL_DAY, specialist=colleague, by=booking["coordinator"]
    )

    assert moved.specialist == colleague and moved.days == Decimal("1.0")
    assert Capacity.objects.get(specialist=booking["specialist"]).allocated_days == 0
    assert Capacity.objects.get(specialist=colleague).allocated_days == Decimal("1.0")
    told = set(Notice.objects.filter(change=Notice.Change.MOVED).values_list("recipient", flat=True))
    assert {booking["specialist"].email, colleague.email} <= told
    former = Notice.objects.get(change=Notice.Change.MOVED, recipient=booking["specialist"].email)
    assert "with Ada Lovelace" in former.body and "Grace Hopper" in former.body
    assert_counters_match_visits()


def test_a_specialist_without_capacity_left_is_refused(booking, colleague):
    visit = _book(booking)
    Capacity.objects.filter(specialist=colleague).update(days=Decimal("0.5"))

    with pytest.raises(RuleBroken, match=r"Grace Hopper has 0\.5 days of capacity left"):
        visit_reschedule(visit=visit, date=TUESDAY, session=Session.FULL_DAY, specialist=colleague, by=None)
    visit.refresh_from_db()
    assert visit.specialist == booking["specialist"]
    assert_counters_match_visits()


def test_the_new_specialists_leave_is_checked(booking, colleague):
    visit = _book(booking)
    UnavailabilityFactory(specialist=colleague, starts_on=TUESDAY, ends_on=TUESDAY, reason="annual leave")

    with pytest.raises(RuleBroken, match="Grace Hopper is unavailable on 3 November 2026"):
        visit_reschedule(visit=visit, date=TUESDAY, session=Session.MORNING, specialist=colleague, by=None)


def test_another_icbs_specialist_is_refused(booking):
    visit = _book(booking)
    stranger = SpecialistFactory(full_name="Bea Beta")

    with pytest.raises(RuleBroken, match="Bea Beta works for"):
        visit_reschedule(visit=visit, date=TUESDAY, session=Session.MORNING, specialist=stranger, by=None)


def test_nothing_changed_is_refused(booking):
    visit = _book(booking)

    with pytest.raises(RuleBroken, match="Choose a different date, session or specialist"):
        visit_reschedule(visit=visit, date=TUESDAY, session=Session.MORNING, specialist=booking["specialist"], by=None)
