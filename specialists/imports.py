"""Importing specialists, and their capacity for a programme year, from a CSV file, all or nothing."""

import decimal
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from icbs.models import ICB
from pins.kernel.csv_import import CsvFile, ImportReport, RowError, control_character_problem
from pins.kernel.units import is_whole_half_days
from schools.imports import icb_unusable_reason, postcode_normalise
from schools.models import ProgrammeYear
from specialists.models import Capacity, Discipline, Specialist

# The template's columns, in its order.
SPECIALIST_COLUMNS = (
    "full_name",
    "discipline",
    "employer",
    "icb_ods_code",
    "email",
    "base_postcode",
    "programme_year",
    "capacity_days",
    "active",
)
REQUIRED_COLUMNS = ("full_name", "discipline", "email")  # and icb_ods_code, unless one ICB is given
DISCIPLINES = {value: value for value in Discipline.values} | {
    label.lower(): value for value, label in Discipline.choices
}
ACTIVE = {
    "": True,
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}
MOST_DAYS = Decimal("9999.5")  # what a DaysField holds
TEXT_LIMITS = {"full_name": 200, "employer": 200, "email": 254}
SPECIALIST_FIELDS = ("full_name", "discipline", "employer", "icb_id", "base_postcode", "active")
BATCH_SIZE = 1000
# Every ICB's specialists together are a few thousand; a programme admin imports them.
MOST_ROWS = 10_000
# An ICB has 15 to 150 specialists; a coordinator uploads their own.
MOST_ROWS_UPLOADED = 500
NAMES = ("full_name", "employer")


def _days(text: str) -> Decimal | str:
    """Days at half-day granularity, or the reason they are not."""
    try:
        days = Decimal(text)
    except decimal.InvalidOperation:
        return "is not a number of days"
    if not days.is_finite() or not is_whole_half_days(days):
        return "is not a whole number of half-days, like 40 or 40.5"
    if days > MOST_DAYS:
        return f"is more than {MOST_DAYS} days"
    return days


@transaction.atomic
def specialists_import(
    *, data: bytes, icb: ICB | None = None, dry_run: bool = False, most_rows: int = MOST_ROWS
) -> ImportReport:
    """Create or update a specialist for each row, matched by e-mail address whatever its capitals, and set
    their capacity for the programme year the row names. With `icb`, every row is placed in that ICB, and a
    row naming another ICB, or another ICB's specialist, is bad (without saying which ICB: a coordinator
    may not learn who works elsewhere). All or nothing: when any row is bad, every bad row is reported and
    nothing is written."""
    report = ImportReport(dry_run=dry_run)
    required = REQUIRED_COLUMNS if icb else (*REQUIRED_COLUMNS, "icb_ods_code")
    file = CsvFile(
        data,
        required=required,
        optional=[c for c in SPECIALIST_COLUMNS if c not in required],
        most_rows=most_rows,
    )
    if file.errors:
        report.errors = file.errors
        return report
    icbs = {each.ods_code: each for each in ICB.objects.select_related("successor")}
    years = {year.label: year for year in ProgrammeYear.objects.all()}
    # Every specialist, by e-mail address in small letters: a few thousand at most, in one query.
    existing: dict[str, list[Specialist]] = {}
    for specialist in Specialist.objects.all():
        existing.setdefault(specialist.email.lower(), []).append(specialist)
    email_lines: dict[str, int] = {}
    rows: list[tuple[dict, Specialist | None, ProgrammeYear | None, Decimal | None]] = []
    errors: list[RowError] = []

    for line, row in file.rows():
        problems: list[str] = []
        values: dict = {}
        for column, longest in TEXT_LIMITS.items():
            if len(row[column]) > longest:
                problems.append(f"{column} is longer than {longest} characters")
        if not row["full_name"]:
            problems.append("full_name is empty")
        problems.extend(problem for column in NAMES if (problem := control_character_problem(column, row[column])))
        values["full_name"], values["employer"] = row["full_name"], row["employer"]

        email = row["email"]
        key = email.lower()
        specialist = None
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"email “{email}” is not an e-mail address" if email else "email is empty")
        else:
            if key in email_lines:
                problems.append(f"e-mail address {email} appears twice: it is already on line {email_lines[key]}")
            email_lines.setdefault(key, line)
            matches = existing.get(key, [])
            if len(matches) > 1:
                problems.append(
                    f"{len(matches)} specialists already have the e-mail address {email}, "
                    "written with different capitals: ask for them to be made one"
                )
            elif matches:
                specialist = matches[0]

        discipline = row["discipline"].lower()
        if discipline not in DISCIPLINES:
            choices = ", ".join(label for _, label in Discipline.choices)
            problems.append(f"discipline “{row['discipline']}” is not one of: {choices}")
        values["discipline"] = DISCIPLINES.get(discipline)

        code = row["icb_ods_code"].upper()
        placed_in = None
        if icb is not None:
            if code and code != icb.ods_code:
                problems.append(f"icb_ods_code {code} is not {icb.ods_code}, the ICB this import is for")
            elif specialist is not None and specialist.icb_id != icb.pk:
                problems.append(
                    f"{email} belongs to another ICB's specialist, so this import cannot change them: "
                    "a programme admin moves specialists between ICBs"
                )
            placed_in = icb
        elif not code:
            problems.append("icb_ods_code is empty")
        elif code not in icbs:
            problems.append(f"no ICB has the ODS code “{row['icb_ods_code']}”")
        elif reason := icb_unusable_reason(icbs[code]):
            problems.append(reason)
        else:
            placed_in = icbs[code]
        values["icb_id"] = placed_in.pk if placed_in else None

        try:
            values["base_postcode"] = postcode_normalise(row["base_postcode"])
        except ValueError:
            problems.append(f"base_postcode “{row['base_postcode']}” is not a UK postcode")

        if row["active"].lower() in ACTIVE:
            values["active"] = ACTIVE[row["active"].lower()]
        else:
            problems.append(f"active “{row['active']}” is not yes or no")

        label, days_text = row["programme_year"], row["capacity_days"]
        year, days = None, None
        if bool(label) != bool(days_text):
            problems.append("give both programme_year and capacity_days, or leave both empty")
        if label and (year := years.get(label)) is None:
            known = ", ".join(sorted(years)) or "none yet"
            problems.append(f"programme year “{label}” does not exist (the years are: {known})")
        if days_text:
            days = _days(days_text)
            if isinstance(days, str):
                problems.append(f"capacity_days “{days_text}” {days}")

        errors.extend(RowError(line, problem) for problem in problems)
        if not problems:
            rows.append(({**values, "email": email}, specialist, year, days))

    errors = sorted([*errors, *file.errors], key=lambda error: error.line)
    if errors:
        report.errors = errors
        return report

    capacities = {
        (capacity.specialist_id, capacity.programme_year_id): capacity.days
        for capacity in Capacity.objects.filter(programme_year__in={year for _, _, year, _ in rows if year})
    }
    new, changed, capacity_rows = [], [], []
    for values, specialist, year, days in rows:
        if specialist is None:
            report.created += 1
            specialist = Specialist(**values)
            new.append(specialist)
        else:
            values.pop("email")  # a difference of capitals only: the address stays as it was
            fields_differ = any(getattr(specialist, field) != value for field, value in values.items())
            capacity_differs = year is not None and capacities.get((specialist.pk, year.pk)) != days
            if fields_differ or capacity_differs:
                report.updated += 1
            else:
                report.unchanged += 1
            if fields_differ:
                for field, value in values.items():
                    setattr(specialist, field, value)
                changed.append(specialist)
            if not capacity_differs:
                continue
        if year is not None:
            capacity_rows.append((specialist, year, days))
    if dry_run:
        return report

    Specialist.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Specialist.objects.bulk_update(
        changed, [field.removesuffix("_id") for field in SPECIALIST_FIELDS], batch_size=BATCH_SIZE
    )
    Capacity.objects.bulk_create(
        [Capacity(specialist=specialist, programme_year=year, days=days) for specialist, year, days in capacity_rows],
        update_conflicts=True,
        unique_fields=["specialist", "programme_year"],
        update_fields=["days"],
        batch_size=BATCH_SIZE,
    )
    return report
