"""Closures and leave recorded while a visit is being booked: one of the two waits for the other and sees it,
so no visit stands on a day the school is closed or the specialist is away. Real concurrent transactions."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from pins.kernel.errors import RuleBroken
from schools.models import ClosureDate
from specialists.models import Session, Unavailability, Visit
from specialists.services import closure_date_add, unavailability_record, visit_allocate
from tests.specialists.conftest import TUESDAY

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]


def _first_holds_its_locks_while_the_second_runs(first, second) -> tuple[object, object]:
    """Run `first` in a transaction that stays open for a moment after it has done its work, and `second`, in
    its own transaction and connection, meanwhile. Each outcome is what the call returned or the RuleBroken
    it raised."""
    outcomes = {}
    done_its_work, errors = threading.Event(), []

    def run(name, call, hold: bool):
        try:
            with transaction.atomic():
                try:
                    outcomes[name] = call()
                except RuleBroken as rule:
                    outcomes[name] = rule
                if hold:
                    done_its_work.set()
                    time.sleep(0.5)  # long enough for the second to reach its lock, or, unlocked, to finish
        except Exception as error:  # anything else fails the test
            errors.append(error)
        finally:
            done_its_work.set()
            connection.close()

    holder = threading.Thread(target=run, args=("first", first, True))
    holder.start()
    done_its_work.wait(timeout=30)
    other = threading.Thread(target=run, args=("second", second, False))
    other.start()
    holder.join(timeout=30)
    other.join(timeout=30)
    close_old_connections()
    assert not errors, errors
    return outcomes["first"], outcomes["second"]


def _book(booking):
    return lambda: visit_allocate(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        date=TUESDAY,
        session=Session.FULL_DAY,
        by=booking["coordinator"],
    )


def _closure(booking):
    return lambda: closure_date_add(
        school=booking["enrolment"].school,
        kind=ClosureDate.Kind.EVENT,
        starts_on=TUESDAY,
        ends_on=TUESDAY,
        description="Sports day",
        by=booking["coordinator"],
    )


def _leave(booking):
    return lambda: unavailability_record(
        specialist=booking["specialist"], starts_on=TUESDAY, ends_on=TUESDAY, reason="Training", by=None
    )


def test_a_closure_recorded_while_a_visit_is_booked_that_day_waits_and_is_refused(booking):
    booked, closure = _first_holds_its_locks_while_the_second_runs(_book(booking), _closure(booking))

    assert isinstance(booked, Visit)
    assert isinstance(closure, RuleBroken) and "A visit is booked on Tuesday 3 November 2026" in closure.message
    assert not ClosureDate.objects.filter(starts_on=TUESDAY).exists()


def test_a_visit_booked_while_a_closure_is_recorded_that_day_waits_and_is_refused(booking):
    closure, booked = _first_holds_its_locks_while_the_second_runs(_closure(booking), _book(booking))

    assert isinstance(closure, ClosureDate)
    assert isinstance(booked, RuleBroken) and "is closed on 3 November 2026 (Sports day)" in booked.message
    assert not Visit.objects.exists()


def test_leave_recorded_while_a_visit_is_booked_that_day_waits_and_is_refused(booking):
    booked, leave = _first_holds_its_locks_while_the_second_runs(_book(booking), _leave(booking))

    assert isinstance(booked, Visit)
    assert isinstance(leave, RuleBroken) and "has a visit booked at" in leave.message
    assert not Unavailability.objects.filter(starts_on=TUESDAY).exists()


def test_a_visit_booked_while_leave_is_recorded_that_day_waits_and_is_refused(booking):
    leave, booked = _first_holds_its_locks_while_the_second_runs(_leave(booking), _book(booking))

    assert isinstance(leave, Unavailability)
    assert isinstance(booked, RuleBroken) and "Ada Lovelace is unavailable on 3 November 2026" in booked.message
    assert not Visit.objects.exists()
