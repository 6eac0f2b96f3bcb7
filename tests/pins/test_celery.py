"""A real Celery worker, against the real Redis, takes a task from the broker and runs it."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from pins.celery import app as celery_app
from pins.tasks import ping

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.engine


@pytest.fixture
def worker_queue():
    queue = f"test-{uuid.uuid4().hex}"
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "pins", "worker", "--pool=solo", "--queues", queue,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
        ],
        cwd=ROOT,
    )  # fmt: skip
    yield queue
    worker.terminate()
    worker.wait(timeout=30)


def test_worker_runs_a_task_sent_through_redis(worker_queue):
    celery_app.conf.task_always_eager = False
    assert celery_app.conf.broker_url.startswith("redis://")

    result = ping.apply_async(queue=worker_queue)

    assert result.get(timeout=60) == "pong"
