"""Two people adding overlapping holidays to one layer at once: the second waits for the first (the programme year's
row is locked) and is refused with a message, never a database error. Real concurrent transactions."""

import datetime
import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from pins.kernel.errors import RuleBroken
from schools.models import SchoolHoliday
from schools.services import HolidayRow, school_holiday_add, school_holidays_replace
from tests.factories import LocalAuthorityFactory, ProgrammeYearFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]


def _first_holds_its_locks_while_the_second_runs(first, second):
    outcomes, errors, done_its_work = {}, [], threading.Event()

    def run(name, call, hold: bool):
        try:
            with transaction.atomic():
                try:
                    outcomes[name] = call()
                except RuleBroken as rule:
                    outcomes[name] = rule
                if hold:
                    done_its_work.set()
                    time.sleep(0.5)  # long enough for the second to reach the lock, or, unlocked, to finish
        except Exception as error:  # anything else (an IntegrityError above all) fails the test
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


def test_two_overlapping_default_holidays_added_at_once_one_is_refused():
    year, by = ProgrammeYearFactory(), UserFactory()

    def add(name, starts_on, ends_on):
        return lambda: school_holiday_add(year=year, name=name, starts_on=starts_on, ends_on=ends_on, by=by)

    first, second = _first_holds_its_locks_while_the_second_runs(
        add("Christmas holiday", datetime.date(2026, 12, 21), datetime.date(2027, 1, 1)),
        add("Winter break", datetime.date(2026, 12, 28), datetime.date(2027, 1, 8)),
    )

    assert isinstance(first, SchoolHoliday)
    assert isinstance(second, RuleBroken) and "It overlaps Christmas holiday" in second.message
    assert list(SchoolHoliday.objects.values_list("name", flat=True)) == ["Christmas holiday"]


def test_an_upload_and_a_holiday_added_to_the_same_authority_at_once_leave_no_overlap():
    year, by, authority = ProgrammeYearFactory(), UserFactory(), LocalAuthorityFactory()
    upload = lambda: school_holidays_replace(  # noqa: E731
        year=year,
        rows=[HolidayRow(2, "Autumn half term", datetime.date(2026, 10, 19), datetime.date(2026, 10, 23))],
        local_authority=authority,
        by=by,
    )
    added = lambda: school_holiday_add(  # noqa: E731
        year=year,
        name="Half term",
        starts_on=datetime.date(2026, 10, 22),
        ends_on=datetime.date(2026, 10, 30),
        local_authority=authority,
        by=by,
    )

    first, second = _first_holds_its_locks_while_the_second_runs(upload, added)

    assert [holiday.name for holiday in first] == ["Autumn half term"]
    assert isinstance(second, RuleBroken) and "overlaps Autumn half term" in second.message
