"""What the visits add up to, kept as they change: the days counted against each enrolment's quota and each
specialist's capacity (under their row locks, with check constraints refusing an overfill), the days confirmed and
delivered, and each ICB's days delivered per week. The visit services call these inside their transactions."""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek

from pins.kernel.errors import RuleBroken
from pins.kernel.units import HALF_DAY, format_days
from schools.models import Enrolment, WeeklyDelivery
from specialists.models import Capacity, OpenVisitsChange, Specialist, Visit


def days_take(*, enrolment: Enrolment, specialist: Specialist, days: Decimal) -> None:
    """Count the days against the school's quota and the specialist's capacity. Each UPDATE takes its row's
    lock, so concurrent bookings queue, and its condition refuses what would go over."""
    if not Enrolment.objects.filter(pk=enrolment.pk, allocated_days__lte=F("quota_days") - days).update(
        allocated_days=F("allocated_days") + days
    ):
        enrolment.refresh_from_db(fields=["allocated_days", "quota_days"])
        length = "half-day" if days == HALF_DAY else "full-day"
        raise RuleBroken(
            f"{enrolment.school.name} has {format_days(enrolment.remaining_days)} left of its "
            f"{format_days(enrolment.quota_days)}: a {length} visit does not fit",
            field="session",
        )
    capacity = Capacity.objects.filter(specialist=specialist, programme_year_id=enrolment.programme_year_id)
    if not capacity.filter(allocated_days__lte=F("days") - days).update(allocated_days=F("allocated_days") + days):
        left = capacity.values_list(F("days") - F("allocated_days"), flat=True).first()
        if left is None:
            raise RuleBroken(
                f"{specialist.full_name} has no capacity recorded for {enrolment.programme_year}",
                field="specialist",
            )
        raise RuleBroken(
            f"{specialist.full_name} has {format_days(left)} of capacity left in {enrolment.programme_year}",
            field="specialist",
        )


def days_give_back(*, enrolment_id: int, specialist_id: int, programme_year_id: int, days: Decimal) -> None:
    Enrolment.objects.filter(pk=enrolment_id).update(allocated_days=F("allocated_days") - days)
    Capacity.objects.filter(specialist_id=specialist_id, programme_year_id=programme_year_id).update(
        allocated_days=F("allocated_days") - days
    )


def counters_move(enrolment_id: int, **changes) -> None:
    """Move an enrolment's counters by the amounts given (`confirmed_days=-days`), in one UPDATE. The
    caller holds the enrolment's row lock; the check constraints refuse a count that no longer adds up."""
    Enrolment.objects.filter(pk=enrolment_id).update(**{name: F(name) + by for name, by in changes.items()})


def delivered_week_count(visit: Visit, enrolment: Enrolment) -> None:
    """Add a visit's days to its ICB's week of delivery. The row is made when missing and then raised under
    its own lock, so two deliveries in the same week add up."""
    week = visit.date - datetime.timedelta(days=visit.date.weekday())
    this_week = WeeklyDelivery.objects.filter(
        programme_year_id=enrolment.programme_year_id, icb_id=enrolment.icb_id, week=week
    )
    if not this_week.update(delivered_days=F("delivered_days") + visit.days):
        WeeklyDelivery.objects.bulk_create(
            [WeeklyDelivery(programme_year_id=enrolment.programme_year_id, icb_id=enrolment.icb_id, week=week)],
            ignore_conflicts=True,
        )
        this_week.update(delivered_days=F("delivered_days") + visit.days)


# The visits whose days count against a quota and a capacity, as `Visit.objects.counted()` selects them.
COUNTED = ~Q(status=Visit.Status.CANCELLED) & ~Q(status=Visit.Status.NOT_HELD, days_given_back=True)


def _total(aggregate, *, zero):
    """One enrolment's total over its visits, as a subquery of an UPDATE of enrolments."""
    visits = Visit.objects.filter(enrolment=OuterRef("pk")).order_by().values("enrolment")
    return Coalesce(Subquery(visits.annotate(total=aggregate).values("total")), zero)


@transaction.atomic
def visit_counters_recount(*, enrolments: QuerySet[Enrolment]) -> None:
    """Set these enrolments' counters, and their ICBs' weekly deliveries in their years, from the visits
    themselves: for visits written in bulk outside these services (the demo). Takes no locks."""
    days = Value(Decimal("0"), output_field=DecimalField(max_digits=5, decimal_places=1))
    number = Value(0, output_field=IntegerField())
    delivered = Q(status=Visit.Status.DELIVERED)
    enrolments.update(
        allocated_days=_total(Sum("days", filter=COUNTED), zero=days),
        confirmed_days=_total(Sum("days", filter=Q(status=Visit.Status.CONFIRMED)), zero=days),
        delivered_days=_total(Sum("days", filter=delivered), zero=days),
        visits_delivered=_total(Count("pk", filter=delivered), zero=number),
        outcomes_recorded=_total(Count("outcome", filter=delivered), zero=number),
    )
    # Every week of every ICB and year these enrolments belong to, rebuilt whole.
    years_and_icbs = list(enrolments.order_by().values_list("programme_year_id", "icb_id").distinct())
    years, icbs = {year for year, _ in years_and_icbs}, {icb for _, icb in years_and_icbs}
    WeeklyDelivery.objects.filter(programme_year_id__in=years, icb_id__in=icbs).delete()
    weeks = (
        Visit.objects.filter(delivered, enrolment__programme_year_id__in=years, enrolment__icb_id__in=icbs)
        .annotate(week=TruncWeek("date"))
        .values("enrolment__programme_year_id", "enrolment__icb_id", "week")
        .annotate(total=Sum("days"))
        .order_by()
    )
    WeeklyDelivery.objects.bulk_create(
        WeeklyDelivery(
            programme_year_id=row["enrolment__programme_year_id"],
            icb_id=row["enrolment__icb_id"],
            week=row["week"],
            delivered_days=row["total"],
        )
        for row in weeks
    )


@transaction.atomic
def capacity_counters_recount(*, capacities: QuerySet[Capacity]) -> None:
    """Set these capacities' allocated days from their specialist's visits in their year that still count (not
    cancelled, nor given back when they did not take place), as `days_take` and `days_give_back` keep them: for
    visits written in bulk outside these services (the demo). Takes no locks; the check constraint refuses a
    specialist booked over capacity."""
    capacities = list(capacities)
    # One grouped read and one batched write: a subquery per row is slow on tables just filled, before ANALYZE.
    booked = {
        (specialist_id, year_id): total
        for specialist_id, year_id, total in Visit.objects.counted()
        .filter(specialist_id__in={capacity.specialist_id for capacity in capacities})
        .values_list("specialist_id", "enrolment__programme_year_id")
        .annotate(total=Sum("days"))
        .order_by()
    }
    for capacity in capacities:
        capacity.allocated_days = booked.get((capacity.specialist_id, capacity.programme_year_id), Decimal("0"))
    Capacity.objects.bulk_update(capacities, ["allocated_days"], batch_size=1000)


# One statement, as the progress fold (schools.services): a second fold at once waits on the rows the first deletes
# and skips them; writers only insert, so they never wait on a fold. A day whose visits have all closed folds away.
_FOLD_OPEN_VISITS = f"""
    WITH folded AS (DELETE FROM {OpenVisitsChange._meta.db_table} RETURNING *)
    INSERT INTO {OpenVisitsChange._meta.db_table} (programme_year_id, icb_id, date, visits)
    SELECT programme_year_id, icb_id, date, sum(visits) FROM folded
    GROUP BY programme_year_id, icb_id, date HAVING sum(visits) <> 0
"""


def open_visits_fold() -> None:
    """Fold the open-visits trigger's rows into one per ICB and day, keeping what they add up to. Run every few
    minutes by beat, and after the demo is seeded."""
    with connection.cursor() as cursor:
        cursor.execute(_FOLD_OPEN_VISITS)
