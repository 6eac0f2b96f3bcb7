import calendar
import dataclasses
import datetime

from django.db.models import Exists, IntegerField, OuterRef, Value
from django.db.models.functions import Cast
from django.utils import timezone

from schools.models import ParentCarerMeeting, ProgrammeYear, PupilVoiceActivity


def programme_year_for(*, label: str | None = None, today: datetime.date | None = None) -> ProgrammeYear | None:
    """The programme year with this label; without one, the year containing today, else the latest."""
    if label:
        return ProgrammeYear.objects.filter(label=label).first()
    today = today or timezone.localdate()
    return (
        ProgrammeYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        or ProgrammeYear.objects.order_by("-starts_on").first()
    )


@dataclasses.dataclass(frozen=True)
class Term:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


# The programme asks for a parent and carer meeting every term. Schools set their own term dates, so a term
# here is a span of months: autumn (September to December), spring (January to March), summer (April to the
# end of the programme year).
TERM_MONTHS = (("Autumn term", 9, 12), ("Spring term", 1, 3), ("Summer term", 4, 8))


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


def with_parent_carer_progress(enrolments, *, year: ProgrammeYear, today: datetime.date | None = None):
    """Enrolments annotated `meetings_missing`: how many terms that have ended passed without a parent and
    carer meeting (a school with any is behind), and `has_pupil_voice`. One query."""
    missing = Value(0, output_field=IntegerField())
    for term in ended_terms(year, today=today):
        held = ParentCarerMeeting.objects.filter(
            enrolment=OuterRef("pk"), held_on__range=(term.starts_on, term.ends_on)
        )
        missing = missing + Cast(~Exists(held), IntegerField())
    # Subqueries, not joins: the enrolments may already be summing their visits' days.
    pupil_voice = PupilVoiceActivity.objects.filter(enrolment=OuterRef("pk"))
    return enrolments.annotate(meetings_missing=missing, has_pupil_voice=Exists(pupil_voice))
