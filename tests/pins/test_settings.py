"""The settings module: production-like values pass `check --deploy`; a missing secret fails loudly; the database
is PostgreSQL or none; HTTPS, the content security policy, passwords, identity providers and password resets as
the environment sets them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db  # a few of these read pages

ROOT = Path(__file__).resolve().parents[2]


PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "k9$Qw2!vZr7#Lp4@Xe8^Tn1&Hb6*Jm3(Yc5)Ud0_Fs-Ga+Ri=Oo~Wk]Pl[Ez}Nq{Vy|",
    "MFA_ENCRYPTION_KEY": "Vb4-Xq9_Lm2sTz7rKd1wHc8nJf3pYg6eRa0uQo5iWt",
    "ALLOWED_HOSTS": "pins.education.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://pins.education.gov.uk",
    "SITE_URL": "https://pins.education.gov.uk",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def _manage(*args, **env):
    # The suite's relaxations (plain HTTP, async-unsafe ORM in browser tests) stay out of this check.
    ignored = {"DEBUG", "SECRET_KEY", "HTTPS_ONLY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {key: value for key, value in os.environ.items() if key not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings_with_production_like_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    env = {**PRODUCTION_LIKE, "SECRET_KEY": ""}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_with_database_url_unset_nothing_falls_back_to_another_engine():
    show_engine = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"

    result = _manage("shell", "-c", show_engine, DEBUG="true", DATABASE_URL="")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "django.db.backends.dummy"  # any query fails: make run gives PostgreSQL


def test_the_image_build_collects_static_files_without_a_database_url():
    result = _manage("collectstatic", "--no-input", "--dry-run", **{**PRODUCTION_LIKE, "DATABASE_URL": ""})

    assert result.returncode == 0, result.stdout + result.stderr


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


def test_https_settings_are_on_when_debug_is_off():
    flags = "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE"

    assert _settings_in_a_fresh_process(flags) == "True 31536000 True True"


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


def test_the_password_reset_form_e_mails_nobody_for_an_unknown_address(client, mailoutbox, world):
    response = client.post(reverse("account_reset_password"), {"email": "stranger@example.org"})

    assert response.status_code == 302
    assert mailoutbox == []


def test_the_password_reset_form_still_e_mails_a_known_account(client, mailoutbox, world):
    client.post(reverse("account_reset_password"), {"email": "senco.a@example.org"})

    assert [message.to for message in mailoutbox] == [["senco.a@example.org"]]


def test_the_encryption_key_is_required_when_debug_is_off():
    result = _manage("check", **{**PRODUCTION_LIKE, "MFA_ENCRYPTION_KEY": ""})

    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY is required when DEBUG is off" in result.stderr
