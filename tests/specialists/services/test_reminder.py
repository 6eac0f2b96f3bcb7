"""Reminders go out once each, whoever runs the sweep and however often."""

import datetime

import pytest
from django.core import mail

from schools.models import School
from specialists.models import Reminder, Session, Visit
from specialists.services import reminders_send, visit_allocate, visit_reschedule
from specialists.tasks import send_due_reminders
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 30)


def _sent_to(email):
    return [message.subject for message in mail.outbox if email in message.to]


def test_a_visit_coming_up_is_reminded_to_the_senco_and_the_specialist_once(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 27, 9, tzinfo=datetime.UTC))
    visit = visit_allocate(
        enrolment=world.enrolment_a, specialist=world.specialist_a, date=MONDAY, session=Session.MORNING, by=None
    )

    reminders_send(today=datetime.date(2026, 11, 27))
    reminders_send(today=datetime.date(2026, 11, 28))

    senco, specialist = world["senco_a"].email, world.specialist_a.email
    assert _sent_to(senco) == ["PINS visit on Monday 30 November: Ada Alpha at Alpha Primary School"]
    assert [subject for subject in _sent_to(specialist) if subject.startswith("PINS visit")] == _sent_to(senco)
    assert Reminder.objects.filter(subject=f"visit:{visit.pk}:v1:d7").count() == 2


def test_a_moved_visit_is_reminded_of_again(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 27, 9, tzinfo=datetime.UTC))
    visit = visit_allocate(
        enrolment=world.enrolment_a, specialist=world.specialist_a, date=MONDAY, session=Session.MORNING, by=None
    )
    reminders_send(today=datetime.date(2026, 11, 27))

    visit_reschedule(visit=visit, date=datetime.date(2026, 12, 1), session=Session.AFTERNOON, by=None)
    reminders_send(today=datetime.date(2026, 11, 28))

    assert len(_sent_to(world["senco_a"].email)) == 2


def test_an_outcome_overdue_is_chased_with_the_specialist_once(world):
    # The world's visit was on 6 October and has no outcome.
    reminders_send(today=datetime.date(2026, 10, 12))
    reminders_send(today=datetime.date(2026, 10, 13))

    chased = _sent_to(world.specialist_a.email)
    assert chased == ["Record what happened at Alpha Primary School on 6 October"]


def test_coordinators_get_a_weekly_digest_of_days_still_to_allocate(world):
    reminders_send(today=datetime.date(2026, 11, 25))
    reminders_send(today=datetime.date(2026, 11, 27))  # the same week
    reminders_send(today=datetime.date(2026, 12, 2))  # the next week

    digests = _sent_to(world["coordinator_a"].email)
    assert digests == [
        "PINS week for Alpha ICB, 25 November 2026: what needs you",
        "PINS week for Alpha ICB, 2 December 2026: what needs you",
    ]
    body = next(message.body for message in mail.outbox if world["coordinator_a"].email in message.to)
    assert "1 school still has 4.5 days of specialist support to allocate" in body


def test_a_failed_send_is_tried_again_by_the_next_sweep(world, monkeypatch):
    calls = {"n": 0}
    real_send = mail.EmailMessage.send

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("mail server down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", flaky)

    first = reminders_send(today=datetime.date(2026, 10, 12))
    second = reminders_send(today=datetime.date(2026, 10, 12))

    assert first + second == Reminder.objects.count()
    assert len(_sent_to(world.specialist_a.email)) == 1


def test_the_task_runs_the_sweep(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 12, 9, tzinfo=datetime.UTC))

    assert send_due_reminders() >= 1
    assert send_due_reminders() == 0
    assert Visit.objects.count() == 1


def test_a_school_name_with_a_line_break_is_reminded_on_one_line_and_the_others_still_go(world):
    School.objects.filter(pk=world.school_a.pk).update(name="Bad\nName\r\nPrimary")
    VisitFactory(enrolment=world.enrolment_b, specialist=world.specialist_b, date=datetime.date(2026, 10, 7))

    reminders_send(today=datetime.date(2026, 10, 12))

    assert _sent_to(world.specialist_a.email) == ["Record what happened at Bad Name Primary on 6 October"]
    assert _sent_to(world.specialist_b.email) == ["Record what happened at Beta Primary School on 7 October"]


def test_one_reminder_that_fails_is_logged_and_the_others_still_go(world, monkeypatch, caplog):
    VisitFactory(enrolment=world.enrolment_b, specialist=world.specialist_b, date=datetime.date(2026, 10, 7))
    real_send = mail.EmailMessage.send

    def refuses_ada(self, *args, **kwargs):
        if world.specialist_a.email in self.to:
            raise ConnectionError("mailbox unavailable")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", refuses_ada)

    reminders_send(today=datetime.date(2026, 10, 12))

    assert _sent_to(world.specialist_b.email) == ["Record what happened at Beta Primary School on 7 October"]
    assert f"to {world.specialist_a.email}" in caplog.text
    assert not Reminder.objects.filter(recipient=world.specialist_a.email).exists()  # for the next sweep


def test_a_reminder_claimed_by_a_worker_that_stopped_is_sent_after_the_lease(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 12, 9, tzinfo=datetime.UTC))
    subject = f"visit:{world.visit_a.pk}:v{world.visit_a.version}"
    Reminder.objects.create(kind=Reminder.Kind.OUTCOME_OVERDUE, subject=subject, recipient=world.specialist_a.email)

    time_machine.move_to(datetime.datetime(2026, 10, 12, 9, 14, tzinfo=datetime.UTC))
    reminders_send(today=datetime.date(2026, 10, 12))
    assert _sent_to(world.specialist_a.email) == []  # its worker may still be sending
    time_machine.move_to(datetime.datetime(2026, 10, 12, 9, 16, tzinfo=datetime.UTC))
    reminders_send(today=datetime.date(2026, 10, 12))
    reminders_send(today=datetime.date(2026, 10, 12))

    assert len(_sent_to(world.specialist_a.email)) == 1
    assert Reminder.objects.get(recipient=world.specialist_a.email).sent_at is not None
