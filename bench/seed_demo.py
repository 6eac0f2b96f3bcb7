"""How long the national demo takes to seed: scale 1 (1,680 schools) and scale 10 (16,800 schools).

A benchmark, not a test. It empties the database first (`flush`), so it runs only against a database named for
benchmarks, given explicitly:

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/pins_bench .venv/bin/python bench/seed_demo.py

(migrate the database first). Prints the wall-clock seconds of each seeding and the rows it wrote.
"""

import os
import sys
import time
from pathlib import Path

# Run as a script from anywhere: the project's packages are one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pins.settings")

import django

SCALES = (1, 10)


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if "bench" not in database_url:
        print(
            "bench/seed_demo.py empties the database it seeds: set DATABASE_URL to a database whose name "
            "contains 'bench', for example postgres://postgres@127.0.0.1:5432/pins_bench",
            file=sys.stderr,
        )
        return 2
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from icbs.models import CoordinatorMembership
    from icbs.services import reference_data_load
    from pins.accounts.models import StaffMembership, User
    from pins.demo.seed import demo_seed
    from schools.models import (
        BlackoutPeriod,
        ClosureDate,
        Cohort,
        Enrolment,
        ProgrammeYear,
        School,
        SencoMembership,
    )
    from specialists.models import Capacity, Outcome, Specialist, Unavailability, Visit

    counted = (
        ProgrammeYear,
        BlackoutPeriod,
        Cohort,
        School,
        Enrolment,
        ClosureDate,
        Specialist,
        Capacity,
        Unavailability,
        User,
        StaffMembership,
        CoordinatorMembership,
        SencoMembership,
        Visit,
        Visit.pgh_event_model,
        Outcome,
        Outcome.pgh_event_model,
    )
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    for scale in SCALES:
        call_command("flush", interactive=False, verbosity=0)
        reference_data_load()  # outside the timing: `make run` loads it before seeding too
        started = time.perf_counter()
        demo_seed(seed=1, scale=scale)
        seconds = time.perf_counter() - started
        counts = {model._meta.verbose_name_plural: model.objects.count() for model in counted}
        print(f"\nScale {scale}: {seconds:.1f} s wall clock, {sum(counts.values()):,} rows")
        for name, count in counts.items():
            print(f"  {name:<24}{count:>9,}")
        statuses = Visit.objects.values_list("status").annotate(count=Count("pk")).order_by("status")
        print("  visits by status: " + ", ".join(f"{status} {count:,}" for status, count in statuses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
