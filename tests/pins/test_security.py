"""MFA for staff and coordinators, sign-in rate limits, idle sessions, passwords, headers, single sign-on."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import CoordinatorMembershipFactory, StaffMembershipFactory, UserFactory
from tests.pins.test_settings import PRODUCTION_LIKE, _manage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("make_person", [CoordinatorMembershipFactory, StaffMembershipFactory])
def test_coordinators_and_staff_set_up_mfa_before_any_data_page(client, make_person, password):
    person = make_person().user
    client.post(reverse("account_login"), {"login": person.email, "password": password})

    for url in [reverse("home"), reverse("icbs:list"), reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa_activate_totp")), url

    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert "Activate" in setup.text and "govuk-template" in setup.text


def test_after_setting_up_mfa_the_coordinator_reaches_their_icb(client, world):
    client.force_login(world["coordinator_a"])  # the world's coordinators have an authenticator

    assert client.get(reverse("icbs:detail", args=[world.icb_a.ods_code])).status_code == 200


def test_sencos_and_specialists_may_choose_not_to_use_mfa(client, world):
    for person in (world["senco_a"], world["specialist_a"]):
        client.force_login(person)
        assert client.get(reverse("home")).status_code == 200


def test_signing_in_with_mfa_asks_for_the_code(client, world, password):
    response = client.post(
        reverse("account_login"), {"login": world["coordinator_a"].email, "password": password}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_mfa_can_be_switched_off_only_for_the_local_demo(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(CoordinatorMembershipFactory().user)

    assert client.get(reverse("home")).status_code == 200


def test_check_deploy_warns_when_mfa_is_off():
    result = _manage("check", "--deploy", **PRODUCTION_LIKE, MFA_REQUIRED="false")

    assert "pins.W001" in result.stderr + result.stdout


def test_sign_in_is_rate_limited_after_repeated_failures(client, user, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})

    assert "Too many failed login attempts" in response.text
    assert "govuk-error-summary" in response.text
    assert "_auth_user_id" not in client.session


def test_a_session_ends_after_30_minutes_without_activity(client, world):
    client.force_login(world["senco_a"])
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start + datetime.timedelta(minutes=20)):
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
    with time_machine.travel(start + datetime.timedelta(minutes=45)):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=45 + 31)):
        assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw1", "too short"),
        ("password123456", "too common"),
        ("384729104857362", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError, match=message):
        validate_password(password, UserFactory.build())


def test_pages_carry_a_content_security_policy_that_allows_no_inline_script_without_the_nonce(client):
    response = client.get(reverse("account_login"))

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def _settings_in_a_fresh_process(expression: str, **env) -> str:
    """Evaluate an expression over the settings as a fresh process reads them from the environment."""
    hidden = {"HTTPS_ONLY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "OIDC_PROVIDERS", "MFA_REQUIRED"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            f"from django.conf import settings as s; print({expression})",
        ],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in hidden}, **PRODUCTION_LIKE, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_https_settings_are_on_when_debug_is_off():
    flags = "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE"

    assert _settings_in_a_fresh_process(flags) == "True 31536000 True True"


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


def test_identity_providers_are_configured_from_the_environment():
    apps = _settings_in_a_fresh_process(
        "[(a['provider_id'], a['name'], a['settings']['server_url']) "
        "for a in s.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS']], "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']",
        OIDC_PROVIDERS=json.dumps(OIDC),
    )

    assert apps == (
        "[('dfe-sign-in', 'DfE Sign-in', 'https://oidc.signin.example.gov.uk')] "
        "[\"'self'\", 'https://oidc.signin.example.gov.uk']"
    )


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


def _signed_in_through_provider(session, user):
    """Record in the session what allauth records when someone signs in through an identity provider."""
    session["account_authentication_methods_user"] = str(user.pk)
    record = {"method": "socialaccount", "provider": "dfe-sign-in", "at": 0}
    session["account_authentication_methods"] = [record]
    session.save()


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


def test_a_provider_cannot_create_accounts():
    from allauth.socialaccount.adapter import get_adapter

    assert get_adapter().is_open_for_signup(None, None) is False
