"""A real Celery worker, against the real Redis: it answers the workers' health page, and takes a task from the
broker and runs it (no result backend: the task's work shows in the database)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable

from pins.celery import app as celery_app
from specialists.models import ChangeRequest
from specialists.tasks import send_change_request_email
from tests.factories import VisitFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.engine


@pytest.fixture
def worker_queue():
    """A worker of its own on a queue of its own, using the test database, which takes the project's tasks."""
    queue = f"test-{uuid.uuid4().hex}"
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
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


@pytest.mark.django_db(transaction=True)
def test_a_worker_takes_a_task_from_redis_and_runs_its_service(worker_queue):
    assert celery_app.conf.broker_url.startswith("redis://")
    assert celery_app.conf.result_backend is None  # nothing reads task results
    _eventually(_a_worker_answers)
    change_request = ChangeRequest.objects.create(visit=VisitFactory(), reason="The hall is booked")

    send_change_request_email.apply_async(args=[change_request.pk], queue=worker_queue)

    _eventually(lambda: ChangeRequest.objects.filter(pk=change_request.pk, emailed_at__isnull=False).exists())


@pytest.mark.django_db
def test_the_workers_health_page_fails_when_no_worker_answers(client):
    response = client.get("/healthz/workers", HTTP_ACCEPT="application/json")

    assert response.status_code == 500
    [problem] = response.json().values()
    assert "Celery workers unavailable" in problem
