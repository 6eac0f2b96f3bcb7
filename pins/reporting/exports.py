"""Exports for programme staff and evaluators, streamed: a CSV goes out row by row, and a spreadsheet is built
on disk (xlsxwriter's constant-memory mode), so a national export never sits in memory whole."""

import csv
import tempfile
from collections.abc import Iterable, Iterator

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from pins.kernel.disciplines import Discipline
from pins.reporting.progress import NationalProgress
from schools.models import Domain, SelfAssessment

ROWS_PER_FETCH = 2000


class _Echo:
    """A file-like object that hands back what is written, for csv.writer to stream through."""

    def write(self, value):
        return value


def filename(kind: str, year_label: str, extension: str) -> str:
    return f"pins-{kind}-{year_label}-{timezone.localdate():%Y-%m-%d}.{extension}"


# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    """Text as text in any spreadsheet: a leading formula character gets a quote in front, which Excel and
    LibreOffice show as the literal text. Numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _safe_rows(rows: Iterable[list]) -> Iterator[list]:
    for row in rows:
        yield [cell_safe(value) for value in row]


def csv_response(rows: Iterable[list], *, name: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    # A byte-order mark so that Excel opens the file as UTF-8.
    stream = (writer.writerow(row) for row in _safe_rows(rows))
    response = StreamingHttpResponse(_with_bom(stream), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _with_bom(stream: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from stream


def xlsx_response(rows: Iterable[list], *, name: str, sheet: str) -> FileResponse:
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once it is sent
    # Strings are written as strings: never turned into formulas, links or numbers by xlsxwriter.
    workbook = xlsxwriter.Workbook(
        file,
        {
            "constant_memory": True,
            "in_memory": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for number, row in enumerate(_safe_rows(rows)):
        worksheet.write_row(number, 0, row, bold if number == 0 else None)
    workbook.close()
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


PROGRESS_HEADER = [
    "Region",
    "ICB ODS code",
    "ICB",
    "Target schools",
    "Schools enrolled",
    "Quota days",
    "Days allocated",
    "Days confirmed",
    "Days delivered",
    "Days planned by today",
    "Schools with a first visit delivered",
    "Visits delivered",
    "Outcome records completed",
    "Visits overdue (date passed, no outcome)",
    "Schools behind on parent and carer meetings",
    "Behind plan",
    "Behind plan on",
]


def progress_rows(progress: NationalProgress) -> Iterator[list]:
    yield PROGRESS_HEADER
    for row in progress.icbs:
        yield [
            row.region.name,
            row.icb.ods_code,
            row.icb.name,
            row.target_schools,
            row.schools_enrolled,
            float(row.quota_days),
            float(row.allocated_days),
            float(row.confirmed_days),
            float(row.delivered_days),
            float(row.planned_days),
            row.schools_visited,
            row.visits_delivered,
            row.outcomes_recorded,
            row.visits_overdue,
            row.schools_behind_on_meetings,
            "yes" if row.behind_plan else "no",
            "; ".join(str(shortfall) for shortfall in row.shortfalls),
        ]


def self_assessment_rows(assessments) -> Iterator[list]:
    disciplines = dict(Discipline.choices)
    yield [
        "Programme year",
        "ICB ODS code",
        "School URN",
        "School",
        "Stage",
        *(label for _, label in Domain.choices),
        "Specialists wanted",
        "Completed",
    ]
    for assessment in (
        assessments.select_related("enrolment__programme_year", "enrolment__icb", "enrolment__school")
        .prefetch_related("ratings")
        .iterator(chunk_size=ROWS_PER_FETCH)
    ):
        enrolment = assessment.enrolment
        yield [
            enrolment.programme_year.label,
            enrolment.icb.ods_code,
            enrolment.school_id,
            enrolment.school.name,
            assessment.get_stage_display(),
            *("" if rating is None else rating for _, rating, _ in assessment.rated()),
            "; ".join(disciplines.get(d, d) for d in assessment.wanted_disciplines),
            timezone.localtime(assessment.completed_at).strftime("%Y-%m-%d"),
        ]


def _of_year(model):
    return lambda year: model.objects.filter(enrolment__programme_year=year).order_by("pk")


# Each kind of year-level export: its rows for a year, how each is written, and the sheet's name.
EXPORTS = {
    "self-assessments": (_of_year(SelfAssessment), self_assessment_rows, "Self-assessments"),
}
