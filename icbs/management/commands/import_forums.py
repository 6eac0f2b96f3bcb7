from django.core.management.base import BaseCommand

from icbs.forum_import import FORUM_COLUMNS, forums_import
from pins.kernel.csv_import import command_file_bytes, command_report


class Command(BaseCommand):
    help = (
        "Import parent carer forums from a CSV file, all or nothing: import_forums FILE.csv [--dry-run]. "
        f"Columns: {','.join(FORUM_COLUMNS)} (local_authority_codes: DfE codes separated by spaces or semicolons)"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.csv")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, write nothing")

    def handle(self, *args, **options):
        report = forums_import(data=command_file_bytes(options["file"]), dry_run=options["dry_run"])
        command_report(self, report, kind="forums", path=options["file"])
