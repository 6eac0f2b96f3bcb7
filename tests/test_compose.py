"""docker-compose.yml describes the production-like stack (no engine here to run it; make test also runs
`docker-compose config` when it is installed)."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[1] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_stack_has_web_worker_beat_postgres_and_redis():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis"}
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")


def test_web_serves_with_gunicorn_and_the_app_images_are_built_from_the_dockerfile():
    assert "gunicorn" in " ".join(SERVICES["web"]["command"])
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["build"]["dockerfile"] == "Dockerfile"
    assert (Path(__file__).resolve().parents[1] / "Dockerfile").exists()


def test_every_long_running_service_has_a_health_check():
    for name in ("web", "worker", "db", "redis"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_app_services_wait_for_healthy_database_and_redis_and_get_their_urls():
    for name in ("web", "worker", "beat"):
        service = SERVICES[name]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        environment = service["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in environment and "DEBUG" not in environment
