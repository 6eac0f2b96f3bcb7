"""Importing schools from DfE's Get Information About Schools (GIAS) establishment export, all or nothing."""

import dataclasses
import datetime
import re
from collections.abc import Callable

from django.db import transaction
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL

from icbs.models import ICB, LocalAuthority
from pins.kernel.csv_import import CsvFile, ImportReport, RowError, control_character_problem
from pins.kernel.errors import RuleBroken
from pins.kernel.history import acting
from schools.models import POSTCODE_PATTERN, School

# The columns read, named as GIAS names them; the export has many more, which are ignored.
GIAS_COLUMNS = (
    "URN",
    "EstablishmentName",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "NumberOfPupils",
    "Street",
    "Town",
    "Postcode",
    "Easting",
    "Northing",
    "GSSLACode (name)",  # despite its name, the authority's ONS code
    "LSOA (code)",
    "OpenDate",
    "CloseDate",
)
MAP_COLUMNS = ("area_code", "icb_ods_code")

URN = re.compile(r"[1-9][0-9]{5}")
LA_CODE = re.compile(r"[0-9]{3}")
ESTABLISHMENT_NUMBER = re.compile(r"[0-9]{4}")
LSOA_CODE = re.compile(r"[EW]01[0-9]{6}")
ENGLISH_LA_ONS_CODE = re.compile(r"E[0-9]{8}")
WHOLE_NUMBER = re.compile(r"[0-9]+")
# GIAS writes 01-09-2010; Excel re-saves it as 01/09/2010.
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y")

TEXT_COLUMNS = {  # column: (School field, longest value the field holds)
    "EstablishmentName": ("name", 200),
    "TypeOfEstablishment (name)": ("type", 100),
    "EstablishmentStatus (name)": ("status", 50),
    "PhaseOfEducation (name)": ("phase", 50),
    "Street": ("street", 200),
    "Town": ("town", 100),
}
NUMBER_COLUMNS = {  # column: (School field, largest sensible value)
    "StatutoryLowAge": ("statutory_low_age", 99),
    "StatutoryHighAge": ("statutory_high_age", 99),
    "NumberOfPupils": ("pupil_count", 100_000),
    "Easting": ("easting", 700_000),  # the extent of the British National Grid
    "Northing": ("northing", 1_300_000),
}
DATE_COLUMNS = {"OpenDate": "opened_on", "CloseDate": "closed_on"}
# Every School field an import sets; together they decide whether a school is unchanged.
SCHOOL_FIELDS = (
    "dfe_number",
    *(field for field, _ in TEXT_COLUMNS.values()),
    *(field for field, _ in NUMBER_COLUMNS.values()),
    *DATE_COLUMNS.values(),
    "postcode",
    "lsoa_code",
    "icb_id",
)
BATCH_SIZE = 1000
# A national GIAS export of open establishments has about 25,000 rows; a programme admin imports it.
MOST_ROWS = 30_000
# An ICB has 40 to 400 schools; a coordinator uploads their own.
MOST_ROWS_UPLOADED = 2_000


class _Bad(ValueError):
    """A value that cannot be read; the message completes "<column> “<value>” ..."."""


def postcode_normalise(text: str) -> str:
    """A UK postcode in capitals with one space before the inward code ("ls14ap" -> "LS1 4AP"), or ""."""
    compact = "".join(text.split()).upper()
    if not compact:
        return ""
    postcode = f"{compact[:-3]} {compact[-3:]}"
    if not re.fullmatch(POSTCODE_PATTERN, postcode):
        raise _Bad("is not a UK postcode")
    return postcode


def _whole_number(text: str, *, most: int) -> int | None:
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text):
        raise _Bad("is not a whole number")
    if int(text) > most:
        raise _Bad(f"is more than {most:,}")
    return int(text)


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise _Bad("is not a date written day-month-year, like 01-09-2010")


def _read(row: dict[str, str], column: str, problems: list[str], read: Callable, **options):
    """The column's value read by `read`, or None with the problem noted."""
    try:
        return read(row[column], **options)
    except _Bad as bad:
        problems.append(f"{column} “{row[column]}” {bad}")
        return None


def icb_unusable_reason(icb: ICB) -> str | None:
    """Why schools and specialists cannot be placed in this ICB today, if they cannot."""
    today = datetime.date.today()
    if icb.started_on > today:
        return f"ICB {icb.ods_code} starts on {icb.started_on:%-d %B %Y}: use the ICBs it replaces until then"
    if icb.ended_on is not None and icb.ended_on <= today:
        successor = icb.successor
        return (
            f"ICB {icb.ods_code} ended on {icb.ended_on:%-d %B %Y} "
            f"and was replaced by {successor.ods_code} {successor.short_name}: use {successor.ods_code}"
        )
    return None


def icb_for_import(*, ods_code: str) -> ICB:
    """The current ICB with this ODS code, for placing every row of an import in it."""
    code = ods_code.strip().upper()
    icb = ICB.objects.select_related("successor").filter(ods_code=code).first()
    if icb is None:
        raise RuleBroken(f"no ICB has the ODS code “{code}”")
    if reason := icb_unusable_reason(icb):
        raise RuleBroken(reason)
    return icb


@dataclasses.dataclass
class AreaMap:
    """Areas (DfE LA codes or LSOA codes) and the ICB each one's schools belong to."""

    icbs: dict[str, ICB]
    errors: list[RowError]


def area_map_read(*, data: bytes) -> AreaMap:
    """Read a map file with the columns area_code,icb_ods_code, reporting every bad line."""
    file = CsvFile(data, required=MAP_COLUMNS)
    if file.errors:
        return AreaMap(icbs={}, errors=file.errors)
    icbs = {icb.ods_code: icb for icb in ICB.objects.select_related("successor")}
    areas: dict[str, ICB] = {}
    area_lines: dict[str, int] = {}
    errors: list[RowError] = []
    for line, row in file.rows():
        area, code = row["area_code"].upper(), row["icb_ods_code"].upper()
        if not (LA_CODE.fullmatch(area) or LSOA_CODE.fullmatch(area)):
            errors.append(
                RowError(
                    line,
                    f"area code “{row['area_code']}” is neither a DfE LA code (three digits, like 383) "
                    "nor an LSOA code (like E01011229)",
                )
            )
        elif area in area_lines:
            errors.append(RowError(line, f"area {area} is already mapped on line {area_lines[area]}"))
        if (icb := icbs.get(code)) is None:
            problem = f"no ICB has the ODS code “{row['icb_ods_code']}”" if code else "icb_ods_code is empty"
            errors.append(RowError(line, problem))
        elif reason := icb_unusable_reason(icb):
            errors.append(RowError(line, reason))
        area_lines.setdefault(area, line)
        if icb is not None:
            areas[area] = icb
    errors = sorted([*errors, *file.errors], key=lambda error: error.line)
    return AreaMap(icbs={} if errors else areas, errors=errors)


def _school_values(row: dict[str, str], problems: list[str]) -> dict:
    """The School fields a row gives directly, noting the problems with them."""
    values: dict = {}
    for column, (field, longest) in TEXT_COLUMNS.items():
        if len(row[column]) > longest:
            problems.append(f"{column} is longer than {longest} characters")
        values[field] = row[column]
    if not row["EstablishmentName"]:
        problems.append("EstablishmentName is empty")
    elif problem := control_character_problem("EstablishmentName", row["EstablishmentName"]):
        problems.append(problem)
    for column, (field, most) in NUMBER_COLUMNS.items():
        values[field] = _read(row, column, problems, _whole_number, most=most)
    for column, field in DATE_COLUMNS.items():
        values[field] = _read(row, column, problems, _date)
    if values["opened_on"] and values["closed_on"] and values["closed_on"] < values["opened_on"]:
        problems.append(f"CloseDate {row['CloseDate']} is before OpenDate {row['OpenDate']}")
    values["postcode"] = _read(row, "Postcode", problems, postcode_normalise) or ""
    lsoa_code = row["LSOA (code)"].upper()
    if lsoa_code and not LSOA_CODE.fullmatch(lsoa_code):
        problems.append(f"LSOA (code) “{row['LSOA (code)']}” is not an LSOA code like E01011229")
        lsoa_code = ""
    values["lsoa_code"] = lsoa_code
    return values


def _unplaced_reason(authority: LocalAuthority, lsoa_code: str) -> str:
    advice = f"use --icb, or --map with this school's LSOA code {lsoa_code}" if lsoa_code else "use --icb"
    if authority.note.startswith("split between ICBs:"):
        # The reference note reads "split between ICBs: QXU Surrey Heartlands ICB (624/719 LSOA21); ... | ..."
        icbs = authority.note.split(" | ")[0].removeprefix("split between ICBs:").strip()
        icbs = re.sub(r" \([0-9]+/[0-9]+ LSOA21\)", "", icbs)
        return (
            f"{authority.name} ({authority.dfe_code}) is split between ICBs ({icbs}), "
            f"so its schools cannot be placed by local authority: {advice}"
        )
    return f"{authority.name} ({authority.dfe_code}) is not in any ICB the service knows: use --icb or --map"


@transaction.atomic
def schools_import(
    *,
    data: bytes,
    icb: ICB | None = None,
    area_map: dict[str, ICB] | None = None,
    dry_run: bool = False,
    most_rows: int = MOST_ROWS,
    by=None,
) -> ImportReport:
    """Create or update a school for each row of a GIAS export, and the local authorities it names that
    are new. All or nothing: when any row is bad, every bad row is reported and nothing is written.

    A school is placed in `icb` if given; otherwise by the area map (its LSOA code, then its LA code),
    then by the ICB its local authority lies in. An import for one ICB never touches another ICB's school,
    nor adds a school of a local authority that lies wholly in another ICB: only the national import (no
    `icb`) moves a school between ICBs, and each move is listed in the report. Every school written gets a
    history record naming `by`, the person importing (None for a command run)."""
    report = ImportReport(dry_run=dry_run)
    file = CsvFile(data, required=GIAS_COLUMNS, most_rows=most_rows)
    if file.errors:
        report.errors = file.errors
        return report
    area_map = area_map or {}
    authorities = {authority.dfe_code: authority for authority in LocalAuthority.objects.select_related("icb")}
    new_authorities: dict[str, LocalAuthority] = {}
    new_authority_lines: dict[str, int] = {}
    urn_lines: dict[int, int] = {}
    urn_authorities: dict[int, LocalAuthority] = {}
    schools: dict[int, dict] = {}  # URN: School field values, with the LA by its code
    errors: list[RowError] = []

    for line, row in file.rows():
        problems: list[str] = []
        urn = None
        if URN.fullmatch(row["URN"]):
            urn = int(row["URN"])
            if urn in urn_lines:
                problems.append(f"URN {urn} appears twice: it is already on line {urn_lines[urn]}")
        else:
            problems.append(f"URN “{row['URN']}” is not a URN: a URN has six digits, like 107654")
        values = _school_values(row, problems)
        la_code = row["LA (code)"]
        authority = None
        if not LA_CODE.fullmatch(la_code):
            problems.append(f"LA (code) “{la_code}” is not a DfE local authority code: three digits, like 383")
        elif la_code in authorities:
            authority = authorities[la_code]
        elif not row["LA (name)"]:
            problems.append(f"LA (code) {la_code} is not a local authority the service knows, and LA (name) is empty")
        elif la_code in new_authorities:
            authority = new_authorities[la_code]
            if authority.name != row["LA (name)"]:
                problems.append(
                    f"LA (name) “{row['LA (name)']}” differs from “{authority.name}” "
                    f"given for LA {la_code} on line {new_authority_lines[la_code]}"
                )
        elif len(row["LA (name)"]) > 100:
            problems.append("LA (name) is longer than 100 characters")
        elif problem := control_character_problem("LA (name)", row["LA (name)"]):
            problems.append(problem)
        else:
            ons_code = row["GSSLACode (name)"].upper()
            authority = LocalAuthority(
                dfe_code=la_code,
                name=row["LA (name)"],
                ons_code=ons_code if ENGLISH_LA_ONS_CODE.fullmatch(ons_code) else "",
            )
            new_authorities[la_code] = authority
            new_authority_lines[la_code] = line
        if authority is not None:
            if not ESTABLISHMENT_NUMBER.fullmatch(row["EstablishmentNumber"]):
                problems.append(
                    f"EstablishmentNumber “{row['EstablishmentNumber']}” is not four digits, "
                    "so the school has no DfE number"
                )
            values["dfe_number"] = la_code + row["EstablishmentNumber"]
            placed_in = icb or area_map.get(values["lsoa_code"]) or area_map.get(la_code) or authority.icb
            if placed_in is None:
                problems.append(_unplaced_reason(authority, values["lsoa_code"]))
            else:
                values["icb_id"] = placed_in.pk
            values["la_code"] = la_code

        errors.extend(RowError(line, problem) for problem in problems)
        if urn is not None:
            urn_lines.setdefault(urn, line)
            if authority is not None:
                urn_authorities.setdefault(urn, authority)
            if not problems:
                schools[urn] = values

    existing = {
        school.pop("urn"): school
        for school in School.objects.filter(_urn_in(urn_lines)).values(
            "urn", *SCHOOL_FIELDS, la_code=F("local_authority__dfe_code")
        )
    }
    if icb is not None:
        errors.extend(_outside_icb_errors(icb, urn_lines, urn_authorities, existing))
    errors = sorted([*errors, *file.errors], key=lambda error: error.line)
    if errors:
        report.errors = errors
        return report

    changed = []
    moves: dict[int, tuple[int, int]] = {}  # URN: (ICB id before, ICB id after)
    for urn, values in schools.items():
        if urn not in existing:
            report.created += 1
            changed.append(urn)
        elif existing[urn] != values:
            report.updated += 1
            changed.append(urn)
            if existing[urn]["icb_id"] != values["icb_id"]:
                moves[urn] = (existing[urn]["icb_id"], values["icb_id"])
        else:
            report.unchanged += 1
    move_reasons = _move_reasons(moves)
    report.moves = [f"URN {urn} {schools[urn]['name']}: {reason}" for urn, reason in move_reasons.items()]
    if dry_run:
        return report

    LocalAuthority.objects.bulk_create(new_authorities.values())
    authority_ids = {code: authority.pk for code, authority in (authorities | new_authorities).items()}
    written = [
        School(
            urn=urn,
            local_authority_id=authority_ids[schools[urn]["la_code"]],
            **{field: schools[urn][field] for field in SCHOOL_FIELDS},
        )
        for urn in changed
    ]
    # The database's triggers give each school written a history event (pins.kernel.history), naming who imported.
    with acting(by, reason="GIAS import"):
        School.objects.bulk_create(
            written,
            update_conflicts=True,
            unique_fields=["urn"],
            update_fields=[field.removesuffix("_id") for field in SCHOOL_FIELDS] + ["local_authority"],
            batch_size=BATCH_SIZE,
        )
    return report


def _urn_in(urns) -> RawSQL:
    """The schools with these URNs: one array parameter, three times faster than an IN list of 10,000."""
    return RawSQL(f'"{School._meta.db_table}"."urn" = ANY(%s)', (list(urns),), output_field=BooleanField())


def _outside_icb_errors(
    icb: ICB, urn_lines: dict[int, int], urn_authorities: dict[int, LocalAuthority], existing: dict[int, dict]
) -> list[RowError]:
    """The rows an import for `icb` may not write: another ICB's school, or a new school of a local authority
    lying wholly in another ICB. The other ICB is not named: a coordinator may not learn what it holds."""
    errors = []
    for urn, line in urn_lines.items():
        if urn in existing:
            if existing[urn]["icb_id"] != icb.pk:
                errors.append(
                    RowError(
                        line,
                        f"URN {urn} is a school of another ICB, so this import cannot change it: "
                        "a programme admin moves schools between ICBs",
                    )
                )
        elif (authority := urn_authorities.get(urn)) and authority.icb_id not in (None, icb.pk):
            errors.append(
                RowError(
                    line,
                    f"URN {urn} is a school of {authority.name} ({authority.dfe_code}), a local authority of "
                    "another ICB, so this import cannot add it",
                )
            )
    return errors


def _move_reasons(moves: dict[int, tuple[int, int]]) -> dict[int, str]:
    """Each move between ICBs in words, for the report: "Moved from ICB QXU to QNQ"."""
    if not moves:
        return {}
    codes = dict(
        ICB.objects.filter(pk__in={pk for move in moves.values() for pk in move}).values_list("pk", "ods_code")
    )
    return {urn: f"Moved from ICB {codes[before]} to {codes[after]}" for urn, (before, after) in moves.items()}
