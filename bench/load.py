"""The pages people use most, under load, served as production serves them: gunicorn with 2 workers and the
service's gunicorn settings (pins.gunicorn), DEBUG off, PostgreSQL, static files through whitenoise, on the
scale-10 demo (16,800 schools). A hello-world Django view on the same gunicorn settings (bench/hello.py) is the
ceiling each page is measured against. wrk drives each for a fixed time with 1 and then 20 connections, signed
in as the person who uses the page, the hello world before the first page and after each, and the figures
printed are each page's requests a second, its share of the mean of the hello world's runs either side of it,
and its 50th, 90th and 99th percentile latency.

A benchmark, not a test. It seeds the demo (`manage.py seed_demo --scale 10`, emptying the database first) unless
the database already holds it, so it runs only against a database whose name contains "bench" (created when
missing):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pins_bench .venv/bin/python bench/load.py
    make bench    # the same, on BENCH_DATABASE_URL

Options: --seconds (each run, default 10), --only (page names, comma-separated). It needs wrk (Debian: apt-get
install -y wrk). The benchmark's people are signed in by making their sessions, with the second factor off and
plain HTTP: what is measured is the page, not the sign-in.
"""

import argparse
import dataclasses
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The service as production runs it, but over plain HTTP and without the second factor (see above).
SERVICE_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "pins.settings",
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-not-secret",
    "MFA_ENCRYPTION_KEY": "benchmark-only-not-secret",
    "HTTPS_ONLY": "false",
    "MFA_REQUIRED": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    # Served by whitenoise from the source folders, so the benchmark writes no collected files.
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "WHITENOISE_USE_FINDERS": "true",
    # Sessions and the cache in Redis, as in docker-compose.yml.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
}
os.environ.update(SERVICE_ENVIRONMENT)

WORKERS = 2
CONNECTIONS = (1, 20)
SCALE = 10
SCALE_SCHOOLS = 40 * 42 * SCALE
# What every page must reach with 20 connections (issue 13).
LEAST_SHARE = 0.02
MOST_P90_MS = 300


@dataclasses.dataclass
class Page:
    name: str
    path: str
    email: str
    cookie: str = ""
    target: bool = True  # one of issue 13's pages, held to LEAST_SHARE and MOST_P90_MS


@dataclasses.dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float


def _refuse(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _manage(*arguments: str, debug: bool = False) -> None:
    environment = {**os.environ, "DEBUG": "true" if debug else "false"}
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True)


def _database_ready(url: str) -> None:
    """Create the benchmark's database when it is missing."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _demo_ready() -> None:
    """Migrate; reuse the scale-10 demo if it is there, otherwise empty the database and seed it."""
    _manage("migrate", "--no-input", "-v", "0")
    import django

    django.setup()
    from django.db import connection

    from pins.demo.seed import demo_is_seeded
    from schools.models import School

    if demo_is_seeded() and School.objects.count() == SCALE_SCHOOLS:
        print(f"Reusing the scale-{SCALE} demo in {connection.settings_dict['NAME']}")
    else:
        print(f"Seeding the scale-{SCALE} demo in {connection.settings_dict['NAME']} (about two minutes)")
        connection.close()
        _manage("flush", "--no-input")
        _manage("seed_demo", "--scale", str(SCALE), debug=True)
    # What autovacuum does on a production server: clears the rows that seeding and the counters' folds replaced
    # (every visit and enrolment is updated once as the demo is seeded; the folds replace their counter rows) and
    # gives the planner statistics. Servers for tests may run with autovacuum off; without this, every list reads
    # past as many dead rows as live ones, and national progress past thousands of folded counters.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _pages() -> list[Page]:
    """The pages of issue 13 and the coordinator's home page, each as the person who uses it, on West Yorkshire
    (QWO) as the demo's example."""
    from icbs.models import ICB
    from pins.demo.seed import DFE_EMAIL, coordinator_email, senco_email, specialist_email
    from schools.models import SencoMembership
    from specialists.models import Specialist, Visit

    icb = ICB.objects.get(ods_code="QWO")
    coordinator = coordinator_email(icb=icb)
    senco = SencoMembership.objects.filter(school__icb=icb).order_by("school__name").select_related("school").first()
    specialist = Specialist.objects.filter(icb=icb, user__isnull=False).order_by("pk").first()
    visit = Visit.objects.filter(enrolment__school=senco.school, status=Visit.Status.DELIVERED).order_by("-date")[0]
    return [
        Page("ICB page", f"/icbs/{icb.ods_code}/", coordinator),
        Page("allocate form", f"/icbs/{icb.ods_code}/visits/new/", coordinator),
        Page("schedule", f"/icbs/{icb.ods_code}/schedule/", coordinator),
        Page("school page", f"/schools/{senco.school.urn}/", senco_email(urn=senco.school.urn)),
        Page("visit page", f"/visits/{visit.pk}/", coordinator),
        Page("specialist page", f"/specialists/{specialist.pk}/", specialist_email(specialist_id=specialist.pk)),
        Page("national progress", "/progress/", DFE_EMAIL),
        Page("people with access", f"/icbs/{icb.ods_code}/access/", coordinator),
        # Where every coordinator lands after signing in: what needs them across the ICB.
        Page("coordinator's home", "/", coordinator, target=False),
    ]


def _signed_in(pages: list[Page]) -> None:
    """A session for each person, made as signing in makes one, sent by wrk as its cookie."""
    from django.conf import settings
    from django.test import Client

    from pins.accounts.models import User

    for page in pages:
        client = Client()
        client.force_login(User.objects.get(email=page.email))
        page.cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _gunicorn(application: str, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", application, "--config", "python:pins.gunicorn"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    # The access log goes where production sends it, standard output: here, nowhere.
    return subprocess.Popen(
        command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _get(port: int, path: str, cookie: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _wait_for(port: int, path: str) -> None:
    for _ in range(300):
        try:
            _get(port, path)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Nothing answered on port {port}")


_LATENCY = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(port: int, path: str, *, cookie: str, connections: int, seconds: int) -> Run:
    command = ["wrk", f"-t{min(connections, WORKERS)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True)
    text = output.stdout
    if "Non-2xx or 3xx responses" in text or "Socket errors" in text:
        raise RuntimeError(f"{path} did not answer every request with a page:\n{text}")
    latency = {percent: float(value) * _TO_MS[unit] for percent, value, unit in _LATENCY.findall(text)}
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    return Run(requests, latency["50"], latency["90"], latency["99"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="how long each run lasts (default 10)")
    parser.add_argument("--only", default="", help="page names to measure, comma-separated (default all)")
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if "bench" not in urlsplit(database_url).path:
        return _refuse(
            "bench/load.py empties the database it seeds: set DATABASE_URL to a database whose name contains "
            "'bench', for example postgres://postgres@127.0.0.1:5432/pins_bench"
        )
    if shutil.which("wrk") is None:
        return _refuse("bench/load.py drives the pages with wrk: install it (Debian: apt-get install -y wrk)")

    _database_ready(database_url)
    _demo_ready()
    pages = _pages()
    if options.only:
        wanted = {name.strip() for name in options.only.split(",")}
        pages = [page for page in pages if page.name in wanted]
    _signed_in(pages)
    from django.db import connection

    connection.close()  # the servers have the database to themselves

    service_port, hello_port = _free_port(), _free_port()
    servers = [_gunicorn("pins.wsgi", service_port), _gunicorn("bench.hello", hello_port)]
    try:
        _wait_for(service_port, "/accessibility/")
        _wait_for(hello_port, "/")
        for page in pages:
            for _ in range(3):  # each worker's first request loads what it caches
                status = _get(service_port, page.path, page.cookie)
            if status != 200:
                raise RuntimeError(f"{page.name} ({page.path}) answered {status}, not 200, as {page.email}")
        print(f"gunicorn with {WORKERS} workers, {options.seconds} s a run, on {os.cpu_count()} CPUs\n")
        # The hello world runs before the first page and after each one, and a page's share is of the mean of the
        # runs on either side of it: on a shared machine whose speed drifts by the minute, a ceiling measured once
        # at the start moves every share with the drift.
        hello: dict[int, list[Run]] = {c: [] for c in CONNECTIONS}
        results: dict[str, dict[int, Run]] = {page.name: {} for page in pages}
        for c in CONNECTIONS:
            hello[c].append(_wrk(hello_port, "/", cookie="", connections=c, seconds=options.seconds))
            for page in pages:
                results[page.name][c] = _wrk(
                    service_port, page.path, cookie=page.cookie, connections=c, seconds=options.seconds
                )
                hello[c].append(_wrk(hello_port, "/", cookie="", connections=c, seconds=options.seconds))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    print(f"{'page (scale 10)':<20}{'connections':>12}{'req/s':>10}{'share':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}")
    for c in CONNECTIONS:
        ceiling = [run.requests_per_second for run in hello[c]]
        middle = sorted(hello[c], key=lambda run: run.requests_per_second)[len(ceiling) // 2]
        print(
            f"{'hello world' if c == CONNECTIONS[0] else '':<20}{c:>12}{middle.requests_per_second:>10.1f}"
            f"{'':>8}{middle.p50_ms:>9.1f}{middle.p90_ms:>9.1f}{middle.p99_ms:>9.1f}"
            f"   median of {len(ceiling)} runs, {min(ceiling):,.0f} to {max(ceiling):,.0f} req/s"
        )
    shares: dict[str, dict[int, float]] = {}
    for number, (name, runs) in enumerate(results.items()):
        shares[name] = {}
        for c, run in runs.items():
            beside = (hello[c][number].requests_per_second + hello[c][number + 1].requests_per_second) / 2
            shares[name][c] = run.requests_per_second / beside
            print(
                f"{name if c == CONNECTIONS[0] else '':<20}{c:>12}{run.requests_per_second:>10.1f}"
                f"{shares[name][c]:>8.2%}{run.p50_ms:>9.1f}{run.p90_ms:>9.1f}{run.p99_ms:>9.1f}"
            )
    busy = CONNECTIONS[-1]
    short = [
        page.name
        for page in pages
        if shares[page.name][busy] < LEAST_SHARE or results[page.name][busy].p90_ms > MOST_P90_MS
    ]
    held = [page.name for page in pages if page.target and page.name in short]
    print(
        f"\nA page's share is of the hello world's runs just before and after it. With {busy} connections, every "
        f"page of issue 13 at least {LEAST_SHARE:.0%} of the hello world's throughput and p90 at most "
        f"{MOST_P90_MS} ms: {'yes' if not held else 'no: ' + ', '.join(held)}"
    )
    if extra := [name for name in short if name not in held]:
        print(f"Measured too, below that: {', '.join(extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
