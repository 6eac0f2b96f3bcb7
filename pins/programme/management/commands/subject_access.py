from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pins.kernel.errors import RuleBroken
from pins.programme.subject_access import subject_access_json


class Command(BaseCommand):
    help = "Gather everything the service holds about one person into a JSON file: subject_access EMAIL --out FILE"

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--out", required=True, help="The file to write")

    def handle(self, *args, email, out, **options):
        try:
            text = subject_access_json(email=email)
        except RuleBroken as error:
            raise CommandError(str(error)) from None
        Path(out).write_text(text, encoding="utf-8")
        self.stdout.write(f"Everything held about {email} is in {out}")
