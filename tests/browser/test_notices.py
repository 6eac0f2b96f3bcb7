"""Journey: a coordinator moves a visit; the school's SENCO and the specialist are told; the SENCO's home page lists
the visit to confirm, and the SENCO confirms it from there."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from specialists.models import Visit
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in, when_they_sign_out
from tests.conftest import with_mfa
from tests.factories import (
    CapacityFactory,
    CoordinatorMembershipFactory,
    EnrolmentFactory,
    SencoMembershipFactory,
    SpecialistFactory,
    VisitFactory,
)


def _weekday_from(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def school(current_year):
    today = timezone.localdate()
    enrolment = EnrolmentFactory(cohort__programme_year=current_year, school__name="Oakfield Primary School")
    specialist = SpecialistFactory(icb=enrolment.icb, full_name="Ada Lovelace", email="ada@nhs.example.org")
    CapacityFactory(specialist=specialist, programme_year=current_year)
    visit = VisitFactory(
        enrolment=enrolment, specialist=specialist, date=_weekday_from(today + datetime.timedelta(days=14))
    )
    return {
        "visit": visit,
        "new_date": _weekday_from(visit.date + datetime.timedelta(days=1)),
        "coordinator": with_mfa(CoordinatorMembershipFactory(icb=enrolment.icb).user),
        "senco": SencoMembershipFactory(school=enrolment.school, user__email="senco@oakfield.example.org").user,
    }


def _long(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def when_they_open_the_visit(page, live_server, visit):
    page.goto(f"{live_server.url}/visits/{visit.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_long(visit.date))
    assert_accessible(page)


def when_they_move_it_to(page, day):
    page.get_by_role("link", name="Reschedule").click()
    expect(page).to_have_title("Reschedule the visit – PINS programme")
    assert_accessible(page)
    page.get_by_role("textbox", name="Day").fill(str(day.day))
    page.get_by_role("textbox", name="Month").fill(str(day.month))
    page.get_by_role("textbox", name="Year").fill(str(day.year))
    page.get_by_label("Afternoon").check()
    page.get_by_role("button", name="Move the visit").click()
    expect(page.get_by_role("alert")).to_contain_text("Visit moved")
    assert_accessible(page)


def then_the_visit_page_shows_who_was_told(page):
    messages = page.get_by_role("table", name="E-mails sent about this visit")
    expect(messages.get_by_role("row", name=re.compile("Visit moved.*senco@oakfield.example.org"))).to_be_visible()
    expect(messages.get_by_role("row", name=re.compile("Visit moved.*Ada Lovelace"))).to_be_visible()


def then_their_home_lists_the_visit_to_confirm(page, day):
    expect(page).to_have_title("Home – PINS programme")
    to_confirm = page.get_by_role("list", name=re.compile("Visits to confirm"))
    expect(to_confirm).to_contain_text(f"Afternoon, {_long(day)}")
    expect(to_confirm).to_contain_text("Ada Lovelace at Oakfield Primary School")


def when_they_confirm_it_from_there(page, day):
    page.get_by_role("link", name=f"Afternoon, {_long(day)}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(_long(day))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the visit").click()
    expect(page.get_by_role("alert")).to_contain_text("confirmed")
    assert_accessible(page)


def then_their_home_has_nothing_to_confirm(page, live_server):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("No visit is waiting for you to confirm it.")).to_be_visible()
    assert_accessible(page)


def test_a_moved_visit_is_told_listed_and_confirmed(page, live_server, school):
    given_they_sign_in(page, live_server, school["coordinator"])
    when_they_open_the_visit(page, live_server, school["visit"])
    when_they_move_it_to(page, school["new_date"])
    then_the_visit_page_shows_who_was_told(page)
    when_they_sign_out(page)

    given_they_sign_in(page, live_server, school["senco"])
    then_their_home_lists_the_visit_to_confirm(page, school["new_date"])
    when_they_confirm_it_from_there(page, school["new_date"])
    then_their_home_has_nothing_to_confirm(page, live_server)

    assert Visit.objects.get(pk=school["visit"].pk).status == Visit.Status.CONFIRMED
    moved = sorted(message.to[0] for message in mail.outbox if message.subject.startswith("PINS visit moved"))
    assert moved == ["ada@nhs.example.org", "senco@oakfield.example.org"]
