from django.core.management.base import BaseCommand, CommandError

from pins.kernel.csv_import import command_file_bytes, command_report
from pins.kernel.errors import RuleBroken
from schools.imports import icb_for_import
from specialists.imports import SPECIALIST_COLUMNS, specialists_import


class Command(BaseCommand):
    help = (
        "Import specialists and their capacity from a CSV file, all or nothing: "
        "import_specialists FILE.csv [--icb ODS_CODE] [--dry-run]. "
        f"Columns: {','.join(SPECIALIST_COLUMNS)}"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.csv")
        parser.add_argument(
            "--icb",
            metavar="ODS_CODE",
            help="place every specialist in this ICB; the icb_ods_code column may then be absent or empty",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, write nothing")

    def handle(self, *args, **options):
        data = command_file_bytes(options["file"])
        icb = None
        if options["icb"]:
            try:
                icb = icb_for_import(ods_code=options["icb"])
            except RuleBroken as error:
                raise CommandError(f"--icb: {error.message}") from None
        report = specialists_import(data=data, icb=icb, dry_run=options["dry_run"])
        command_report(self, report, kind="specialists", path=options["file"])
