import dataclasses
import datetime

from django.db import connection, models, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from icbs.models import ICB, LocalAuthority
from pins.kernel.csv_import import RowError
from pins.kernel.disciplines import Discipline
from pins.kernel.errors import RuleBroken
from pins.kernel.history import acting, acting_as_by
from pins.kernel.units import is_whole_half_days
from schools.eligibility import enrolment_refusal
from schools.models import (
    PROGRESS_COLUMNS,
    BlackoutPeriod,
    Cohort,
    Domain,
    Enrolment,
    ParentCarerMeeting,
    PlanMilestone,
    ProgrammeYear,
    ProgressChange,
    PupilVoiceActivity,
    Rating,
    School,
    SchoolHoliday,
    SelfAssessment,
    SelfAssessmentRating,
)


def schools_transfer_to_successor(*, predecessors: list[ICB], successor: ICB, effective_on: datetime.date) -> None:
    """Move the predecessors' schools to the successor ICB, and the enrolments of programme years still
    running on the merger date. Enrolments of years that ended before it stay with the ICB that delivered
    them. Part of a merger (pins.programme.mergers.icbs_merge), inside its transaction."""
    ids = [icb.pk for icb in predecessors]
    # Each school and enrolment moved gets a history event from the database's triggers, with this reason.
    with acting(None, reason=f"ICB merger into {successor.ods_code} from {effective_on:%-d %B %Y}"):
        School.objects.filter(icb_id__in=ids).update(icb=successor)
        Enrolment.objects.filter(icb_id__in=ids, programme_year__ends_on__gte=effective_on).update(icb=successor)


@transaction.atomic
@acting_as_by
def enrolments_create(
    *,
    schools: list[School],
    cohort: Cohort,
    icb: ICB,
    status: Enrolment.Status,
    support: Enrolment.Support | None = None,
    by,
) -> list[Enrolment]:
    """Enrol schools of an ICB in a programme year, each with the cohort's quota of specialist days. Without
    `support`, a school enrolled in an earlier year is continuing, any other new."""
    if not schools:
        raise RuleBroken("Choose at least one school", field="schools")
    year = cohort.programme_year
    if already := list(
        Enrolment.objects.filter(school__in=schools, programme_year=year).values_list("school__name", flat=True)
    ):
        raise RuleBroken(f"Already enrolled in {year}: {', '.join(sorted(already))}", field="schools")
    if outside := [school.name for school in schools if school.icb_id != icb.pk]:
        raise RuleBroken(f"Not schools of {icb.short_name} ICB: {', '.join(outside)}", field="schools")
    today = timezone.localdate()
    if refused := [reason for school in schools if (reason := enrolment_refusal(school, today=today))]:
        raise RuleBroken(
            f"Only open, state-funded mainstream schools with primary-age pupils: {'; '.join(refused)}", field="schools"
        )
    returning = set(
        Enrolment.objects.filter(
            school__in=schools, programme_year__starts_on__lt=year.starts_on, status=Enrolment.Status.ENROLLED
        ).values_list("school_id", flat=True)
    )
    enrolments = []
    for school in schools:
        enrolment = Enrolment(
            school=school,
            programme_year=year,
            cohort=cohort,
            icb=icb,
            support=support or (Enrolment.Support.CONTINUING if school.pk in returning else Enrolment.Support.NEW),
            status=status,
            quota_days=cohort.default_quota_days,
        )
        enrolment.save()
        enrolments.append(enrolment)
    return enrolments


@transaction.atomic
@acting_as_by
def enrolment_change_status(*, enrolment: Enrolment, status: Enrolment.Status, by) -> Enrolment:
    """Move an enrolment between invited, enrolled and withdrawn. A school with days still booked cannot be
    withdrawn: its visits are cancelled first, so no specialist turns up at a school that left."""
    enrolment = Enrolment.objects.select_for_update().select_related("school").get(pk=enrolment.pk)
    if status == Enrolment.Status.WITHDRAWN and enrolment.allocated_days > 0:
        raise RuleBroken(
            f"{enrolment.school.name} still has {enrolment.allocated_days:g} days of visits booked: "
            "cancel them before withdrawing the school",
            field="status",
        )
    enrolment.status = status
    enrolment.save(update_fields=["status"])
    return enrolment


def _within_enrolment_year(enrolment: Enrolment, day: datetime.date, *, field: str, what: str) -> None:
    year = enrolment.programme_year
    if not year.contains(day):
        raise RuleBroken(
            f"The {what} must be in the {year} programme year, between {year.starts_on:%-d %B %Y} and "
            f"{year.ends_on:%-d %B %Y}",
            field=field,
        )
    if day > timezone.localdate():
        raise RuleBroken(f"The {what} must be today or in the past", field=field)


@transaction.atomic
@acting_as_by
def self_assessment_save(
    *,
    enrolment: Enrolment,
    stage: SelfAssessment.Stage,
    ratings: dict[str, int],
    notes: dict[str, str],
    wanted_disciplines: list[str],
    by,
) -> SelfAssessment:
    """Save the school's self-assessment for a stage of its enrolment: a rating on the programme's scale for
    every domain, with notes. Saving again updates it; the history keeps what it said before."""
    if missing := [label for value, label in Domain.choices if value not in ratings]:
        raise RuleBroken(f"Rate every domain: {', '.join(missing)} not rated yet")
    if off_scale := [label for value, label in Domain.choices if ratings[value] not in Rating.values]:
        raise RuleBroken(f"Rate {', '.join(off_scale)} from {min(Rating.values)} to {max(Rating.values)}")
    if unknown := sorted(set(wanted_disciplines) - set(Discipline.values)):
        raise RuleBroken(f"Not a specialist the programme places: {', '.join(unknown)}", field="wanted_disciplines")
    assessment = SelfAssessment.objects.select_for_update().filter(
        enrolment=enrolment, stage=stage
    ).first() or SelfAssessment(enrolment=enrolment, stage=stage)
    assessment.wanted_disciplines = list(dict.fromkeys(wanted_disciplines))  # each once, in the order chosen
    assessment.completed_by = by
    assessment.save()
    SelfAssessmentRating.objects.bulk_create(
        [
            SelfAssessmentRating(
                assessment=assessment, domain=value, rating=ratings[value], notes=notes.get(value, "").strip()
            )
            for value in Domain.values
        ],
        update_conflicts=True,
        unique_fields=["assessment", "domain"],
        update_fields=["rating", "notes"],
    )
    return assessment


def parent_carer_meeting_record(
    *, enrolment: Enrolment, held_on: datetime.date, forum_present: bool, attendees: int, notes: str, by
) -> ParentCarerMeeting:
    _within_enrolment_year(enrolment, held_on, field="held_on", what="meeting date")
    return ParentCarerMeeting.objects.create(
        enrolment=enrolment,
        held_on=held_on,
        forum_present=forum_present,
        attendees=attendees,
        notes=notes.strip(),
        recorded_by=by,
    )


def pupil_voice_record(*, enrolment: Enrolment, held_on: datetime.date, description: str, by) -> PupilVoiceActivity:
    _within_enrolment_year(enrolment, held_on, field="held_on", what="date of the activity")
    if not description.strip():
        raise RuleBroken("Describe what the pupils did or said", field="description")
    return PupilVoiceActivity.objects.create(
        enrolment=enrolment, held_on=held_on, description=description.strip(), recorded_by=by
    )


# One statement, so a fold run twice at once adds up right: the second waits on the rows the first deletes, then
# skips them, and never sees the rows the first wrote. Writers only insert, so they never wait on a fold.
_FOLD_PROGRESS_CHANGES = f"""
    WITH folded AS (DELETE FROM {ProgressChange._meta.db_table} RETURNING *)
    INSERT INTO {ProgressChange._meta.db_table} (programme_year_id, icb_id, {{columns}})
    SELECT programme_year_id, icb_id, {{sums}} FROM folded GROUP BY programme_year_id, icb_id
"""


def progress_changes_fold() -> None:
    """Fold the progress trigger's rows into one per ICB and year, keeping what they add up to, so that reading
    national progress adds up about as many rows as there are ICBs. Run every few minutes by beat, and after
    the demo is seeded."""
    columns = [name for name, _ in PROGRESS_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(
            _FOLD_PROGRESS_CHANGES.format(
                columns=", ".join(columns), sums=", ".join(f"sum({name})" for name in columns)
            )
        )


def _holiday_layer(*, local_authority: LocalAuthority | None, school: School | None) -> str:
    if school is not None:
        return f"{school.name}'s own term dates"
    if local_authority is not None:
        return f"{local_authority.name}'s term dates"
    return "the default holidays"


def _holiday_problems(
    *,
    year: ProgrammeYear,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    others: list[SchoolHoliday],
    layer: str,
) -> list[tuple[str, str]]:
    """(field, message) for every rule a holiday breaks: named, in order, inside the year, apart from the
    other holidays of its layer."""
    found = []
    if not name.strip():
        found.append(("name", "Enter the holiday's name, for example Christmas holiday"))
    if ends_on < starts_on:
        found.append(("ends_on", "The last day must be the same as or after the first day"))
    elif not (year.contains(starts_on) and year.contains(ends_on)):
        found.append(
            (
                "starts_on",
                f"The holiday must be in the {year} programme year, between {year.starts_on:%-d %B %Y} and "
                f"{year.ends_on:%-d %B %Y}",
            )
        )
    else:
        for other in others:
            if other.starts_on <= ends_on and starts_on <= other.ends_on:
                found.append(("starts_on", f"It overlaps {other} in {layer}"))
    return found


def _check_holiday(**holiday) -> None:
    if problems := _holiday_problems(**holiday):
        field, message = problems[0]
        raise RuleBroken(message, field=field)


def _locked_year(year: ProgrammeYear) -> ProgrammeYear:
    """The year's row, locked: changes to a year's holidays queue behind each other, so two that overlap
    cannot both pass the check (the exclusion constraint would refuse the second)."""
    return ProgrammeYear.objects.select_for_update().get(pk=year.pk)


@transaction.atomic
@acting_as_by
def school_holiday_add(
    *,
    year: ProgrammeYear,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    local_authority: LocalAuthority | None = None,
    school: School | None = None,
    by,
) -> SchoolHoliday:
    """Add a holiday to the year's default (no authority, no school), an authority's or a school's term dates."""
    if local_authority is not None and school is not None:
        raise RuleBroken("A holiday is the default, an authority's or a school's, not two of these")
    year = _locked_year(year)
    others = list(SchoolHoliday.objects.filter(programme_year=year, local_authority=local_authority, school=school))
    layer = _holiday_layer(local_authority=local_authority, school=school)
    _check_holiday(year=year, name=name, starts_on=starts_on, ends_on=ends_on, others=others, layer=layer)
    return SchoolHoliday.objects.create(
        programme_year=year,
        local_authority=local_authority,
        school=school,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )


@transaction.atomic
@acting_as_by
def school_holiday_change(
    *, holiday: SchoolHoliday, name: str, starts_on: datetime.date, ends_on: datetime.date, by
) -> SchoolHoliday:
    """Change a holiday's name or dates, within its year and layer."""
    year = _locked_year(holiday.programme_year)
    holiday = SchoolHoliday.objects.select_related("local_authority", "school").get(pk=holiday.pk)
    others = list(
        SchoolHoliday.objects.filter(
            programme_year=year, local_authority=holiday.local_authority_id, school=holiday.school_id
        ).exclude(pk=holiday.pk)
    )
    layer = _holiday_layer(local_authority=holiday.local_authority, school=holiday.school)
    _check_holiday(year=year, name=name, starts_on=starts_on, ends_on=ends_on, others=others, layer=layer)
    holiday.name, holiday.starts_on, holiday.ends_on = name.strip(), starts_on, ends_on
    holiday.save(update_fields=["name", "starts_on", "ends_on"])
    return holiday


@transaction.atomic
@acting_as_by
def school_holiday_remove(*, holiday: SchoolHoliday, by) -> None:
    """Remove a holiday: visits may be booked on its days again."""
    _locked_year(holiday.programme_year)
    SchoolHoliday.objects.filter(pk=holiday.pk).delete()


@dataclasses.dataclass(frozen=True)
class HolidayRow:
    line: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


def school_holidays_problems(
    *, year: ProgrammeYear, rows: list[HolidayRow], local_authority=None, school=None
) -> list[RowError]:
    """Every problem with a whole set of term-date holidays, each on its line: the set replaces the layer's."""
    layer = _holiday_layer(local_authority=local_authority, school=school)
    errors = []
    for number, row in enumerate(rows):
        others = [
            SchoolHoliday(name=other.name, starts_on=other.starts_on, ends_on=other.ends_on) for other in rows[:number]
        ]
        for _field, message in _holiday_problems(
            year=year, name=row.name, starts_on=row.starts_on, ends_on=row.ends_on, others=others, layer=layer
        ):
            errors.append(RowError(row.line, message.replace(f" in {layer}", " in this file")))
    return errors


@transaction.atomic
@acting_as_by
def school_holidays_replace(
    *,
    year: ProgrammeYear,
    rows: list[HolidayRow],
    local_authority: LocalAuthority | None = None,
    school: School | None = None,
    by,
) -> list[SchoolHoliday]:
    """Replace an authority's (or a school's) term-date holidays in the year with `rows`, all or nothing. An
    empty set puts its schools back on the layer below (the authority's, or the programme default)."""
    if (local_authority is None) == (school is None):
        raise RuleBroken("Term dates belong to one authority or one school")
    year = _locked_year(year)
    if errors := school_holidays_problems(year=year, rows=rows, local_authority=local_authority, school=school):
        raise RuleBroken(f"{errors[0]}")
    SchoolHoliday.objects.filter(programme_year=year, local_authority=local_authority, school=school).delete()
    return SchoolHoliday.objects.bulk_create(
        SchoolHoliday(
            programme_year=year,
            local_authority=local_authority,
            school=school,
            name=row.name.strip(),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
        )
        for row in sorted(rows, key=lambda row: row.starts_on)
    )


@transaction.atomic
@acting_as_by
def plan_milestone_set(
    *, programme_year: ProgrammeYear, month: datetime.date, allocated_percent: int, delivered_percent: int, by
) -> PlanMilestone:
    """Set the shares of days every ICB is expected to have allocated and delivered by the end of a month of the
    year; setting a month again replaces it."""
    month = month.replace(day=1)
    if not (programme_year.starts_on.replace(day=1) <= month <= programme_year.ends_on):
        raise RuleBroken(f"Choose a month of {programme_year}", field="month")
    if not (0 <= delivered_percent <= allocated_percent <= 100):
        raise RuleBroken(
            "The share delivered cannot be more than the share allocated, and neither more than 100%",
            field="delivered_percent",
        )
    milestone, _ = PlanMilestone.objects.update_or_create(
        programme_year=programme_year,
        month=month,
        defaults={"allocated_percent": allocated_percent, "delivered_percent": delivered_percent},
    )
    return milestone


# Programme set-up: years, cohorts and blackout periods, kept by the programme admin (issue 16).

YEAR_LABEL_HINT = "Enter the year as its first year and the next one's last two digits, for example 2027-28"


def _lock_programme_years() -> None:
    """Changes to programme years queue behind each other, so two that overlap cannot both pass the check
    (the exclusion constraint would refuse the second)."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE schools_programmeyear IN SHARE ROW EXCLUSIVE MODE")


def _check_year(
    *,
    label: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    default_quota_days,
    target_schools_per_icb: int,
    year: ProgrammeYear | None,
) -> None:
    first, _, second = label.partition("-")
    if not (len(first) == 4 and first.isdigit() and len(second) == 2 and second.isdigit()):
        raise RuleBroken(YEAR_LABEL_HINT, field="label")
    if int(second) != (int(first) + 1) % 100:
        raise RuleBroken(f"A year starting in {first} is labelled {first}-{(int(first) + 1) % 100:02d}", field="label")
    if ends_on <= starts_on:
        raise RuleBroken("The last day must be after the first day", field="ends_on")
    if starts_on.year != int(first):
        raise RuleBroken(f"The {label} programme year starts in {first}", field="starts_on")
    if default_quota_days <= 0 or not is_whole_half_days(default_quota_days):
        raise RuleBroken("Enter the days in half days, for example 5 or 5.5", field="default_quota_days")
    if target_schools_per_icb < 0:
        raise RuleBroken("Enter the number of schools as 0 or more", field="target_schools_per_icb")
    others = ProgrammeYear.objects.exclude(pk=year.pk) if year is not None else ProgrammeYear.objects.all()
    if others.filter(label=label).exists():
        raise RuleBroken(f"There is already a {label} programme year", field="label")
    if overlapping := others.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first():
        raise RuleBroken(
            f"It overlaps the {overlapping} programme year ({overlapping.starts_on:%-d %B %Y} to "
            f"{overlapping.ends_on:%-d %B %Y})",
            field="starts_on",
        )


@transaction.atomic
@acting_as_by
def plan_milestone_remove(*, milestone: PlanMilestone, by) -> None:
    milestone.delete()


@transaction.atomic
@acting_as_by
def programme_year_add(
    *,
    label: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    default_quota_days,
    target_schools_per_icb: int,
    by,
) -> ProgrammeYear:
    """Open a programme year: its dates, each ICB's target number of schools and each school's default days."""
    _lock_programme_years()
    label = label.strip()
    fields = {
        "label": label,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "default_quota_days": default_quota_days,
        "target_schools_per_icb": target_schools_per_icb,
    }
    _check_year(**fields, year=None)
    return ProgrammeYear.objects.create(**fields)


def _outside(rows, *, starts_on: datetime.date, ends_on: datetime.date) -> list[str]:
    return [str(row) for row in rows if row.starts_on < starts_on or row.ends_on > ends_on]


@transaction.atomic
@acting_as_by
def programme_year_change(
    *,
    year: ProgrammeYear,
    label: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    default_quota_days,
    target_schools_per_icb: int,
    by,
) -> ProgrammeYear:
    """Change a year's dates, target or default days. Its blackout periods, default holidays and visits must
    still fall inside it; schools already enrolled keep the days they were given."""
    _lock_programme_years()
    year = ProgrammeYear.objects.get(pk=year.pk)
    label = label.strip()
    fields = {
        "label": label,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "default_quota_days": default_quota_days,
        "target_schools_per_icb": target_schools_per_icb,
    }
    _check_year(**fields, year=year)
    outside = _outside(year.blackout_periods.all(), starts_on=starts_on, ends_on=ends_on) + _outside(
        SchoolHoliday.objects.filter(programme_year=year), starts_on=starts_on, ends_on=ends_on
    )
    if outside:
        raise RuleBroken(f"These would fall outside the year: {', '.join(outside)}", field="starts_on")
    # The scheduling context's visits, reached through the enrolment (schools imports no specialists code).
    visits = Enrolment._meta.get_field("visits").related_model._default_manager
    visits_outside = (
        visits.filter(enrolment__programme_year=year)
        .exclude(status="cancelled")
        .filter(models.Q(date__lt=starts_on) | models.Q(date__gt=ends_on))
        .count()
    )
    if visits_outside:
        raise RuleBroken(
            f"{visits_outside} visit{pluralize(visits_outside)} would fall outside the year: move or cancel them first",
            field="starts_on",
        )
    for name, value in fields.items():
        setattr(year, name, value)
    year.save(update_fields=list(fields))
    return year


def programme_year_dependents(*, year: ProgrammeYear) -> list[str]:
    """What keeps a year from being removed: its enrolled schools, specialists' capacity and any other row
    that protects it (its cohorts, blackout periods and default holidays go with it)."""
    found = []
    for relation in ProgrammeYear._meta.related_objects:
        if relation.on_delete is not models.PROTECT:
            continue
        count = relation.related_model._default_manager.filter(**{relation.field.name: year}).count()
        if count:
            meta = relation.related_model._meta
            found.append(f"{count} {meta.verbose_name_plural if count > 1 else meta.verbose_name}")
    return found


@transaction.atomic
@acting_as_by
def programme_year_remove(*, year: ProgrammeYear, by) -> None:
    """Remove a year opened by mistake, with its cohorts, blackout periods and default holidays."""
    _lock_programme_years()
    year = ProgrammeYear.objects.get(pk=year.pk)
    if dependents := programme_year_dependents(year=year):
        raise RuleBroken(f"The {year} programme year has {', '.join(dependents)}: it cannot be removed")
    SchoolHoliday.objects.filter(programme_year=year).delete()
    year.blackout_periods.all().delete()
    year.cohorts.all().delete()
    year.delete()


def _check_cohort(*, year: ProgrammeYear, name: str, quota_days, cohort: Cohort | None) -> None:
    if not name:
        raise RuleBroken("Enter the cohort's name, for example New schools", field="name")
    if quota_days is not None and (quota_days <= 0 or not is_whole_half_days(quota_days)):
        raise RuleBroken("Enter the days in half days, for example 5 or 2.5", field="quota_days")
    others = year.cohorts.exclude(pk=cohort.pk) if cohort is not None else year.cohorts.all()
    if others.filter(name__iexact=name).exists():
        raise RuleBroken(f"The {year} programme year already has a cohort called {name}", field="name")


@transaction.atomic
@acting_as_by
def cohort_add(*, year: ProgrammeYear, name: str, quota_days, by) -> Cohort:
    """Add a cohort to a year, with its own days per school or the year's default (no quota)."""
    year = _locked_year(year)
    name = name.strip()
    _check_cohort(year=year, name=name, quota_days=quota_days, cohort=None)
    return Cohort.objects.create(programme_year=year, name=name, quota_days=quota_days)


@transaction.atomic
@acting_as_by
def cohort_change(*, cohort: Cohort, name: str, quota_days, by) -> Cohort:
    """Rename a cohort or change its days per school: schools already enrolled keep the days they were given."""
    year = _locked_year(cohort.programme_year)
    cohort = Cohort.objects.get(pk=cohort.pk)
    name = name.strip()
    _check_cohort(year=year, name=name, quota_days=quota_days, cohort=cohort)
    cohort.name, cohort.quota_days = name, quota_days
    cohort.save(update_fields=["name", "quota_days"])
    return cohort


@transaction.atomic
@acting_as_by
def cohort_remove(*, cohort: Cohort, by) -> None:
    """Remove a cohort no school is enrolled in."""
    _locked_year(cohort.programme_year)
    if count := Enrolment.objects.filter(cohort=cohort).count():
        raise RuleBroken(
            f"{count} school{pluralize(count)} {pluralize(count, 'is,are')} enrolled in {cohort.name}: "
            "it cannot be removed"
        )
    Cohort.objects.filter(pk=cohort.pk).delete()


def _check_blackout(*, year: ProgrammeYear, name: str, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if not name:
        raise RuleBroken("Enter the blackout period's name, for example Key stage 2 SATs week", field="name")
    if ends_on < starts_on:
        raise RuleBroken("The last day must be the same as or after the first day", field="ends_on")
    if not (year.contains(starts_on) and year.contains(ends_on)):
        raise RuleBroken(
            f"The blackout period must be in the {year} programme year, between {year.starts_on:%-d %B %Y} and "
            f"{year.ends_on:%-d %B %Y}",
            field="starts_on",
        )


@transaction.atomic
@acting_as_by
def blackout_period_add(
    *, year: ProgrammeYear, name: str, starts_on: datetime.date, ends_on: datetime.date, by
) -> BlackoutPeriod:
    """Add dates when no visit is booked anywhere, such as a national assessment week. Visits already booked
    on them stay: the year page says so."""
    year = _locked_year(year)
    name = name.strip()
    _check_blackout(year=year, name=name, starts_on=starts_on, ends_on=ends_on)
    return BlackoutPeriod.objects.create(programme_year=year, name=name, starts_on=starts_on, ends_on=ends_on)


@transaction.atomic
@acting_as_by
def blackout_period_change(
    *, period: BlackoutPeriod, name: str, starts_on: datetime.date, ends_on: datetime.date, by
) -> BlackoutPeriod:
    """Change a blackout period's name or dates, within its year."""
    year = _locked_year(period.programme_year)
    name = name.strip()
    _check_blackout(year=year, name=name, starts_on=starts_on, ends_on=ends_on)
    period = BlackoutPeriod.objects.get(pk=period.pk)
    period.name, period.starts_on, period.ends_on = name, starts_on, ends_on
    period.save(update_fields=["name", "starts_on", "ends_on"])
    return period


@transaction.atomic
@acting_as_by
def blackout_period_remove(*, period: BlackoutPeriod, by) -> None:
    """Remove a blackout period: visits may be booked on its days again."""
    _locked_year(period.programme_year)
    BlackoutPeriod.objects.filter(pk=period.pk).delete()
