"""Booking, confirming, moving and cancelling visits. Every scheduling rule is checked here (through
`BookingCalendar`), and the limits a database can hold are held by it too: the exclusion constraint on visits, and
the day counters (services/counters.py), changed under their row locks in the booking's own transaction."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from pins.kernel.errors import RuleBroken
from pins.kernel.history import acting_as_by
from schools.models import Enrolment
from specialists.models import SESSION_DAYS, SESSION_SLOTS, ChangeRequest, Notice, Session, Specialist, Visit
from specialists.rules import BookingCalendar, clash_message, long_date
from specialists.services.counters import counters_move, days_give_back, days_take
from specialists.services.notice import visit_notices_write

DOUBLE_BOOKING_CONSTRAINT = "visit_no_specialist_double_booking"


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
    # The school's enrolment, then the specialist, locked before the calendar is read: a closure or leave recorded
    # at the same moment waits for this booking and sees it, or this booking waits for them and sees them.
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("school", "programme_year", "icb")
        .get(pk=enrolment.pk)
    )
    specialist = Specialist.objects.select_for_update(of=("self",)).select_related("icb").get(pk=specialist.pk)
    _check_can_book(enrolment, specialist)
    _first_problem(BookingCalendar(enrolment=enrolment, specialist=specialist, start=date, end=date), date, session)
    days = SESSION_DAYS[session]
    days_take(enrolment=enrolment, specialist=specialist, days=days)
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
    visit_notices_write(visit=visit, change=Notice.Change.PROPOSED)
    return visit


def lock_open_visit(visit: Visit) -> Visit:
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
    visit = lock_open_visit(visit)
    if visit.status == Visit.Status.CONFIRMED:
        return visit
    visit.status = Visit.Status.CONFIRMED
    visit.confirmed_at = timezone.now()
    visit.confirmed_by = by
    visit.version += 1
    visit.save()
    counters_move(visit.enrolment_id, confirmed_days=visit.days)
    return visit


@transaction.atomic
@acting_as_by
def visit_cancel(*, visit: Visit, reason: str, by) -> Visit:
    if not reason.strip():
        raise RuleBroken("Enter why the visit is cancelled", field="reason")
    visit = lock_open_visit(visit)
    if visit.status == Visit.Status.CONFIRMED:
        counters_move(visit.enrolment_id, confirmed_days=-visit.days)
    visit.status = Visit.Status.CANCELLED
    visit.cancelled_at = timezone.now()
    visit.cancelled_by = by
    visit.cancellation_reason = reason.strip()
    visit.version += 1
    visit.save()
    answered = change_requests_answered(visit, by)
    visit_notices_write(visit=visit, change=Notice.Change.CANCELLED, answered=answered)
    days_give_back(
        enrolment_id=visit.enrolment_id,
        specialist_id=visit.specialist_id,
        programme_year_id=visit.enrolment.programme_year_id,
        days=visit.days,
    )
    return visit


@transaction.atomic
@acting_as_by
def visit_reschedule(
    *, visit: Visit, date: datetime.date, session: Session, by, specialist: Specialist | None = None
) -> Visit:
    """Move a visit to another date or session, and to another specialist if one is given. Every rule is checked
    again for the new slot (and the new specialist's capacity). It needs confirming again; its history keeps the
    old slot, and a specialist taken off the visit is told."""
    visit = lock_open_visit(visit)
    former = visit.specialist
    specialist = specialist or former
    if (visit.date, visit.session, visit.specialist_id) == (date, session, specialist.pk):
        raise RuleBroken("Choose a different date, session or specialist", field="date")
    enrolment = visit.enrolment
    before = f"{visit.get_session_display()} on {long_date(visit.date)}"
    if specialist.pk != former.pk:
        before += f" with {former.full_name}"
    # After the visit, the specialists in a fixed order: the order bookings take their locks.
    list(Specialist.objects.select_for_update().filter(pk__in={former.pk, specialist.pk}).order_by("pk"))
    specialist = Specialist.objects.select_related("icb").get(pk=specialist.pk)
    _check_can_book(enrolment, specialist)
    calendar = BookingCalendar(enrolment=enrolment, specialist=specialist, start=date, end=date, ignoring=visit)
    _first_problem(calendar, date, session)
    if visit.status == Visit.Status.CONFIRMED:  # it needs confirming again
        counters_move(visit.enrolment_id, confirmed_days=-visit.days)
    if specialist.pk != former.pk:
        # The former specialist's days come back and the new one's capacity is checked for the whole visit.
        days_give_back(
            enrolment_id=enrolment.pk,
            specialist_id=former.pk,
            programme_year_id=enrolment.programme_year_id,
            days=visit.days,
        )
        days_take(enrolment=enrolment, specialist=specialist, days=SESSION_DAYS[session])
    else:
        extra = SESSION_DAYS[session] - visit.days
        if extra > 0:
            days_take(enrolment=enrolment, specialist=specialist, days=extra)
        elif extra < 0:
            days_give_back(
                enrolment_id=enrolment.pk,
                specialist_id=specialist.pk,
                programme_year_id=enrolment.programme_year_id,
                days=-extra,
            )
    visit.specialist = specialist
    visit.date = date
    visit.session = session
    visit.slot_start, visit.slot_end = SESSION_SLOTS[session]
    visit.days = SESSION_DAYS[session]
    visit.status = Visit.Status.PROPOSED
    visit.confirmed_at = None
    visit.confirmed_by = None
    visit.version += 1
    _save_checking_clashes(visit)
    answered = change_requests_answered(visit, by)
    visit_notices_write(
        visit=visit,
        change=Notice.Change.MOVED,
        before=before,
        answered=answered,
        former_specialist=former if former.pk != specialist.pk else None,
    )
    return visit


def change_requests_answered(visit: Visit, by) -> ChangeRequest | None:
    """Moving or cancelling a visit answers whatever the school had asked about it; returns that request."""
    waiting = ChangeRequest.objects.filter(visit=visit, resolved_at__isnull=True)
    answered = waiting.first()
    waiting.update(resolved_at=timezone.now(), resolved_by=by)
    return answered
