import datetime

from django.core.management.base import BaseCommand, CommandError

from pins.kernel.errors import RuleBroken
from pins.programme.mergers import icbs_merge


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--from must be a date like 2026-04-01, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Merge ICBs into a new successor from a date: "
        "merge_icbs --into CODE --name NAME --from 2026-04-01 OLD1 OLD2 ..."
    )

    def add_arguments(self, parser):
        parser.add_argument("predecessors", nargs="+", metavar="OLD", help="ODS codes of the ICBs to merge")
        parser.add_argument("--into", required=True, metavar="CODE", help="ODS code of the successor ICB")
        parser.add_argument("--name", required=True, help="Official name of the successor ICB")
        parser.add_argument("--from", dest="effective_on", required=True, type=_date, metavar="DATE")
        parser.add_argument("--ons-code", default="", help="ONS code of the successor, if known")

    def handle(self, *args, **options):
        try:
            successor = icbs_merge(
                predecessor_codes=options["predecessors"],
                successor_code=options["into"].upper(),
                successor_name=options["name"],
                effective_on=options["effective_on"],
                successor_ons_code=options["ons_code"],
            )
        except RuleBroken as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{successor.name} ({successor.ods_code}) replaces "
            f"{', '.join(sorted(icb.ods_code for icb in successor.predecessors.all()))} "
            f"from {successor.started_on:%-d %B %Y}: {successor.schools.count()} schools, "
            f"{successor.specialists.count()} specialists, "
            f"{successor.coordinators.count()} coordinators moved."
        )
