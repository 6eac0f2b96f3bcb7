"""Schedules as accessible tables: an ICB's visits by week or month, and a specialist's own visits."""

import dataclasses
import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from pins.accounts.authorization import Permission, Scope, icb_for, specialist_for
from pins.kernel.forms import GovukDateField, GovukDateInput
from pins.kernel.paging import page_with_count
from pins.kernel.prepared import prepared_read
from pins.kernel.urls import reverse_remembered
from schools.selectors import holiday_on, holidays_of_schools, programme_year_for
from specialists.models import Visit
from specialists.presenters import schedule_cell, schedule_cells_html
from specialists.selectors import schedule_school_rows, schedule_specialist_rows, schedule_visits_in_cells

ROWS_PER_PAGE = 40
VISITS_PER_PAGE = 25
# Schedules are shown for dates the programme could run in: far enough from date's limits to step a month.
EARLIEST_START = datetime.date(2000, 1, 1)
LATEST_START = datetime.date(2099, 12, 31)


class ScheduleStartInput(GovukDateInput):
    """The GOV.UK date input, which also reads a whole date from the query string (`start=2026-11-02`, as the
    previous and next links write it, or `start=2/11/2026`, as people type it)."""

    def value_from_datadict(self, data, files, name):
        typed = super().value_from_datadict(data, files, name)
        if typed is None and data.get(name):
            return str(data.get(name))
        return typed

    def decompress(self, value):
        if isinstance(value, str):
            value = whole_date(value)
        return super().decompress(value)


def whole_date(text: str) -> datetime.date | None:
    """A date written whole: 2026-11-02, 2/11/2026 or 02-11-2026; None if it is not a real one."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


class ScheduleStartField(GovukDateField):
    widget = ScheduleStartInput

    def to_python(self, value):
        if isinstance(value, str):
            if (day := whole_date(value)) is None:
                raise forms.ValidationError("The date to show from must be a real date, like 2 11 2026", code="invalid")
            return day
        return super().to_python(value)


class ScheduleForm(forms.Form):
    view = forms.ChoiceField(
        label="Show a",
        choices=[("week", "Week"), ("month", "Month")],
        required=False,
        error_messages={"invalid_choice": "Show a week or a month"},
    )
    start = ScheduleStartField(label="From", help_text="For example, 2 11 2026", required=False)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start is not None and not EARLIEST_START <= start <= LATEST_START:
            raise forms.ValidationError(
                f"The date to show from must be between {EARLIEST_START.year} and {LATEST_START.year}"
            )
        return start

    rows = forms.ChoiceField(
        label="Down the side",
        choices=[("schools", "Schools"), ("specialists", "Specialists")],
        required=False,
        error_messages={"invalid_choice": "List schools or specialists down the side"},
    )


@dataclasses.dataclass
class Cell:
    visits: list[dict]
    holiday: str = ""  # the name of the school's holiday that day, if it is one


@dataclasses.dataclass
class Row:
    label: str
    url: str
    cells: list[Cell]

    @property
    def cells_html(self) -> SafeString:
        return schedule_cells_html(self.cells)


def _period(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date, list[datetime.date]]:
    if view == "month":
        start = day.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    else:
        start = day - datetime.timedelta(days=day.weekday())
        end = start + datetime.timedelta(days=6)
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return start, end, [d for d in days if d.weekday() < 5]


def _cell(by_cell, row_id, day: datetime.date, holidays) -> Cell:
    holiday = holiday_on(holidays, day)
    return Cell(by_cell.get((row_id, day), []), holiday.name if holiday else "")


@login_required
@require_GET
def icb_schedule(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    form = ScheduleForm(request.GET or None)
    choice = form.cleaned_data if form.is_valid() else {}
    if not form.is_bound:
        form = ScheduleForm(initial={"view": "week", "rows": "schools", "start": timezone.localdate()})
    view = choice.get("view") or "week"
    rows_of = choice.get("rows") or "schools"
    start, end, days = _period(view, choice.get("start") or timezone.localdate())
    step = datetime.timedelta(days=7) if view == "week" else datetime.timedelta(days=1)
    previous_start = start - step if view == "week" else (start - step).replace(day=1)
    next_start = start + step if view == "week" else end + step

    year = programme_year_for(today=start)
    if rows_of == "schools":
        owners = schedule_school_rows.bound(icb_id=icb.pk, year_id=year.pk if year else None)
        page = page_with_count(owners, per_page=ROWS_PER_PAGE, number=request.GET.get("page"))
        key = "enrolment_id"
        rows = [
            (owner.pk, owner.school.name, reverse_remembered("schools:detail", args=[owner.school_id]))
            for owner in page
        ]
    else:
        page = page_with_count(
            schedule_specialist_rows.bound(icb_id=icb.pk), per_page=ROWS_PER_PAGE, number=request.GET.get("page")
        )
        key = "specialist_id"
        rows = [
            (owner.pk, owner.full_name, reverse_remembered("specialists:schedule", args=[owner.pk])) for owner in page
        ]
    # Each school's holidays that year, in one query, to mark its days off in its row.
    holidays: dict[int, list] = {}
    if rows_of == "schools" and year is not None:
        by_school = holidays_of_schools(schools=[owner.school for owner in page], year=year)
        holidays = {owner.pk: by_school[owner.school_id] for owner in page}
    wanted = frozenset(row_id for row_id, _, _ in rows)
    by_cell: dict[tuple[int, datetime.date], list[dict]] = {}
    shown = schedule_visits_in_cells(
        icb_id=icb.pk, start=start, end=end, rows=wanted, rows_are_schools=rows_of == "schools"
    )
    for visit in shown:
        by_cell.setdefault((getattr(visit, key), visit.date), []).append(schedule_cell(visit, rows_of=rows_of))

    return render(
        request,
        "specialists/schedule/icb.html",
        {
            "icb": icb,
            "form": form,
            "view": view,
            "rows_of": rows_of,
            "start": start,
            "end": end,
            "days": days,
            "rows": [
                Row(label, url, [_cell(by_cell, row_id, day, holidays.get(row_id, [])) for day in days])
                for row_id, label, url in rows
            ],
            "page": page,
            "previous_start": previous_start,
            "next_start": next_start,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def specialist_schedule(request, specialist_id):
    specialist = specialist_for(request, specialist_id)
    seen = {"scope": request.access.scope, "specialist_id": specialist.pk, "today": timezone.localdate()}
    # The visits coming up and the past ones, each paged by its own parameter.
    upcoming = page_with_count(
        _visits_coming_up.bound(**seen), per_page=VISITS_PER_PAGE, number=request.GET.get("upcoming_page")
    )
    recent = page_with_count(_visits_past.bound(**seen), per_page=VISITS_PER_PAGE, number=request.GET.get("page"))
    to_record = list(_visits_to_record(**seen))
    return render(
        request,
        "specialists/schedule/specialist.html",
        {
            "specialist": specialist,
            "is_self": request.access.specialist_id == specialist.pk,
            "upcoming": upcoming,
            "to_record": to_record,
            "page": recent,
            "can_record": request.access.can(Permission.RECORD_OUTCOMES, specialist=specialist),
            "can_record_leave": request.access.can(Permission.RECORD_LEAVE, specialist=specialist),
        },
    )


# A specialist's page's reads, as far as the person may see them, their SQL built once (pins.kernel.prepared).


def _visits_of(scope: Scope, specialist_id: int) -> QuerySet[Visit]:
    return scope.visits().filter(specialist_id=specialist_id).select_related("enrolment__school", "outcome")


@prepared_read
def _visits_to_record(*, scope: Scope, specialist_id: int, today: datetime.date) -> QuerySet[Visit]:
    return _visits_of(scope, specialist_id).open().filter(date__lt=today).order_by("date", "slot_start")


@prepared_read
def _visits_coming_up(*, scope: Scope, specialist_id: int, today: datetime.date) -> QuerySet[Visit]:
    return _visits_of(scope, specialist_id).booked().filter(date__gte=today).order_by("date", "slot_start", "pk")


@prepared_read
def _visits_past(*, scope: Scope, specialist_id: int, today: datetime.date) -> QuerySet[Visit]:
    return _visits_of(scope, specialist_id).filter(date__lt=today).order_by("-date", "-slot_start", "-pk")
