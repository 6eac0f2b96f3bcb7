"""Steps every journey shares, written as a non-developer would say them. Each journey file adds its own
`given_…`, `when_…` and `then_…` steps; all of them sign in through `given_they_sign_in`."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, security_code
from tests.factories import PASSWORD


def given_they_sign_in(page, live_server, user, *, password: str = PASSWORD) -> None:
    """The one way a journey signs in: e-mail address and password on the sign-in page, then the code of their
    authenticator app if they have one, as a person would. Every page on the way is checked with axe."""
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        expect(page).to_have_title("Enter your security code – PINS programme")
        assert_accessible(page)
        secret = get_adapter().decrypt(authenticator.data["secret"])
        page.get_by_label("Security code").fill(security_code(secret))
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Home – PINS programme")
    assert_accessible(page)


def when_they_sign_out(page) -> None:
    page.get_by_role("link", name="Sign out").click()
    expect(page).to_have_title("Sign out – PINS programme")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_title("Sign in – PINS programme")
    assert_accessible(page)
