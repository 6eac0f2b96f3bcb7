"""National search for programme staff, and the public guidance page."""

import pytest
from django.urls import reverse

from tests.factories import SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def staff(client, world):
    client.force_login(world["dfe_staff"])
    return client


def test_a_school_by_name_or_urn(staff, world):
    by_name = staff.get(reverse("search"), {"q": "alpha prim"}).text
    by_urn = staff.get(reverse("search"), {"q": str(world.school_b.urn)}).text

    assert "Alpha Primary School" in by_name and "Beta Primary School" not in by_name
    assert "Beta Primary School" in by_urn


def test_a_specialist_and_an_icb(staff, world):
    html = staff.get(reverse("search"), {"q": "Bea"}).text
    assert "Bea Beta" in html

    html = staff.get(reverse("search"), {"q": "qbb"}).text
    assert "NHS Beta Integrated Care Board" in html


def test_nothing_found_and_bad_input_are_explained(staff, world):
    assert "Nothing matches" in staff.get(reverse("search"), {"q": "zebra"}).text
    html = staff.get(reverse("search"), {"q": "x"}).text
    assert "There is a problem" in html and "at least 2 characters" in html


def test_a_coordinator_cannot_search_nationally(client, world):
    client.force_login(world["coordinator_a"])

    assert client.get(reverse("search"), {"q": "Beta"}).status_code == 403


@pytest.mark.parametrize("schools", [2, 40])
def test_search_costs_the_same_queries_for_few_schools_and_many(staff, world, schools, django_assert_max_num_queries):
    for n in range(schools):
        SchoolFactory(name=f"Alpha Infant {n}", local_authority=world.school_a.local_authority)

    with django_assert_max_num_queries(12):
        assert staff.get(reverse("search"), {"q": "Alpha"}).status_code == 200


def test_the_guidance_page_is_public(client):
    html = client.get(reverse("guidance")).text

    assert "What a visit involves" in html and "Embedded" in html and "Readiness to learn" in html
