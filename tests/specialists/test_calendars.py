"""The calendar feeds schools and specialists subscribe to, and their addresses stopped with their maker's access."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from pins.accounts.services import senco_remove, specialist_account_remove
from schools.models import Enrolment, SencoMembership
from specialists.models import CalendarFeed, Session
from specialists.services import (
    calendar_feed_create,
    visit_allocate,
    visit_cancel,
    visit_reschedule,
)
from tests.factories import SencoMembershipFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


def _events(client, token):
    response = client.get(reverse("calendars:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def _feed_status(client, token):
    return client.get(reverse("calendars:feed", args=[token])).status_code


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
