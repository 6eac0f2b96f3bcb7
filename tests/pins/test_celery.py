"""Background work as it behaves: a task that sends mail tries again when the mail server fails, and gives the
work back for the sweep when it gives up; a real Celery worker, against the real Redis, answers the workers' health
page and takes a task from the broker and runs it, leaving no result behind (nothing reads one)."""

import datetime
import os
import smtplib
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable

from pins.celery import app as celery_app
from specialists.models import ChangeRequest
from specialists.tasks import send_change_request_email, send_unsent_change_request_emails
from tests.factories import CoordinatorMembershipFactory, VisitFactory

ROOT = Path(__file__).resolve().parents[2]


class FlakyMailServer(locmem.EmailBackend):
    """A mail server that refuses the next `failures` messages, then delivers to Django's test outbox."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyMailServer.attempts += 1
        if FlakyMailServer.failures:
            FlakyMailServer.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    FlakyMailServer.failures, FlakyMailServer.attempts = 0, 0
    return FlakyMailServer


@pytest.fixture
def change_request(transactional_db):
    visit = VisitFactory()
    CoordinatorMembershipFactory(icb=visit.enrolment.icb)
    return ChangeRequest.objects.create(visit=visit, reason="The hall is booked")


def _run_as_a_worker_would(task, *args):
    """Run the task here, its retries at once rather than after their wait, keeping the outcome as a worker
    does instead of raising the first failure (which is what the tests' eager mode does)."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        return task.apply(args=args)
    finally:
        celery_app.conf.task_eager_propagates = propagates


def test_a_mail_task_tries_again_when_the_mail_server_fails(flaky_mail_server, change_request):
    flaky_mail_server.failures = 2

    result = _run_as_a_worker_would(send_change_request_email, change_request.pk)

    assert result.successful()
    assert flaky_mail_server.attempts == 3
    assert len(mail.outbox) == 1
    change_request.refresh_from_db()
    assert change_request.emailed_at is not None


def test_a_mail_task_gives_up_after_its_retries_and_leaves_the_request_for_the_sweep(flaky_mail_server, change_request):
    flaky_mail_server.failures = 100

    result = _run_as_a_worker_would(send_change_request_email, change_request.pk)

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert flaky_mail_server.attempts == 1 + send_change_request_email.max_retries
    assert mail.outbox == []
    change_request.refresh_from_db()
    # Unclaimed and unsent: the next sweep finds it and e-mails it once the mail server is back.
    assert (change_request.email_claimed_at, change_request.emailed_at) == (None, None)
    flaky_mail_server.failures = 0
    change_request.requested_at -= datetime.timedelta(minutes=5)
    change_request.save(update_fields=["requested_at"])
    assert _run_as_a_worker_would(send_unsent_change_request_emails).get() == 1
    assert len(mail.outbox) == 1


@pytest.fixture
def worker_queue():
    """A worker of its own on a queue of its own, using the test database, which takes the project's tasks."""
    queue = f"test-{uuid.uuid4().hex}"
    # The suite's server (a host and port, or an embedded server's socket directory) with this test's database.
    server = urlsplit(os.environ["DATABASE_URL"])
    url = urlunsplit(server._replace(path=f"{server.path.rpartition('/')[0]}/{connection.settings_dict['NAME']}"))
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "pins", "worker", "--pool=solo", "--queues", queue,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "CELERY_TASK_ALWAYS_EAGER": "false"},
    )  # fmt: skip
    celery_app.conf.task_always_eager = False
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue  # what the health check expects a worker to take tasks from
    yield queue
    celery_app.conf.task_default_queue = default_queue
    worker.terminate()
    worker.wait(timeout=30)


def _a_worker_answers() -> bool:
    """What /healthz/workers asks (django-health-check's Celery check): a worker answers and takes our queue."""
    try:
        Ping(app=celery_app).run()
    except ServiceUnavailable:
        return False
    return True


def _eventually(condition, *, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.2)


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
def test_a_worker_takes_a_task_from_redis_and_runs_its_service_leaving_no_result(worker_queue):
    _eventually(_a_worker_answers)
    change_request = ChangeRequest.objects.create(visit=VisitFactory(), reason="The hall is booked")

    sent = send_change_request_email.apply_async(args=[change_request.pk], queue=worker_queue)

    _eventually(lambda: ChangeRequest.objects.filter(pk=change_request.pk, emailed_at__isnull=False).exists())
    # Nothing reads a task's result, so none is stored in Redis for it.
    assert not redis.Redis.from_url(settings.REDIS_URL).keys(f"*{sent.id}*")


@pytest.mark.engine
@pytest.mark.django_db
def test_the_workers_health_page_fails_when_no_worker_answers(client):
    response = client.get("/healthz/workers", HTTP_ACCEPT="application/json")

    assert response.status_code == 500
    [problem] = response.json().values()
    assert "Celery workers unavailable" in problem
