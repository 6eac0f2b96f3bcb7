"""Display logic that grew beyond a template: visits' timelines and actions, and the rows of the busiest tables,
worked out here rather than by template tags and filters, which cost several times more per row."""

import dataclasses

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from pins.kernel.disciplines import Discipline
from pins.kernel.units import days_number
from pins.kernel.urls import reverse_remembered
from schools.models import Rating
from specialists.models import Session, Visit
from specialists.selectors import enrolment_history_events, visit_history_events

# The fields a visit's timeline reports changes to, in the words the page uses.
TRACKED = {
    "date": "Date",
    "session": "Session",
    "status": "Status",
    "purpose": "Purpose",
    "preparation": "What to prepare",
    "cancellation_reason": "Reason for cancelling",
    "not_held_reason": "Why it did not take place",
}
STATUS_EVENTS = {
    Visit.Status.CONFIRMED: "Confirmed",
    Visit.Status.DELIVERED: "Marked as delivered",
    Visit.Status.CANCELLED: "Cancelled",
    Visit.Status.NOT_HELD: "Recorded as not taking place",
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
    if field in {"session", "status", "not_held_reason"}:
        return getattr(record, f"get_{field}_display")()
    if hasattr(value, "strftime"):
        return f"{value:%A} {value.day} {value:%B %Y}"
    return str(value or "–")


class VisitHistory:
    """A visit's timeline, oldest first: who created, confirmed, moved or cancelled it, with before and after.
    It reads the visit's history events, which the database writes for every change (pins.kernel.history)."""

    def __init__(self, visit: Visit):
        self.records = list(visit_history_events(visit_id=visit.pk))

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


@dataclasses.dataclass(frozen=True)
class VisitActions:
    """What the person looking may do with a visit, decided once: the visit's state answers whether it can be
    confirmed, changed or recorded (its model), the person's permissions whether they may (`request.access`)."""

    confirm: bool = False
    change: bool = False  # reschedule, cancel, and mark the school's request dealt with
    request_change: bool = False  # the school asks its ICB to change it
    record: bool = False
    not_held: bool = False  # record that it did not take place
    decline: bool = False  # its specialist declines it

    @property
    def any(self) -> bool:
        return self.confirm or self.change or self.request_change or self.record or self.not_held or self.decline

    @classmethod
    def decide(
        cls,
        visit: Visit,
        *,
        today,
        may_confirm: bool,
        may_change: bool,
        may_request_change: bool,
        may_record: bool,
        request_waiting: bool,
        may_decline: bool = False,
    ) -> "VisitActions":
        change = may_change and visit.can_be_changed
        return cls(
            confirm=may_confirm and visit.can_be_confirmed,
            change=change,
            # Whoever can change it themselves has no one to ask; one request at a time.
            request_change=may_request_change and visit.can_be_changed and not change and not request_waiting,
            record=may_record and visit.outcome_can_be_recorded(today),
            not_held=may_change and visit.can_be_marked_not_held(today),
            decline=may_decline and visit.can_be_confirmed and not request_waiting and not visit.has_taken_place(today),
        )

    @classmethod
    def for_person(cls, visit: Visit, *, access, today, request_waiting: bool) -> "VisitActions":
        """`access` is the person's `request.access`, which answers what they may do with this visit."""
        return cls.decide(
            visit,
            today=today,
            may_confirm=access.may_confirm(visit),
            may_change=access.may_change(visit),
            may_request_change=access.may_ask_for_change(visit),
            may_record=access.may_record_outcome(visit),
            may_decline=access.may_decline(visit),
            request_waiting=request_waiting,
        )


def with_school_page_actions(visits: list[Visit], *, can_confirm: bool, can_request_change: bool, today) -> list:
    """The visits as the school's page lists them, each with what the person looking may do there by
    `VisitActions`: `confirmable`, and `changeable` (the school asks for a change), offered on visits still coming
    up. The permissions are the person's for the school, asked once for the whole list."""
    for visit in visits:
        actions = VisitActions.decide(
            visit,
            today=today,
            may_confirm=can_confirm,
            may_change=False,
            may_request_change=can_request_change,
            may_record=False,
            request_waiting=bool(visit.open_requests),
        )
        coming_up = visit.date >= today
        visit.confirmable = coming_up and actions.confirm
        visit.changeable = coming_up and actions.request_change
    return visits


def enrolment_history(enrolment, *, shown: int) -> list:
    """The enrolment's latest history events, newest first, each with `who` made the change (None for the
    service itself), in one query."""
    return list(enrolment_history_events(enrolment_id=enrolment.pk, shown=shown))


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


_SESSION_SHORT = {Session.MORNING: "AM", Session.AFTERNOON: "PM"}


def schedule_cell(visit: Visit, *, rows_of: str) -> dict:
    """A visit in a cell of the schedule as the page writes it: worked out here, not by template tags and
    filters, as a month's schedule has a link for every visit."""
    return {
        "url": reverse_remembered("visits:detail", args=[visit.pk]),
        "status": visit.status,
        "session": _SESSION_SHORT.get(visit.session, "Day"),
        "with": visit.specialist.full_name if rows_of == "schools" else visit.enrolment.school.name,
        "said": f"{visit.get_session_display().lower()}, {visit.get_status_display().lower()}",
    }


def schedule_cells_html(cells) -> SafeString:
    """A schedule row's cells (each with `holiday`, a holiday's name or "", and `visits`, from `schedule_cell`) as
    the page writes them. Written here rather than by the template: a month of an ICB's schools is hundreds of
    cells, which Django's templates take several milliseconds to write one tag at a time."""
    written = []
    for cell in cells:
        holiday, td_class = "", "govuk-table__cell"
        if cell.holiday:
            name = conditional_escape(cell.holiday)
            td_class += " pins-schedule__holiday"
            holiday = (
                f'<strong class="govuk-tag govuk-tag--grey pins-schedule__holiday-tag" title="{name}">Holiday'
                f'<span class="govuk-visually-hidden">: {name}</span></strong>'
            )
        visits = "".join(
            f'<a class="govuk-link pins-schedule__visit pins-schedule__visit--{conditional_escape(visit["status"])}"'
            f' href="{conditional_escape(visit["url"])}"><span class="pins-schedule__session">'
            f"{conditional_escape(visit['session'])}</span> {conditional_escape(visit['with'])}"
            f'<span class="govuk-visually-hidden">, {conditional_escape(visit["said"])}</span></a>'
            for visit in cell.visits
        )
        written.append(f'\n      <td class="{td_class}">\n        {holiday}\n        {visits}\n      </td>')
    return mark_safe("".join(written))  # every value above is escaped


def school_rows(enrolments, *, year, allocate_url: str) -> list[dict]:
    """The schools table's rows as the page writes them: worked out here rather than by template tags and
    filters, which cost several times more per row."""
    return [
        {
            "url": f"{reverse_remembered('schools:detail', args=[enrolment.school.urn])}?year={year.label}",
            "name": enrolment.school.name,
            "urn": enrolment.school.urn,
            "support": enrolment.get_support_display(),
            "local_authority": enrolment.school.local_authority.name,
            "status": enrolment.get_status_display(),
            "meetings_behind": bool(enrolment.meetings_missing) and enrolment.status == enrolment.Status.ENROLLED,
            "allocated": days_number(enrolment.allocated_days),
            "confirmed": days_number(enrolment.confirmed_days),
            "delivered": days_number(enrolment.delivered_days),
            "remaining": f"{days_number(enrolment.remaining)} of {days_number(enrolment.quota_days)}",
            "allocate_url": f"{allocate_url}?enrolment={enrolment.pk}" if enrolment.has_days_to_book else "",
        }
        for enrolment in enrolments
    ]


def school_rows_html(rows: list[dict], *, can_allocate: bool) -> SafeString:
    """The schools table's rows (from `school_rows`) as the page writes them, every value escaped: written here, as
    the schedule's cells are, since the table is most of the ICB page's template work."""
    escaped = conditional_escape
    written = []
    for row in rows:
        status = escaped(row["status"])
        if row["meetings_behind"]:
            status += '<br><strong class="govuk-tag govuk-tag--orange">Parent meetings behind</strong>'
        allocate = ""
        if can_allocate:
            link = ""
            if row["allocate_url"]:
                link = (
                    f'<a class="govuk-link" href="{escaped(row["allocate_url"])}">Allocate'
                    f'<span class="govuk-visually-hidden"> a visit to {escaped(row["name"])}</span></a>'
                )
            allocate = f'<td class="govuk-table__cell">{link}</td>'
        numeric = '<td class="govuk-table__cell govuk-table__cell--numeric"'
        written.append(
            '<tr class="govuk-table__row">'
            '<th scope="row" class="govuk-table__header govuk-!-font-weight-regular">'
            f'<a class="govuk-link" href="{escaped(row["url"])}">{escaped(row["name"])}</a><br>'
            f'<span class="govuk-hint govuk-!-font-size-16">URN {escaped(row["urn"])} · '
            f"{escaped(row['support'])}</span>"
            f'</th><td class="govuk-table__cell">{escaped(row["local_authority"])}</td>'
            f'<td class="govuk-table__cell">{status}</td>'
            f"{numeric}>{escaped(row['allocated'])}</td>{numeric}>{escaped(row['confirmed'])}</td>"
            f"{numeric}>{escaped(row['delivered'])}</td>"
            f'{numeric} data-remaining="{escaped(row["urn"])}">{escaped(row["remaining"])}</td>{allocate}</tr>'
        )
    return mark_safe("\n".join(written))  # every value is escaped


def specialist_rows(specialists) -> list[dict]:
    """The specialists table's rows on the ICB page, worked out as the schools' are."""
    return [
        {
            "url": reverse_remembered("specialists:schedule", args=[specialist.pk]),
            "name": specialist.full_name,
            "active": specialist.active,
            "discipline": specialist.get_discipline_display(),
            "capacity": days_number(specialist.capacity_days),
            "booked": days_number(specialist.booked_days),
            "left": days_number(specialist.left_days),
        }
        for specialist in specialists
    ]


# How a visit's session reads in a sentence: "the afternoon of Thursday 3 December 2026".
SESSION_IN_A_SENTENCE = {
    Session.FULL_DAY: "a full day on",
    Session.MORNING: "the morning of",
    Session.AFTERNOON: "the afternoon of",
}


def visit_when(visit: Visit) -> str:
    """When a visit is, in words that read well whatever its session: never "a afternoon visit"."""
    day = visit.date
    return f"{SESSION_IN_A_SENTENCE[visit.session]} {day:%A} {day.day} {day:%B %Y}"


def plan_comparison(ours, greedy) -> list[tuple[str, str, str]]:
    """(measure, this plan, the simple greedy plan) for the coordinator to weigh the suggestion: `PlanTotals`."""

    def terms(totals) -> str:
        return ", ".join(f"{name} {visits}" for name, visits, _ in totals.visits_by_term)

    def shares(totals) -> str:
        return ", ".join(f"{name} {share}%" for name, _, share in totals.visits_by_term)

    return [
        (
            "Days planned",
            f"{days_number(ours.days_planned)} of {days_number(ours.days_plannable)}",
            f"{days_number(greedy.days_planned)} of {days_number(greedy.days_plannable)}",
        ),
        (
            "Days in a discipline the school asked for",
            f"{ours.requested_share:.0%}",
            f"{greedy.requested_share:.0%}",
        ),
        (
            "Schools given none of what they asked for",
            f"{ours.schools_without_request} of {ours.schools_asking}",
            f"{greedy.schools_without_request} of {greedy.schools_asking}",
        ),
        ("Travel, straight line", f"{ours.km:,.0f} km", f"{greedy.km:,.0f} km"),
        ("Travel a visit", f"{ours.km_per_visit:.1f} km", f"{greedy.km_per_visit:.1f} km"),
        (f"Visits a term (school days left: {shares(ours)})", terms(ours), terms(greedy)),
        (
            "Workload spread (how uneven specialists' use of their days is; lower is more even)",
            f"{ours.utilisation_spread:.2f}",
            f"{greedy.utilisation_spread:.2f}",
        ),
    ]
