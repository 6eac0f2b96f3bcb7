"""Reads of what needs someone: visits to confirm, change requests to answer, outcomes to record, schools behind
on parent and carer meetings. The home page's "needs you" lists and the coordinators' weekly digest read them here,
each list in one query (its first rows and its total together), whatever the number of visits."""

import dataclasses
import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet, Window
from django.utils import timezone

from pins.kernel.paging import with_list_total
from pins.kernel.prepared import prepared_read
from schools.models import Enrolment, ProgrammeYear
from schools.selectors import TermsEnded, terms_ended, with_meetings_missing
from specialists.models import ChangeRequest, Notice, Reminder, Visit

LIST_LENGTH = 10  # rows each list shows; its total counts them all
UNCONFIRMED_AFTER = datetime.timedelta(days=7)  # a proposed visit the school has not confirmed in a week is chased
OUTCOME_GRACE_DAYS = 3  # how many days after a visit its outcome record is overdue


@dataclasses.dataclass
class Needing:
    """The first rows of a list, and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0


def listed_with_total(queryset: QuerySet, *, plan_whole_list: bool = False) -> QuerySet:
    """One query for a list: its first LIST_LENGTH rows, each carrying the count of the whole list, to be read by
    `needing`. `plan_whole_list` for visits filtered through their enrolment (a school's, an ICB's): see
    `pins.kernel.paging.with_list_total`."""
    counted = with_list_total if plan_whole_list else _with_window_total
    return counted(queryset, "list_total")[:LIST_LENGTH]


def needing(listed) -> Needing:
    rows = list(listed)
    return Needing(rows=rows, total=rows[0].list_total if rows else 0)


def _with_window_total(queryset: QuerySet, name: str) -> QuerySet:
    return queryset.annotate(**{name: Window(Count("pk"))})


def _visit_rows(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("enrolment__school", "specialist")


def as_listed(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """Only what a "needs you" list shows of each visit: a narrower query is quicker to compile and its rows
    quicker to build, on the page everyone lands on."""
    return visits.only("session", "date", "slot_start", "specialist__full_name", "enrolment__school__name")


def requests_as_listed(requests: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
    """Only what a "needs you" list shows of each change request."""
    return (
        requests.select_related(None)
        .select_related("visit__enrolment__school", "visit__specialist")
        .only(
            "reason",
            "from_specialist",
            "requested_at",
            "visit__date",
            "visit__enrolment__school__name",
            "visit__specialist__full_name",
        )
    )


def visits_to_confirm(visits: QuerySet[Visit], *, today: datetime.date) -> QuerySet[Visit]:
    """Proposed visits still to come, soonest first: the school's to confirm."""
    return _visit_rows(visits.filter(status=Visit.Status.PROPOSED, date__gte=today)).order_by("date", "slot_start")


def visits_unconfirmed(visits: QuerySet[Visit], *, now: datetime.datetime) -> QuerySet[Visit]:
    """Proposed visits still to come that the school has not confirmed within a week of their proposal: booked
    over a week ago, and not proposed again (moved, which asks the school to confirm again) since."""
    return visits_unconfirmed_as_of(visits, today=timezone.localdate(now), week_ago=unconfirmed_since(now))


def unconfirmed_since(now: datetime.datetime) -> datetime.datetime:
    """The moment before which a proposed visit still unconfirmed is chased."""
    return now - UNCONFIRMED_AFTER


def visits_unconfirmed_as_of(visits: QuerySet[Visit], *, today: datetime.date, week_ago: datetime.datetime):
    """`visits_unconfirmed`, given today's date and the moment a week ago."""
    proposed_again = Notice.objects.filter(
        visit=OuterRef("pk"), change__in=[Notice.Change.PROPOSED, Notice.Change.MOVED], created_at__gte=week_ago
    )
    upcoming = visits.filter(status=Visit.Status.PROPOSED, date__gte=today, created_at__lt=week_ago)
    return _visit_rows(upcoming.filter(~Exists(proposed_again))).order_by("date", "slot_start")


def outcomes_overdue(visits: QuerySet[Visit], *, today: datetime.date) -> QuerySet[Visit]:
    """Visits past their grace days with no outcome recorded, oldest first."""
    return outcomes_overdue_by(visits, cutoff=overdue_cutoff(today))


def overdue_cutoff(today: datetime.date) -> datetime.date:
    """The last day whose visits' outcomes are overdue today."""
    return today - datetime.timedelta(days=OUTCOME_GRACE_DAYS)


def outcomes_overdue_by(visits: QuerySet[Visit], *, cutoff: datetime.date) -> QuerySet[Visit]:
    """`outcomes_overdue`, given the last day whose visits are overdue."""
    return _visit_rows(visits.open().filter(date__lte=cutoff)).order_by("date", "slot_start")


def outcomes_to_record(visits: QuerySet[Visit], *, today: datetime.date) -> QuerySet[Visit]:
    """Visits that have taken place with no outcome recorded yet, oldest first."""
    return _visit_rows(visits.open().filter(date__lte=today)).order_by("date", "slot_start")


def next_visits(visits: QuerySet[Visit], *, today: datetime.date) -> QuerySet[Visit]:
    return _visit_rows(visits.open().filter(date__gte=today)).order_by("date", "slot_start")


def change_requests_open(visits: QuerySet[Visit]) -> QuerySet[ChangeRequest]:
    """Schools' change requests not answered yet, oldest first."""
    return (
        ChangeRequest.objects.filter(visit__in=visits, resolved_at__isnull=True)
        .select_related("visit__enrolment__school", "visit__specialist", "requested_by")
        .order_by("requested_at", "pk")
    )


def schools_behind(enrolments: QuerySet[Enrolment], *, year: ProgrammeYear, today: datetime.date):
    """Enrolled schools of the year with a term ended without a parent and carer meeting, by name."""
    return schools_behind_in(enrolments, year_id=year.pk, terms_ended=terms_ended(year, today=today))


def schools_behind_in(enrolments: QuerySet[Enrolment], *, year_id: int, terms_ended: TermsEnded):
    """`schools_behind`, given how many of the year's terms have ended."""
    enrolled = enrolments.filter(programme_year_id=year_id, status=Enrolment.Status.ENROLLED)
    return (
        with_meetings_missing(enrolled, terms_ended=terms_ended)
        .filter(meetings_missing__gt=0)
        .select_related("school", "icb")
        .order_by("school__name", "pk")
    )


@dataclasses.dataclass
class Message:
    """One e-mail about a visit, for its page: a notice of a change or a reminder."""

    at: datetime.datetime
    about: str
    recipient: str
    recipient_name: str
    sent_at: datetime.datetime | None


@prepared_read
def _notices_of(*, visit_id: int) -> QuerySet[Notice]:
    return Notice.objects.filter(visit_id=visit_id)


def visit_messages(visit: Visit) -> list[Message]:
    """The notices and reminders about a visit, oldest first: two queries."""
    messages = [
        Message(notice.created_at, notice.get_change_display(), notice.recipient, notice.recipient_name, notice.sent_at)
        for notice in _notices_of(visit_id=visit.pk)
    ]
    reminders = Reminder.objects.filter(
        kind__in=[Reminder.Kind.VISIT_COMING_UP, Reminder.Kind.OUTCOME_OVERDUE],
        subject__startswith=f"visit:{visit.pk}:",
    )
    messages += [
        Message(reminder.claimed_at, reminder.get_kind_display(), reminder.recipient, "", reminder.sent_at)
        for reminder in reminders
    ]
    return sorted(messages, key=lambda message: message.at)
