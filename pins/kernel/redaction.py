"""Secrets that travel in addresses, kept out of every log: calendar feed tokens, invitation links and
password-reset keys in a path, and query parameters that could carry one. Used by the web server's access
log (pins/gunicorn.py) and by the service's own log handler (settings.LOGGING).

Nothing here imports Django: gunicorn loads it before the application.
"""

import logging
import re

REDACTED = "[redacted]"

# A slash as it appears in a path, and percent-encoded in a query string (next=%2Finvitations%2F...).
_SLASH = r"(?:/|%2F|%252F)"
# The path segment after each of these is a secret (the calendar feed, the invitation link, allauth's reset key).
_SECRET_SEGMENT = re.compile(
    rf"({_SLASH}(?:calendars|invitations|accounts{_SLASH}password{_SLASH}reset{_SLASH}key"
    rf"|accounts{_SLASH}confirm-email){_SLASH})(?!done/)[^/?#&\s\"'%]+",
    re.IGNORECASE,
)
# A query parameter whose name says it holds a secret (?token=..., &key=..., ?code=...).
_SECRET_PARAMETER = re.compile(
    r"((?:^|[?&;])[^=&#\s\"']*(?:token|key|code|secret|password|signature)[^=&#\s\"']*=)[^&#\s\"']*",
    re.IGNORECASE,
)


def secrets_redacted(text: str) -> str:
    """The text with every secret part of an address in it replaced by [redacted]."""
    text = _SECRET_SEGMENT.sub(rf"\g<1>{REDACTED}", text)
    return _SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Redacts the formatted message of every record, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = secrets_redacted(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
