"""docker-compose.yml describes the production-like stack (no engine here to run it; make test also runs
`docker-compose config` when it is installed)."""

import datetime
import json
import shlex
import sys
import types
from pathlib import Path

import pytest
import yaml
from gunicorn.app.wsgiapp import WSGIApplication

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
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


def test_the_app_services_must_be_given_the_secret_and_encryption_keys():
    """Without them compose refuses to start the stack, rather than running with a blank key."""
    for name in ("web", "worker", "beat"):
        environment = SERVICES[name]["environment"]
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?"), name
        assert environment["MFA_ENCRYPTION_KEY"].startswith("${MFA_ENCRYPTION_KEY:?"), name


def _gunicorn_arguments(command: list[str]) -> list[str]:
    """The gunicorn command line, out of compose's `sh -c "... && exec gunicorn ..."` or the Dockerfile's CMD."""
    words = shlex.split(command[-1]) if command[:2] == ["sh", "-c"] else command
    return words[words.index("gunicorn") :]


def _dockerfile_command() -> list[str]:
    [line] = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def _as_gunicorn_loads_it(arguments, monkeypatch):
    """gunicorn's own configuration for this command line: its arguments, then the config module they name."""
    monkeypatch.setattr(sys, "argv", arguments)
    monkeypatch.setattr(sys, "path", list(sys.path))  # gunicorn puts its working directory first
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.chdir(ROOT)
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg


@pytest.mark.parametrize(
    "command", [SERVICES["web"]["command"], _dockerfile_command()], ids=["docker-compose web", "Dockerfile CMD"]
)
def test_the_shipped_web_server_logs_requests_with_their_tokens_redacted(command, monkeypatch, capsys):
    token = "s3cret-Token_value"
    config = _as_gunicorn_loads_it(_gunicorn_arguments(command), monkeypatch)
    log = config.logger_class(config)
    requests = [
        (f"/calendars/{token}.ics", "", "-"),
        (f"/invitations/{token}/", "", f"https://pins.example.org/invitations/{token}/"),
        (f"/accounts/password/reset/key/3f-{token}/", "", "-"),
        ("/accounts/login/", f"next=%2Finvitations%2F{token}%2F", "-"),
    ]

    for path, query, referer in requests:
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{path}?{query}" if query else path,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.1",
            "HTTP_REFERER": referer,
            "HTTP_USER_AGENT": "Calendar/1.0",
        }
        response = types.SimpleNamespace(status="200 OK", sent=512, headers=[])
        request = types.SimpleNamespace(headers=[("REFERER", referer)])
        log.access(response, request, environ, datetime.timedelta(milliseconds=20))

    logged = capsys.readouterr().out
    assert config.accesslog == "-"
    assert logged.count("GET /") == len(requests)
    assert token not in logged
    assert logged.count("[redacted]") >= len(requests) + 1
