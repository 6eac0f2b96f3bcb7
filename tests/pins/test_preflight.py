from pins import preflight


def test_unreachable_postgres_is_one_line_naming_server_url_and_remedy(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/pins")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")

    [problem] = preflight.problems()

    assert "\n" not in problem
    assert problem.startswith("PostgreSQL is not reachable at postgres://postgres@127.0.0.1:1/pins")
    assert "docker compose up -d db redis" in problem


def test_unreachable_redis_is_reported(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")

    [problem] = preflight.problems()

    assert problem.startswith("Redis is not reachable at redis://127.0.0.1:1/0")


def test_the_servers_this_suite_runs_on_are_reachable():
    assert preflight.problems() == []
