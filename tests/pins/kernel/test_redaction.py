"""Invitation, calendar and password-reset tokens never reach a log."""

import logging
import secrets
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from pins.kernel.redaction import RedactSecrets, secrets_redacted

TOKEN = secrets.token_urlsafe(32)


def _secret_addresses():
    return {
        "calendar feed": reverse("calendars:feed", args=[TOKEN]),
        "invitation": reverse("access:accept_invitation", args=[TOKEN]),
        "password reset": reverse("account_reset_password_from_key", kwargs={"uidb36": "3f", "key": TOKEN}),
        "e-mail confirmation": reverse("account_confirm_email", args=[TOKEN]),
    }


@pytest.mark.parametrize("kind", list(_secret_addresses()))
def test_a_secret_in_a_path_is_redacted_wherever_it_appears(kind):
    path = _secret_addresses()[kind]
    where = [
        path,
        f'GET {path}?year=2026-27 HTTP/1.1" 404',
        f"https://pins.example.org{path}",
        f"/accounts/login/?{urlencode({'next': path})}",
    ]

    for text in where:
        redacted = secrets_redacted(text)
        assert TOKEN not in redacted and "[redacted]" in redacted, text


def test_query_parameters_named_for_secrets_are_redacted_and_others_kept():
    line = f'"GET /icbs/QAA/schedule/?start=2026-11-02&token={TOKEN}&page=2&key={TOKEN} HTTP/1.1"'

    assert (
        secrets_redacted(line)
        == '"GET /icbs/QAA/schedule/?start=2026-11-02&token=[redacted]&page=2&key=[redacted] HTTP/1.1"'
    )


def test_addresses_without_secrets_are_left_alone():
    for text in ("/icbs/QAA/access/calendars/", "/accounts/password/reset/key/done/", "/schools/100001/calendar/"):
        assert secrets_redacted(text) == text


def test_the_services_own_log_redacts_a_not_found_calendar():
    [handler] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(found, RedactSecrets) for found in handler.filters)
    ]
    path = reverse("calendars:feed", args=[TOKEN])
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (path,), None)

    assert handler.filter(record)
    assert TOKEN not in handler.format(record)
    assert "Not Found: /calendars/[redacted]" in handler.format(record)
