"""pins.devservers: the servers `make run` and `make test` use, embedded ones when none answers."""

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import environ
import pytest

from pins import preflight

ROOT = Path(__file__).resolve().parents[2]
UNANSWERED_DATABASE = "postgres://postgres@127.0.0.1:1/pins"
UNANSWERED_REDIS = "redis://127.0.0.1:1/3"

pytestmark = pytest.mark.engine

# Run by the command under pins.devservers: it counts the runs the database remembers.
REMEMBER_THIS_RUN = """
import os, environ, psycopg
config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
with psycopg.connect(host=config["HOST"], user=config["USER"], dbname=config["NAME"]) as database:
    database.execute("CREATE TABLE IF NOT EXISTS runs (at timestamptz DEFAULT now())")
    database.execute("INSERT INTO runs DEFAULT VALUES")
    print("runs remembered:", database.execute("SELECT count(*) FROM runs").fetchone()[0])
"""

# Run by the command under pins.devservers: what it was given, and what answers there.
SAY_WHAT_ANSWERS = """
import os, environ, psycopg, redis
config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
with psycopg.connect(host=config["HOST"], user=config["USER"], dbname=config["NAME"]) as database:
    name, version = database.execute("SELECT current_database(), current_setting('server_version')").fetchone()
print(os.environ["DATABASE_URL"])
print(os.environ["REDIS_URL"])
pong = redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
print(f"PostgreSQL {version.split('.')[0]}, database {name}; Redis answers:", pong)
"""


def _devservers(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pins.devservers", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_database_url_an_embedded_postgresql_keeps_its_data_between_runs(tmp_path):
    data = tmp_path / ".pgdata"

    first = _devservers("--data", str(data), "--", sys.executable, "-c", REMEMBER_THIS_RUN)
    second = _devservers("--data", str(data), "--", sys.executable, "-c", REMEMBER_THIS_RUN)

    assert first.stdout.splitlines() == [
        f"Using an embedded PostgreSQL (its data in {data}) for this run.",
        "runs remembered: 1",
    ], first.stderr
    assert second.stdout.splitlines()[1] == "runs remembered: 2"
    assert not (data / "postmaster.pid").exists(), "the server should stop with the command"


def test_servers_that_do_not_answer_are_replaced_by_embedded_ones_for_the_run():
    result = _devservers(
        "--database", UNANSWERED_DATABASE, "--redis", UNANSWERED_REDIS, "--fallback", "--",
        sys.executable, "-c", SAY_WHAT_ANSWERS,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    said, database_url, redis_url, answers = result.stdout.splitlines()
    assert said == (
        "Using an embedded PostgreSQL and an embedded Redis for this run: "
        f"nothing answers at {UNANSWERED_DATABASE} or {UNANSWERED_REDIS}."
    )
    assert answers == "PostgreSQL 18, database pins; Redis answers: True"
    assert redis_url.startswith("redis://127.0.0.1:") and redis_url.endswith("/3")
    assert not Path(environ.Env.db_url_config(database_url)["HOST"]).exists(), "the temporary data should go"
    assert preflight.redis_problem(redis_url), "the embedded Redis should stop with the command"


def test_without_fallback_a_server_that_does_not_answer_stops_the_run_in_one_line():
    result = _devservers("--database", UNANSWERED_DATABASE, "--", sys.executable, "-c", "print('ran')")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"PostgreSQL is not reachable at {UNANSWERED_DATABASE}.\n"


def test_servers_that_answer_are_used_as_they_are():
    database_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]

    result = _devservers(
        "--database", database_url, "--redis", redis_url, "--fallback", "--",
        sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'], os.environ['REDIS_URL'])",
    )  # fmt: skip

    assert result.stdout == f"{database_url} {redis_url}\n"


def _line(stream, *, timeout: float = 60) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, "no output in time"
    return stream.readline()


def test_a_stop_signal_stops_the_command_then_the_embedded_postgresql(tmp_path):
    data = tmp_path / ".pgdata"
    serve = "import time; print('serving', flush=True); time.sleep(120)"
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "pins.devservers", "--data", str(data), "--", sys.executable, "-c", serve],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert _line(wrapper.stdout).startswith("Using an embedded PostgreSQL")
        assert _line(wrapper.stdout) == "serving\n"
        assert (data / "postmaster.pid").exists()

        wrapper.send_signal(signal.SIGTERM)

        assert wrapper.wait(timeout=60) == 128 + signal.SIGTERM
        assert not (data / "postmaster.pid").exists()
    finally:
        wrapper.kill()
        wrapper.wait()
        wrapper.stdout.close()
