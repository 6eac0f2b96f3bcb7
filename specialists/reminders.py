"""Reminders, sent by a periodic sweep: visits coming up (to the school's SENCOs and the specialist), outcome
records overdue (to the specialist), and days still to allocate (a weekly note to each ICB's coordinators).

Each message is claimed before it is sent: a Reminder row, unique for its kind, subject and recipient, is
written in the same transaction as the sending. A second sweep, a retry or a second worker finds the row and
sends nothing; a failed send rolls the claim back for the next sweep. Nothing depends on a broker message
arriving, so a lost one costs at most a sweep's delay.
"""

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from icbs.models import CoordinatorMembership
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
    return Visit.objects.filter(status__in=[Visit.Status.PROPOSED, Visit.Status.CONFIRMED]).select_related(
        "enrolment__school", "specialist__user"
    )


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
    """Send every reminder due and not yet sent; returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    for message in due_reminders(today):
        try:
            with transaction.atomic():
                Reminder.objects.create(kind=message.kind, subject=message.subject, recipient=message.recipient)
                send_mail(
                    subject=message.title,
                    message=render_to_string(message.template, message.context),
                    from_email=None,
                    recipient_list=[message.recipient],
                )
        except IntegrityError:
            continue  # claimed already: sent by an earlier sweep or another worker
        except Exception:  # the mail server refused: the claim rolled back, the next sweep tries again
            logger.exception(
                "Could not send the %s reminder %s to %s", message.kind, message.subject, message.recipient
            )
            continue
        sent += 1
    return sent
