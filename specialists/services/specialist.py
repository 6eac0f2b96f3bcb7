"""Specialists moving with a merger, and the periods they cannot visit schools."""

import datetime

from django.db import transaction

from icbs.models import ICB
from pins.kernel.errors import RuleBroken
from specialists.models import Specialist, Unavailability, Visit
from specialists.rules import long_date


def specialists_transfer_to_successor(*, predecessors: list[ICB], successor: ICB, effective_on: datetime.date) -> None:
    """Move the predecessors' specialists to the successor ICB. Part of a merger (pins.programme.mergers.icbs_merge)."""
    Specialist.objects.filter(icb__in=predecessors).update(icb=successor)


LEAVE_CLASHES_NAMED = 5  # visits a refusal names; past that it says "and more"


def unavailability_check(*, specialist: Specialist, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise RuleBroken("The last day must be the same as or after the first day", field="ends_on")
    booked = list(
        Visit.objects.booked()
        .filter(specialist=specialist, date__range=(starts_on, ends_on))
        .select_related("enrolment__school")
        .order_by("date", "slot_start")[: LEAVE_CLASHES_NAMED + 1]
    )
    if len(booked) == 1:
        raise RuleBroken(
            f"{specialist.full_name} has a visit booked at {booked[0].enrolment.school.name} on "
            f"{long_date(booked[0].date)}: move or cancel it before recording the leave",
            field="starts_on",
        )
    if booked:
        shown = booked[:LEAVE_CLASHES_NAMED]
        named = "; ".join(f"{visit.enrolment.school.name} on {long_date(visit.date)}" for visit in shown)
        more = " and more" if len(booked) > LEAVE_CLASHES_NAMED else ""
        raise RuleBroken(
            f"{specialist.full_name} has visits booked then, at {named}{more}: move or cancel them before recording "
            "the leave",
            field="starts_on",
        )


@transaction.atomic
def unavailability_record(
    *, specialist: Specialist, starts_on: datetime.date, ends_on: datetime.date, reason: str, by
) -> Unavailability:
    """Record a period a specialist cannot visit schools. Days with a visit booked are refused, so no school
    waits for someone on leave: that visit is moved or cancelled first."""
    # Locked as a booking locks the specialist: a visit booked at the same moment is seen, or waits and sees this.
    Specialist.objects.select_for_update().filter(pk=specialist.pk).first()
    unavailability_check(specialist=specialist, starts_on=starts_on, ends_on=ends_on)
    return Unavailability.objects.create(
        specialist=specialist, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )
