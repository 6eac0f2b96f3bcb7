from django.core.management.base import BaseCommand

from pins.programme.retention import personal_data_retire


class Command(BaseCommand):
    help = "Remove or anonymise personal data older than the retention period (PINS_RETENTION_YEARS), and say what"

    def handle(self, *args, **options):
        self.stdout.write(str(personal_data_retire()))
