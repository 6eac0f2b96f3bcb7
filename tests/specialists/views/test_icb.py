"""The ICB page: days allocated, confirmed, delivered and remaining for each school, found, sorted and paged."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from schools.models import Enrolment
from specialists.models import Capacity, Visit
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def _icb_page(client, world, **query):
    return client.get(reverse("icbs:detail", args=[world.icb_a.ods_code]), query)


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


def test_the_icb_page_shows_days_allocated_confirmed_delivered_and_remaining(coordinator, world):
    html = _icb_page(coordinator, world).text

    assert "Schools, 2026-27" in html
    assert world.school_a.name in html and world.school_b.name not in html
    assert f'data-remaining="{world.school_a.urn}">4.5 of 5<' in html  # the world's visit takes half a day


def test_the_icb_specialists_page_lists_its_specialists_with_their_capacity(coordinator, world):
    html = coordinator.get(reverse("specialists:icb", args=[world.icb_a.ods_code])).text

    assert "Specialists, 2026-27" in html
    assert escape(world.specialist_a.full_name) in html and escape(world.specialist_b.full_name) not in html
    assert 'aria-current="page">Specialists</a>' in html


def test_the_icb_page_runs_the_same_queries_for_40_schools_and_400(coordinator, world, django_assert_max_num_queries):
    _icb_with_schools(world, 40)
    with django_assert_max_num_queries(100) as forty:
        _icb_page(coordinator, world, remaining="some", sort="-remaining")
    _icb_with_schools(world, 360)

    with django_assert_max_num_queries(len(forty.captured_queries)) as four_hundred:
        response = _icb_page(coordinator, world, remaining="some", sort="-remaining")

    assert response.context["page"].paginator.count == 401
    assert len(four_hundred.captured_queries) == len(forty.captured_queries)


@pytest.mark.parametrize(
    ("query", "expected", "hidden"),
    [
        ({"q": "Alpha"}, ["Alpha Primary School"], ["Gamma Infant School"]),
        ({"q": "GAMMA"}, ["Gamma Infant School"], ["Alpha Primary School"]),
        ({"remaining": "untouched"}, ["Gamma Infant School"], ["Alpha Primary School"]),
        ({"missing_discipline": "occupational_therapy"}, ["Gamma Infant School"], ["Alpha Primary School"]),
        ({"missing_discipline": "mental_health"}, ["Gamma Infant School", "Alpha Primary School"], []),
        ({"status": "invited"}, ["Gamma Infant School"], ["Alpha Primary School"]),
    ],
)
def test_schools_can_be_found_by_name_urn_days_discipline_and_status(coordinator, world, query, expected, hidden):
    EnrolmentFactory(
        cohort=world.enrolment_a.cohort,
        school__local_authority=world.school_a.local_authority,
        school__name="Gamma Infant School",
        status=Enrolment.Status.INVITED,
    )

    html = _icb_page(coordinator, world, **query).text

    for name in expected:
        assert name in html
    for name in hidden:
        assert name not in html


def test_searching_by_urn_finds_the_school(coordinator, world):
    html = _icb_page(coordinator, world, q=str(world.school_a.urn)).text

    assert "1 school matching" in html


def _filter_form(html: str) -> str:
    start = html.index('<form method="get"')
    return html[start : html.index("</form>", start)]


def test_the_filter_offers_each_icb_its_own_local_authorities_and_keeps_what_was_chosen(client, world):
    """The unfilled form is rendered once per list of local authorities: each ICB still sees only its own."""
    own, other = world.school_a.local_authority, world.school_b.local_authority
    client.force_login(world["coordinator_a"])
    first, again = _icb_page(client, world).text, _icb_page(client, world).text
    chosen = _icb_page(client, world, local_authority=own.pk, sort="-remaining").text
    client.force_login(world["coordinator_b"])
    icb_b = client.get(reverse("icbs:detail", args=[world.icb_b.ods_code])).text

    assert _filter_form(first) == _filter_form(again)
    assert f'<option value="{own.pk}">{own.name} ({own.dfe_code})</option>' in first
    assert own.name not in icb_b and f"{other.name} ({other.dfe_code})" in icb_b
    assert f'<option value="{own.pk}" selected>' in chosen and '<option value="-remaining" selected>' in chosen


def test_a_bad_filter_value_in_the_query_string_is_explained(coordinator, world):
    response = _icb_page(coordinator, world, remaining="lots", missing_discipline="astrology")

    html = response.text
    assert "There is a problem" in html
    assert html.count("Choose one of the options in the list") >= 2
    assert '<a href="#id_remaining">' in html


def test_schools_are_sorted_by_days_remaining(coordinator, world):
    EnrolmentFactory(
        cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority, school__name="Zeta"
    )

    html = _icb_page(coordinator, world, sort="remaining").text

    assert html.index("Alpha Primary School") < html.index("Zeta")
    html = _icb_page(coordinator, world, sort="-remaining").text
    assert html.index("Zeta") < html.index("Alpha Primary School")


def test_the_list_is_paginated(coordinator, world):
    for _ in range(30):
        EnrolmentFactory(cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority)

    first = _icb_page(coordinator, world).text
    second = _icb_page(coordinator, world, page=2).text

    assert "31 schools" in first and 'aria-label="Page 2"' in first
    assert first.count('<th scope="row"') - second.count('<th scope="row"') > 0
