"""A second factor passed in this session, not only owned: a security code, a new authenticator, or an identity
provider that enforces one."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tests.factories import CoordinatorMembershipFactory

pytestmark = pytest.mark.django_db


OIDC = [
    {
        "id": "dfe-sign-in",
        "name": "DfE Sign-in",
        "server_url": "https://oidc.signin.example.gov.uk",
        "client_id": "pins",
        "secret": "not-a-real-secret",
        "enforces_mfa": True,
    }
]


def _signed_in_through_provider(session, user):
    """Record in the session what allauth records when someone signs in through an identity provider."""
    session["account_authentication_methods_user"] = str(user.pk)
    record = {"method": "socialaccount", "provider": "dfe-sign-in", "at": 0}
    session["account_authentication_methods"] = [record]
    session.save()


def _security_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


def test_signing_in_with_mfa_asks_for_the_code(client, world, password):
    response = client.post(
        reverse("account_login"), {"login": world["coordinator_a"].email, "password": password}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_signing_in_through_a_provider_that_enforces_mfa_satisfies_the_requirement(client, settings):
    settings.OIDC_PROVIDERS = OIDC
    coordinator = CoordinatorMembershipFactory().user
    SocialAccount.objects.create(user=coordinator, provider="dfe-sign-in", uid="abc")
    client.force_login(coordinator)
    _signed_in_through_provider(client.session, coordinator)

    assert client.get(reverse("home")).status_code == 200


def test_a_provider_that_does_not_enforce_mfa_does_not_satisfy_it(client, settings):
    settings.OIDC_PROVIDERS = [{**OIDC[0], "enforces_mfa": False}]
    coordinator = CoordinatorMembershipFactory().user
    client.force_login(coordinator)
    _signed_in_through_provider(client.session, coordinator)

    assert client.get(reverse("home")).status_code == 302


def test_owning_an_authenticator_is_not_enough_this_session_must_have_passed_it(client, world):
    client.force_login(world["coordinator_a"], passed_mfa=False)  # as a password alone would leave it

    for url in [reverse("home"), reverse("icbs:detail", args=[world.icb_a.ods_code]), reverse("progress")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('mfa_reauthenticate')}?{urlencode({'next': url})}", url
        assert world.school_a.name not in response.text


def test_someone_signed_in_gives_their_security_code_and_goes_on_to_the_page(client, world):
    coordinator = CoordinatorMembershipFactory(icb=world.icb_a).user
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    client.force_login(coordinator, passed_mfa=False)
    icb_page = reverse("icbs:detail", args=[world.icb_a.ods_code])
    step = client.get(icb_page).url

    page = client.get(step)
    assert "<title>Enter your security code – PINS programme</title>" in page.text
    assert page.text.count("<h1") == 1
    wrong = client.post(step, {"code": "000000" if _security_code(secret) != "000000" else "111111"})
    assert "govuk-error-summary" in wrong.text
    assert client.get(icb_page).status_code == 302

    response = client.post(step, {"code": _security_code(secret), "next": icb_page})

    assert response.status_code == 302 and response.url == icb_page
    assert client.get(icb_page).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth records the new authenticator once its transaction commits
def test_setting_up_an_authenticator_passes_the_second_factor_for_this_session(client, password):
    coordinator = CoordinatorMembershipFactory().user
    client.post(reverse("account_login"), {"login": coordinator.email, "password": password})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    client.post(reverse("mfa_activate_totp"), {"code": _security_code(secret)})

    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200
