"""What `make run` does once the database is migrated: seed the demo the first time, print the sign-ins."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from icbs.services import reference_data_load
from pins.demo.seed import demo_is_seeded, demo_sign_ins


class Command(BaseCommand):
    help = "Load the reference data, seed the demo once (only with DEBUG on) and print the demo sign-ins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_setup creates accounts with a shared password: it runs only with DEBUG on.")
        reference_data_load()
        if not demo_is_seeded():
            call_command("seed_demo", stdout=self.stdout, stderr=self.stderr)
            return
        self.stdout.write("The demo is already seeded.")
        for line in demo_sign_ins():
            self.stdout.write(line)
