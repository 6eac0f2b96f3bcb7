"""Visits are reminded of 7 days and 1 day before (settings), each once per version; coordinators get a weekly
digest of what needs them; reminders already sent before the windows changed are not sent again."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.urls import reverse

from specialists.models import ChangeRequest, Reminder, Session, Visit
from specialists.services import reminders_send, visit_allocate
from specialists.services.reminder import reminder_window
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 30)
MIGRATION = importlib.import_module("specialists.migrations.0002_notices_and_reminders_before_visits")


def _coming_up(email):
    return [message for message in mail.outbox if email in message.to and "coming up" in message.body]


@pytest.fixture
def visit_on_monday(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC))
    return visit_allocate(
        enrolment=world.enrolment_a, specialist=world.specialist_a, date=MONDAY, session=Session.MORNING, by=None
    )


@pytest.mark.parametrize(
    ("days_left", "window"), [(9, None), (8, None), (7, 7), (3, 7), (2, 7), (1, 1), (0, 1), (-1, None)]
)
def test_each_day_falls_in_the_nearest_window_it_has_entered(days_left, window):
    assert reminder_window(days_left) == window


def test_a_visit_is_reminded_of_a_week_before_and_the_day_before_each_once(world, visit_on_monday):
    for day in range(20, 31):  # every hourly sweep's day from 10 days before to the day itself
        reminders_send(today=datetime.date(2026, 11, day))
        reminders_send(today=datetime.date(2026, 11, day))

    reminded = _coming_up(world["senco_a"].email)
    assert [message.body.split("\n")[2] for message in reminded] == [
        "A PINS visit is coming up in 7 days:",
        "A PINS visit is coming up tomorrow:",
    ]
    assert len(_coming_up(world.specialist_a.email)) == 2
    assert set(Reminder.objects.filter(kind=Reminder.Kind.VISIT_COMING_UP).values_list("subject", flat=True)) == {
        f"visit:{visit_on_monday.pk}:v1:d7",
        f"visit:{visit_on_monday.pk}:v1:d1",
    }


def test_the_windows_are_a_setting(world, visit_on_monday, settings):
    settings.PINS_VISIT_REMINDER_DAYS = (3,)
    reminders_send(today=datetime.date(2026, 11, 23))  # 7 days before: no window
    reminders_send(today=datetime.date(2026, 11, 27))
    reminders_send(today=datetime.date(2026, 11, 29))

    assert [m.body.split("\n")[2] for m in _coming_up(world["senco_a"].email)] == [
        "A PINS visit is coming up in 3 days:"
    ]


def test_the_digest_lists_what_needs_the_coordinator_with_links(world, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 6, 9, tzinfo=datetime.UTC))
    proposed = VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2027, 1, 12))
    Visit.objects.filter(pk=proposed.pk).update(created_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
    ChangeRequest.objects.create(visit=proposed, reason="Sports day", requested_by=world["senco_a"])

    reminders_send(today=datetime.date(2027, 1, 6))

    digest = next(message for message in mail.outbox if message.to == [world["coordinator_a"].email])
    assert digest.subject == "PINS week for Alpha ICB, 6 January 2027: what needs you"
    assert "- 1 visit proposed more than a week ago is not confirmed by the school yet." in digest.body
    assert "- 1 change request from schools is waiting for an answer." in digest.body
    assert "- 1 visit has taken place with no outcome recorded." in digest.body  # 6 October's
    assert "- 1 school is behind on parent and carer meetings" in digest.body  # the autumn term had none
    assert f"The ICB's page: {settings.SITE_URL}{reverse('icbs:detail', args=['QAA'])}" in digest.body
    assert not any(world["coordinator_b"].email in message.to and "Alpha" in message.subject for message in mail.outbox)


def test_reminders_sent_before_the_windows_changed_are_not_sent_again(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 9, tzinfo=datetime.UTC))
    visit = VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=MONDAY)
    other = VisitFactory(enrolment=world.enrolment_b, specialist=world.specialist_b, date=datetime.date(2026, 12, 2))
    senco, bea = world["senco_a"].email, world.specialist_b.email
    # Sent under the old rule (once, up to three days before): Monday's the day before, Wednesday's three days before.
    Reminder.objects.create(kind="visit_coming_up", subject=f"visit:{visit.pk}:v1", recipient=senco, sent_at=mail_now())
    Reminder.objects.create(kind="visit_coming_up", subject=f"visit:{other.pk}:v1", recipient=bea, sent_at=mail_now())
    Reminder.objects.create(kind="days_unallocated", subject="icb:QAA:2026-W48", recipient=world["coordinator_a"].email)

    MIGRATION.reminders_before_visits(apps, None)
    reminders_send(today=datetime.date(2026, 11, 29))
    reminders_send(today=datetime.date(2026, 12, 1))

    assert _coming_up(senco) == []  # the one sent the day before stands for both windows
    assert [m.body.split("\n")[2] for m in _coming_up(bea)] == ["A PINS visit is coming up tomorrow:"]
    assert not any(world["coordinator_a"].email in m.to and "29 November" in m.subject for m in mail.outbox)

    MIGRATION.reminders_as_before(apps, None)
    assert set(Reminder.objects.filter(kind="visit_coming_up", recipient=senco).values_list("subject", flat=True)) == {
        f"visit:{visit.pk}:v1"
    }


def mail_now():
    return datetime.datetime.now(tz=datetime.UTC)
