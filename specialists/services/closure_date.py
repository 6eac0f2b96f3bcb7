"""A school's closure dates: days nobody books a visit."""

import datetime

from django.db import transaction

from pins.kernel.errors import RuleBroken
from schools.models import ClosureDate, Enrolment, School
from specialists.models import Visit
from specialists.rules import long_date


@transaction.atomic
def closure_date_add(
    *, school: School, kind: ClosureDate.Kind, starts_on: datetime.date, ends_on: datetime.date, description: str, by
) -> ClosureDate:
    """Record days the school is closed or busy, so nobody books them. A day that already has a visit is
    refused: the school asks for that visit to change instead."""
    if ends_on < starts_on:
        raise RuleBroken("The last day must be the same as or after the first day", field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise RuleBroken("A closure can be at most a year long", field="ends_on")
    # The school's enrolments locked first, as a booking locks its enrolment: a visit booked at the same moment
    # is seen here, or waits and sees the closure.
    list(Enrolment.objects.select_for_update().filter(school=school).order_by("pk").values_list("pk", flat=True))
    booked = (
        Visit.objects.booked()
        .filter(enrolment__school=school, date__range=(starts_on, ends_on))
        .order_by("date")
        .first()
    )
    if booked:
        raise RuleBroken(
            f"A visit is booked on {long_date(booked.date)}: ask for that visit to change before recording the closure",
            field="starts_on",
        )
    return ClosureDate.objects.create(
        school=school, kind=kind, starts_on=starts_on, ends_on=ends_on, description=description.strip()
    )


@transaction.atomic
def closure_date_remove(*, closure: ClosureDate, by) -> None:
    """The school is open on those days after all: they can be booked again."""
    if not ClosureDate.objects.filter(pk=closure.pk).delete()[0]:
        raise RuleBroken("This closure has already been removed")
