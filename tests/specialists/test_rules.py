"""The scheduling rules: the next dates free for a visit."""

import datetime

import pytest

from specialists.models import Session
from specialists.rules import next_free_dates
from specialists.services import visit_allocate
from tests.specialists.conftest import TUESDAY

pytestmark = pytest.mark.django_db


def _book(booking, date=TUESDAY, session=Session.MORNING, **overrides):
    arguments = {
        "enrolment": booking["enrolment"],
        "specialist": booking["specialist"],
        "date": date,
        "session": session,
        "by": booking["coordinator"],
        **overrides,
    }
    return visit_allocate(**arguments)


def test_next_free_dates_skip_every_unavailable_day(booking):
    _book(booking, date=datetime.date(2026, 12, 21), session=Session.FULL_DAY)

    free = next_free_dates(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        session=Session.MORNING,
        after=datetime.date(2026, 12, 18),
    )

    # 19-20 Dec weekend, 21 Dec booked, 25 and 28 Dec bank holidays, 26-27 weekend.
    assert free == [datetime.date(2026, 12, d) for d in (22, 23, 24, 29, 30)]
