"""Secret calendar addresses: made, replaced and stopped. Only a hash of each token is kept."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from schools.models import School
from specialists.models import CalendarFeed, Specialist


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, calendar_token_hash(token)


def calendar_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, school: School | None = None, specialist: Specialist | None = None, by) -> str:
    """A new secret calendar address for a school or a specialist; the old one stops working. Returns the
    token, which is shown once and never stored."""
    calendar_feed_revoke(school=school, specialist=specialist, by=by)
    token, token_hash = _new_token()
    CalendarFeed.objects.create(school=school, specialist=specialist, token_hash=token_hash, created_by=by)
    return token


@transaction.atomic
def calendar_feed_revoke(
    *, school: School | None = None, specialist: Specialist | None = None, made_by=None, by
) -> int:
    """Stop a school's or a specialist's calendar address (only if `made_by` made it, when given), recording
    who stopped it. Returns how many stopped: none if there was no address."""
    if (school is None) == (specialist is None):
        raise ValueError("A calendar belongs to a school or to a specialist")
    feeds = CalendarFeed.objects.filter(school=school, specialist=specialist, revoked_at__isnull=True)
    if made_by is not None:
        feeds = feeds.filter(created_by=made_by)
    return feeds.update(revoked_at=timezone.now(), revoked_by=by)
