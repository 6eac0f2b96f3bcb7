"""The reschedule page: the school's request beside the form, the next free dates offered for the visit's
specialist and the others of the discipline, each filling the form in, and the specialist changed."""

import datetime

import pytest
from django.urls import reverse

from specialists.models import ChangeRequest, Session, Visit
from specialists.services import visit_allocate, visit_change_request
from tests.factories import CapacityFactory, SpecialistFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def visit(world):
    return visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.AFTERNOON,
        by=None,
    )


@pytest.fixture
def colleague(world):
    specialist = SpecialistFactory(icb=world.icb_a, full_name="Grace Hopper")
    CapacityFactory(specialist=specialist, programme_year=world.enrolment_a.programme_year)
    return specialist


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def test_the_page_shows_the_request_and_offers_free_dates_of_each_specialist(coordinator, world, visit, colleague):
    visit_change_request(visit=visit, reason="Year 6 trip that day", by=world["senco_a"])

    page = coordinator.get(reverse("visits:reschedule", args=[visit.pk])).text

    assert "Year 6 trip that day" in page
    assert "The visit is booked for the afternoon of Thursday 3 December 2026" in page
    assert "a afternoon" not in page
    assert "Ada Alpha (booked now)" in page and "Grace Hopper" in page
    assert f"specialist={colleague.pk}" in page and f"specialist={world.specialist_a.pk}" in page


def test_another_discipline_or_a_specialist_without_capacity_is_not_offered(coordinator, world, visit):
    SpecialistFactory(icb=world.icb_a, full_name="Sam Speech", discipline="speech_and_language_therapy")
    CapacityFactory(
        specialist=SpecialistFactory(icb=world.icb_a, full_name="Full Fiona"),
        programme_year=world.enrolment_a.programme_year,
        days=0,
    )

    page = coordinator.get(reverse("visits:reschedule", args=[visit.pk])).text

    assert "Sam Speech (" not in page.split("New date and specialist")[0]
    assert "Full Fiona" not in page.split("New date and specialist")[0]


def test_an_offered_date_fills_the_form_in(coordinator, visit, colleague):
    page = coordinator.get(
        reverse("visits:reschedule", args=[visit.pk]), {"date": "2026-12-08", "specialist": colleague.pk}
    ).text

    assert 'name="date_day" type="text" value="8"' in page or 'value="8"' in page
    assert f'<option value="{colleague.pk}" selected>' in page


def test_a_bad_offer_link_is_ignored(coordinator, visit):
    response = coordinator.get(reverse("visits:reschedule", args=[visit.pk]), {"date": "28/11", "specialist": "x"})

    assert response.status_code == 200


def test_moving_to_another_specialist_answers_the_request(coordinator, world, visit, colleague):
    visit_change_request(visit=visit, reason="Year 6 trip that day", by=world["senco_a"])

    response = coordinator.post(
        reverse("visits:reschedule", args=[visit.pk]),
        {
            "date_day": "8",
            "date_month": "12",
            "date_year": "2026",
            "session": "afternoon",
            "specialist": colleague.pk,
        },
        follow=True,
    )

    moved = Visit.objects.get(pk=visit.pk)
    assert (moved.specialist, moved.date) == (colleague, datetime.date(2026, 12, 8))
    assert "Visit moved to the afternoon of Tuesday 8 December 2026 with Grace Hopper" in response.text
    assert ChangeRequest.objects.get().resolved_at is not None


def test_another_icbs_specialist_cannot_be_chosen(coordinator, world, visit):
    response = coordinator.post(
        reverse("visits:reschedule", args=[visit.pk]),
        {
            "date_day": "8",
            "date_month": "12",
            "date_year": "2026",
            "session": "afternoon",
            "specialist": world.specialist_b.pk,
        },
    )

    assert "Choose one of your ICB&#x27;s active specialists" in response.text
    assert Visit.objects.get(pk=visit.pk).specialist == world.specialist_a


def test_the_page_reads_a_fixed_number_of_queries(coordinator, world, visit, colleague, django_assert_max_num_queries):
    url = reverse("visits:reschedule", args=[visit.pk])
    coordinator.get(url)
    with django_assert_max_num_queries(40):
        coordinator.get(url)


def test_another_icbs_coordinator_gets_not_found(client, world, visit):
    client.force_login(world["coordinator_b"])

    assert client.get(reverse("visits:reschedule", args=[visit.pk])).status_code == 404
