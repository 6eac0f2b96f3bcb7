"""Journeys without dead ends: a coordinator reschedules from a school's change request using an offered date (and
another specialist); a specialist records their leave, is refused leave over a booked visit, and declines a visit."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from specialists.models import ChangeRequest, Unavailability, Visit
from specialists.services import visit_change_request
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in
from tests.browser.test_every_page import then_the_page_reflows_to_320_pixels
from tests.conftest import with_mfa
from tests.factories import (
    CapacityFactory,
    CoordinatorMembershipFactory,
    EnrolmentFactory,
    SencoMembershipFactory,
    SpecialistFactory,
    UserFactory,
    VisitFactory,
)


def _weekday_from(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _long(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.fixture
def school(current_year):
    today = timezone.localdate()
    enrolment = EnrolmentFactory(cohort__programme_year=current_year, school__name="Oakfield Primary School")
    ada = SpecialistFactory(
        icb=enrolment.icb, full_name="Ada Lovelace", email="ada@nhs.example.org", user=UserFactory()
    )
    grace = SpecialistFactory(icb=enrolment.icb, full_name="Grace Hopper", email="grace@nhs.example.org")
    for specialist in (ada, grace):
        CapacityFactory(specialist=specialist, programme_year=current_year)
    visit = VisitFactory(enrolment=enrolment, specialist=ada, date=_weekday_from(today + datetime.timedelta(days=14)))
    senco = SencoMembershipFactory(school=enrolment.school, user__email="senco@oakfield.example.org").user
    return {
        "visit": visit,
        "ada": ada,
        "grace": grace,
        "senco": senco,
        "coordinator": with_mfa(CoordinatorMembershipFactory(icb=enrolment.icb).user),
    }


def given_the_school_asked_for_a_change(school):
    visit_change_request(visit=school["visit"], reason="Year 6 trip that day", by=school["senco"])


def when_they_open_the_visit(page, live_server, visit):
    page.goto(f"{live_server.url}/visits/{visit.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_long(visit.date))
    assert_accessible(page)


def when_they_choose_to_reschedule(page):
    page.get_by_role("link", name="Reschedule").click()
    expect(page).to_have_title("Reschedule the visit – PINS programme")
    assert_accessible(page)
    then_the_page_reflows_to_320_pixels(page)


def then_the_request_is_shown_beside_the_form(page):
    expect(page.get_by_role("heading", name="The school asked for a change")).to_be_visible()
    expect(page.get_by_text("Year 6 trip that day")).to_be_visible()


def when_they_take_the_first_date_offered_for(page, specialist) -> datetime.date:
    offered = page.get_by_role("link", name=re.compile(f"with {specialist.full_name}$")).first
    chosen = datetime.datetime.strptime(offered.inner_text().split(" with ")[0].strip(), "%A %d %B %Y").date()
    offered.click()
    assert_accessible(page)
    expect(page.get_by_role("textbox", name="Day")).to_have_value(str(chosen.day))
    expect(page.get_by_role("combobox", name="Specialist")).to_have_value(str(specialist.pk))
    return chosen


def when_they_move_the_visit(page):
    page.get_by_role("button", name="Move the visit").click()
    expect(page.get_by_role("alert")).to_contain_text("Visit moved")
    assert_accessible(page)


def test_a_coordinator_reschedules_from_a_change_request_using_an_offered_date(page, live_server, school):
    given_the_school_asked_for_a_change(school)
    given_they_sign_in(page, live_server, school["coordinator"])
    when_they_open_the_visit(page, live_server, school["visit"])
    when_they_choose_to_reschedule(page)
    then_the_request_is_shown_beside_the_form(page)
    day = when_they_take_the_first_date_offered_for(page, school["grace"])
    when_they_move_the_visit(page)

    expect(page.get_by_role("alert")).to_contain_text("with Grace Hopper")
    visit = Visit.objects.get(pk=school["visit"].pk)
    assert (visit.specialist, visit.date) == (school["grace"], day)
    assert ChangeRequest.objects.get().resolved_at is not None


def when_they_open_their_leave_page(page, live_server, specialist):
    page.goto(f"{live_server.url}/specialists/{specialist.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Record your leave").click()
    expect(page).to_have_title("Your leave – PINS programme")
    assert_accessible(page)
    then_the_page_reflows_to_320_pixels(page)


def when_they_record_leave(page, first: datetime.date, last: datetime.date | None = None):
    for legend, day in (("First day", first), ("Last day (if more than one day)", last)):
        if day is None:
            continue
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Record the leave").click()
    assert_accessible(page)


def when_they_decline_the_visit(page, live_server, visit, reason):
    when_they_open_the_visit(page, live_server, visit)
    page.get_by_role("link", name="Decline the visit").click()
    expect(page).to_have_title("Decline the visit – PINS programme")
    assert_accessible(page)
    page.get_by_label("Why can you not make this visit?").fill(reason)
    page.get_by_role("button", name="Decline the visit").click()
    expect(page.get_by_role("alert")).to_contain_text("Visit declined")
    assert_accessible(page)


def test_a_specialist_records_leave_and_declines_a_visit(page, live_server, school):
    visit = school["visit"]
    free = _weekday_from(visit.date + datetime.timedelta(days=7))
    given_they_sign_in(page, live_server, school["ada"].user)
    when_they_open_their_leave_page(page, live_server, school["ada"])

    when_they_record_leave(page, free)
    expect(page.get_by_role("alert")).to_contain_text(
        f"Leave recorded: no visit will be booked for you on {_long(free)}"
    )

    when_they_record_leave(page, visit.date - datetime.timedelta(days=1), visit.date + datetime.timedelta(days=1))
    expect(page.get_by_role("alert")).to_contain_text(f"Oakfield Primary School on {_long(visit.date)}")

    when_they_decline_the_visit(page, live_server, visit, "Booked on a course that day")
    expect(page.get_by_text("The specialist declined this visit")).to_be_visible()

    assert list(Unavailability.objects.values_list("starts_on", flat=True)) == [free]
    request = ChangeRequest.objects.get()
    assert request.from_specialist and request.reason == "Booked on a course that day"


def when_they_show_a_month_of_the_schedule(page, live_server, icb, day: datetime.date):
    page.goto(f"{live_server.url}/icbs/{icb.ods_code}/schedule/")
    assert_accessible(page)
    page.get_by_role("combobox", name="Show a").select_option("month")
    group = page.get_by_role("group", name="From")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table")).to_contain_text(f"Visits in {day:%B %Y}")
    assert_accessible(page)


def then_the_page_fits_and_only_the_schedule_scrolls(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} pixels wide in a {widths[1]}-pixel window"
    region = page.get_by_role("region", name=re.compile("Visits in"))
    expect(region).to_have_attribute("tabindex", "0")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_months_schedule_fits_the_page_at_1280_and_320_pixels(page, live_server, school):
    given_they_sign_in(page, live_server, school["coordinator"])
    when_they_show_a_month_of_the_schedule(page, live_server, school["visit"].enrolment.icb, school["visit"].date)
    then_the_page_fits_and_only_the_schedule_scrolls(page, 1280)
    then_the_page_fits_and_only_the_schedule_scrolls(page, 320)
