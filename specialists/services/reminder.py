"""Reminders, sent by a periodic sweep: visits coming up (to the school's SENCOs and the specialist), outcome
records overdue (to the specialist), and days still to allocate (a weekly note to each ICB's coordinators).

Each message is claimed before it is sent: a Reminder row, unique for its kind, subject and recipient, is
written and committed first, then the message is sent with nothing locked, then the row is marked sent. A
second sweep, a retry or a second worker finds the row and sends nothing; a failed send deletes the claim for
the next sweep, and a claim left by a worker that stopped is taken over after its lease (pins.kernel.mail). Nothing
depends on a broker message arriving, so a lost one costs at most a sweep's delay.
"""

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Iterator

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone

from icbs.models import CoordinatorMembership
from pins.kernel.mail import mail_claim, mail_send
from schools.models import Enrolment, SencoMembership
from schools.selectors import programme_year_for
from specialists.models import Reminder, Visit

logger = logging.getLogger(__name__)

COMING_UP_DAYS = 3  # how many days ahead a visit is reminded of
OUTCOME_GRACE_DAYS = 3  # how many days after a visit its outcome record is chased


@dataclasses.dataclass
class Message:
    kind: Reminder.Kind
    subject: str
    recipient: str
    title: str
    template: str
    context: dict


def _open_visits():
    return Visit.objects.open().select_related("enrolment__school", "specialist__user")


def _visits_coming_up(today: datetime.date) -> Iterator[Message]:
    visits = list(_open_visits().filter(date__range=(today, today + datetime.timedelta(days=COMING_UP_DAYS))))
    sencos = defaultdict(list)
    for urn, email in SencoMembership.objects.filter(school__enrolments__visits__in=visits).values_list(
        "school_id", "user__email"
    ):
        if email not in sencos[urn]:
            sencos[urn].append(email)
    for visit in visits:
        school = visit.enrolment.school
        link = settings.SITE_URL + reverse("visits:detail", args=[visit.pk])
        recipients = [*sencos[school.urn], visit.specialist.email]
        for recipient in dict.fromkeys(recipients):
            yield Message(
                kind=Reminder.Kind.VISIT_COMING_UP,
                subject=f"visit:{visit.pk}:v{visit.version}",
                recipient=recipient,
                title=f"PINS visit on {visit.date:%A %-d %B}: {visit.specialist.full_name} at {school.name}",
                template="specialists/email/reminder_visit_coming_up.txt",
                context={"visit": visit, "link": link},
            )


def _outcomes_overdue(today: datetime.date) -> Iterator[Message]:
    cutoff = today - datetime.timedelta(days=OUTCOME_GRACE_DAYS)
    for visit in _open_visits().filter(date__lte=cutoff):
        yield Message(
            kind=Reminder.Kind.OUTCOME_OVERDUE,
            subject=f"visit:{visit.pk}:v{visit.version}",
            recipient=visit.specialist.email,
            title=f"Record what happened at {visit.enrolment.school.name} on {visit.date:%-d %B}",
            template="specialists/email/reminder_outcome_overdue.txt",
            context={"visit": visit, "link": settings.SITE_URL + reverse("visits:outcome", args=[visit.pk])},
        )


def _days_unallocated(today: datetime.date) -> Iterator[Message]:
    year = programme_year_for(today=today)
    if year is None or not year.contains(today):
        return
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    left = {
        row["icb"]: row
        for row in Enrolment.objects.filter(
            programme_year=year, status=Enrolment.Status.ENROLLED, allocated_days__lt=F("quota_days")
        )
        .values("icb")
        .annotate(schools=Count("pk"), days=Sum(F("quota_days") - F("allocated_days")))
    }
    for membership in CoordinatorMembership.objects.filter(icb_id__in=left).select_related("icb", "user"):
        icb = membership.icb
        yield Message(
            kind=Reminder.Kind.DAYS_UNALLOCATED,
            subject=f"icb:{icb.ods_code}:{week}",
            recipient=membership.user.email,
            title=f"{icb.short_name}: days still to allocate in {year}",
            template="specialists/email/reminder_days_unallocated.txt",
            context={
                "icb": icb,
                "year": year,
                "schools": left[icb.pk]["schools"],
                "days": left[icb.pk]["days"],
                "link": settings.SITE_URL + reverse("visits:plan", args=[icb.ods_code]),
            },
        )


def due_reminders(today: datetime.date) -> Iterator[Message]:
    yield from _visits_coming_up(today)
    yield from _outcomes_overdue(today)
    yield from _days_unallocated(today)


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send every reminder due and not yet sent; returns how many were sent. One that fails is logged and
    left for the next sweep; the others still go."""
    today = today or timezone.localdate()
    sent = 0
    for message in due_reminders(today):
        claimed_at = _claim(message)
        if claimed_at is None:
            continue  # sent by an earlier sweep, or being sent by another worker
        try:
            mail_send(subject=message.title, template=message.template, context=message.context, to=[message.recipient])
        except Exception as error:
            # The claim is given back, for the next sweep to try again.
            _claimed(message, claimed_at).delete()
            if isinstance(error, SoftTimeLimitExceeded):
                raise  # the sweep has run out of time: the next one carries on
            logger.exception(
                "Could not send the %s reminder %s to %s", message.kind, message.subject, message.recipient
            )
            continue
        _claimed(message, claimed_at).update(sent_at=timezone.now())
        sent += 1
    return sent


def _claim(message: Message) -> datetime.datetime | None:
    """Claim a reminder by writing its row, committed before it is sent; a claim older than its lease was left
    by a worker that stopped, and is taken over."""
    claimed_at = timezone.now()
    _, created = Reminder.objects.get_or_create(
        kind=message.kind, subject=message.subject, recipient=message.recipient, defaults={"claimed_at": claimed_at}
    )
    if created:
        return claimed_at
    same = Reminder.objects.filter(kind=message.kind, subject=message.subject, recipient=message.recipient)
    return mail_claim(same, claimed="claimed_at", sent="sent_at")


def _claimed(message: Message, claimed_at: datetime.datetime):
    return Reminder.objects.filter(
        kind=message.kind, subject=message.subject, recipient=message.recipient, claimed_at=claimed_at
    )
