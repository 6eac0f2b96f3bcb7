"""The GOV.UK Notify backend speaks Notify's documented API to a real HTTP server standing in for Notify: a signed
token from the key, one request per recipient with the subject and body as the template's personalisation, and
refusals it may lift told apart from those it will not."""

import base64
import hashlib
import hmac
import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core import mail

from pins.kernel.notify import NotifyRefused, NotifyUnavailable, notify_token

ROOT = Path(__file__).resolve().parents[3]
SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"pins_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def _decode(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class FakeNotify(http.server.BaseHTTPRequestHandler):
    """Answers as Notify does: 201 with the notification, or the status a test asks for with Notify's error body.
    It checks the bearer token's signature with the service's secret, as Notify does."""

    received: list = []
    answers: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        header, claims, signature = token.split(".")
        expected = hmac.new(SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
        signed = base64.urlsafe_b64encode(expected).rstrip(b"=").decode() == signature
        FakeNotify.received.append({"path": self.path, "body": body, "claims": _decode(claims), "signed": signed})
        status = FakeNotify.answers.pop(0) if FakeNotify.answers else 201
        answer = {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"} if status == 201 else {
            "status_code": status, "errors": [{"error": "Error", "message": f"Notify says {status}"}]
        }  # fmt: skip
        encoded = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, *args):
        pass


@pytest.fixture
def notify(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNotify.received, FakeNotify.answers = [], []
    settings.EMAIL_BACKEND = "pins.kernel.notify.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield FakeNotify
    server.shutdown()
    server.server_close()


def test_each_recipient_is_one_signed_request_with_the_subject_and_body(notify):
    sent = mail.send_mail("PINS visit moved", "Hello Sam,\n\nIt moved.", None, ["a@example.org", "b@example.org"])

    assert sent == 2
    assert [request["body"]["email_address"] for request in notify.received] == ["a@example.org", "b@example.org"]
    first = notify.received[0]
    assert first["path"] == "/v2/notifications/email"
    assert first["body"]["template_id"] == TEMPLATE_ID
    assert first["body"]["personalisation"] == {"subject": "PINS visit moved", "body": "Hello Sam,\n\nIt moved."}
    assert first["signed"] and first["claims"]["iss"] == SERVICE_ID


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_refusal_notify_may_lift_is_retried_by_the_mail_tasks(notify, status):
    notify.answers.append(status)

    with pytest.raises(NotifyUnavailable, match=f"Notify says {status}") as raised:
        mail.send_mail("Subject", "Body", None, ["a@example.org"])

    assert isinstance(raised.value, OSError)  # what MAIL_TASK_OPTIONS retries with backoff


def test_a_message_notify_will_not_take_is_refused_without_the_key(notify, caplog):
    notify.answers.append(400)

    with pytest.raises(NotifyRefused) as raised:
        mail.send_mail("Subject", "Body", None, ["not-an-address"])

    assert "Notify says 400" in str(raised.value)
    assert SECRET not in str(raised.value) and SECRET not in caplog.text


def test_notify_unreachable_is_a_refusal_to_retry(settings, notify):
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port

    with pytest.raises(NotifyUnavailable, match="could not be reached"):
        mail.send_mail("Subject", "Body", None, ["a@example.org"])


def test_fail_silently_counts_only_what_went(notify):
    notify.answers.append(400)

    assert mail.send_mail("Subject", "Body", None, ["a@example.org", "b@example.org"], fail_silently=True) == 1


def test_the_token_is_a_jwt_of_the_service_signed_with_its_secret():
    header, claims, _ = notify_token(API_KEY, now=1_700_000_000).split(".")

    assert _decode(header) == {"typ": "JWT", "alg": "HS256"}
    assert _decode(claims) == {"iss": SERVICE_ID, "iat": 1_700_000_000}


def _settings_with(**env) -> subprocess.CompletedProcess:
    """The settings module as a fresh process reads it from this environment."""
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "pins.settings", "DEBUG": "true", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_notify_is_chosen_by_its_key_and_the_console_is_the_default():
    assert _settings_with().stdout.strip() == "django.core.mail.backends.console.EmailBackend"
    chosen = _settings_with(NOTIFY_API_KEY=API_KEY, NOTIFY_TEMPLATE_ID=TEMPLATE_ID)
    assert chosen.stdout.strip() == "pins.kernel.notify.NotifyEmailBackend"
    missing = _settings_with(NOTIFY_API_KEY=API_KEY)
    assert missing.returncode != 0 and "NOTIFY_TEMPLATE_ID is required with NOTIFY_API_KEY" in missing.stderr
    assert SECRET not in missing.stderr
