"""Writes for specialists and their visits. Every scheduling rule is checked here, and the limits a database
can hold are held by it too: the exclusion constraint on visits, and the days counters on enrolments and
capacities, changed under their row locks in the booking's own transaction. The same services keep what the
visits add up to (days confirmed and delivered, visits delivered, outcomes, each week's days delivered), so
progress pages read those figures instead of summing visits."""

import datetime
import hashlib
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from icbs.models import ICB
from pins.errors import RuleBroken
from pins.history import acting_as_by
from pins.tasks import enqueue_on_commit
from pins.units import HALF_DAY, format_days
from schools.models import ClosureDate, Enrolment, School, WeeklyDelivery
from specialists.models import (
    SESSION_DAYS,
    SESSION_SLOTS,
    CalendarFeed,
    Capacity,
    ChangeRequest,
    Outcome,
    Session,
    Specialist,
    Unavailability,
    Visit,
)
from specialists.rules import BookingCalendar, clash_message, long_date

DOUBLE_BOOKING_CONSTRAINT = "visit_no_specialist_double_booking"


def specialists_transfer_to_successor(*, predecessors: list[ICB], successor: ICB, effective_on: datetime.date) -> None:
    """Move the predecessors' specialists to the successor ICB. Part of a merger (pins.mergers.icbs_merge)."""
    Specialist.objects.filter(icb__in=predecessors).update(icb=successor)


def _check_can_book(enrolment: Enrolment, specialist: Specialist) -> None:
    school = enrolment.school
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise RuleBroken(
            f"{school.name} is {enrolment.get_status_display().lower()}, not enrolled, in {enrolment.programme_year}",
            field="enrolment",
        )
    if not enrolment.icb.is_current():
        raise RuleBroken(f"{enrolment.icb.short_name} ICB has merged: book visits through its successor")
    if not specialist.active:
        raise RuleBroken(f"{specialist.full_name} is not active", field="specialist")
    if specialist.icb_id != enrolment.icb_id:
        raise RuleBroken(
            f"{specialist.full_name} works for {specialist.icb.short_name} ICB, not {enrolment.icb.short_name}",
            field="specialist",
        )


def _first_problem(calendar: BookingCalendar, day: datetime.date, session: Session) -> None:
    if problems := calendar.problems(day, session):
        raise RuleBroken(problems[0].message, field=problems[0].field)


def _take_days(*, enrolment: Enrolment, specialist: Specialist, days: Decimal) -> None:
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


def _give_back_days(*, enrolment_id: int, specialist_id: int, programme_year_id: int, days: Decimal) -> None:
    Enrolment.objects.filter(pk=enrolment_id).update(allocated_days=F("allocated_days") - days)
    Capacity.objects.filter(specialist_id=specialist_id, programme_year_id=programme_year_id).update(
        allocated_days=F("allocated_days") - days
    )


def _count(enrolment_id: int, **changes) -> None:
    """Move an enrolment's counters by the amounts given (`confirmed_days=-days`), in one UPDATE. The
    caller holds the enrolment's row lock; the check constraints refuse a count that no longer adds up."""
    Enrolment.objects.filter(pk=enrolment_id).update(**{name: F(name) + by for name, by in changes.items()})


def _count_delivered_week(visit: Visit, enrolment: Enrolment) -> None:
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
        allocated_days=_total(Sum("days", filter=~Q(status=Visit.Status.CANCELLED)), zero=days),
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


def _save_checking_clashes(visit: Visit, **save_options) -> None:
    """Save, turning the database's refusal of a double booking (a booking made meanwhile) into the rule's
    message. The savepoint keeps the outer transaction usable to raise from."""
    try:
        with transaction.atomic():
            visit.save(**save_options)
    except IntegrityError as error:
        if DOUBLE_BOOKING_CONSTRAINT not in str(error):
            raise
        clash = (
            Visit.objects.booked()
            .filter(
                specialist=visit.specialist,
                date=visit.date,
                slot_start__lt=visit.slot_end,
                slot_end__gt=visit.slot_start,
            )
            .exclude(pk=visit.pk)
            .select_related("enrolment__school", "specialist")
            .first()
        )
        message = clash_message(clash) if clash else f"{visit.specialist.full_name} is already booked then"
        raise RuleBroken(message, field="session") from None


@transaction.atomic
@acting_as_by
def visit_allocate(
    *,
    enrolment: Enrolment,
    specialist: Specialist,
    date: datetime.date,
    session: Session,
    by,
    purpose: str = "",
    preparation: str = "",
) -> Visit:
    """Book a specialist's visit to an enrolled school, if every scheduling rule allows it."""
    enrolment = Enrolment.objects.select_related("school", "programme_year", "icb").get(pk=enrolment.pk)
    specialist = Specialist.objects.select_related("icb").get(pk=specialist.pk)
    _check_can_book(enrolment, specialist)
    _first_problem(BookingCalendar(enrolment=enrolment, specialist=specialist, start=date, end=date), date, session)
    days = SESSION_DAYS[session]
    _take_days(enrolment=enrolment, specialist=specialist, days=days)
    slot_start, slot_end = SESSION_SLOTS[session]
    visit = Visit(
        enrolment=enrolment,
        specialist=specialist,
        date=date,
        session=session,
        slot_start=slot_start,
        slot_end=slot_end,
        days=days,
        purpose=purpose.strip(),
        preparation=preparation.strip(),
        created_by=by,
    )
    _save_checking_clashes(visit)
    return visit


def _lock_open_visit(visit: Visit) -> Visit:
    """Lock the visit's enrolment, then the visit (the order bookings take), and check it is still open."""
    Enrolment.objects.select_for_update().filter(pk=visit.enrolment_id).first()
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("enrolment__school", "enrolment__programme_year", "enrolment__icb", "specialist")
        .get(pk=visit.pk)
    )
    if not visit.is_open:
        raise RuleBroken(f"This visit is {visit.get_status_display().lower()}: it can no longer be changed")
    return visit


@transaction.atomic
@acting_as_by
def visit_confirm(*, visit: Visit, by) -> Visit:
    visit = _lock_open_visit(visit)
    if visit.status == Visit.Status.CONFIRMED:
        return visit
    visit.status = Visit.Status.CONFIRMED
    visit.confirmed_at = timezone.now()
    visit.confirmed_by = by
    visit.version += 1
    visit.save()
    _count(visit.enrolment_id, confirmed_days=visit.days)
    return visit


@transaction.atomic
@acting_as_by
def visit_cancel(*, visit: Visit, reason: str, by) -> Visit:
    if not reason.strip():
        raise RuleBroken("Enter why the visit is cancelled", field="reason")
    visit = _lock_open_visit(visit)
    if visit.status == Visit.Status.CONFIRMED:
        _count(visit.enrolment_id, confirmed_days=-visit.days)
    visit.status = Visit.Status.CANCELLED
    visit.cancelled_at = timezone.now()
    visit.cancelled_by = by
    visit.cancellation_reason = reason.strip()
    visit.version += 1
    visit.save()
    _resolve_change_requests(visit, by)
    _give_back_days(
        enrolment_id=visit.enrolment_id,
        specialist_id=visit.specialist_id,
        programme_year_id=visit.enrolment.programme_year_id,
        days=visit.days,
    )
    return visit


@transaction.atomic
@acting_as_by
def visit_reschedule(*, visit: Visit, date: datetime.date, session: Session, by) -> Visit:
    """Move a visit to another date or session. It needs confirming again; its history keeps the old slot."""
    visit = _lock_open_visit(visit)
    if (visit.date, visit.session) == (date, session):
        raise RuleBroken("Choose a different date or session", field="date")
    enrolment, specialist = visit.enrolment, visit.specialist
    _check_can_book(enrolment, specialist)
    calendar = BookingCalendar(enrolment=enrolment, specialist=specialist, start=date, end=date, ignoring=visit)
    _first_problem(calendar, date, session)
    if visit.status == Visit.Status.CONFIRMED:  # it needs confirming again
        _count(visit.enrolment_id, confirmed_days=-visit.days)
    extra = SESSION_DAYS[session] - visit.days
    if extra > 0:
        _take_days(enrolment=enrolment, specialist=specialist, days=extra)
    elif extra < 0:
        _give_back_days(
            enrolment_id=enrolment.pk,
            specialist_id=specialist.pk,
            programme_year_id=enrolment.programme_year_id,
            days=-extra,
        )
    visit.date = date
    visit.session = session
    visit.slot_start, visit.slot_end = SESSION_SLOTS[session]
    visit.days = SESSION_DAYS[session]
    visit.status = Visit.Status.PROPOSED
    visit.confirmed_at = None
    visit.confirmed_by = None
    visit.version += 1
    _save_checking_clashes(visit)
    _resolve_change_requests(visit, by)
    return visit


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
    if visit.status == Visit.Status.CANCELLED:
        raise RuleBroken("This visit was cancelled: there is nothing to record")
    if visit.date > today:
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
    if visit.status != Visit.Status.DELIVERED:
        if visit.status == Visit.Status.CONFIRMED:
            counts["confirmed_days"] = -visit.days
        counts.update(delivered_days=visit.days, visits_delivered=1)
        visit.status = Visit.Status.DELIVERED
        visit.version += 1
        visit.save()
        _count_delivered_week(visit, enrolment)
    if counts:
        _count(enrolment.pk, **counts)
    return outcome


def _resolve_change_requests(visit: Visit, by) -> None:
    ChangeRequest.objects.filter(visit=visit, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )


@transaction.atomic
def visit_change_request(*, visit: Visit, reason: str, by) -> ChangeRequest:
    """A school asks its ICB to move or rethink a visit; the ICB's coordinators are told by e-mail."""
    if not reason.strip():
        raise RuleBroken("Enter why the visit needs to change", field="reason")
    visit = _lock_open_visit(visit)
    if ChangeRequest.objects.filter(visit=visit, resolved_at__isnull=True).exists():
        raise RuleBroken("You have already asked for a change to this visit: the coordinator will be in touch")
    request = ChangeRequest.objects.create(visit=visit, reason=reason.strip(), requested_by=by)
    from specialists.tasks import send_change_request_email

    enqueue_on_commit(send_change_request_email, request.pk)
    return request


def change_request_resolve(*, change_request: ChangeRequest, by) -> None:
    """The coordinator has dealt with a school's request (moving or cancelling the visit also resolves it)."""
    ChangeRequest.objects.filter(pk=change_request.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )


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
    unavailability_check(specialist=specialist, starts_on=starts_on, ends_on=ends_on)
    return Unavailability.objects.create(
        specialist=specialist, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, calendar_token_hash(token)


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, school: School | None = None, specialist: Specialist | None = None, by) -> str:
    """A new secret calendar address for a school or a specialist; the old one stops working. Returns the
    token, which is shown once and never stored."""
    calendar_feed_revoke(school=school, specialist=specialist, by=by)
    token, token_hash = _new_token()
    CalendarFeed.objects.create(school=school, specialist=specialist, token_hash=token_hash, created_by=by)
    return token


@transaction.atomic
def calendar_feed_revoke(
    *, school: School | None = None, specialist: Specialist | None = None, made_by=None, by
) -> int:
    """Stop a school's or a specialist's calendar address (only if `made_by` made it, when given), recording
    who stopped it. Returns how many stopped: none if there was no address."""
    if (school is None) == (specialist is None):
        raise ValueError("A calendar belongs to a school or to a specialist")
    feeds = CalendarFeed.objects.filter(school=school, specialist=specialist, revoked_at__isnull=True)
    if made_by is not None:
        feeds = feeds.filter(created_by=made_by)
    return feeds.update(revoked_at=timezone.now(), revoked_by=by)
