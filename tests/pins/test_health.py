"""/healthz, django-health-check's own checks of the database, the cache and Redis: a container is healthy only
while each answers, and the page names the one that does not."""

import pytest

# Nothing listens here: Redis as it is when its server is down.
REDIS_DOWN = "redis://127.0.0.1:6399/0"


def _report(client):
    response = client.get("/healthz", HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


@pytest.mark.engine
@pytest.mark.django_db
def test_healthz_is_healthy_while_the_database_cache_and_redis_answer(client):
    status, report = _report(client)

    assert status == 200, report
    assert {name.split("(")[0] for name in report} == {"Database", "Cache", "Redis"}
    assert set(report.values()) == {"OK"}


@pytest.mark.engine
@pytest.mark.django_db
def test_healthz_fails_and_names_redis_when_redis_is_down(client, settings):
    settings.REDIS_URL = REDIS_DOWN

    status, report = _report(client)

    assert status == 500
    failing = {name.split("(")[0]: result for name, result in report.items() if result != "OK"}
    assert list(failing) == ["Redis"], report
    assert "6399" in next(name for name in report if name.startswith("Redis"))
