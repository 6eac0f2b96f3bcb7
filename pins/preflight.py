"""Whether the PostgreSQL and Redis a run is pointed at answer, said in one line when they do not.

`make run` and `make test` ask through `pins.devservers`, which starts embedded servers in place of missing ones;
the test suite asks again at its start, so a bare `pytest` without servers stops at once.
"""

import os

import environ

START_HINT = "run the suite with `make test`, which starts embedded servers, or start them yourself"


def postgres_problem(url: str) -> str | None:
    import psycopg

    if not url.startswith(("postgres://", "postgresql://")):
        return f"The service needs PostgreSQL: DATABASE_URL is {url or 'unset'}."
    # Read the URL as the settings do, so a Unix socket directory (postgres:////run/pg/pins) works here too.
    config = environ.Env.db_url_config(url)
    try:
        # The maintenance database, since the suite creates its own test database.
        psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or "postgres",
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError:
        return f"PostgreSQL is not reachable at {url}."
    return None


def redis_problem(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.exceptions.RedisError:
        return f"Redis is not reachable at {url}."
    return None


def problems() -> list[str]:
    """What stops the test suite from running against DATABASE_URL and REDIS_URL, each with what to do."""
    found = []
    if problem := postgres_problem(os.environ.get("DATABASE_URL", "")):
        found.append(f"{problem} The tests need PostgreSQL: {START_HINT}.")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        found.append(f"The tests need Redis: REDIS_URL is unset. {START_HINT.capitalize()}.")
    elif problem := redis_problem(redis_url):
        found.append(f"{problem} The tests need Redis: {START_HINT}.")
    return found
