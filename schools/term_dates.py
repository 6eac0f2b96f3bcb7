"""An authority's term dates for a programme year, uploaded as a CSV file: one row per holiday, all or nothing.

The file has the columns `name`, `first_day` and `last_day` (dates as 21/12/2026 or 2026-12-21), as an
authority's published term dates are easily copied into a spreadsheet. It replaces the authority's holidays in
that year as a whole; every bad row is reported and nothing is saved when there is one.
"""

import datetime

from icbs.models import LocalAuthority
from pins.kernel.csv_import import CsvFile, ImportReport, RowError, control_character_problem
from schools.models import ProgrammeYear, SchoolHoliday
from schools.services import HolidayRow, school_holidays_problems, school_holidays_replace

TERM_DATE_COLUMNS = ("name", "first_day", "last_day")
# A year has about ten breaks (half terms, holidays, a few single days); a file is never much longer.
MOST_ROWS = 40
NAME_LIMIT = SchoolHoliday._meta.get_field("name").max_length
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


def _date(column: str, text: str) -> datetime.date | str:
    """The date, or the reason it is not one."""
    if not text:
        return f"{column} is empty"
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return f"{column} “{text}” is not a date like 21/12/2026"


def term_dates_import(
    *, data: bytes, local_authority: LocalAuthority, year: ProgrammeYear, dry_run: bool = False, by
) -> ImportReport:
    """Replace the authority's holidays in the year with the file's rows, if every row is good."""
    report = ImportReport(dry_run=dry_run)
    file = CsvFile(data, required=TERM_DATE_COLUMNS, most_rows=MOST_ROWS)
    rows: list[HolidayRow] = []
    errors: list[RowError] = []
    for line, row in file.rows():
        problems = []
        name = row["name"]
        if len(name) > NAME_LIMIT:
            problems.append(f"name is longer than {NAME_LIMIT} characters")
        if problem := control_character_problem("name", name):
            problems.append(problem)
        starts_on, ends_on = _date("first_day", row["first_day"]), _date("last_day", row["last_day"])
        problems += [value for value in (starts_on, ends_on) if isinstance(value, str)]
        if problems:
            errors += [RowError(line, problem) for problem in problems]
            continue
        rows.append(HolidayRow(line, name, starts_on, ends_on))
    errors = file.errors + errors
    if not errors and not rows:
        errors.append(RowError(2, "the file has no holidays: add a row for each"))
    if not file.errors:  # the rows read well, checked together: order, the year, overlaps
        errors += school_holidays_problems(year=year, rows=rows, local_authority=local_authority)
    if errors:
        report.errors = sorted(errors, key=lambda error: error.line)
        return report
    report.created = len(rows)
    if not dry_run:
        school_holidays_replace(year=year, rows=rows, local_authority=local_authority, by=by)
    return report
