"""An e-mail backend for GOV.UK Notify, on its documented REST API (POST /v2/notifications/email), with the
standard library only: docs/adr/0019-notices.md weighs it against notifications-python-client.

Notify sends e-mail from templates kept in the service's Notify account. The service's messages are written here,
so one Notify template carries them all: its subject is `((subject))` and its body `((body))`. Each recipient is
one request. A refusal Notify may lift (rate limit, server error, timeout) raises `NotifyUnavailable`, an OSError,
which the mail tasks retry with backoff (pins.kernel.background); any other refusal raises `NotifyRefused`, and the
claim is given back for the next sweep. The API key never leaves this module: it signs a short-lived token and
appears in no message, log line or task argument.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"


class NotifyUnavailable(OSError):
    """Notify could not take the message now: try again later."""


class NotifyRefused(Exception):
    """Notify refused the message (a bad address, a wrong template or key): trying again at once will not help."""


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def notify_token(api_key: str, *, now: float | None = None) -> str:
    """The bearer token Notify asks for: a JWT (HS256) issued by the service id, signed with the key's secret.
    An API key reads `{key name}-{service id}-{secret}`, the last two each 36 characters."""
    service_id, secret = api_key[-73:-37], api_key[-36:]
    header = _base64url(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"iss": service_id, "iat": int(now if now is not None else time.time())}
    payload = _base64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_base64url(signature)}"


class NotifyEmailBackend(BaseEmailBackend):
    """Sends each message's plain-text subject and body to each of its recipients through GOV.UK Notify."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.api_key = settings.NOTIFY_API_KEY
        self.template_id = settings.NOTIFY_TEMPLATE_ID
        self.reply_to_id = getattr(settings, "NOTIFY_REPLY_TO_ID", "")
        self.base_url = getattr(settings, "NOTIFY_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
        self.timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 10

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            for address in message.recipients():
                try:
                    self._send(address, message.subject, message.body)
                except (NotifyUnavailable, NotifyRefused):
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        return sent

    def _send(self, address: str, subject: str, body: str) -> None:
        payload = {
            "email_address": address,
            "template_id": self.template_id,
            "personalisation": {"subject": subject, "body": body},
        }
        if self.reply_to_id:
            payload["email_reply_to_id"] = self.reply_to_id
        request = urllib.request.Request(
            f"{self.base_url}/v2/notifications/email",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {notify_token(self.api_key)}",
                "Content-Type": "application/json",
                "User-Agent": "pins-programme",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            reason = _reason(error)
            if error.code == 429 or error.code >= 500:
                raise NotifyUnavailable(f"GOV.UK Notify answered {error.code}: {reason}") from None
            raise NotifyRefused(f"GOV.UK Notify refused the message ({error.code}): {reason}") from None
        except (urllib.error.URLError, TimeoutError) as error:
            raise NotifyUnavailable(f"GOV.UK Notify could not be reached: {error}") from None


def _reason(error: urllib.error.HTTPError) -> str:
    """Notify's own words for a refusal (`errors[].message`), which never repeat the key."""
    try:
        answer = json.loads(error.read() or b"{}")
        return "; ".join(str(item.get("message", "")) for item in answer.get("errors", [])) or error.reason
    except (ValueError, AttributeError):
        return str(error.reason)
