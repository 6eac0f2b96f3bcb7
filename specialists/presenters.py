"""Display logic for visits that grew beyond a template."""

import dataclasses

from pins.kernel.disciplines import Discipline
from pins.kernel.history import with_who
from schools.models import Rating
from specialists.models import Visit

# The fields a visit's timeline reports changes to, in the words the page uses.
TRACKED = {
    "date": "Date",
    "session": "Session",
    "status": "Status",
    "purpose": "Purpose",
    "preparation": "What to prepare",
    "cancellation_reason": "Reason for cancelling",
}
STATUS_EVENTS = {
    Visit.Status.CONFIRMED: "Confirmed",
    Visit.Status.DELIVERED: "Marked as delivered",
    Visit.Status.CANCELLED: "Cancelled",
    Visit.Status.PROPOSED: "Proposed again",
}


@dataclasses.dataclass
class Change:
    field: str
    before: str
    after: str


@dataclasses.dataclass
class Event:
    at: object
    who: str
    what: str
    changes: list[Change]


def _shown(record, field: str) -> str:
    value = getattr(record, field)
    if field in {"session", "status"}:
        return getattr(record, f"get_{field}_display")()
    if hasattr(value, "strftime"):
        return f"{value:%A} {value.day} {value:%B %Y}"
    return str(value or "–")


class VisitHistory:
    """A visit's timeline, oldest first: who created, confirmed, moved or cancelled it, with before and after.
    It reads the visit's history events, which the database writes for every change (pins.kernel.history)."""

    def __init__(self, visit: Visit):
        self.records = list(with_who(visit.history_events.order_by("pgh_created_at", "pgh_id")))

    def __iter__(self):
        previous = None
        for record in self.records:
            who = record.who or "The PINS programme service"
            if previous is None:
                yield Event(record.pgh_created_at, who, "Visit proposed", [])
            else:
                changes = [
                    Change(label, _shown(previous, field), _shown(record, field))
                    for field, label in TRACKED.items()
                    if getattr(previous, field) != getattr(record, field)
                ]
                if record.status != previous.status:
                    what = STATUS_EVENTS[record.status]
                    if record.date != previous.date or record.session != previous.session:
                        what = "Rescheduled"
                else:
                    what = (
                        "Rescheduled"
                        if record.date != previous.date or record.session != previous.session
                        else "Changed"
                    )
                yield Event(record.pgh_created_at, who, what, changes)
            previous = record


def with_school_page_actions(visits: list[Visit], *, can_confirm: bool, can_request_change: bool, today) -> list:
    """The visits as the school's page lists them, each with what the person looking may do there, decided here
    once: `confirmable` (coming up, proposed, and they confirm visits) and `changeable` (coming up, open, no
    request waiting, and they are the school, who confirm visits and ask for changes)."""
    for visit in visits:
        coming_up = visit.date >= today
        visit.confirmable = coming_up and can_confirm and visit.can_be_confirmed
        visit.changeable = (
            coming_up and can_confirm and can_request_change and visit.is_open and not visit.open_requests
        )
    return visits


def enrolment_history(enrolment, *, shown: int) -> list:
    """The enrolment's latest history events, newest first, each with `who` made the change (None for the
    service itself), in one query."""
    return list(with_who(enrolment.history_events.order_by("-pgh_created_at", "-pgh_id"))[:shown])


class NeedsProfile:
    """What a school said it needs at the start of its enrolment, as the coordinator sees it when allocating."""

    def __init__(self, assessment):
        self.school = assessment.enrolment.school
        labels = dict(Discipline.choices)
        self.wanted = [labels[value] for value in assessment.wanted_disciplines if value in labels]
        rated = [(rating, label) for label, rating, _ in assessment.rated() if rating]
        lowest = min((rating for rating, _ in rated), default=None)
        self.weakest_rating = Rating(lowest).label if lowest else None
        self.weakest = [label for rating, label in rated if rating == lowest]
