"""Notices of every change to a visit: the school's SENCOs and the specialist are each told, once, that a visit
was proposed, moved or cancelled, and the SENCO who asked for a change that it was dealt
with.

The services that change a visit call `visit_notices_write` in their own transaction: it writes one Notice row per
person, with its subject and body, and queues a task for each once the transaction commits. Sending happens there,
after the commit, with nothing locked: the row is claimed first (pins.kernel.mail), so a retry, a task run twice or
by two workers at once, or the sweep sends it once. If the broker is down when the change commits, the change is
saved anyway and `notices_send_unsent`, every few minutes, sends what was left.
"""

import dataclasses
import datetime
import logging

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pins.kernel.background import enqueue_on_commit
from pins.kernel.mail import mail_claim, mail_release, mail_send_text
from schools.models import SencoMembership
from specialists.models import ChangeRequest, Notice, Specialist, Visit

logger = logging.getLogger(__name__)

# How long the task queued on commit has to send a notice before the sweep takes it over.
SWEEP_AFTER = datetime.timedelta(minutes=2)

HEADLINES = {
    Notice.Change.PROPOSED: "PINS visit proposed for {date}",
    Notice.Change.MOVED: "PINS visit moved to {date}",
    Notice.Change.CANCELLED: "PINS visit on {date} cancelled",
    Notice.Change.NOT_HELD: "PINS visit on {date} recorded as not taking place",
    Notice.Change.REQUEST_ANSWERED: "Your change request for the PINS visit on {date} was dealt with",
}


@dataclasses.dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    is_specialist: bool


def _recipients(visit: Visit) -> list[Recipient]:
    """The school's SENCOs, then the specialist, each address once."""
    people = [
        Recipient(email=email, name=full_name or "", is_specialist=False)
        for email, full_name in SencoMembership.objects.filter(school_id=visit.enrolment.school_id)
        .order_by("user__email")
        .values_list("user__email", "user__full_name")
    ]
    specialist = visit.specialist
    people.append(Recipient(email=specialist.email, name=specialist.full_name, is_specialist=True))
    seen, unique = set(), []
    for person in people:
        if person.email and person.email.lower() not in seen:
            seen.add(person.email.lower())
            unique.append(person)
    return unique


def _subject(change: Notice.Change, visit: Visit) -> str:
    date = f"{visit.date:%A} {visit.date.day} {visit.date:%B}"
    return f"{HEADLINES[change].format(date=date)}: {visit.specialist.full_name} at {visit.enrolment.school.name}"


def visit_notices_write(
    *,
    visit: Visit,
    change: Notice.Change,
    before: str = "",
    answered: ChangeRequest | None = None,
    former_specialist: Specialist | None = None,
) -> list[Notice]:
    """Write the notices of one change to a visit, in the caller's transaction, and send them once it commits.
    `before` says what the visit was (for a move); `answered` is a change request this change dealt with, whose
    SENCO is the only one told when nothing else about the visit changed (REQUEST_ANSWERED)."""
    if change == Notice.Change.REQUEST_ANSWERED:
        asker = answered.requested_by if answered else None
        people = [Recipient(email=asker.email, name=asker.full_name, is_specialist=False)] if asker else []
        key = f"request:{answered.pk}:answered" if answered else ""
    else:
        people = _recipients(visit)
        if former_specialist is not None and former_specialist.email.lower() not in {p.email.lower() for p in people}:
            # Taken off the visit: told where it went, so they can clear their diary.
            people.append(
                Recipient(email=former_specialist.email, name=former_specialist.full_name, is_specialist=True)
            )
        key = f"v{visit.version}:{change}"
    link = settings.SITE_URL + reverse("visits:detail", args=[visit.pk])
    notices = [
        Notice(
            visit=visit,
            change=change,
            key=key,
            recipient=person.email,
            recipient_name=person.name,
            subject=_subject(change, visit),
            body=render_to_string(
                "specialists/email/notice.txt",
                {
                    "change": change,
                    "person": person,
                    "visit": visit,
                    "before": before,
                    "answered": answered,
                    "link": link,
                },
            ),
        )
        for person in people
    ]
    written = Notice.objects.bulk_create(notices, ignore_conflicts=True)
    from specialists.tasks import send_notice

    for notice in Notice.objects.filter(visit=visit, key=key, sent_at__isnull=True).values_list("pk", flat=True):
        enqueue_on_commit(send_notice, notice)
    return written


def notice_send(*, notice_id: int) -> bool:
    """Send one notice, once: claimed and committed before the mail server is asked, so nothing is locked while it
    answers; a failed send gives the claim back and raises, for the task's retry or the sweep. Returns whether this
    call sent it."""
    rows = Notice.objects.filter(pk=notice_id)
    claimed_at = mail_claim(rows, claimed="claimed_at", sent="sent_at")
    if claimed_at is None:
        return False
    notice = rows.get()
    try:
        mail_send_text(subject=notice.subject, body=notice.body, to=[notice.recipient])
    except Exception:
        mail_release(rows, claimed="claimed_at", at=claimed_at)
        raise
    rows.filter(claimed_at=claimed_at).update(sent_at=timezone.now())
    return True


def notices_send_unsent() -> int:
    """Send every notice left unsent (its task was lost with the broker, or its sends failed), each once; one that
    fails is logged and left for the next sweep while the others go. Returns how many this sweep sent."""
    settled = timezone.now() - SWEEP_AFTER
    waiting = list(Notice.objects.unsent().filter(created_at__lt=settled).values_list("pk", flat=True))
    sent = 0
    for notice_id in waiting:
        try:
            sent += notice_send(notice_id=notice_id)
        except SoftTimeLimitExceeded:
            raise  # the sweep has run out of time: the next one carries on
        except Exception:
            logger.exception("Could not send notice %s: the next sweep tries again", notice_id)
    return sent
