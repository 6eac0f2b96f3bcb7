"""Term dates as a scheduling rule: no visit on a holiday of that school, in any of the three layers."""

import datetime
from decimal import Decimal

import pytest

from pins.kernel.errors import RuleBroken
from schools.models import SchoolHoliday
from specialists.models import Session
from specialists.planner import plan_visits
from specialists.rules import next_free_dates
from specialists.services import visit_allocate, visit_reschedule
from tests.factories import CapacityFactory, EnrolmentFactory, LocalAuthorityFactory, SpecialistFactory
from tests.specialists.conftest import TUESDAY

pytestmark = pytest.mark.django_db

CHRISTMAS = (datetime.date(2026, 12, 21), datetime.date(2027, 1, 1))
TUESDAY_29_DECEMBER = datetime.date(2026, 12, 29)


def _holiday(year, name, starts_on, ends_on, **layer):
    return SchoolHoliday.objects.create(programme_year=year, name=name, starts_on=starts_on, ends_on=ends_on, **layer)


def _book(booking, day, session=Session.FULL_DAY):
    return visit_allocate(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        date=day,
        session=session,
        by=booking["coordinator"],
    )


def _refused(booking, day) -> str:
    with pytest.raises(RuleBroken) as refused:
        _book(booking, day)
    assert refused.value.field == "date"
    return refused.value.message


def test_a_visit_on_a_default_holiday_is_refused_naming_the_holiday(booking):
    _holiday(booking["year"], "Christmas holiday", *CHRISTMAS)
    school = booking["enrolment"].school
    school.name = "St Chad's"
    school.save()

    assert _refused(booking, TUESDAY_29_DECEMBER) == (
        "St Chad's is on its Christmas holiday from 21 December 2026 to 1 January 2027"
    )
    assert _book(booking, datetime.date(2027, 1, 5)).date == datetime.date(2027, 1, 5)


def test_an_authoritys_term_dates_replace_the_default_for_its_schools(booking):
    year, school = booking["year"], booking["enrolment"].school
    _holiday(year, "Christmas holiday", *CHRISTMAS)
    _holiday(
        year,
        "Winter holiday",
        datetime.date(2026, 12, 14),
        datetime.date(2026, 12, 23),
        local_authority=school.local_authority,
    )

    assert "on its Winter holiday from 14 December to 23 December 2026" in _refused(
        booking, datetime.date(2026, 12, 15)
    )
    # The default's Christmas holiday no longer applies to this authority's schools.
    assert _book(booking, TUESDAY_29_DECEMBER).date == TUESDAY_29_DECEMBER


def test_another_authoritys_term_dates_change_nothing_here(booking):
    year = booking["year"]
    _holiday(year, "Christmas holiday", *CHRISTMAS)
    _holiday(
        year,
        "Winter holiday",
        datetime.date(2026, 12, 14),
        datetime.date(2026, 12, 23),
        local_authority=LocalAuthorityFactory(),
    )

    assert "Christmas holiday" in _refused(booking, TUESDAY_29_DECEMBER)
    assert _book(booking, datetime.date(2026, 12, 15)).date == datetime.date(2026, 12, 15)


def test_a_schools_own_term_dates_replace_its_authoritys(booking):
    year, school = booking["year"], booking["enrolment"].school
    _holiday(year, "Christmas holiday", *CHRISTMAS)
    _holiday(
        year,
        "Winter holiday",
        datetime.date(2026, 12, 14),
        datetime.date(2026, 12, 23),
        local_authority=school.local_authority,
    )
    _holiday(year, "Academy winter break", datetime.date(2026, 12, 28), datetime.date(2027, 1, 8), school=school)

    assert "on its Academy winter break from 28 December 2026 to 8 January 2027" in _refused(
        booking, datetime.date(2027, 1, 7)
    )
    assert _book(booking, datetime.date(2026, 12, 15)).date == datetime.date(2026, 12, 15)


def test_closure_dates_still_apply_on_top_of_term_dates(booking):
    _holiday(booking["year"], "Christmas holiday", *CHRISTMAS)
    # The booking fixture closes the school on 4 January (an INSET day).
    assert "is closed on 4 January 2027" in _refused(booking, datetime.date(2027, 1, 4))


def test_a_visit_cannot_be_moved_into_a_holiday(booking):
    _holiday(booking["year"], "Christmas holiday", *CHRISTMAS)
    visit = _book(booking, TUESDAY)

    with pytest.raises(RuleBroken, match="Christmas holiday"):
        visit_reschedule(visit=visit, date=TUESDAY_29_DECEMBER, session=Session.FULL_DAY, by=booking["coordinator"])


def test_next_free_dates_offer_no_holiday(booking):
    _holiday(booking["year"], "Christmas holiday", *CHRISTMAS)

    free = next_free_dates(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        session=Session.MORNING,
        after=datetime.date(2026, 12, 18),
    )

    # 21 Dec to 1 Jan holiday, 2-3 Jan weekend, 4 Jan INSET day.
    assert free == [datetime.date(2027, 1, d) for d in (5, 6, 7, 8, 11)]


def test_next_free_dates_follow_the_schools_own_layer(booking):
    year, school = booking["year"], booking["enrolment"].school
    _holiday(year, "Christmas holiday", *CHRISTMAS)
    _holiday(year, "Short Christmas", datetime.date(2026, 12, 24), datetime.date(2026, 12, 31), school=school)

    free = next_free_dates(
        enrolment=booking["enrolment"],
        specialist=booking["specialist"],
        session=Session.MORNING,
        after=datetime.date(2026, 12, 18),
    )

    assert free == [datetime.date(2026, 12, d) for d in (21, 22, 23)] + [datetime.date(2027, 1, d) for d in (5, 6)]


def test_the_planner_proposes_no_visit_on_any_schools_holiday(booking):
    """Three schools, one on the default, one on its authority's dates, one on its own: the plan, placed
    through the autumn and winter, lands on none of each school's holidays."""
    year, first = booking["year"], booking["enrolment"]
    on_authority = EnrolmentFactory(cohort=first.cohort, quota_days=Decimal("5.0"))
    on_own = EnrolmentFactory(
        cohort=first.cohort, quota_days=Decimal("5.0"), school__local_authority=first.school.local_authority
    )
    for enrolment in (on_authority, on_own):
        enrolment.icb = first.icb
        enrolment.save()
    specialist = SpecialistFactory(icb=first.icb, discipline=booking["specialist"].discipline)
    CapacityFactory(specialist=specialist, programme_year=year, days=Decimal("40.0"))
    # Every weekday but a few in each layer is a holiday from mid-November: the plan must find the gaps.
    _holiday(year, "Default break", datetime.date(2026, 11, 16), datetime.date(2027, 3, 31))
    _holiday(
        year,
        "Authority break",
        datetime.date(2026, 11, 9),
        datetime.date(2027, 2, 28),
        local_authority=on_authority.school.local_authority,
    )
    _holiday(year, "Own break", datetime.date(2026, 10, 12), datetime.date(2027, 4, 30), school=on_own.school)

    proposals = plan_visits(icb=first.icb, year=year, today=datetime.date(2026, 10, 1))

    by_school = {}
    for proposal in proposals:
        by_school.setdefault(proposal.enrolment.pk, []).append(proposal.date)
    assert set(by_school) == {first.pk, on_authority.pk, on_own.pk}
    breaks = {
        first.pk: (datetime.date(2026, 11, 16), datetime.date(2027, 3, 31)),
        on_authority.pk: (datetime.date(2026, 11, 9), datetime.date(2027, 2, 28)),
        on_own.pk: (datetime.date(2026, 10, 12), datetime.date(2027, 4, 30)),
    }
    for enrolment_id, days in by_school.items():
        starts_on, ends_on = breaks[enrolment_id]
        assert not [day for day in days if starts_on <= day <= ends_on], enrolment_id
    # The authority's break replaced the default: its school has a visit in March, which the default blocks.
    assert any(datetime.date(2027, 3, 1) <= day <= datetime.date(2027, 3, 31) for day in by_school[on_authority.pk])
