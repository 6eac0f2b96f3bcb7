"""Sending the service's own e-mail (invitations, change requests, reminders) without holding a lock.

A message is claimed first, on its row, in a short transaction of its own that commits before anything is
sent: a slow or broken mail server then holds no row lock and no open transaction. Once sent, the row is
marked sent; if sending fails, the claim is given back for a retry or the next sweep. A claim left by a
worker that died is taken over once its lease has run out.
"""

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

# Longer than any task may run (CELERY_TASK_TIME_LIMIT), so only a claim whose worker has stopped is taken over.
CLAIM_LEASE = datetime.timedelta(minutes=15)


def mail_subject(text: str) -> str:
    """The subject as one plain line: a newline in a school's or a person's name makes Django refuse a message."""
    return " ".join("".join(character if character.isprintable() else " " for character in text).split())


def mail_send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    send_mail(
        subject=mail_subject(subject),
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=to,
    )


def mail_claim(rows: QuerySet, *, claimed: str, sent: str, **also) -> datetime.datetime | None:
    """Claim the row in `rows` for sending, committed before returning, writing `also` with the claim. Returns
    the claim's time, or None when the row is gone, already sent, or claimed by a worker within its lease."""
    now = timezone.now()
    unclaimed = Q(**{f"{claimed}__isnull": True}) | Q(**{f"{claimed}__lt": now - CLAIM_LEASE})
    # durable: a claim made inside someone else's transaction would not be committed before the send.
    with transaction.atomic(durable=True):
        taken = rows.filter(unclaimed, **{f"{sent}__isnull": True}).update(**{claimed: now}, **also)
    return now if taken else None


def mail_release(rows: QuerySet, *, claimed: str, at: datetime.datetime) -> None:
    """Give back a claim whose message could not be sent, unless another worker has taken it over since."""
    rows.filter(**{claimed: at}).update(**{claimed: None})


def mail_send_text(*, subject: str, body: str, to: list[str]) -> None:
    """Send a message whose body was written earlier (a notice keeps what it said about a change)."""
    send_mail(subject=mail_subject(subject), message=body, from_email=None, recipient_list=to)
