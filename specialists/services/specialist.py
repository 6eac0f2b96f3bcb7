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


def unavailability_check(*, specialist: Specialist, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise RuleBroken("The last day must be the same as or after the first day", field="ends_on")
    booked = (
        Visit.objects.booked()
        .filter(specialist=specialist, date__range=(starts_on, ends_on))
        .select_related("enrolment__school")
        .order_by("date")
        .first()
    )
    if booked:
        raise RuleBroken(
            f"{specialist.full_name} has a visit booked at {booked.enrolment.school.name} on "
            f"{long_date(booked.date)}: move or cancel it before recording the leave",
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
