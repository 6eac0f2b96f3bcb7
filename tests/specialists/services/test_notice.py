"""Notices of every change to a visit: each SENCO of the school and the specialist told once, after the change
commits, however often or however many workers run the task, and even when the broker was down."""

import contextlib
import datetime
import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from pins.celery import app as celery_app
from specialists.models import Notice, Session, Visit
from specialists.services import (
    change_request_resolve,
    notices_send_unsent,
    visit_allocate,
    visit_cancel,
    visit_change_request,
    visit_reschedule,
)
from specialists.tasks import send_notice, send_unsent_notices
from tests.factories import CapacityFactory, EnrolmentFactory, SencoMembershipFactory, SpecialistFactory, UserFactory

# Nothing listens here: Redis as it is when its server is down.
REDIS_DOWN = "redis://127.0.0.1:6399/0"
TUESDAY = datetime.date(2026, 12, 1)
THURSDAY = datetime.date(2026, 12, 3)
NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)
WORKERS = 4


def _booking():
    """An enrolled school with two SENCOs, a specialist and a coordinator, and a visit proposed for Tuesday."""
    enrolment = EnrolmentFactory(school__name="Alpha Primary School")
    sencos = [
        SencoMembershipFactory(school=enrolment.school, user__email=email, user__full_name=name).user
        for email, name in (("senco.one@example.org", "Sam One"), ("senco.two@example.org", "Sol Two"))
    ]
    specialist = SpecialistFactory(icb=enrolment.icb, full_name="Ada Alpha", email="ada@example.org")
    CapacityFactory(specialist=specialist, programme_year=enrolment.programme_year)
    coordinator = UserFactory(email="coordinator@example.org")
    visit = visit_allocate(
        enrolment=enrolment, specialist=specialist, date=TUESDAY, session=Session.MORNING, by=coordinator
    )
    return visit, sencos, specialist, coordinator


def _told(change):
    """Who got a notice of this change, each address as often as it was sent."""
    return sorted(
        address
        for message in mail.outbox
        for address in message.to
        if message.subject.startswith({"moved": "PINS visit moved", "proposed": "PINS visit proposed"}[change])
    )


EVERYONE = ["ada@example.org", "senco.one@example.org", "senco.two@example.org"]


@pytest.fixture
def booked(db, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _booking()
    return booking


def test_a_proposed_visit_is_told_to_each_senco_and_the_specialist(booked):
    assert _told("proposed") == EVERYONE
    message = next(message for message in mail.outbox if message.to == ["senco.one@example.org"])
    assert message.subject == "PINS visit proposed for Tuesday 1 December: Ada Alpha at Alpha Primary School"
    assert message.body.startswith("Hello Sam One,")
    assert "Please confirm it" in message.body
    assert f"/visits/{booked[0].pk}/" in message.body


def test_a_reschedule_tells_each_senco_and_the_specialist_once_what_changed(booked, django_capture_on_commit_callbacks):
    visit, _, _, coordinator = booked

    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(visit=visit, date=THURSDAY, session=Session.AFTERNOON, by=coordinator)
    for notice in Notice.objects.all():  # the task run again, as a retry or a second worker would
        send_notice(notice.pk)
    notices_send_unsent()

    assert _told("moved") == EVERYONE
    message = next(m for m in mail.outbox if m.to == ["senco.two@example.org"] and "moved" in m.subject)
    assert message.subject == "PINS visit moved to Thursday 3 December: Ada Alpha at Alpha Primary School"
    assert "It was: Morning on Tuesday 1 December 2026" in message.body
    assert "Afternoon on Thursday 3 December 2026 at Alpha Primary School" in message.body
    assert "confirm the new date" in message.body
    assert Notice.objects.filter(change=Notice.Change.MOVED, sent_at__isnull=False).count() == 3


def test_nothing_is_queued_until_the_change_commits(booked, django_capture_on_commit_callbacks):
    visit, _, _, coordinator = booked
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        visit_reschedule(visit=visit, date=THURSDAY, session=Session.AFTERNOON, by=coordinator)

    assert mail.outbox == []
    assert len(callbacks) == 3  # one task for each person, queued once the change commits


def test_a_cancellation_tells_everyone_why(booked, django_capture_on_commit_callbacks):
    visit, _, _, coordinator = booked
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(visit=visit, reason="The specialist is unwell", by=coordinator)

    cancelled = [message for message in mail.outbox if "cancelled" in message.subject]
    assert sorted(message.to[0] for message in cancelled) == EVERYONE
    assert "Why it was cancelled: The specialist is unwell" in cancelled[0].body


def test_a_change_request_answered_tells_the_senco_who_asked(booked, django_capture_on_commit_callbacks):
    visit, sencos, _, coordinator = booked
    with django_capture_on_commit_callbacks(execute=True):
        request = visit_change_request(visit=visit, reason="Sports day", by=sencos[0])
        change_request_resolve(change_request=request, by=coordinator)
        change_request_resolve(change_request=request, by=coordinator)  # a second click changes nothing

    answered = [message for message in mail.outbox if "dealt with" in message.subject]
    assert [message.to for message in answered] == [["senco.one@example.org"]]
    assert 'You asked: "Sports day"' in answered[0].body


def test_a_move_that_answers_a_request_says_so_in_its_one_notice(booked, django_capture_on_commit_callbacks):
    visit, sencos, _, coordinator = booked
    with django_capture_on_commit_callbacks(execute=True):
        visit_change_request(visit=visit, reason="Sports day", by=sencos[0])
        visit_reschedule(visit=visit, date=THURSDAY, session=Session.MORNING, by=coordinator)

    assert _told("moved") == EVERYONE
    assert not any("dealt with" in message.subject for message in mail.outbox)
    assert all('This answers the change your school asked for: "Sports day"' in m.body for m in mail.outbox[-3:])


def test_a_notice_that_fails_is_sent_by_a_later_sweep_once(booked, time_machine, monkeypatch, caplog):
    visit, _, _, coordinator = booked
    mail.outbox.clear()
    real_send = mail.EmailMessage.send
    refusing = {"senco.two@example.org"}

    def refuses_one(self, *args, **kwargs):
        if refusing & set(self.to):
            raise ConnectionError("mailbox unavailable")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", refuses_one)
    visit_reschedule(visit=visit, date=THURSDAY, session=Session.MORNING, by=coordinator)  # on_commit never runs here
    time_machine.move_to(NOW + datetime.timedelta(minutes=5), tick=False)

    assert send_unsent_notices() == 2
    assert "Could not send notice" in caplog.text
    refusing.clear()
    assert send_unsent_notices() == 1
    assert send_unsent_notices() == 0
    assert _told("moved") == EVERYONE


@contextlib.contextmanager
def _broker_down():
    """Celery as configured, but its broker's address answers nothing: publishing fails, as in an outage."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = REDIS_DOWN, False
    celery_app._pool, celery_app.amqp._producer_pool = None, None  # no connection kept to the real broker
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app._pool, celery_app.amqp._producer_pool = None, None


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_reschedule_saves_and_the_next_sweep_sends_each_notice_once(time_machine, caplog):
    time_machine.move_to(NOW, tick=False)
    visit, _, _, coordinator = _booking()
    mail.outbox.clear()

    with _broker_down():
        visit_reschedule(visit=visit, date=THURSDAY, session=Session.AFTERNOON, by=coordinator)

    assert Visit.objects.get(pk=visit.pk).date == THURSDAY  # saved, though nothing could be queued
    assert "the broker is unreachable" in caplog.text
    assert mail.outbox == []
    assert send_unsent_notices() == 0  # the tasks queued on commit may still be on their way
    time_machine.move_to(NOW + datetime.timedelta(minutes=5), tick=False)
    assert send_unsent_notices() == 3
    assert send_unsent_notices() == 0
    assert _told("moved") == EVERYONE


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
def test_the_notice_task_run_by_several_workers_at_once_sends_each_notice_once(time_machine):
    time_machine.move_to(NOW, tick=False)
    visit, _, _, coordinator = _booking()
    with _broker_down():  # nothing sent on commit: the workers below do it
        visit_reschedule(visit=visit, date=THURSDAY, session=Session.AFTERNOON, by=coordinator)
    mail.outbox.clear()
    moved = list(Notice.objects.filter(change=Notice.Change.MOVED).values_list("pk", flat=True))
    runs = [notice for notice in moved for _ in range(WORKERS)]
    start = threading.Barrier(len(runs))
    errors = []

    def worker(notice_id):
        try:
            start.wait()
            send_notice(notice_id)  # the task itself, each in its own thread, transaction and connection
        except Exception as error:  # anything else is a failure of the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(notice_id,)) for notice_id in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert not errors, errors
    assert _told("moved") == EVERYONE
    assert Notice.objects.filter(pk__in=moved, sent_at__isnull=False).count() == 3
