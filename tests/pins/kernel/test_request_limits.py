"""Inputs an attacker or a broken link can send: each gets a 4xx with a GOV.UK page, never a server error."""

import pytest
from django.test import Client
from django.urls import reverse

from specialists.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def test_a_nul_byte_in_the_query_is_refused(coordinator, world):
    response = coordinator.get(reverse("icbs:detail", args=[world.icb_a.ods_code]), {"year": "2026-27\x00"})

    assert response.status_code == 400
    assert "There is a problem with the web address" in response.text
    assert "govuk-template" in response.text


def test_a_nul_byte_in_an_ods_code_in_the_path_is_refused(coordinator, world):
    assert coordinator.get("/icbs/QA%00A/").status_code == 400
    assert coordinator.get("/icbs/QAA%00/schedule/").status_code == 400


def test_a_nul_byte_in_a_form_is_refused_and_changes_nothing(coordinator, world):
    response = coordinator.post(
        reverse("visits:cancel", args=[world.visit_a.pk]), {"reason": "Closed\x00", "confirm": "yes"}
    )

    assert response.status_code == 400
    world.visit_a.refresh_from_db()
    assert world.visit_a.status != Visit.Status.CANCELLED


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_a_schedule_date_at_the_calendar_s_limits_is_explained(coordinator, world, start):
    response = coordinator.get(reverse("visits:schedule", args=[world.icb_a.ods_code]), {"start": start})

    assert response.status_code == 400
    assert "The date to show from must be between 2000 and 2099" in response.text
    assert "govuk-error-summary" in response.text


@pytest.mark.parametrize(
    "next_address", ["/schools/1/\r\nSet-Cookie: x=y", "/schools/\x01", "/schools/\x7f", "\n/schools/"]
)
def test_a_next_address_with_control_characters_is_refused_and_confirms_nothing(client, world, next_address):
    client.force_login(world["senco_a"])

    response = client.post(reverse("visits:confirm", args=[world.visit_a.pk]), {"next": next_address})

    assert response.status_code == 400
    world.visit_a.refresh_from_db()
    assert world.visit_a.status == Visit.Status.PROPOSED


def test_a_safe_next_address_still_brings_the_senco_back(client, world):
    client.force_login(world["senco_a"])
    back = reverse("schools:detail", args=[world.school_a.urn])

    response = client.post(reverse("visits:confirm", args=[world.visit_a.pk]), {"next": back})

    assert response.status_code == 302 and response.url == back


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(settings, world):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    client = Client()  # anonymous: the limit applies before anyone signs in

    response = client.post(reverse("account_login"), {"login": "x" * 2000, "password": "y"})

    assert response.status_code == 413
    assert "The file is too large" in response.text


def test_a_body_within_the_limit_is_read(settings, world, password):
    response = Client().post(reverse("account_login"), {"login": "senco.a@example.org", "password": password})

    assert response.status_code == 302


def test_a_content_length_that_is_not_a_number_is_refused(world):
    response = Client().post(reverse("account_login"), data=b"", content_type="text/plain", CONTENT_LENGTH="lots")

    assert response.status_code == 400
