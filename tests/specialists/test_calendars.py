"""The calendar feeds schools and specialists subscribe to."""

import datetime
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from pins.accounts.services import senco_remove, specialist_account_remove
from schools.models import Enrolment, SencoMembership
from specialists.models import CalendarFeed, Session
from specialists.services import (
    calendar_feed_create,
    calendar_token_hash,
    visit_allocate,
    visit_cancel,
    visit_reschedule,
)
from tests.factories import SencoMembershipFactory, SpecialistFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


def _events(client, token):
    response = client.get(reverse("calendars:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_a_school_feed_parses_back_with_stable_uids_in_uk_time(client, world):
    token = calendar_feed_create(school=world.school_a, by=world["senco_a"])

    calendar, events = _events(client, token)

    [event] = events.values()
    assert str(event["uid"]) == f"visit-{world.visit_a.pk}@127.0.0.1"
    assert event["dtstart"].dt == datetime.datetime(2026, 10, 6, 9, 0, tzinfo=event["dtstart"].dt.tzinfo)
    assert str(event["dtstart"].dt.tzinfo) == "Europe/London"
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert event["sequence"] == 0
    assert str(event["status"]) == "TENTATIVE"
    assert "Ada Alpha" in str(event["summary"])


def test_rescheduling_raises_the_sequence_and_cancelling_marks_the_event(client, world):
    token = calendar_feed_create(school=world.school_a, by=world["senco_a"])
    visit = visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 2),
        session=Session.MORNING,
        by=world["coordinator_a"],
    )
    uid = f"visit-{visit.pk}@127.0.0.1"
    _, before = _events(client, token)

    visit_reschedule(visit=visit, date=datetime.date(2026, 12, 3), session=Session.AFTERNOON, by=None)
    _, moved = _events(client, token)
    visit_cancel(visit=visit, reason="Snow", by=None)
    _, cancelled = _events(client, token)

    assert before[uid]["sequence"] == 0
    assert moved[uid]["sequence"] == 1
    assert moved[uid]["dtstart"].dt.date() == datetime.date(2026, 12, 3)
    assert moved[uid]["dtstart"].dt.hour == 13
    assert cancelled[uid]["sequence"] == 2
    assert str(cancelled[uid]["status"]) == "CANCELLED"


def test_a_feed_shows_only_its_own_schools_visits(client, world):
    VisitFactory(enrolment=world.enrolment_b, specialist=world.specialist_b)
    token = calendar_feed_create(school=world.school_b, by=None)

    _, events = _events(client, token)

    assert len(events) == 1
    assert "Alpha" not in str(next(iter(events.values()))["summary"])


def test_a_new_address_revokes_the_old_and_a_wrong_token_is_not_found(client, world):
    old = calendar_feed_create(school=world.school_a, by=None)
    new = calendar_feed_create(school=world.school_a, by=None)

    assert client.get(reverse("calendars:feed", args=[old])).status_code == 404
    assert client.get(reverse("calendars:feed", args=[new])).status_code == 200
    assert client.get(reverse("calendars:feed", args=["not-a-token"])).status_code == 404


def test_stopping_the_calendar_revokes_it(client, world):
    token = calendar_feed_create(school=world.school_a, by=None)
    client.force_login(world["senco_a"])

    client.post(reverse("schools:calendar", args=[world.school_a.urn]), {"action": "stop"})

    client.logout()
    assert client.get(reverse("calendars:feed", args=[token])).status_code == 404
    assert CalendarFeed.objects.get().revoked_by == world["senco_a"]


def test_a_specialist_feed_lists_their_own_visits(client, world):
    token = calendar_feed_create(specialist=world.specialist_a, by=None)

    _, events = _events(client, token)

    assert [str(event["summary"]) for event in events.values()] == ["PINS visit: Alpha Primary School"]


def test_the_feed_costs_the_same_queries_whatever_the_number_of_visits(client, world, django_assert_num_queries):
    token = calendar_feed_create(school=world.school_a, by=None)
    Enrolment.objects.filter(pk=world.enrolment_a.pk).update(quota_days=20)
    for day in range(12, 30):
        VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 10, day))

    with django_assert_num_queries(2):
        client.get(reverse("calendars:feed", args=[token]))


def test_the_senco_makes_an_address_shown_once(client, world):
    client.force_login(world["senco_a"])

    page = client.post(reverse("schools:calendar", args=[world.school_a.urn]), {"action": "new"}).text

    address = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    assert "/calendars/" in address
    assert address not in client.get(reverse("schools:calendar", args=[world.school_a.urn])).text


def _feed_status(client, token):
    return client.get(reverse("calendars:feed", args=[token])).status_code


def test_removing_a_senco_stops_the_calendar_address_they_made(client, world):
    token = calendar_feed_create(school=world.school_a, by=world["senco_a"])
    assert _feed_status(client, token) == 200

    senco_remove(membership=SencoMembership.objects.get(user=world["senco_a"]), by=world["coordinator_a"])

    assert _feed_status(client, token) == 404
    feed = CalendarFeed.objects.get()
    assert (feed.revoked_by, feed.revoked_at is not None) == (world["coordinator_a"], True)


def test_removing_one_senco_leaves_the_address_another_senco_of_the_school_made(client, world):
    colleague = SencoMembershipFactory(school=world.school_a).user
    token = calendar_feed_create(school=world.school_a, by=colleague)

    senco_remove(membership=SencoMembership.objects.get(user=world["senco_a"]), by=world["coordinator_a"])

    assert _feed_status(client, token) == 200


def test_removing_a_specialists_account_stops_their_calendar_address(client, world):
    token = calendar_feed_create(specialist=world.specialist_a, by=world["specialist_a"])
    other = calendar_feed_create(school=world.school_a, by=world["senco_a"])
    assert _feed_status(client, token) == 200

    client.force_login(world["coordinator_a"])
    response = client.post(
        reverse("access:remove_specialist_account", args=[world.icb_a.ods_code, world.specialist_a.pk])
    )
    client.logout()

    assert response.status_code == 302
    assert _feed_status(client, token) == 404
    assert _feed_status(client, other) == 200


def test_a_specialist_whose_account_was_removed_and_given_again_starts_with_no_address(client, world):
    token = calendar_feed_create(specialist=world.specialist_a, by=world["specialist_a"])
    specialist_account_remove(specialist=world.specialist_a, by=None)

    assert _feed_status(client, token) == 404
    assert not CalendarFeed.objects.filter(specialist=world.specialist_a, revoked_at__isnull=True).exists()


def _feeds_url(icb):
    return reverse("calendars:icb", args=[icb.ods_code])


def _stop_url(icb, token):
    feed = CalendarFeed.objects.get(token_hash=calendar_token_hash(token))
    return reverse("calendars:stop", args=[icb.ods_code, feed.pk])


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
    assert world["senco_a"].full_name in page.text and "25 Nov 2026" in page.text
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
