"""The calendar pages: a SENCO makes an address, coordinators see and stop the addresses working for their ICB."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from specialists.models import CalendarFeed
from specialists.services import (
    calendar_feed_create,
    calendar_token_hash,
)
from tests.factories import SencoMembershipFactory, SpecialistFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


def _feed_status(client, token):
    return client.get(reverse("calendars:feed", args=[token])).status_code


def _feeds_url(icb):
    return reverse("calendars:icb", args=[icb.ods_code])


def _stop_url(icb, token):
    feed = CalendarFeed.objects.get(token_hash=calendar_token_hash(token))
    return reverse("calendars:stop", args=[icb.ods_code, feed.pk])


def test_the_senco_makes_an_address_shown_once(client, world):
    client.force_login(world["senco_a"])

    page = client.post(reverse("schools:calendar", args=[world.school_a.urn]), {"action": "new"}).text

    address = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    assert "/calendars/" in address
    assert address not in client.get(reverse("schools:calendar", args=[world.school_a.urn])).text


def test_coordinators_see_the_addresses_working_for_their_icb_from_the_access_page(client, world):
    calendar_feed_create(school=world.school_a, by=world["senco_a"])
    calendar_feed_create(school=world.school_a, by=world["senco_a"])  # replaces the first: one row, not two
    calendar_feed_create(specialist=world.specialist_a, by=world["specialist_a"])
    calendar_feed_create(school=world.school_b, by=None)
    client.force_login(world["coordinator_a"])

    access_page = client.get(reverse("access:icb", args=[world.icb_a.ods_code])).text
    page = client.get(_feeds_url(world.icb_a))

    assert _feeds_url(world.icb_a) in access_page
    assert page.status_code == 200
    assert "<title>Calendar addresses – Alpha – PINS programme</title>" in page.text
    assert page.text.count("Alpha Primary School (school)") == 1
    assert "Ada Alpha (specialist)" in page.text
    assert escape(world["senco_a"].full_name) in page.text and "25 Nov 2026" in page.text
    assert "Beta Primary School" not in page.text
    assert page.text.count("Stop<span") == 2


def test_a_coordinator_stops_an_address_and_who_stopped_it_is_recorded(client, world):
    token = calendar_feed_create(school=world.school_a, by=world["senco_a"])
    client.force_login(world["coordinator_a"])

    response = client.post(_stop_url(world.icb_a, token))

    assert response.status_code == 302
    assert "Alpha Primary School&#x27;s calendar address no longer works" in client.get(response.url).text
    assert _feed_status(client, token) == 404
    assert CalendarFeed.objects.get().revoked_by == world["coordinator_a"]


def test_dfe_staff_see_the_addresses_but_cannot_stop_them(client, world):
    token = calendar_feed_create(school=world.school_a, by=world["senco_a"])
    client.force_login(world["dfe_staff"])

    page = client.get(_feeds_url(world.icb_a))
    refused = client.post(_stop_url(world.icb_a, token))

    assert "Alpha Primary School (school)" in page.text and "Stop<span" not in page.text
    assert refused.status_code == 403
    assert _feed_status(client, token) == 200


def test_another_icbs_coordinator_can_neither_see_nor_stop_the_addresses(client, world):
    token = calendar_feed_create(school=world.school_a, by=world["senco_a"])
    client.force_login(world["coordinator_b"])
    feed = CalendarFeed.objects.get()

    assert client.get(_feeds_url(world.icb_a)).status_code == 404
    assert client.post(_stop_url(world.icb_a, token)).status_code == 404
    own_icb_with_a_foreign_feed = reverse("calendars:stop", args=[world.icb_b.ods_code, feed.pk])
    assert client.post(own_icb_with_a_foreign_feed).status_code == 404
    assert _feed_status(client, token) == 200


def test_the_addresses_page_query_count_does_not_grow_with_addresses(client, world, django_assert_max_num_queries):
    calendar_feed_create(school=world.school_a, by=world["senco_a"])
    client.force_login(world["coordinator_a"])
    with django_assert_max_num_queries(30) as few:
        client.get(_feeds_url(world.icb_a))
    for _ in range(10):
        specialist = SpecialistFactory(icb=world.icb_a)
        calendar_feed_create(specialist=specialist, by=SencoMembershipFactory(school=world.school_a).user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_feeds_url(world.icb_a))

    assert response.text.count("(specialist)") == 10
