"""School holidays in three layers: the services that keep them, the database that holds them, and the one
selector that answers "the holidays of this school in this year"."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from pins.kernel.errors import RuleBroken
from schools.models import SchoolHoliday
from schools.selectors import holiday_on, holidays_of, holidays_of_schools
from schools.services import (
    HolidayRow,
    school_holiday_add,
    school_holiday_change,
    school_holiday_remove,
    school_holidays_replace,
)
from tests.factories import LocalAuthorityFactory, ProgrammeYearFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

OCTOBER = (datetime.date(2026, 10, 26), datetime.date(2026, 10, 30))
CHRISTMAS = (datetime.date(2026, 12, 21), datetime.date(2027, 1, 1))


@pytest.fixture
def year():
    return ProgrammeYearFactory()


@pytest.fixture
def admin():
    return UserFactory()


def _add(year, by, name, dates, **layer):
    return school_holiday_add(year=year, name=name, starts_on=dates[0], ends_on=dates[1], by=by, **layer)


def test_a_holiday_is_added_changed_and_removed_with_its_history(year, admin):
    holiday = _add(year, admin, "Christmas holiday", CHRISTMAS)
    school_holiday_change(
        holiday=holiday, name="Christmas holiday", starts_on=CHRISTMAS[0], ends_on=datetime.date(2027, 1, 4), by=admin
    )
    holiday.refresh_from_db()
    assert holiday.ends_on == datetime.date(2027, 1, 4) and holiday.layer == SchoolHoliday.Layer.DEFAULT

    school_holiday_remove(holiday=holiday, by=admin)

    assert not SchoolHoliday.objects.exists()
    events = SchoolHoliday.pgh_event_model.objects.filter(pgh_obj_id=holiday.pk).order_by("pgh_id")
    assert [event.pgh_label for event in events] == ["insert", "update", "delete"]
    assert {event.user_id for event in events} == {admin.pk}


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ((datetime.date(2026, 12, 21), datetime.date(2026, 12, 20)), "ends_on", "The last day must be the same as"),
        (
            (datetime.date(2026, 8, 24), datetime.date(2026, 8, 28)),
            "starts_on",
            "must be in the 2026-27 programme year",
        ),
        (
            (datetime.date(2027, 7, 12), datetime.date(2027, 7, 30)),
            "starts_on",
            "must be in the 2026-27 programme year",
        ),
        ((datetime.date(2026, 10, 30), datetime.date(2026, 11, 2)), "starts_on", "It overlaps Autumn half term"),
    ],
)
def test_a_holiday_out_of_order_outside_the_year_or_overlapping_its_layer_is_refused(
    year, admin, dates, field, message
):
    _add(year, admin, "Autumn half term", OCTOBER)

    with pytest.raises(RuleBroken, match=message) as refused:
        _add(year, admin, "Extra days", dates)

    assert refused.value.field == field
    assert SchoolHoliday.objects.count() == 1


def test_a_holiday_needs_a_name(year, admin):
    with pytest.raises(RuleBroken, match="Enter the holiday's name"):
        _add(year, admin, "  ", OCTOBER)


def test_holidays_of_different_layers_may_overlap(year, admin):
    school = SchoolFactory()
    _add(year, admin, "Autumn half term", OCTOBER)
    _add(year, admin, "Autumn half term", OCTOBER, local_authority=school.local_authority)
    _add(year, admin, "Autumn half term", OCTOBER, school=school)

    assert SchoolHoliday.objects.count() == 3


def test_a_change_keeps_the_holiday_apart_from_the_others_of_its_layer(year, admin):
    _add(year, admin, "Autumn half term", OCTOBER)
    christmas = _add(year, admin, "Christmas holiday", CHRISTMAS)

    with pytest.raises(RuleBroken, match="overlaps Autumn half term"):
        school_holiday_change(holiday=christmas, name="Christmas", starts_on=OCTOBER[1], ends_on=CHRISTMAS[1], by=admin)


@pytest.mark.engine
@pytest.mark.parametrize(
    ("layer", "dates", "constraint"),
    [
        ({}, OCTOBER, "school_holiday_no_overlap_in_layer"),
        ({}, (OCTOBER[1], OCTOBER[0]), "school_holiday_ends_after_start"),
        ({"local_authority": True, "school": True}, CHRISTMAS, "school_holiday_in_one_layer"),
    ],
)
def test_the_database_holds_each_layer_apart_and_in_order(year, layer, dates, constraint):
    school = SchoolFactory()
    SchoolHoliday.objects.create(programme_year=year, name="Autumn half term", starts_on=OCTOBER[0], ends_on=OCTOBER[1])
    rows = {
        "local_authority": school.local_authority if layer.get("local_authority") else None,
        "school": school if layer.get("school") else None,
    }

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        SchoolHoliday.objects.create(programme_year=year, name="Another", starts_on=dates[0], ends_on=dates[1], **rows)


@pytest.mark.engine
def test_the_database_keeps_an_authoritys_holidays_apart_but_not_from_another_authoritys(year):
    first, second = LocalAuthorityFactory(), LocalAuthorityFactory()
    SchoolHoliday.objects.create(
        programme_year=year, local_authority=first, name="Half term", starts_on=OCTOBER[0], ends_on=OCTOBER[1]
    )
    SchoolHoliday.objects.create(
        programme_year=year, local_authority=second, name="Half term", starts_on=OCTOBER[0], ends_on=OCTOBER[1]
    )

    with pytest.raises(IntegrityError, match="school_holiday_no_overlap_in_layer"), transaction.atomic():
        SchoolHoliday.objects.create(
            programme_year=year, local_authority=first, name="Again", starts_on=OCTOBER[1], ends_on=OCTOBER[1]
        )


def test_each_school_gets_its_own_else_its_authoritys_else_the_default(year, admin, django_assert_num_queries):
    on_default, on_authority = SchoolFactory(), SchoolFactory()
    academy = SchoolFactory(local_authority=on_authority.local_authority)
    _add(year, admin, "Christmas holiday", CHRISTMAS)
    _add(year, admin, "Autumn half term", OCTOBER)
    _add(year, admin, "Winter holiday", CHRISTMAS, local_authority=on_authority.local_authority)
    _add(year, admin, "Academy break", (datetime.date(2026, 11, 2), datetime.date(2026, 11, 6)), school=academy)
    # Another year's holidays are not this year's.
    _add(
        ProgrammeYearFactory(label="2027-28", starts_on=datetime.date(2027, 9, 1), ends_on=datetime.date(2028, 7, 21)),
        admin,
        "Later",
        (datetime.date(2027, 10, 25), datetime.date(2027, 10, 29)),
    )

    with django_assert_num_queries(1):
        holidays = holidays_of_schools(schools=[on_default, on_authority, academy], year=year)

    assert [h.name for h in holidays[on_default.pk]] == ["Autumn half term", "Christmas holiday"]
    assert [h.name for h in holidays[on_authority.pk]] == ["Winter holiday"]
    assert [h.name for h in holidays[academy.pk]] == ["Academy break"]
    assert holidays_of(school=on_default, year=year) == holidays[on_default.pk]
    assert holiday_on(holidays[on_default.pk], datetime.date(2026, 12, 29)).name == "Christmas holiday"
    assert holiday_on(holidays[on_default.pk], datetime.date(2026, 11, 3)) is None


def test_the_bulk_selector_reads_many_schools_in_one_query(year, admin, django_assert_num_queries):
    schools = [SchoolFactory() for _ in range(12)]
    _add(year, admin, "Christmas holiday", CHRISTMAS)
    for school in schools[::3]:
        _add(year, admin, "Own half term", OCTOBER, local_authority=school.local_authority)

    with django_assert_num_queries(1):
        holidays = holidays_of_schools(schools=schools, year=year)

    assert sum(1 for school in schools if holidays[school.pk][0].name == "Own half term") == 4


def test_a_set_of_term_dates_replaces_an_authoritys_all_or_nothing(year, admin):
    authority = LocalAuthorityFactory()
    _add(year, admin, "Old half term", OCTOBER, local_authority=authority)
    rows = [HolidayRow(2, "Autumn half term", *OCTOBER), HolidayRow(3, "Christmas holiday", *CHRISTMAS)]

    school_holidays_replace(year=year, rows=rows, local_authority=authority, by=admin)

    assert list(SchoolHoliday.objects.values_list("name", flat=True)) == ["Autumn half term", "Christmas holiday"]
    with pytest.raises(RuleBroken, match="line 3: It overlaps Autumn half term"):
        school_holidays_replace(
            year=year,
            rows=[HolidayRow(2, "Autumn half term", *OCTOBER), HolidayRow(3, "Again", *OCTOBER)],
            local_authority=authority,
            by=admin,
        )
    assert SchoolHoliday.objects.count() == 2
