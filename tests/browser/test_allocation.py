"""Journey: a coordinator allocates a half-day visit, sees the school's days drop, and cannot double-book."""

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, security_code
from tests.factories import (
    CapacityFactory,
    CoordinatorMembershipFactory,
    EnrolmentFactory,
    ICBFactory,
    SpecialistFactory,
)


@pytest.fixture
def icb(current_year):
    """An ICB in a programme year that runs from a month ago to well ahead, so there are free dates to book."""
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
    secret = generate_totp_secret()
    coordinator = CoordinatorMembershipFactory(icb=icb, user__email="coordinator@icb.example.org").user
    TOTP.activate(coordinator, secret)
    return {"icb": icb, "coordinator": coordinator, "secret": secret}


def test_coordinator_allocates_a_half_day_and_is_stopped_from_double_booking(visit, page, icb, password):
    # Given a coordinator signs in with their password and authenticator app
    visit("/")
    page.get_by_label("Email address").fill(icb["coordinator"].email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)
    expect(page).to_have_title("Enter your security code – PINS programme")
    page.get_by_label("Security code").fill(security_code(icb["secret"]))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Home – PINS programme")
    assert_accessible(page)

    # When they open their ICB and find schools with days remaining
    page.locator("#main-content").get_by_role("link", name="West Yorkshire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schools and specialists")
    assert_accessible(page)
    page.get_by_text("Find and sort schools").click()
    page.get_by_label("Days remaining").select_option("some")
    page.get_by_label("School name or URN").fill("Oakfield")
    page.get_by_role("button", name="Apply").click()
    assert_accessible(page)
    school_row = page.get_by_role("row", name=re.compile("Oakfield Primary School"))
    expect(school_row).to_contain_text("5 of 5")

    # And allocate a half-day with a specialist on their next free date
    school_row.get_by_role("link", name=re.compile("Allocate")).click()
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

    # Then the visit is booked and the school has half a day less to allocate
    expect(page.get_by_role("alert")).to_contain_text("Afternoon visit booked: Ada Lovelace at Oakfield Primary School")
    expect(page.get_by_role("alert")).to_contain_text("4.5 days left to allocate")
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="West Yorkshire").click()
    assert_accessible(page)
    expect(page.get_by_role("row", name=re.compile("Oakfield Primary School"))).to_contain_text("4.5 of 5")

    # When they try to book the same specialist for the same afternoon at another school
    page.get_by_role("link", name="Allocate a visit", exact=True).click()
    assert_accessible(page)
    page.get_by_label("School", exact=True).select_option(label="Brook Infant School (5 of 5 days left)")
    page.get_by_label("Specialist").select_option(label="Ada Lovelace, occupational therapy")
    page.get_by_label("Afternoon").check()
    day = datetime.datetime.strptime(free_day, "%A %d %B %Y").date()
    page.get_by_role("textbox", name="Day").fill(str(day.day))
    page.get_by_role("textbox", name="Month").fill(str(day.month))
    page.get_by_role("textbox", name="Year").fill(str(day.year))
    page.get_by_role("button", name="Book the visit").click()

    # Then the clash is explained in the error summary and nothing is booked
    expect(page).to_have_title(re.compile("^Error: Allocate a visit"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(f"Ada Lovelace is already booked in the afternoon on {free_day}")
    assert_accessible(page)
