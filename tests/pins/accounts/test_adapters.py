"""allauth as the service needs it: sign-in attempts limited per address, identity providers that create no
account, second-factor secrets encrypted at rest."""

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from cryptography.fernet import InvalidToken
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CoordinatorMembershipFactory

pytestmark = pytest.mark.django_db


def _security_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


def _stored_row(authenticator) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        return cursor.fetchone()[0]


def _sign_in_from(client, address, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password}, HTTP_X_FORWARDED_FOR=address)


def test_sign_in_is_rate_limited_after_repeated_failures(client, user, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})

    assert "Too many failed login attempts" in response.text
    assert "govuk-error-summary" in response.text
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_a_configured_identity_provider(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "dfe-sign-in",
                    "name": "DfE Sign-in",
                    "client_id": "pins",
                    "secret": "x",
                    "settings": {"server_url": "https://oidc.signin.example.gov.uk"},
                }
            ]
        }
    }

    html = client.get(reverse("account_login")).text

    assert "Sign in with DfE Sign-in" in html


def test_a_provider_cannot_create_accounts():
    from allauth.socialaccount.adapter import get_adapter

    assert get_adapter().is_open_for_signup(None, None) is False


def test_authenticator_secrets_and_recovery_code_seeds_are_stored_encrypted(user):
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret).instance
    recovery_codes = RecoveryCodes.activate(user)
    seed = get_mfa_adapter().decrypt(recovery_codes.instance.data["seed"])

    assert secret not in _stored_row(totp)
    assert seed not in _stored_row(recovery_codes.instance)
    assert TOTP(Authenticator.objects.get(pk=totp.pk)).validate_code(_security_code(secret))
    assert recovery_codes.validate_code(recovery_codes.get_unused_codes()[0])


def test_signing_in_with_a_security_code_or_a_recovery_code_works_with_encrypted_secrets(client, password):
    coordinator = CoordinatorMembershipFactory().user
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    recovery_code = RecoveryCodes.activate(coordinator).get_unused_codes()[0]

    for code in [_security_code(secret), recovery_code]:
        client.logout()
        client.post(reverse("account_login"), {"login": coordinator.email, "password": password})
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302, code
        assert client.session["_auth_user_id"] == str(coordinator.pk)
        assert client.get(reverse("home")).status_code == 200


def test_secrets_encrypted_with_one_key_are_useless_with_another(user, settings):
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret).instance
    settings.MFA_ENCRYPTION_KEY = "a-different-key-from-another-environment"

    with pytest.raises(InvalidToken):
        TOTP(Authenticator.objects.get(pk=totp.pk)).validate_code(_security_code(secret))


def test_a_plain_secret_written_into_the_database_is_never_used(user):
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret).instance
    Authenticator.objects.filter(pk=totp.pk).update(data={"secret": secret})

    with pytest.raises(InvalidToken):
        TOTP(Authenticator.objects.get(pk=totp.pk)).validate_code(_security_code(secret))


def test_a_stranger_guessing_a_password_does_not_lock_the_owner_out(settings, world, password):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # behind our load balancer
    stranger, owner = Client(), Client()
    for _ in range(6):
        guessed = _sign_in_from(stranger, "203.0.113.5", "senco.a@example.org", "wrong-password")
    assert "Too many failed login attempts" in guessed.text

    response = _sign_in_from(owner, "198.51.100.7", "senco.a@example.org", password)

    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(world["senco_a"].pk)


def test_a_forged_forwarded_address_gives_no_fresh_attempts_when_no_proxy_is_trusted(settings, world, password):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    stranger = Client()
    for number in range(5):
        _sign_in_from(stranger, f"203.0.113.{number}", "senco.a@example.org", "wrong-password")

    response = _sign_in_from(stranger, "203.0.113.99", "senco.a@example.org", password)

    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in stranger.session
