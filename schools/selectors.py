import calendar
import dataclasses
import datetime
import typing

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.text import capfirst

from icbs.models import ICB, LocalAuthority
from pins.kernel import history
from pins.kernel.prepared import prepared_read
from schools.models import (
    MET_THROUGH_COLUMNS,
    TERM_MONTHS,
    BlackoutPeriod,
    ClosureDate,
    Cohort,
    Enrolment,
    ProgrammeYear,
    School,
    SchoolHoliday,
    SelfAssessment,
)


def programme_year_for(*, label: str | None = None, today: datetime.date | None = None) -> ProgrammeYear | None:
    """The programme year with this label; without one, the year containing today, else the latest. One query."""
    return programme_year_chosen(list(programme_years_listed()), label=label, today=today)


def programme_year_chosen(
    years: list[ProgrammeYear], *, label: str | None = None, today: datetime.date | None = None
) -> ProgrammeYear | None:
    """`programme_year_for`'s choice from every programme year, the latest first (`all_programme_years`), for a
    page that lists the years as well and so reads them once."""
    if label:
        return next((year for year in years if year.label == label), None)
    today = today or timezone.localdate()
    current = next((year for year in years if year.starts_on <= today <= year.ends_on), None)
    return current or (years[0] if years else None)


@dataclasses.dataclass(frozen=True)
class Term:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


def terms_of(year: ProgrammeYear) -> list[Term]:
    terms = []
    for name, first_month, last_month in TERM_MONTHS:
        calendar_year = year.starts_on.year if first_month >= 9 else year.starts_on.year + 1
        starts_on = datetime.date(calendar_year, first_month, 1)
        ends_on = datetime.date(calendar_year, last_month, calendar.monthrange(calendar_year, last_month)[1])
        starts_on, ends_on = max(starts_on, year.starts_on), min(ends_on, year.ends_on)
        if starts_on <= ends_on:
            terms.append(Term(name, starts_on, ends_on))
    return terms


def ended_terms(year: ProgrammeYear, *, today: datetime.date | None = None) -> list[Term]:
    today = today or timezone.localdate()
    return [term for term in terms_of(year) if term.ends_on < today]


# How many of a year's terms have ended: what the SQL of a read of meetings missed depends on.
TermsEnded = typing.Literal[0, 1, 2, 3]


def terms_ended(year: ProgrammeYear, *, today: datetime.date | None = None) -> TermsEnded:
    return len(ended_terms(year, today=today))


def with_parent_carer_progress(enrolments, *, year: ProgrammeYear, today: datetime.date | None = None):
    """Enrolments annotated `meetings_missing`: how many terms that have ended passed without a parent and
    carer meeting (a school with any is behind), from the terms the meetings trigger keeps on the enrolment."""
    return with_meetings_missing(enrolments, terms_ended=terms_ended(year, today=today))


def with_meetings_missing(enrolments, *, terms_ended: TermsEnded):
    """`with_parent_carer_progress` once it is known how many terms have ended."""
    missing = Value(0, output_field=IntegerField())
    for index in range(terms_ended):
        term = 1 << index  # the term's bit of `meeting_terms`, in TERM_MONTHS order, as terms_of lists them
        missing = missing + Case(When(Exact(F("meeting_terms").bitand(term), 0), then=1), default=0)
    return enrolments.annotate(meetings_missing=missing)


def schools_met_through_column(year: ProgrammeYear, *, today: datetime.date | None = None) -> str | None:
    """The ProgressChange column counting the schools with a meeting in every term that has ended, or None while
    no term has: terms end in order, so those behind are the enrolled schools less these."""
    return met_through_column(terms_ended(year, today=today))


def met_through_column(ended: TermsEnded) -> str | None:
    """`schools_met_through_column` once it is known how many terms have ended."""
    return MET_THROUGH_COLUMNS[ended - 1] if ended else None


def with_enrolled_schools(icbs: QuerySet[ICB]) -> QuerySet[ICB]:
    """ICBs, by region and name, each with how many schools it has enrolled (any year): one query."""
    return (
        icbs.select_related("region")
        .annotate(enrolled_schools=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)))
        .order_by("region__name", "name")
    )


def local_authorities_of_enrolled_schools(*, icb_id: int, year_id: int) -> QuerySet[LocalAuthority]:
    """The local authorities of the schools the ICB enrolled in the year, by name: the ICB page's filter."""
    schools = School.objects.filter(enrolments__icb_id=icb_id, enrolments__programme_year_id=year_id)
    return LocalAuthority.objects.filter(pk__in=schools.values("local_authority")).order_by("name")


@prepared_read
def local_authority_choices(*, icb_id: int, year_id: int) -> QuerySet:
    """`local_authorities_of_enrolled_schools` as the filter lists them: (id, name, DfE code) rows."""
    return local_authorities_of_enrolled_schools(icb_id=icb_id, year_id=year_id).values_list("pk", "name", "dfe_code")


def bookable_enrolments(*, icb: ICB, programme_year: ProgrammeYear) -> QuerySet[Enrolment]:
    """The ICB's enrolled schools in the year, by name: those a visit can be booked for."""
    return (
        Enrolment.objects.filter(icb=icb, programme_year=programme_year, status=Enrolment.Status.ENROLLED)
        .select_related("school", "programme_year")
        .order_by("school__name")
    )


def starting_self_assessment(*, enrolments: QuerySet[Enrolment], enrolment_id) -> SelfAssessment | None:
    """What one of these enrolments' schools said it needs at the start of the year, if it has said."""
    if not str(enrolment_id or "").isdigit():
        return None
    return (
        SelfAssessment.objects.filter(
            enrolment__in=enrolments, enrolment_id=enrolment_id, stage=SelfAssessment.Stage.START
        )
        .select_related("enrolment__school")
        .first()
    )


def with_self_assessment_done(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments annotated `has_self_assessment`: whether the school has filled in any stage."""
    return enrolments.annotate(has_self_assessment=Exists(SelfAssessment.objects.filter(enrolment=OuterRef("pk"))))


def holidays_of_schools(*, schools, year: ProgrammeYear) -> dict[int, list[SchoolHoliday]]:
    """Each school's holidays in the year, by URN, in date order, in one query: the school's own term dates
    where it has any, else its local authority's where that has any, else the programme year's default. The
    schools need only their URN and `local_authority_id` loaded. Closure dates are not among them: the booking
    calendar keeps them on top, with their own message."""
    schools = list(schools)
    rows = _holidays_of_schools(
        urns=frozenset(school.pk for school in schools),
        authority_ids=frozenset(school.local_authority_id for school in schools if school.local_authority_id),
        year_id=year.pk,
    )
    default, by_authority, by_school = [], {}, {}
    for holiday in rows:
        if holiday.school_id is not None:
            by_school.setdefault(holiday.school_id, []).append(holiday)
        elif holiday.local_authority_id is not None:
            by_authority.setdefault(holiday.local_authority_id, []).append(holiday)
        else:
            default.append(holiday)
    return {
        school.pk: by_school.get(school.pk) or by_authority.get(school.local_authority_id) or default
        for school in schools
    }


@prepared_read
def _holidays_of_schools(
    *, urns: frozenset[int], authority_ids: frozenset[int], year_id: int
) -> QuerySet[SchoolHoliday]:
    return SchoolHoliday.objects.filter(
        Q(local_authority__isnull=True, school__isnull=True)
        | Q(local_authority__in=authority_ids)
        | Q(school__in=urns),
        programme_year_id=year_id,
    ).order_by("starts_on")


def holidays_of(*, school: School, year: ProgrammeYear) -> list[SchoolHoliday]:
    """The school's holidays in the year, in date order (see `holidays_of_schools`): one query."""
    return holidays_of_schools(schools=[school], year=year)[school.pk]


@prepared_read
def closures_to_come(*, urn: int, today: datetime.date) -> QuerySet[ClosureDate]:
    """A school's next closure dates, for its page."""
    return ClosureDate.objects.filter(school_id=urn, ends_on__gte=today).order_by("starts_on")[:CLOSURES_SHOWN]


def holiday_on(holidays: list[SchoolHoliday], day: datetime.date) -> SchoolHoliday | None:
    """The holiday of these (one school's) that `day` falls in, if any."""
    return next((holiday for holiday in holidays if holiday.covers(day)), None)


def default_holidays(*, year: ProgrammeYear):
    """The programme year's default holidays, in date order."""
    return SchoolHoliday.objects.filter(programme_year=year, local_authority__isnull=True, school__isnull=True)


def authority_holidays(*, local_authority: LocalAuthority, year: ProgrammeYear):
    """A local authority's own term-date holidays in the year, in date order (empty: it follows the default)."""
    return SchoolHoliday.objects.filter(programme_year=year, local_authority=local_authority)


def school_own_holidays(*, school: School, year: ProgrammeYear):
    """A school's own term-date holidays in the year, in date order (empty: it follows its authority's)."""
    return SchoolHoliday.objects.filter(programme_year=year, school=school)


def authorities_of_icb(*, icb: ICB, year: ProgrammeYear) -> QuerySet[LocalAuthority]:
    """The authorities whose term dates the ICB's coordinator keeps: those lying in the ICB and those of its
    schools (a split authority), by name, each with `own_holidays`, how many holidays of its own it has in the
    year (none: its schools follow the programme default). One query."""
    return (
        LocalAuthority.objects.filter(Q(icb=icb) | Q(pk__in=School.objects.filter(icb=icb).values("local_authority")))
        .annotate(own_holidays=Count("school_holidays", filter=Q(school_holidays__programme_year=year)))
        .order_by("name")
    )


def all_default_holidays() -> QuerySet[SchoolHoliday]:
    """Every programme year's default holidays: the programme admin's to change."""
    return SchoolHoliday.objects.filter(local_authority__isnull=True, school__isnull=True)


def own_holidays_of_school(*, school: School) -> QuerySet[SchoolHoliday]:
    """The school's own term-date holidays, every year."""
    return SchoolHoliday.objects.filter(school=school)


CLOSURES_SHOWN = 10


def all_programme_years() -> QuerySet[ProgrammeYear]:
    """Every programme year, the latest first: every signed-in person may see them."""
    return ProgrammeYear.objects.order_by("-starts_on")


# The years as nearly every page reads them, their SQL kept (pins.kernel.prepared).
programme_years_listed = prepared_read(all_programme_years)


def programme_years_for_setup() -> QuerySet[ProgrammeYear]:
    """Every programme year, the latest first, each with how many cohorts, blackout periods and enrolled
    schools it has. One query."""
    return all_programme_years().annotate(
        cohort_count=Count("cohorts", distinct=True),
        blackout_count=Count("blackout_periods", distinct=True),
        enrolled_count=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED), distinct=True),
    )


def cohorts_of_year(*, year: ProgrammeYear) -> QuerySet[Cohort]:
    """The year's cohorts by name, each with `enrolment_count`, how many schools are enrolled or invited in it."""
    return Cohort.objects.filter(programme_year=year).annotate(enrolment_count=Count("enrolments")).order_by("name")


def blackout_periods_of_year(*, year: ProgrammeYear) -> QuerySet[BlackoutPeriod]:
    """The year's blackout periods, in date order."""
    return BlackoutPeriod.objects.filter(programme_year=year).order_by("starts_on")


@dataclasses.dataclass(frozen=True)
class SetupChange:
    """A line of a programme year's set-up history: what changed (the year, a cohort, a blackout period)."""

    subject: str
    entry: history.Entry


def _entries(events, *, skip: set[str]) -> list[history.Entry]:
    """One row's events as timeline entries, oldest first, names from `with_who` (no query of their own)."""
    entries, previous = [], None
    for event in events:
        fields = [
            field
            for field in event._meta.concrete_fields
            if field.name not in history.EVENT_FIELDS | skip | {"id"} and event.pgh_label != "delete"
        ]
        changes = [
            history.Change(
                capfirst(field.verbose_name),
                history.shown(previous, field) if previous else "–",
                history.shown(event, field),
            )
            for field in fields
            if previous is None or getattr(previous, field.attname) != getattr(event, field.attname)
        ]
        who = event.who or "The PINS programme service"
        entries.append(
            history.Entry(event.pgh_created_at, who, history.WHAT.get(event.pgh_label, event.pgh_label), changes)
        )
        previous = event
    return entries


def programme_year_history(*, year: ProgrammeYear) -> list[SetupChange]:
    """Every change to the year, its cohorts and blackout periods (those since removed included), latest first.
    One query for each of the three, whoever made them and however many there are."""
    lines = []
    for model, what, skip in (
        (ProgrammeYear, "Programme year", set()),
        (Cohort, "Cohort", {"programme_year"}),
        (BlackoutPeriod, "Blackout period", {"programme_year"}),
    ):
        of_year = {"pgh_obj_id": year.pk} if model is ProgrammeYear else {"programme_year_id": year.pk}
        events = history.with_who(model.pgh_event_model.objects.filter(**of_year)).order_by("pgh_created_at", "pgh_id")
        by_row: dict[int, list] = {}
        for event in events:
            by_row.setdefault(event.pgh_obj_id, []).append(event)
        for row_events in by_row.values():
            name = row_events[-1].label if model is ProgrammeYear else row_events[-1].name
            lines += [SetupChange(f"{what} {name}", entry) for entry in _entries(row_events, skip=skip)]
    return sorted(lines, key=lambda line: line.entry.at, reverse=True)


def enrolled_count(*, icb: ICB, year: ProgrammeYear) -> int:
    """How many of the ICB's schools are enrolled in the year (invited and withdrawn ones not counted)."""
    return Enrolment.objects.filter(icb=icb, programme_year=year, status=Enrolment.Status.ENROLLED).count()
