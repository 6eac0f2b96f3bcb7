"""The ICB's lists that grow with it: its specialists (a page of their own) and open change requests on the ICB
page, each paged on its own."""

import datetime

import pytest
from django.urls import reverse

from specialists.models import ChangeRequest
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def icb_page(client, world, **query):
    return client.get(reverse("icbs:detail", args=[world.icb_a.ods_code]), query)


def specialists_page(client, world, **query):
    return client.get(reverse("specialists:icb", args=[world.icb_a.ods_code]), query)


def add_specialists(world, count: int) -> None:
    for number in range(count):
        specialist = SpecialistFactory(icb=world.icb_a, full_name=f"Specialist {number:03d}")
        CapacityFactory(specialist=specialist, programme_year=world.enrolment_a.programme_year)


def add_change_requests(world, count: int) -> None:
    """`count` visits of ICB A's schools, each with a change request its SENCO has asked for."""
    first_day = datetime.date(2026, 12, 1) + datetime.timedelta(days=ChangeRequest.objects.count())
    for number in range(count):
        enrolment = EnrolmentFactory(
            cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority
        )
        visit = VisitFactory(
            enrolment=enrolment, specialist=world.specialist_a, date=first_day + datetime.timedelta(days=number)
        )
        ChangeRequest.objects.create(visit=visit, reason=f"Change {number:03d}", requested_by=world["senco_a"])


def test_the_specialists_are_listed_25_to_a_page(coordinator, world):
    add_specialists(world, 30)  # with Ada Alpha, 31

    first = specialists_page(coordinator, world).text
    second = specialists_page(coordinator, world, page=2).text

    assert "31 specialists" in first
    assert "Specialist 023" in first and "Specialist 024" not in first
    assert "Specialist 024" in second and "Specialist 029" in second and "Specialist 000" not in second
    assert 'aria-label="Pages of specialists"' in first
    assert "?page=2" in first


def test_paging_the_specialists_keeps_the_year(coordinator, world):
    add_specialists(world, 30)

    html = specialists_page(coordinator, world, year="2026-27").text

    assert "?year=2026-27&amp;page=2" in html


def test_open_change_requests_are_listed_10_to_a_page(coordinator, world):
    add_change_requests(world, 12)

    first = icb_page(coordinator, world).text
    second = icb_page(coordinator, world, change_requests_page=2).text

    assert "12 visits schools have asked to change" in first
    assert "Change 009" in first and "Change 010" not in first
    assert "Change 010" in second and "Change 011" in second and "Change 000" not in second
    assert "?change_requests_page=2" in first


def test_the_icb_pages_run_the_same_queries_for_3_specialists_and_30(coordinator, world, django_assert_max_num_queries):
    add_specialists(world, 2)  # with Ada Alpha, 3
    add_change_requests(world, 2)
    with django_assert_max_num_queries(100) as few:
        icb_page(coordinator, world)
    with django_assert_max_num_queries(100) as few_specialists:
        specialists_page(coordinator, world)
    add_specialists(world, 27)
    add_change_requests(world, 28)

    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = icb_page(coordinator, world)
    with django_assert_max_num_queries(len(few_specialists.captured_queries)) as many_specialists:
        listed = specialists_page(coordinator, world)

    assert listed.context["page"].paginator.count == 30
    assert response.context["change_requests"].paginator.count == 30
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many_specialists.captured_queries) == len(few_specialists.captured_queries) <= 12


def test_a_long_list_links_the_first_and_last_pages_and_those_beside_this_one(coordinator, world):
    add_change_requests(world, 61)  # 7 pages of 10

    html = icb_page(coordinator, world, change_requests_page=4).text
    pages = html[html.index('aria-label="Pages of change requests"') :]
    pages = pages[: pages.index("</nav>")]

    linked = [number for number in range(1, 8) if f'aria-label="Page {number}"' in pages]
    assert linked == [1, 3, 4, 5, 7]
    assert pages.count("govuk-pagination__item--ellipses") == 2
    assert 'href="?change_requests_page=4" aria-label="Page 4" aria-current="page"' in pages
    assert 'href="?change_requests_page=3" rel="prev"' in pages and 'href="?change_requests_page=5" rel="next"' in pages
