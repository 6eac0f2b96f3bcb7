"""Stop at once, in one line, when a server the tests need is not running.

Run as `python -m pins.preflight` (make test does) with DATABASE_URL and REDIS_URL set.
"""

import os
import sys
from urllib.parse import urlsplit

START_HINT = "start it with `docker compose up -d db redis`"


def _postgres_problem(url: str) -> str | None:
    import psycopg

    parts = urlsplit(url)
    try:
        # The maintenance database, since the suite creates its own test database.
        psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError:
        return f"PostgreSQL is not reachable at {url}: {START_HINT} (or `pg_ctlcluster 15 main start`)."
    return None


def _redis_problem(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.exceptions.RedisError:
        return f"Redis is not reachable at {url}: {START_HINT} (or `redis-server --daemonize yes`)."
    return None


def problems() -> list[str]:
    found = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        found.append(f"The tests need PostgreSQL: DATABASE_URL is {database_url or 'unset'}.")
    elif problem := _postgres_problem(database_url):
        found.append(problem)
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        found.append("The tests need Redis: REDIS_URL is unset.")
    elif problem := _redis_problem(redis_url):
        found.append(problem)
    return found


if __name__ == "__main__":
    found = problems()
    if found:
        print(found[0], file=sys.stderr)
        sys.exit(1)
