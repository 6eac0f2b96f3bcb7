"""Recording that a visit did not take place, from its page, and the ICB page listing what needs the coordinator."""

import datetime

import pytest
from django.urls import reverse

from specialists.models import Session, Visit
from specialists.services import visit_record_not_held
from tests.factories import VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def test_the_visit_page_offers_it_once_the_date_has_passed(coordinator, world):
    page = coordinator.get(reverse("visits:detail", args=[world.visit_a.pk])).text

    assert "Record that it did not take place" in page


def test_recording_it_says_whether_the_days_went_back(coordinator, world):
    response = coordinator.post(
        reverse("visits:not_held", args=[world.visit_a.pk]), {"reason": "specialist_ill"}, follow=True
    )

    assert "Visit recorded as not taking place: its 0.5 days went back to Alpha Primary School" in response.text
    assert "The specialist was ill" in response.text
    assert Visit.objects.get(pk=world.visit_a.pk).status == Visit.Status.NOT_HELD


def test_another_reason_without_text_is_shown_in_the_error_summary(coordinator, world):
    response = coordinator.post(reverse("visits:not_held", args=[world.visit_a.pk]), {"reason": "other"})

    assert "govuk-error-summary" in response.text and "Enter what happened" in response.text
    assert Visit.objects.get(pk=world.visit_a.pk).status == Visit.Status.PROPOSED


def test_no_reason_is_shown_in_the_error_summary(coordinator, world):
    response = coordinator.post(reverse("visits:not_held", args=[world.visit_a.pk]), {})

    assert "Choose why the visit did not take place" in response.text


def test_a_visit_still_to_come_is_refused_with_the_reason(coordinator, world):
    coming = VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 12, 8))

    response = coordinator.post(reverse("visits:not_held", args=[coming.pk]), {"reason": "school_closed"})

    assert "once the day has come" in response.text


def test_another_icbs_coordinator_gets_not_found(client, world):
    client.force_login(world["coordinator_b"])

    assert client.get(reverse("visits:not_held", args=[world.visit_a.pk])).status_code == 404


def test_the_icb_page_lists_visits_that_did_not_take_place(coordinator, world):
    url = reverse("icbs:detail", args=[world.icb_a.ods_code])
    assert "Visits that did not take place" not in coordinator.get(url).text

    visit_record_not_held(visit=world.visit_a, reason="cancelled_on_the_day", by=world["coordinator_a"])
    page = coordinator.get(url).text

    assert "Visits that did not take place" in page and "1 visit in 2026-27 did not take place" in page
    assert "The school cancelled on the day" in page and "Still counted" in page


def test_the_home_page_lists_a_past_visit_to_record(coordinator, world):
    page = coordinator.get(reverse("home")).text

    assert "Outcomes overdue" in page and "Alpha Primary School" in page


@pytest.mark.parametrize("visits", [1, 12])
def test_the_icb_page_lists_them_in_a_fixed_number_of_queries(
    coordinator, world, visits, django_assert_max_num_queries
):
    for week in range(visits):
        visit = VisitFactory(
            enrolment=world.enrolment_a,
            specialist=world.specialist_a,
            date=datetime.date(2026, 9, 7) + datetime.timedelta(weeks=week % 10, days=week // 10),
            session=Session.MORNING,
        )
        if week % 2:
            visit_record_not_held(visit=visit, reason="school_closed", by=None)
    url = reverse("icbs:detail", args=[world.icb_a.ods_code])
    coordinator.get(url)
    with django_assert_max_num_queries(30):
        coordinator.get(url)
