"""A school's page: its support and visits, closure dates, and the SENCO confirming a visit."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from schools.models import ClosureDate
from specialists.models import Session, Visit
from specialists.services import visit_allocate
from tests.factories import EnrolmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def test_the_school_page_shows_the_support_and_visits(coordinator, world):
    html = coordinator.get(reverse("schools:detail", args=[world.school_a.urn])).text

    assert "Specialist support in 2026-27" in html
    assert "Ada Alpha" in html and "Tuesday 6 October 2026" in html
    assert "4.5 days" in html


def test_the_school_page_shows_who_changed_the_enrolment(coordinator, world):
    coordinator.post(
        reverse("schools:enrolment_status", args=[world.school_a.urn, world.enrolment_b.pk]), {"status": "invited"}
    )
    enrolment = EnrolmentFactory(
        cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority
    )
    coordinator.post(
        reverse("schools:enrolment_status", args=[enrolment.school.urn, enrolment.pk]), {"status": "invited"}
    )

    html = coordinator.get(reverse("schools:detail", args=[enrolment.school.urn])).text

    assert "Enrolment history" in html
    by = escape(world["coordinator_a"].get_full_name())  # a name such as O'Sullivan is escaped in the page
    assert f"changed to invited, 5 days, new to the programme, by {by}" in html


@pytest.fixture
def senco(client, world):
    client.force_login(world["senco_a"])
    return client


def test_a_closure_date_stops_bookings_on_it(senco, world):
    senco.post(
        reverse("schools:closure_dates", args=[world.school_a.urn]),
        {
            "kind": "event",
            "starts_on_day": "3",
            "starts_on_month": "12",
            "starts_on_year": "2026",
            "description": "Nativity",
        },
    )

    closure = ClosureDate.objects.get(description="Nativity")
    assert closure.starts_on == closure.ends_on == datetime.date(2026, 12, 3)
    with pytest.raises(Exception, match="closed on 3 December 2026 \\(Nativity\\)"):
        visit_allocate(
            enrolment=world.enrolment_a,
            specialist=world.specialist_a,
            date=datetime.date(2026, 12, 3),
            session=Session.MORNING,
            by=None,
        )


def test_removing_a_closure_date_goes_through_its_service_and_frees_the_day(senco, world):
    from pins.kernel.errors import RuleBroken
    from specialists.services import closure_date_remove

    closure = ClosureDate.objects.create(
        school=world.school_a, kind="event", starts_on=datetime.date(2026, 12, 3), ends_on=datetime.date(2026, 12, 3)
    )
    response = senco.post(reverse("schools:closure_date_remove", args=[world.school_a.urn, closure.pk]))

    assert response.status_code == 302 and not ClosureDate.objects.filter(pk=closure.pk).exists()
    visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )
    with pytest.raises(RuleBroken, match="already been removed"):
        closure_date_remove(closure=closure, by=world["senco_a"])


def test_a_closure_on_a_booked_day_is_refused(senco, world):
    visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )

    response = senco.post(
        reverse("schools:closure_dates", args=[world.school_a.urn]),
        {"kind": "inset", "starts_on_day": "1", "starts_on_month": "12", "starts_on_year": "2026",
         "ends_on_day": "4", "ends_on_month": "12", "ends_on_year": "2026"},
    )  # fmt: skip

    assert "A visit is booked on Thursday 3 December 2026" in response.text
    assert not ClosureDate.objects.filter(kind="inset", school=world.school_a, starts_on__month=12).exists()


def test_the_senco_confirms_a_visit_from_the_schedule(senco, world):
    visit = visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )
    page = reverse("schools:detail", args=[world.school_a.urn])

    response = senco.post(reverse("visits:confirm", args=[visit.pk]), {"next": page})

    assert response.url == page
    visit.refresh_from_db()
    assert (visit.status, visit.confirmed_by) == (Visit.Status.CONFIRMED, world["senco_a"])


def test_the_schedule_page_query_count_does_not_grow(senco, world, django_assert_max_num_queries):
    url = reverse("schools:detail", args=[world.school_a.urn])
    with django_assert_max_num_queries(60) as few:
        senco.get(url)
    for day in (1, 2, 3, 4, 7, 8, 9, 10):
        visit_allocate(
            enrolment=world.enrolment_a,
            specialist=world.specialist_a,
            date=datetime.date(2026, 12, day),
            session=Session.AFTERNOON,
            by=None,
        )
    EnrolmentFactory(school=world.school_a, cohort__programme_year__label="2025-26",
                     cohort__programme_year__starts_on=datetime.date(2025, 9, 1),
                     cohort__programme_year__ends_on=datetime.date(2026, 7, 17))  # fmt: skip

    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        senco.get(url)
