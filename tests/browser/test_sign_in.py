"""Journey: a person with an account signs in, sees the home page and signs out; a wrong password is explained."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in, when_they_sign_out


def given_they_open_the_service(page, live_server):
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    expect(page).to_have_title("Sign in – PINS programme")


def then_they_see_the_home_page_signed_in_as(page, user):
    expect(page).to_have_title("Home – PINS programme")
    expect(page.get_by_text(f"Signed in as {user.email}")).to_be_visible()


def then_they_are_signed_out(page):
    expect(page).to_have_title(re.compile(r"Sign in – PINS programme"))
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)


def when_they_sign_in_with_the_wrong_password(page, user):
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)


def then_the_error_summary_says_there_is_a_problem(page):
    expect(page).to_have_title("Error: Sign in – PINS programme")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()


def test_sign_in_see_home_and_sign_out(page, live_server, user):
    given_they_open_the_service(page, live_server)
    given_they_sign_in(page, live_server, user)
    then_they_see_the_home_page_signed_in_as(page, user)
    when_they_sign_out(page)
    then_they_are_signed_out(page)


def test_wrong_password_shows_the_error_summary(page, live_server, user):
    given_they_open_the_service(page, live_server)
    when_they_sign_in_with_the_wrong_password(page, user)
    then_the_error_summary_says_there_is_a_problem(page)
