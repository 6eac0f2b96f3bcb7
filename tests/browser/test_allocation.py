"""Journey: a coordinator allocates a half-day visit, sees the school's days drop, and cannot double-book."""

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in
from tests.factories import (
    CapacityFactory,
    CoordinatorMembershipFactory,
    EnrolmentFactory,
    ICBFactory,
    SpecialistFactory,
)


@pytest.fixture
def coordinator(current_year):
    """A coordinator with an authenticator app, of an ICB in a programme year that runs from a month ago to well
    ahead, so there are free dates to book; two schools and a specialist."""
    year = current_year
    icb = ICBFactory(ods_code="QWO", name="NHS West Yorkshire Integrated Care Board")
    first = EnrolmentFactory(
        cohort__programme_year=year, school__local_authority__icb=icb, school__name="Oakfield Primary School"
    )
    EnrolmentFactory(
        cohort=first.cohort, school__local_authority=first.school.local_authority, school__name="Brook Infant School"
    )
    specialist = SpecialistFactory(icb=icb, full_name="Ada Lovelace")
    CapacityFactory(specialist=specialist, programme_year=year)
    coordinator = CoordinatorMembershipFactory(icb=icb, user__email="coordinator@icb.example.org").user
    TOTP.activate(coordinator, generate_totp_secret())
    return coordinator


def _school_row(page, school):
    return page.get_by_role("row", name=re.compile(school))


def when_they_find_schools_with_days_remaining(page, name):
    page.locator("#main-content").get_by_role("link", name="West Yorkshire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schools, ")
    assert_accessible(page)
    page.get_by_text("Find and sort schools").click()
    page.get_by_label("Days remaining").select_option("some")
    page.get_by_label("School name or URN").fill(name)
    page.get_by_role("button", name="Apply").click()
    assert_accessible(page)


def then_the_school_has_days_left(page, school, days):
    expect(_school_row(page, school)).to_contain_text(days)


def when_they_allocate_a_half_day_on_the_next_free_date(page, school) -> datetime.date:
    _school_row(page, school).get_by_role("link", name=re.compile("Allocate")).click()
    assert_accessible(page)
    page.get_by_label("Specialist").select_option(label="Ada Lovelace, occupational therapy")
    page.get_by_label("Afternoon").check()
    page.get_by_role("button", name="Show the next free dates").click()
    assert_accessible(page)
    first_free = page.locator("#free-dates a").first
    free_day = first_free.inner_text()
    first_free.click()
    assert_accessible(page)
    page.get_by_label("Afternoon").check()
    page.get_by_label("Purpose of the visit (optional)").fill("Sensory audit of the reception classrooms")
    page.get_by_role("button", name="Book the visit").click()
    return datetime.datetime.strptime(free_day, "%A %d %B %Y").date()


def then_the_visit_is_booked_with_days_left(page, school, days_left):
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"Afternoon visit booked: Ada Lovelace at {school}")
    expect(alert).to_contain_text(f"{days_left} days left to allocate")
    assert_accessible(page)


def when_they_go_back_to_their_icb(page):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="West Yorkshire").click()
    assert_accessible(page)


def when_they_book_the_same_specialist_the_same_afternoon_at(page, school, day):
    page.get_by_role("link", name="Allocate a visit", exact=True).click()
    assert_accessible(page)
    page.get_by_label("School", exact=True).select_option(label=f"{school} (5 of 5 days left)")
    page.get_by_label("Specialist").select_option(label="Ada Lovelace, occupational therapy")
    page.get_by_label("Afternoon").check()
    page.get_by_role("textbox", name="Day").fill(str(day.day))
    page.get_by_role("textbox", name="Month").fill(str(day.month))
    page.get_by_role("textbox", name="Year").fill(str(day.year))
    page.get_by_role("button", name="Book the visit").click()


def then_the_clash_is_explained_in_the_error_summary(page, day):
    expect(page).to_have_title(re.compile("^Error: Allocate a visit"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(f"Ada Lovelace is already booked in the afternoon on {day:%A %d %B %Y}")
    assert_accessible(page)


def test_coordinator_allocates_a_half_day_and_is_stopped_from_double_booking(page, live_server, coordinator):
    given_they_sign_in(page, live_server, coordinator)
    when_they_find_schools_with_days_remaining(page, "Oakfield")
    then_the_school_has_days_left(page, "Oakfield Primary School", "5 of 5")

    day = when_they_allocate_a_half_day_on_the_next_free_date(page, "Oakfield Primary School")
    then_the_visit_is_booked_with_days_left(page, "Oakfield Primary School", "4.5")
    when_they_go_back_to_their_icb(page)
    then_the_school_has_days_left(page, "Oakfield Primary School", "4.5 of 5")

    when_they_book_the_same_specialist_the_same_afternoon_at(page, "Brook Infant School", day)
    then_the_clash_is_explained_in_the_error_summary(page, day)
