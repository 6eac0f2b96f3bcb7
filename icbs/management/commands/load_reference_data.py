from django.core.management.base import BaseCommand

from icbs.services import reference_data_load


class Command(BaseCommand):
    help = "Load the 7 NHS England regions, the 42 ICBs and the 153 local authorities (safe to run again)."

    def handle(self, *args, **options):
        for kind, counts in reference_data_load().items():
            self.stdout.write(
                f"{kind}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
            )
