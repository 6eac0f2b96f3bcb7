"""Journey: a SENCO sees their school's schedule, confirms one visit and asks for a change to another."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from specialists.models import ChangeRequest, Visit
from tests.browser.conftest import assert_accessible
from tests.factories import (
    CapacityFactory,
    EnrolmentFactory,
    SencoMembershipFactory,
    SpecialistFactory,
    VisitFactory,
)


@pytest.fixture
def school(current_year):
    today, year = timezone.localdate(), current_year
    enrolment = EnrolmentFactory(cohort__programme_year=year, school__name="Oakfield Primary School")
    specialist = SpecialistFactory(icb=enrolment.icb, full_name="Ada Lovelace", email="ada@nhs.example.org")
    CapacityFactory(specialist=specialist, programme_year=year)
    first = VisitFactory(
        enrolment=enrolment, specialist=specialist, date=today + datetime.timedelta(days=14), purpose="Sensory audit"
    )
    second = VisitFactory(
        enrolment=enrolment, specialist=specialist, date=today + datetime.timedelta(days=28), purpose="Staff training"
    )
    senco = SencoMembershipFactory(school=enrolment.school, user__email="senco@oakfield.example.org").user
    return {"senco": senco, "first": first, "second": second}


def test_senco_confirms_one_visit_and_asks_to_change_another(visit, page, school, password):
    # Given the SENCO signs in
    visit("/")
    page.get_by_label("Email address").fill(school["senco"].email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)

    # When they open their school's schedule
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oakfield Primary School")
    assert_accessible(page)
    first_row = page.get_by_role("row", name=re.compile("Sensory audit"))
    expect(first_row).to_contain_text("Ada Lovelace")
    expect(first_row).to_contain_text("ada@nhs.example.org")
    expect(first_row).to_contain_text("Proposed")

    # And confirm the first visit
    first_row.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.get_by_role("alert")).to_contain_text("confirmed")
    assert_accessible(page)
    expect(page.get_by_role("row", name=re.compile("Sensory audit"))).to_contain_text("Confirmed")

    # And ask for a change to the second
    page.get_by_role("row", name=re.compile("Staff training")).get_by_role(
        "link", name=re.compile("Ask for a change")
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page).to_have_title(re.compile("^Error: Ask for a change"))
    assert_accessible(page)
    page.get_by_label("Why does the visit need to change?").fill("Our Year 6 residential trip is that week")
    page.get_by_role("button", name="Send the request").click()

    # Then the schedule shows the confirmation and the request
    expect(page.get_by_role("alert")).to_contain_text("Change requested")
    expect(page.get_by_role("row", name=re.compile("Staff training"))).to_contain_text("Change asked for")
    assert_accessible(page)
    assert Visit.objects.get(pk=school["first"].pk).status == Visit.Status.CONFIRMED
    assert ChangeRequest.objects.get().reason == "Our Year 6 residential trip is that week"
