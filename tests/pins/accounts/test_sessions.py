"""A session ends after 30 minutes without activity, and 12 hours after signing in however active."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_session_ends_after_30_minutes_without_activity(client, world):
    client.force_login(world["senco_a"])
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start + datetime.timedelta(minutes=20)):
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
    with time_machine.travel(start + datetime.timedelta(minutes=45)):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=45 + 31)):
        assert client.get(reverse("home")).status_code == 302


def test_a_session_ends_12_hours_after_signing_in_however_active(client, world):
    client.force_login(world["senco_a"])
    start = datetime.datetime.now(datetime.UTC)
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes keeps the idle timeout away
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            assert client.get(reverse("home")).status_code == 200

    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5)):
        response = client.get(reverse("home"))

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_signed_in_page_reads_its_session_from_the_cache_not_the_database(client, world):
    client.force_login(world["senco_a"])
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200

    assert not [query for query in queries if "django_session" in query["sql"]]


def test_a_session_left_idle_ends_even_while_the_cache_still_holds_it(client, world):
    client.force_login(world["senco_a"])
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start + datetime.timedelta(minutes=31)):
        response = client.get(reverse("home"))

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
