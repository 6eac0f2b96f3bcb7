"""Journey: the programme admin adds the Christmas holiday; the coordinator's schedule shows it in the school's row,
labelled, not by colour alone; a booking on it is refused with a message naming it."""

import re

import pytest
from playwright.sync_api import expect

from schools.models import SchoolHoliday
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in, when_they_sign_out

pytestmark = pytest.mark.usefixtures("during_term")


def when_they_add_a_default_holiday(page, live_server, name, first, last):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="School holidays").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School holidays")
    assert_accessible(page)
    page.get_by_role("link", name="Add a holiday").click()
    assert_accessible(page)
    page.get_by_label("Name").fill(name)
    for legend, (day, month, year) in (("First day", first), ("Last day", last)):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Add the holiday").click()


def then_the_holidays_list_it(page, name):
    expect(page.get_by_role("row", name=re.compile(name))).to_contain_text("Mon 21 Dec 2026")
    assert_accessible(page)


def when_they_open_the_schedule_for_the_week_of(page, live_server, world, start):
    page.goto(f"{live_server.url}/icbs/{world.icb_a.ods_code}/schedule/?start={start}&view=week")
    assert_accessible(page)


def then_the_schools_row_says_holiday_on_each_day(page, school, days):
    row = page.get_by_role("row", name=re.compile(school))
    labels = row.get_by_text(re.compile("^Holiday: Christmas holiday$"))
    expect(labels).to_have_count(days)
    expect(labels.first).to_be_visible()


def when_they_try_to_book_on_it(page, world):
    page.get_by_role("link", name=world.school_a.name).first.click()
    expect(page.get_by_role("heading", name="Holidays coming up")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Allocate a visit", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Specialist").select_option(value=str(world.specialist_a.pk))
    page.get_by_label("Full day").check()
    page.get_by_role("textbox", name="Day").fill("29")
    page.get_by_role("textbox", name="Month").fill("12")
    page.get_by_role("textbox", name="Year").fill("2026")
    page.get_by_role("button", name="Book the visit").click()


def then_the_booking_is_refused_naming_the_holiday(page, school):
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"{school} is on its Christmas holiday from 21 December 2026 to 1 January 2027"
    )
    assert_accessible(page)


def test_a_default_holiday_shows_in_the_schedule_and_refuses_a_booking(page, live_server, world):
    given_they_sign_in(page, live_server, world["programme_admin"])
    when_they_add_a_default_holiday(page, live_server, "Christmas holiday", ("21", "12", "2026"), ("1", "1", "2027"))
    then_the_holidays_list_it(page, "Christmas holiday")
    when_they_sign_out(page)

    given_they_sign_in(page, live_server, world["coordinator_a"])
    when_they_open_the_schedule_for_the_week_of(page, live_server, world, "2026-12-21")
    then_the_schools_row_says_holiday_on_each_day(page, world.school_a.name, 5)
    when_they_try_to_book_on_it(page, world)
    then_the_booking_is_refused_naming_the_holiday(page, world.school_a.name)

    assert SchoolHoliday.objects.get().name == "Christmas holiday"
