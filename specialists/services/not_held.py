"""Recording that a visit did not take place, with its reason, and giving its days back or not by that reason
(docs/adr/0023-visits-that-did-not-take-place.md)."""

import datetime

from django.db import transaction
from django.utils import timezone

from pins.kernel.errors import RuleBroken
from pins.kernel.history import acting_as_by
from specialists.models import Notice, Visit
from specialists.rules import long_date
from specialists.services.counters import counters_move, days_give_back
from specialists.services.notice import visit_notices_write
from specialists.services.visit import change_requests_answered, lock_open_visit

# The reasons whose days go back to the school's quota and the specialist's capacity: the school was not at
# fault. A school that cancels on the day has used the day the specialist set aside for it.
DAYS_GIVEN_BACK = {
    Visit.NotHeldReason.SCHOOL_CLOSED,
    Visit.NotHeldReason.SPECIALIST_ILL,
    Visit.NotHeldReason.OTHER,
}


def days_go_back(reason: str) -> bool:
    return reason in DAYS_GIVEN_BACK


@transaction.atomic
@acting_as_by
def visit_record_not_held(
    *, visit: Visit, reason: str, details: str = "", by, today: datetime.date | None = None
) -> Visit:
    """Record that a proposed or confirmed visit whose date has come did not take place. Its days go back to the
    school and the specialist unless the school cancelled on the day; the school and the specialist are told."""
    today = today or timezone.localdate()
    if reason not in Visit.NotHeldReason.values:
        raise RuleBroken("Choose why the visit did not take place", field="reason")
    details = details.strip()
    if reason == Visit.NotHeldReason.OTHER and not details:
        raise RuleBroken("Enter what happened", field="details")
    visit = lock_open_visit(visit)
    if not visit.has_taken_place(today):
        raise RuleBroken(
            f"This visit is on {long_date(visit.date)}: it can be recorded as not taking place once the day has come"
        )
    if visit.status == Visit.Status.CONFIRMED:
        counters_move(visit.enrolment_id, confirmed_days=-visit.days)
    visit.status = Visit.Status.NOT_HELD
    visit.not_held_reason = reason
    visit.not_held_details = details
    visit.not_held_at = timezone.now()
    visit.not_held_by = by
    visit.days_given_back = days_go_back(reason)
    visit.version += 1
    visit.save()
    if visit.days_given_back:
        days_give_back(
            enrolment_id=visit.enrolment_id,
            specialist_id=visit.specialist_id,
            programme_year_id=visit.enrolment.programme_year_id,
            days=visit.days,
        )
    answered = change_requests_answered(visit, by)
    visit_notices_write(visit=visit, change=Notice.Change.NOT_HELD, answered=answered)
    return visit
