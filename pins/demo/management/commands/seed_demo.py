"""Build the national demo: every current ICB with its schools enrolled, specialists and demo sign-ins."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pins.demo.seed import DEMO_PASSWORD, demo_seed, demo_sign_ins
from pins.kernel.errors import RuleBroken


class Command(BaseCommand):
    help = (
        "Seed deterministic demo data for the programme year containing today: 40 x SCALE enrolled primary "
        "schools per ICB, specialists, and sign-ins sharing one password. Only with DEBUG on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1)")
        parser.add_argument("--scale", type=int, default=1, help="40 x SCALE schools per ICB (default 1)")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="The password every demo account shares")

    def handle(self, *args, **options):
        # Every account it creates shares a published password, the admin's included.
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a shared password: it runs only with DEBUG on.")
        started = time.perf_counter()
        try:
            summary = demo_seed(seed=options["seed"], scale=options["scale"], password=options["password"])
        except RuleBroken as error:
            raise CommandError(error.message) from None
        year = summary.programme_year
        self.stdout.write(
            f"Seeded the {year.label} demo ({year.starts_on:%-d %B %Y} to {year.ends_on:%-d %B %Y}, "
            f"seed {options['seed']}, scale {options['scale']}) in {time.perf_counter() - started:.1f} s: "
            f"{summary.icbs} ICBs, {summary.schools:,} schools enrolled, "
            f"{summary.closure_dates:,} closure dates, {summary.specialists:,} specialists, "
            f"{summary.unavailabilities:,} unavailabilities, "
            f"{summary.visits:,} visits ({summary.outcomes:,} with outcomes), "
            f"{summary.users:,} accounts."
        )
        for line in demo_sign_ins(password=options["password"]):
            self.stdout.write(line)
