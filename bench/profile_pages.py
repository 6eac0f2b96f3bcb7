"""Where one request to each of bench/load.py's pages spends its time, on the scale-10 demo already seeded there:
the page's time a request (median of several, in one process, DEBUG off, templates cached as in production), its
queries and their time, and optionally the slowest queries and a cProfile of the Python.

A tool for finding what to fix, not a test. It reads only, and refuses a database whose name lacks "bench":

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pins_bench .venv/bin/python bench/profile_pages.py
    ... bench/profile_pages.py --only "ICB page" --queries 5 --profile 25

Options: --only (page names, comma-separated), --repeat (requests timed a page, default 20), --queries (print the
N slowest queries of one request), --profile (print the N functions with the most cumulative time), --explain
(EXPLAIN ANALYZE each query: the server's planning and execution time, and the plan of those over
--explain-over ms).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import SERVICE_ENVIRONMENT  # noqa: E402 (sets the service's environment on import)


def _with_parameters(sql: str, params) -> str:
    if not params:
        return sql
    if isinstance(params, dict):
        return sql % {name: _literal(value) for name, value in params.items()}
    return sql % tuple(_literal(value) for value in params)


def _literal(value) -> str:
    if isinstance(value, (list, tuple)):
        return "ARRAY[" + ", ".join(_literal(item) for item in value) + "]"
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _queries_of(client, path: str) -> list[tuple[float, str]]:
    from django.db import connection

    seen: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append((time.perf_counter() - started, _with_parameters(sql, params)))

    with connection.execute_wrapper(timed):
        client.get(path)
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--queries", type=int, default=0)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--explain-over", type=float, default=1.0, help="print the plans of queries this slow (ms)")
    options = parser.parse_args()
    if "bench" not in urlsplit(os.environ.get("DATABASE_URL", "")).path:
        print("Set DATABASE_URL to the seeded benchmark database (its name contains 'bench').", file=sys.stderr)
        return 2
    assert SERVICE_ENVIRONMENT["DEBUG"] == "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bench.load import _pages
    from pins.accounts.models import User

    pages = _pages()
    if options.only:
        wanted = {name.strip() for name in options.only.split(",")}
        pages = [page for page in pages if page.name in wanted]
    print(f"{'page':<20}{'ms/request':>11}{'CPU ms':>8}{'queries':>9}{'SQL ms':>8}{'bytes':>9}")
    for page in pages:
        client = Client()
        client.force_login(User.objects.get(email=page.email))
        for _ in range(2):  # the first requests compile templates and fill caches
            response = client.get(page.path)
            assert response.status_code == 200, (page.path, response.status_code)
        timings, cpu = [], []
        for _ in range(options.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(page.path)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = _queries_of(client, page.path)
        sql_ms = sum(seconds for seconds, _ in queries) * 1000
        print(
            f"{page.name:<20}{statistics.median(timings):>11.1f}{statistics.median(cpu):>8.1f}"
            f"{len(queries):>9}{sql_ms:>8.1f}"
            f"{len(response.content):>9}"
        )
        slowest = sorted(queries, reverse=True)
        for seconds, sql in slowest[: options.queries]:
            print(f"    {seconds * 1000:7.1f} ms  {sql[:600]}")
        if options.explain:
            # The server's own time for each query, without the network and the load of the client.
            server_ms = 0.0
            with connection.cursor() as cursor:
                for _, sql in slowest:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = [row[0] for row in cursor.fetchall()]
                    took = float(plan[-1].split()[-2]) + float(plan[-2].split()[-2])
                    server_ms += took
                    print(f"    server {took:6.2f} ms  {sql[:160]}")
                    if took >= options.explain_over:
                        print("\n".join(f"        {line}" for line in plan))
            print(f"    server {server_ms:6.2f} ms in all")
        if options.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(page.path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(options.profile)
    del settings
    return 0


if __name__ == "__main__":
    sys.exit(main())
