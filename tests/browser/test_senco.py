"""Journey: a SENCO sees their school's schedule, confirms one visit and asks for a change to another."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from specialists.models import ChangeRequest, Visit
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in
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


def _row(page, purpose):
    return page.get_by_role("row", name=re.compile(purpose))


def when_they_open_their_schools_schedule(page):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oakfield Primary School")
    assert_accessible(page)


def then_the_visit_shows_who_comes_and_that_it_is(page, purpose, status):
    row = _row(page, purpose)
    expect(row).to_contain_text("Ada Lovelace")
    expect(row).to_contain_text("ada@nhs.example.org")
    expect(row).to_contain_text(status)


def when_they_confirm_the_visit(page, purpose):
    _row(page, purpose).get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.get_by_role("alert")).to_contain_text("confirmed")
    assert_accessible(page)


def when_they_ask_for_a_change_without_a_reason(page, purpose):
    _row(page, purpose).get_by_role("link", name=re.compile("Ask for a change")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()


def then_they_are_asked_why(page):
    expect(page).to_have_title(re.compile("^Error: Ask for a change"))
    assert_accessible(page)


def when_they_give_the_reason(page, reason):
    page.get_by_label("Why does the visit need to change?").fill(reason)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text("Change requested")
    assert_accessible(page)


def then_the_schedule_shows_the_change_asked_for(page, purpose):
    expect(_row(page, purpose)).to_contain_text("Change asked for")


def test_senco_confirms_one_visit_and_asks_to_change_another(page, live_server, school):
    given_they_sign_in(page, live_server, school["senco"])
    when_they_open_their_schools_schedule(page)
    then_the_visit_shows_who_comes_and_that_it_is(page, "Sensory audit", "Proposed")

    when_they_confirm_the_visit(page, "Sensory audit")
    then_the_visit_shows_who_comes_and_that_it_is(page, "Sensory audit", "Confirmed")

    when_they_ask_for_a_change_without_a_reason(page, "Staff training")
    then_they_are_asked_why(page)
    when_they_give_the_reason(page, "Our Year 6 residential trip is that week")
    then_the_schedule_shows_the_change_asked_for(page, "Staff training")

    assert Visit.objects.get(pk=school["first"].pk).status == Visit.Status.CONFIRMED
    assert ChangeRequest.objects.get().reason == "Our Year 6 residential trip is that week"
