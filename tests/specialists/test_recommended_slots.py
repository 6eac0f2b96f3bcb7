"""Recommended visits on the allocation and reschedule forms: the best five for the chosen school by the planner's
scoring, every one bookable, in a fixed handful of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from specialists.models import Capacity, Session
from specialists.optimiser import recommended_slots
from specialists.rules import BookingCalendar
from specialists.services import visit_allocate
from tests.specialists.test_plan_tool import coordinator_client  # noqa: F401
from tests.specialists.test_planner import icb  # noqa: F401  (the four-school ICB fixture)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 1)


def test_five_bookable_slots_the_first_in_what_the_school_asked_for(icb, django_assert_max_num_queries):  # noqa: F811
    asking = icb["schools"][1]  # asked for speech and language therapy and mental health

    with django_assert_max_num_queries(9):
        slots = recommended_slots(enrolment=asking, today=TODAY)

    assert len(slots) == 5
    assert slots[0].specialist.discipline in {"speech_and_language_therapy", "mental_health"}
    assert slots[0].why.startswith("asked for ")
    assert [slot.score for slot in slots] == sorted((slot.score for slot in slots), reverse=True)
    for slot in slots:
        assert slot.session == Session.FULL_DAY
        calendar = BookingCalendar(
            enrolment=asking, specialist=slot.specialist, start=slot.date, end=slot.date, today=TODAY
        )
        assert calendar.is_free(slot.date, slot.session), slot


def test_a_specialist_without_capacity_or_a_school_without_days_is_not_offered(icb):  # noqa: F811
    asking = icb["schools"][1]
    full = icb["specialists"]["speech_and_language_therapy"]
    Capacity.objects.filter(specialist=full).update(days=Decimal("0.0"))

    slots = recommended_slots(enrolment=asking, today=TODAY)

    assert full not in {slot.specialist for slot in slots}
    type(asking).objects.filter(pk=asking.pk).update(quota_days=Decimal("0.0"))
    asking.refresh_from_db()
    assert recommended_slots(enrolment=asking, today=TODAY) == []


def test_rescheduling_offers_the_visits_own_session_and_frees_its_own_slot(icb):  # noqa: F811
    asking = icb["schools"][1]
    specialist = icb["specialists"]["speech_and_language_therapy"]
    first_free = datetime.date(2026, 10, 2)  # the first weekday after today
    visit = visit_allocate(enrolment=asking, specialist=specialist, date=first_free, session=Session.FULL_DAY, by=None)
    asking.refresh_from_db()

    moving = recommended_slots(enrolment=asking, today=TODAY, session=visit.session, ignoring=visit)
    another = recommended_slots(enrolment=asking, today=TODAY, session=visit.session)

    assert {slot.session for slot in moving} == {Session.FULL_DAY}
    assert (specialist, first_free) in {(slot.specialist, slot.date) for slot in moving}
    assert (specialist, first_free) not in {(slot.specialist, slot.date) for slot in another}


def test_the_allocation_form_recommends_visits_for_the_chosen_school(coordinator_client, icb):  # noqa: F811
    url = reverse("visits:allocate", args=[icb["icb"].ods_code])
    asking = icb["schools"][1]

    page = coordinator_client.get(url, {"enrolment": asking.pk})

    assert page.status_code == 200
    assert "Recommended visits" in page.text
    first = page.context["recommended"][0]
    assert f"specialist={first.specialist.pk}" in page.text
    assert f"date={first.date:%Y-%m-%d}" in page.text
    assert "Recommended visits" not in coordinator_client.get(url).text
    assert "Recommended visits" not in coordinator_client.get(url, {"enrolment": "not-a-number"}).text


def test_the_reschedule_form_recommends_dates(coordinator_client, icb):  # noqa: F811
    visit = visit_allocate(
        enrolment=icb["schools"][1],
        specialist=icb["specialists"]["mental_health"],
        date=datetime.date(2026, 10, 6),
        session=Session.FULL_DAY,
        by=None,
    )

    page = coordinator_client.get(reverse("visits:reschedule", args=[visit.pk]))

    assert page.status_code == 200
    assert "Recommended dates" in page.text
    assert len(page.context["recommended"]) == 5
