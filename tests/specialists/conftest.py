import datetime
from decimal import Decimal

import pytest
import time_machine

from schools.models import BlackoutPeriod
from tests.factories import (
    CapacityFactory,
    ClosureDateFactory,
    EnrolmentFactory,
    ProgrammeYearFactory,
    SpecialistFactory,
    UnavailabilityFactory,
    UserFactory,
)

# A Tuesday in term: no bank holiday, blackout or closure falls on it.
TUESDAY = datetime.date(2026, 11, 3)


@pytest.fixture
def booking(db):
    """An enrolled school with 5 days, and a specialist of the same ICB with 40 days of capacity."""
    year = ProgrammeYearFactory()
    BlackoutPeriod.objects.create(
        programme_year=year,
        name="KS2 SATs week",
        starts_on=datetime.date(2027, 5, 10),
        ends_on=datetime.date(2027, 5, 13),
    )
    enrolment = EnrolmentFactory(cohort__programme_year=year, quota_days=Decimal("5.0"))
    specialist = SpecialistFactory(icb=enrolment.icb, full_name="Ada Lovelace")
    CapacityFactory(specialist=specialist, programme_year=year, days=Decimal("40.0"))
    ClosureDateFactory(school=enrolment.school, starts_on=datetime.date(2027, 1, 4), ends_on=datetime.date(2027, 1, 4))
    UnavailabilityFactory(
        specialist=specialist, starts_on=datetime.date(2026, 10, 26), ends_on=datetime.date(2026, 10, 30)
    )
    return {"year": year, "enrolment": enrolment, "specialist": specialist, "coordinator": UserFactory()}


@pytest.fixture(autouse=True)
def _before_the_visits():
    """Today is before the dates these tests book (an outcome test says its own 'today')."""
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC), tick=True):
        yield
