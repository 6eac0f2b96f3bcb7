"""The week and month schedules."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from specialists.models import Capacity, Visit
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def _icb_with_schools(world, count):
    """`count` more enrolled schools in ICB A, each with a visit (on days of their own: the factory skips the
    rules, not the database's constraint), and a specialist for every ten."""
    first_day = datetime.date(2026, 10, 7) + datetime.timedelta(days=Visit.objects.count())
    Capacity.objects.filter(specialist=world.specialist_a).update(days=Decimal("500"))
    for n in range(count):
        enrolment = EnrolmentFactory(
            cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority
        )
        VisitFactory(enrolment=enrolment, specialist=world.specialist_a, date=first_day + datetime.timedelta(days=n))
    for _ in range(count // 10):
        specialist = SpecialistFactory(icb=world.icb_a)
        CapacityFactory(specialist=specialist, programme_year=world.enrolment_a.programme_year)


def test_the_week_schedule_is_a_table_of_schools_by_day(coordinator, world):
    response = coordinator.get(
        reverse("visits:schedule", args=[world.icb_a.ods_code]), {"start": "2026-10-06", "view": "week"}
    )

    html = response.text
    assert "Visits in the week of 5 October 2026, by school" in html
    assert '<th scope="row"' in html and "Alpha Primary School" in html
    assert "Tue 6" in html and "AM</span> Ada Alpha" in html


def test_the_month_schedule_by_specialist(coordinator, world):
    html = coordinator.get(
        reverse("visits:schedule", args=[world.icb_a.ods_code]),
        {"start": "2026-10-06", "view": "month", "rows": "specialists"},
    ).text

    assert "Visits in October 2026, by specialist" in html
    assert "AM</span> Alpha Primary School" in html
    assert escape(world.specialist_b.full_name) not in html


def test_a_bad_schedule_date_is_explained(coordinator, world):
    html = coordinator.get(reverse("visits:schedule", args=[world.icb_a.ods_code]), {"start": "31/02/2026"}).text

    assert "The date to show from must be a real date, like 2 11 2026" in html
    assert 'href="#id_start' in html


@pytest.mark.parametrize(
    "query",
    [
        {"start": "06/10/2026"},
        {"start": "2026-10-06"},
        {"start_day": "6", "start_month": "10", "start_year": "2026"},
    ],
)
def test_the_schedule_accepts_the_date_as_it_shows_it_and_as_links_write_it(coordinator, world, query):
    html = coordinator.get(reverse("visits:schedule", args=[world.icb_a.ods_code]), {**query, "view": "week"}).text

    assert "Visits in the week of 5 October 2026" in html
    assert 'name="start_day" type="text" inputmode="numeric" value="6"' in html


def test_the_schedule_query_count_does_not_grow(coordinator, world, django_assert_max_num_queries):
    url = reverse("visits:schedule", args=[world.icb_a.ods_code])
    with django_assert_max_num_queries(100) as few:
        coordinator.get(url, {"start": "2026-10-06"})
    _icb_with_schools(world, 30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator.get(url, {"start": "2026-10-06"})
