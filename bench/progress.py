"""How fast the national progress page and its CSV exports answer at scale 1 (1,680 schools) and scale 10
(16,800 schools): the median latency and the query count of each, over repeated requests.

A benchmark, not a test. It empties the database and seeds the demo at each scale, so it runs only against a
database named for benchmarks, migrated first:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pins_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pins_bench .venv/bin/python bench/progress.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pins.settings")
# Measured in-process, as a signed-in analyst: no HTTPS redirect, no MFA prompt, the test client's host.
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("MFA_ENCRYPTION_KEY", "benchmark-only-not-secret")
os.environ.setdefault("HTTPS_ONLY", "false")
os.environ.setdefault("MFA_REQUIRED", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")

import django

SCALES = (1, 10)
REQUESTS = 15


def _measure(client, url: str) -> tuple[float, int, int]:
    """Median seconds, query count and response size of GET url (a streamed body is read to the end)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries, size = [], 0, 0
    for _ in range(REQUESTS + 1):  # the first warms caches and is not counted
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(captured), len(body)
    return statistics.median(timings[1:]), queries, size


def main() -> int:
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        print(
            "bench/progress.py empties the database it seeds: set DATABASE_URL to a database whose name "
            "contains 'bench', for example postgres://postgres@127.0.0.1:5432/pins_bench",
            file=sys.stderr,
        )
        return 2
    django.setup()

    from django.core.management import call_command
    from django.test import Client

    from icbs.services import reference_data_load
    from pins.accounts.models import User
    from pins.demo.seed import DFE_EMAIL, demo_seed
    from schools.models import School
    from specialists.models import Visit

    pages = {
        "progress page": "/progress/",
        "progress CSV": "/progress/export/progress.csv",
        "visits CSV": "/progress/export/visits.csv",
    }
    results = {}
    for scale in SCALES:
        call_command("flush", interactive=False, verbosity=0)
        reference_data_load()
        demo_seed(scale=scale)
        client = Client()
        client.force_login(User.objects.get(email=DFE_EMAIL))
        print(f"scale {scale}: {School.objects.count():,} schools, {Visit.objects.count():,} visits")
        for name, url in pages.items():
            seconds, queries, size = _measure(client, url)
            results[(scale, name)] = seconds
            print(f"  {name:<14} median {seconds * 1000:8.1f} ms  {queries:3d} queries  {size / 1024:9.1f} KiB")
    print("growth from scale 1 to scale 10 (10x the schools):")
    for name in pages:
        print(f"  {name:<14} x{results[(10, name)] / results[(1, name)]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
