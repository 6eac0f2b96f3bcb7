import pytest
from django.core.cache import cache

from pins import preflight
from pins.celery import app as celery_app
from tests.factories import PASSWORD, UserFactory


def pytest_sessionstart(session):
    if found := preflight.problems():
        pytest.exit(found[0], returncode=3)


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process():
    """Tasks run in the test's own process; tests/pins/test_celery.py starts a real worker instead."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached figures must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()
