"""What `make run` does once the database is migrated: load the demo the first time, print the sign-ins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pins.models import User

DEMO_PASSWORD = "pins-demo-password"


class Command(BaseCommand):
    help = "Load the demo data into an empty database (only with DEBUG on) and print the demo sign-ins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_setup creates accounts with a shared password: it runs only with DEBUG on."
            )
        if not User.objects.filter(email="admin@example.org").exists():
            User.objects.create_superuser("admin@example.org", DEMO_PASSWORD, full_name="Programme admin")
        self.stdout.write("Demo sign-ins:")
        self.stdout.write("  admin@example.org (programme admin)")
        self.stdout.write(f"Demo password: {DEMO_PASSWORD}")
