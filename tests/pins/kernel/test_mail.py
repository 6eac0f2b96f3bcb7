"""The service's own e-mail: sent with no transaction open, on one-line subjects, retried when the mail server
fails, and one bad message never stops a sweep."""

import datetime

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend
from django.db import connection

from pins.accounts.models import Invitation
from pins.accounts.services import invitation_send
from pins.accounts.tasks import send_invitation_email
from pins.celery import app as celery_app
from pins.kernel.mail import CLAIM_LEASE, mail_subject
from schools.models import School
from specialists.models import ChangeRequest, Reminder
from specialists.services import reminders_send, visit_change_request
from specialists.tasks import send_change_request_email, send_unsent_change_request_emails
from tests.factories import VisitFactory


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Alpha Primary School asks to change a PINS visit", "Alpha Primary School asks to change a PINS visit"),
        ("Bad\nName asks to change a PINS visit", "Bad Name asks to change a PINS visit"),
        ("St Mary's\r\n  C of E\tSchool\x00\x1b\u2028", "St Mary's C of E School"),
    ],
)
def test_a_subject_is_one_plain_line_whatever_names_went_into_it(text, subject):
    assert mail_subject(text) == subject


def test_the_mail_server_gets_a_timeout_and_tasks_get_time_limits_inside_the_claims_lease():
    assert settings.EMAIL_TIMEOUT == 10
    assert EmailBackend(host="mail.example.org").timeout == 10
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < CLAIM_LEASE.total_seconds()
    assert celery_app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert celery_app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT


@pytest.mark.parametrize("task", [send_invitation_email, send_change_request_email], ids=lambda task: task.name)
def test_a_mail_task_tries_again_with_growing_waits_when_the_mail_server_fails(task):
    assert issubclass(ConnectionError, task.autoretry_for)
    assert issubclass(TimeoutError, task.autoretry_for)
    assert not issubclass(ValueError, task.autoretry_for)  # a message Django refuses would fail again
    assert (task.retry_backoff, task.retry_backoff_max, task.max_retries) == (30, 600, 6)


def _sending_records_transaction_state(monkeypatch):
    """Record, for each message sent, whether a transaction (and so any row lock) was open at that moment."""
    in_transaction = []
    real_send = mail.EmailMessage.send

    def send(self, *args, **kwargs):
        in_transaction.append(connection.in_atomic_block)
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    return in_transaction


@pytest.mark.django_db(transaction=True)  # the messages go after real commits, as in production
def test_no_message_is_sent_while_a_transaction_holds_a_lock(world, monkeypatch, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC))
    in_transaction = _sending_records_transaction_state(monkeypatch)
    visit = VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 12, 2))

    invitation_send(
        email="new@example.org", role=Invitation.Role.SENCO, icb=world.icb_a, school=world.school_a, by=None
    )
    visit_change_request(visit=visit, reason="Sports day", by=world["senco_a"])
    reminders_send(today=datetime.date(2026, 11, 30))

    subjects = [message.subject for message in mail.outbox]
    assert any("invited" in subject for subject in subjects)
    assert any("asks to change" in subject for subject in subjects)
    assert any(subject.startswith("PINS visit on") for subject in subjects)
    assert in_transaction and not any(in_transaction)
    assert Invitation.objects.get().email_sent_at is not None
    assert ChangeRequest.objects.get().emailed_at is not None


@pytest.fixture
def two_change_requests(world, time_machine):
    """Two schools' change requests whose e-mails never went (the broker was down), ten minutes ago."""
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC))
    for enrolment, specialist, senco in (
        (world.enrolment_a, world.specialist_a, world["senco_a"]),
        (world.enrolment_b, world.specialist_b, None),
    ):
        visit = VisitFactory(enrolment=enrolment, specialist=specialist, date=datetime.date(2026, 12, 2))
        visit_change_request(visit=visit, reason="Sports day", by=senco)
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 10, tzinfo=datetime.UTC))


@pytest.mark.django_db
def test_a_school_named_with_a_line_break_does_not_stop_the_change_request_sweep(world, two_change_requests):
    School.objects.filter(pk=world.school_a.pk).update(name="Bad\nName")

    assert send_unsent_change_request_emails() == 2

    assert sorted(message.subject for message in mail.outbox) == [
        "Bad Name asks to change a PINS visit",
        "Beta Primary School asks to change a PINS visit",
    ]
    assert not ChangeRequest.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_one_change_request_that_fails_is_logged_and_sent_by_a_later_sweep(
    world, two_change_requests, monkeypatch, caplog
):
    real_send = mail.EmailMessage.send
    refusing = {world["coordinator_a"].email}

    def refuses_one(self, *args, **kwargs):
        if refusing & set(self.to):
            raise ConnectionError("mailbox unavailable")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", refuses_one)

    send_unsent_change_request_emails()
    assert [message.to for message in mail.outbox] == [[world["coordinator_b"].email]]
    assert "Could not e-mail change request" in caplog.text
    refusing.clear()
    send_unsent_change_request_emails()
    send_unsent_change_request_emails()

    assert sorted(message.to[0] for message in mail.outbox) == [
        world["coordinator_a"].email,
        world["coordinator_b"].email,
    ]
    assert not ChangeRequest.objects.filter(email_claimed_at__isnull=False, emailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_sweep_out_of_time_stops_and_gives_back_the_claim_it_held(world, monkeypatch):
    def out_of_time(self, *args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(mail.EmailMessage, "send", out_of_time)

    with pytest.raises(SoftTimeLimitExceeded):
        reminders_send(today=datetime.date(2026, 10, 12))

    assert not Reminder.objects.exists()
