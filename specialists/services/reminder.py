"""Reminders, sent by a periodic sweep: visits coming up, 7 days and 1 day before (settings.PINS_VISIT_REMINDER_DAYS;
to the school's SENCOs and the specialist), outcome records overdue (to the specialist), and a weekly digest to each
ICB's coordinators of what needs them.

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
from specialists.needs import change_requests_open, outcomes_overdue, schools_behind, visits_unconfirmed

logger = logging.getLogger(__name__)


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


def reminder_window(days_left: int) -> int | None:
    """Which of the reminders before a visit (settings.PINS_VISIT_REMINDER_DAYS, 7 and 1 days) is due this many days
    before it: the nearest window it has entered, so a visit booked 3 days ahead gets its 7-day reminder at once and
    its 1-day one the day before. None when it is further off than every window."""
    entered = [days for days in settings.PINS_VISIT_REMINDER_DAYS if 0 <= days_left <= days]
    return min(entered) if entered else None


def _visits_coming_up(today: datetime.date) -> Iterator[Message]:
    furthest = max(settings.PINS_VISIT_REMINDER_DAYS)
    visits = list(_open_visits().filter(date__range=(today, today + datetime.timedelta(days=furthest))))
    sencos = defaultdict(list)
    for urn, email in SencoMembership.objects.filter(school__enrolments__visits__in=visits).values_list(
        "school_id", "user__email"
    ):
        if email not in sencos[urn]:
            sencos[urn].append(email)
    for visit in visits:
        window = reminder_window((visit.date - today).days)
        school = visit.enrolment.school
        link = settings.SITE_URL + reverse("visits:detail", args=[visit.pk])
        recipients = [*sencos[school.urn], visit.specialist.email]
        for recipient in dict.fromkeys(recipients):
            yield Message(
                kind=Reminder.Kind.VISIT_COMING_UP,
                # One reminder per window and version: a moved visit is reminded of again.
                subject=f"visit:{visit.pk}:v{visit.version}:d{window}",
                recipient=recipient,
                title=f"PINS visit on {visit.date:%A %-d %B}: {visit.specialist.full_name} at {school.name}",
                template="specialists/email/reminder_visit_coming_up.txt",
                context={"visit": visit, "link": link, "days_left": (visit.date - today).days},
            )


def _outcomes_overdue(today: datetime.date) -> Iterator[Message]:
    for visit in outcomes_overdue(Visit.objects.all(), today=today):
        yield Message(
            kind=Reminder.Kind.OUTCOME_OVERDUE,
            subject=f"visit:{visit.pk}:v{visit.version}",
            recipient=visit.specialist.email,
            title=f"Record what happened at {visit.enrolment.school.name} on {visit.date:%-d %B}",
            template="specialists/email/reminder_outcome_overdue.txt",
            context={"visit": visit, "link": settings.SITE_URL + reverse("visits:outcome", args=[visit.pk])},
        )


def _per_icb(queryset, icb_field: str) -> dict[int, int]:
    return dict(queryset.order_by().values_list(icb_field).annotate(n=Count("pk")).values_list(icb_field, "n"))


def _weekly_digest(today: datetime.date) -> Iterator[Message]:
    """Each coordinator's week: days still to allocate, visits unconfirmed after a week, change requests waiting,
    outcomes overdue and schools behind on parent and carer meetings. A fixed number of queries for every ICB."""
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
    now = timezone.now()
    visits = Visit.objects.filter(enrolment__programme_year=year)
    unconfirmed = _per_icb(visits_unconfirmed(visits, now=now), "enrolment__icb")
    requests = _per_icb(change_requests_open(visits), "visit__enrolment__icb")
    overdue = _per_icb(outcomes_overdue(visits, today=today), "enrolment__icb")
    behind = _per_icb(schools_behind(Enrolment.objects.all(), year=year, today=today), "icb")
    concerned = set(left) | set(unconfirmed) | set(requests) | set(overdue) | set(behind)
    for membership in CoordinatorMembership.objects.filter(icb_id__in=concerned).select_related("icb", "user"):
        icb = membership.icb
        yield Message(
            kind=Reminder.Kind.WEEKLY_DIGEST,
            subject=f"icb:{icb.ods_code}:{week}",
            recipient=membership.user.email,
            title=f"PINS week for {icb.short_name} ICB, {today:%-d %B %Y}: what needs you",
            template="specialists/email/reminder_weekly_digest.txt",
            context={
                "person": membership.user,
                "icb": icb,
                "year": year,
                "schools_left": left.get(icb.pk, {}).get("schools", 0),
                "days_left": left.get(icb.pk, {}).get("days", 0),
                "unconfirmed": unconfirmed.get(icb.pk, 0),
                "requests": requests.get(icb.pk, 0),
                "overdue": overdue.get(icb.pk, 0),
                "behind": behind.get(icb.pk, 0),
                "home_link": settings.SITE_URL + reverse("home"),
                "icb_link": settings.SITE_URL + reverse("icbs:detail", args=[icb.ods_code]),
                "plan_link": settings.SITE_URL + reverse("visits:plan", args=[icb.ods_code]),
            },
        )


def due_reminders(today: datetime.date) -> Iterator[Message]:
    yield from _visits_coming_up(today)
    yield from _outcomes_overdue(today)
    yield from _weekly_digest(today)


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
