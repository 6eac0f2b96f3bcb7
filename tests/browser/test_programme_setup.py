"""Journeys: the programme admin opens the next programme year and gives it a cohort and a blackout week; a
coordinator invites a colleague coordinator to their own ICB."""

import re

import pytest
from playwright.sync_api import expect

from pins.accounts.models import Invitation
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in

pytestmark = pytest.mark.usefixtures("during_term")


def _fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def when_they_open_a_programme_year(page, live_server, label, first, last):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Programme years").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme years")
    assert_accessible(page)
    page.get_by_role("link", name="Open a programme year").click()
    assert_accessible(page)
    page.get_by_label("Programme year").fill(label)
    _fill_date(page, "First day", *first)
    _fill_date(page, "Last day", *last)
    page.get_by_label("Target schools per ICB").fill("30")
    page.get_by_label("Default days per school").fill("5")
    page.get_by_role("button", name="Open the year").click()


def then_the_year_page_shows_it(page, label):
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Programme year {label}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"The {label} programme year is open")
    assert_accessible(page)


def when_they_add_a_cohort_and_a_blackout_week(page):
    page.get_by_role("link", name="Add a cohort").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("New schools")
    page.get_by_role("button", name="Add the cohort").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a blackout period").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Key stage 2 SATs week")
    _fill_date(page, "First day", "8", "5", "2028")
    _fill_date(page, "Last day", "12", "5", "2028")
    page.get_by_role("button", name="Add the blackout period").click()


def then_the_year_lists_them_with_their_history(page):
    expect(page.get_by_role("row", name=re.compile("New schools"))).to_contain_text("5 days")
    expect(page.get_by_role("row", name=re.compile("Key stage 2 SATs week"))).to_contain_text("Mon 8 May 2028")
    expect(page.get_by_text(re.compile("Blackout period Key stage 2 SATs week added by"))).to_be_visible()
    assert_accessible(page)


def when_they_invite_a_colleague(page, live_server, world, email):
    page.goto(f"{live_server.url}/icbs/{world.icb_a.ods_code}/access/")
    assert_accessible(page)
    page.get_by_role("link", name="Invite a coordinator").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send invitation").click()


def then_the_invitation_is_waiting(page, email):
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Invitation sent to {email}")
    expect(page.get_by_role("row", name=re.compile(email))).to_contain_text("ICB coordinator")
    assert_accessible(page)


def test_the_programme_admin_opens_a_new_programme_year(page, live_server, world):
    given_they_sign_in(page, live_server, world["programme_admin"])
    when_they_open_a_programme_year(page, live_server, "2027-28", ("1", "9", "2027"), ("21", "7", "2028"))
    then_the_year_page_shows_it(page, "2027-28")
    when_they_add_a_cohort_and_a_blackout_week(page)
    then_the_year_lists_them_with_their_history(page)


def test_a_coordinator_invites_a_colleague_coordinator(page, live_server, world):
    given_they_sign_in(page, live_server, world["coordinator_a"])
    when_they_invite_a_colleague(page, live_server, world, "colleague@icb.example.org")
    then_the_invitation_is_waiting(page, "colleague@icb.example.org")
    assert Invitation.objects.filter(email="colleague@icb.example.org", role=Invitation.Role.COORDINATOR).exists()
