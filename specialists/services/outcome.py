"""Recording what happened at a visit, which marks it delivered and counts it."""

import datetime

from django.db import transaction
from django.utils import timezone

from pins.kernel.errors import RuleBroken
from pins.kernel.history import acting_as_by
from schools.models import Enrolment
from specialists.models import Outcome, Visit
from specialists.rules import long_date
from specialists.services.counters import counters_move, delivered_week_count


@transaction.atomic
@acting_as_by
def visit_record_outcome(
    *,
    visit: Visit,
    activities: list[str],
    staff_reached: int,
    notes: str,
    by,
    today: datetime.date | None = None,
) -> Outcome:
    """Record what happened at a visit, which marks it delivered. A delivered visit's record can be corrected."""
    today = today or timezone.localdate()
    # The enrolment's lock first, as every booking takes them: its counters change with the visit.
    enrolment = Enrolment.objects.select_for_update().get(pk=visit.enrolment_id)
    visit = Visit.objects.select_for_update(of=("self",)).select_related("specialist").get(pk=visit.pk)
    if visit.is_cancelled:
        raise RuleBroken("This visit was cancelled: there is nothing to record")
    if visit.is_not_held:
        raise RuleBroken("This visit did not take place: there is nothing to record")
    if not visit.has_taken_place(today):
        raise RuleBroken(f"This visit is on {long_date(visit.date)}: record what happened once it has taken place")
    if not activities:
        raise RuleBroken("Choose at least one activity", field="activities")
    outcome = Outcome.objects.filter(visit=visit).first() or Outcome(visit=visit)
    first_record = outcome.pk is None
    outcome.activities = list(dict.fromkeys(activities))  # each once, in the order given
    outcome.staff_reached = staff_reached
    outcome.notes = notes.strip()
    outcome.recorded_by = by
    outcome.save()
    counts = {"outcomes_recorded": 1} if first_record else {}
    if not visit.is_delivered:
        if visit.status == Visit.Status.CONFIRMED:
            counts["confirmed_days"] = -visit.days
        counts.update(delivered_days=visit.days, visits_delivered=1)
        visit.status = Visit.Status.DELIVERED
        visit.version += 1
        visit.save()
        delivered_week_count(visit, enrolment)
    if counts:
        counters_move(enrolment.pk, **counts)
    return outcome
