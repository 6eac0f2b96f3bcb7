"""Pages that work on first use: removal asks first, and the allocation list offers only schools with days left."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from schools.models import ClosureDate, Enrolment
from tests.factories import EnrolmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


def test_removing_a_closure_asks_first_and_keeps_it_until_confirmed(client, world):
    client.force_login(world["senco_a"])
    closure = ClosureDate.objects.create(
        school=world.school_a, kind="event", starts_on=datetime.date(2026, 12, 3), ends_on=datetime.date(2026, 12, 3)
    )
    url = reverse("schools:closure_date_remove", args=[world.school_a.urn, closure.pk])

    listing = client.get(reverse("schools:closure_dates", args=[world.school_a.urn])).text
    page = client.get(url).text

    assert f'href="{url}"' in listing and '<form method="post" action="' + url not in listing
    assert "Are you sure you want to remove this closure?" in page and "Thursday 3 December 2026" in page
    assert ClosureDate.objects.filter(pk=closure.pk).exists()
    assert client.post(url).status_code == 302
    assert not ClosureDate.objects.filter(pk=closure.pk).exists()


def test_the_allocation_list_offers_no_school_with_no_days_left(client, world):
    client.force_login(world["coordinator_a"])
    full = EnrolmentFactory(
        cohort=world.enrolment_a.cohort,
        school__local_authority=world.school_a.local_authority,
        school__name="Full Up Primary",
        quota_days=Decimal("1.0"),
    )
    Enrolment.objects.filter(pk=full.pk).update(allocated_days=Decimal("1.0"))
    url = reverse("visits:allocate", args=[world.icb_a.ods_code])

    page = client.get(url).text
    refused = client.post(url, {"enrolment": full.pk, "specialist": world.specialist_a.pk, "session": "morning"})

    assert "Alpha Primary School" in page and "Full Up Primary" not in page
    assert "Choose one of your ICB&#x27;s enrolled schools with days left to allocate" in refused.text


def test_stopping_a_calendar_address_asks_first(client, world):
    from specialists.models import CalendarFeed
    from specialists.services import calendar_feed_create

    calendar_feed_create(school=world.school_a, by=world["senco_a"])
    feed = CalendarFeed.objects.get(school=world.school_a)
    client.force_login(world["coordinator_a"])
    url = reverse("calendars:stop", args=[world.icb_a.ods_code, feed.pk])

    page = client.get(url).text

    assert "Are you sure you want to stop this calendar address?" in page and "Alpha Primary School" in page
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is None
    assert client.post(url).status_code == 302
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
