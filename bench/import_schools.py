"""Benchmark the GIAS school import: 10,000 schools imported, imported again unchanged, then all updated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pins_bench .venv/bin/python bench/import_schools.py

Needs the reference data (manage.py load_reference_data). Its schools have URNs 990000-999999, a range no
real school uses yet; it deletes them before and after, so it can run again.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pins.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from icbs.models import LocalAuthority  # noqa: E402
from schools.imports import schools_import  # noqa: E402
from schools.models import School  # noqa: E402
from tests.gias import gias_csv, gias_rows  # noqa: E402

SCHOOLS = 10_000
FIRST_URN = 990_000


def timed_import(title: str, data: bytes) -> None:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = schools_import(data=data)
        seconds = time.perf_counter() - started
    if report.errors:
        sys.exit(f"{title}: {len(report.errors)} errors, first: {report.errors[0]}")
    print(f"{title:<22} {seconds:6.2f} s {len(queries):5d} queries   {report.counts()}")


def main() -> None:
    if not LocalAuthority.objects.filter(dfe_code="383").exists():
        sys.exit("No reference data: run `manage.py load_reference_data` first.")
    ours = School.objects.filter(urn__gte=FIRST_URN, urn__lt=FIRST_URN + SCHOOLS)
    ours.delete()
    rows = gias_rows(SCHOOLS, first_urn=FIRST_URN)
    data = gias_csv(rows)
    print(f"{connection.vendor}: {SCHOOLS:,} schools, {len(data) / 1_000_000:.1f} MB of GIAS CSV")
    try:
        timed_import("first import", data)
        timed_import("same file again", data)
        for row in rows:
            row["NumberOfPupils"] = str(int(row["NumberOfPupils"]) + 1)
        timed_import("every school changed", gias_csv(rows))
    finally:
        ours.delete()


if __name__ == "__main__":
    main()
