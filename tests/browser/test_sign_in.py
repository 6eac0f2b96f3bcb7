"""Journey: a person with an account signs in, sees the home page and signs out."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_sign_in_see_home_and_sign_out(visit, page, user, password):
    # Given someone with an account opens the service
    visit("/")
    expect(page).to_have_title("Sign in – PINS programme")

    # When they sign in with their e-mail address and password
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    # Then they see the home page, signed in
    expect(page).to_have_title("Home – PINS programme")
    expect(page.get_by_text(f"Signed in as {user.email}")).to_be_visible()
    assert_accessible(page)

    # When they choose to sign out and confirm
    page.get_by_role("link", name="Sign out").click()
    expect(page).to_have_title("Sign out – PINS programme")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # Then they are signed out and back at the sign-in page
    expect(page).to_have_title(re.compile(r"Sign in – PINS programme"))
    assert_accessible(page)
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)


def test_wrong_password_shows_the_error_summary(visit, page, user):
    visit("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Error: Sign in – PINS programme")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    assert_accessible(page)
