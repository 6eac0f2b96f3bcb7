import pytest

from pins import preflight

pytestmark = pytest.mark.engine


def test_unreachable_postgres_is_one_line_naming_server_url_and_remedy(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/pins")

    [problem] = preflight.problems()

    assert "\n" not in problem
    assert problem.startswith("PostgreSQL is not reachable at postgres://postgres@127.0.0.1:1/pins")
    assert "`make test`, which starts embedded servers" in problem


def test_unreachable_redis_is_reported(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")

    [problem] = preflight.problems()

    assert problem.startswith("Redis is not reachable at redis://127.0.0.1:1/0")


def test_a_database_that_is_not_postgresql_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://pins@127.0.0.1/pins")

    [problem] = preflight.problems()

    assert problem.startswith("The service needs PostgreSQL: DATABASE_URL is mysql://pins@127.0.0.1/pins.")


def test_a_unix_socket_directory_is_read_as_the_settings_read_it():
    # An embedded PostgreSQL answers on a socket: a directory that holds none is simply not reachable.
    assert preflight.postgres_problem("postgres://postgres@//nonexistent/pins-socket/pins") == (
        "PostgreSQL is not reachable at postgres://postgres@//nonexistent/pins-socket/pins."
    )
