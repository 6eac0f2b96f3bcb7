import pytest


@pytest.mark.engine
@pytest.mark.django_db
def test_healthz_reports_database_cache_and_redis(client):
    response = client.get("/healthz", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    report = response.json()
    assert any(name.startswith("Database") for name in report), report
    assert any(name.startswith("Cache") for name in report), report
    assert any(name.startswith("Redis") for name in report), report
    assert set(report.values()) == {"OK"}
