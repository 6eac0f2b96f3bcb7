from django.core.management.base import BaseCommand, CommandError

from pins.kernel.csv_import import command_file_bytes, command_report
from pins.kernel.errors import RuleBroken
from schools.imports import area_map_read, icb_for_import, schools_import


class Command(BaseCommand):
    help = (
        "Import schools from a GIAS establishment export (CSV), all or nothing: "
        "import_schools FILE.csv [--icb ODS_CODE] [--map MAP.csv] [--dry-run]"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.csv", help="the GIAS export, as downloaded")
        parser.add_argument(
            "--icb", metavar="ODS_CODE", help="place every school in this ICB, whatever its local authority"
        )
        parser.add_argument(
            "--map",
            metavar="MAP.csv",
            help="CSV with columns area_code,icb_ods_code: an LA code (383) or LSOA code (E01011229) "
            "and the ICB its schools belong to; an LSOA line wins over an LA line",
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
        area_map = None
        if options["map"]:
            area_map = area_map_read(data=command_file_bytes(options["map"]))
            if area_map.errors:
                for error in area_map.errors:
                    self.stderr.write(f"{options['map']} {error}")
                raise CommandError(f"the map {options['map']} has problems: nothing was imported")
        report = schools_import(
            data=data, icb=icb, area_map=area_map.icbs if area_map else None, dry_run=options["dry_run"]
        )
        command_report(self, report, kind="schools", path=options["file"])
