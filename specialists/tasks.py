import datetime
import logging

from billiard.exceptions import SoftTimeLimitExceeded
from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from pins.mail import mail_claim, mail_release, mail_send
from pins.tasks import MAIL_TASK_OPTIONS

logger = logging.getLogger(__name__)


@shared_task(**MAIL_TASK_OPTIONS)
def send_change_request_email(change_request_id: int) -> None:
    """Tell the ICB's coordinators that a school asked for a visit to change, once: a second run finds the
    request already e-mailed. The request is claimed and committed before the e-mail goes, so nothing is
    locked while the mail server answers; a failed send gives the claim back."""
    from icbs.models import CoordinatorMembership
    from specialists.models import ChangeRequest

    rows = ChangeRequest.objects.filter(pk=change_request_id)
    claimed_at = mail_claim(rows, claimed="email_claimed_at", sent="emailed_at")
    if claimed_at is None:
        return
    request = rows.select_related(
        "visit__enrolment__school", "visit__enrolment__icb", "visit__specialist", "requested_by"
    ).get()
    visit = request.visit
    coordinators = list(
        CoordinatorMembership.objects.filter(icb=visit.enrolment.icb).values_list("user__email", flat=True)
    )
    try:
        if coordinators:
            mail_send(
                subject=f"{visit.enrolment.school.name} asks to change a PINS visit",
                template="specialists/email/change_request.txt",
                context={
                    "request": request,
                    "visit": visit,
                    "link": settings.SITE_URL + reverse("visits:detail", args=[visit.pk]),
                },
                to=coordinators,
            )
    except Exception:
        mail_release(rows, claimed="email_claimed_at", at=claimed_at)
        raise
    rows.update(emailed_at=timezone.now())


@shared_task
def send_unsent_change_request_emails() -> int:
    """Every few minutes: e-mail any change request whose message was lost (the broker was down when the
    school asked) or could not be sent. Each request is still e-mailed once: the task above claims it. One
    that fails is logged and left for the next sweep; the others still go."""
    from specialists.models import ChangeRequest

    settled = timezone.now() - datetime.timedelta(minutes=2)  # leave the usual path time to run first
    unsent = list(
        ChangeRequest.objects.filter(emailed_at__isnull=True, requested_at__lt=settled).values_list("pk", flat=True)
    )
    for change_request_id in unsent:
        try:
            send_change_request_email(change_request_id)
        except SoftTimeLimitExceeded:
            raise  # the sweep has run out of time: the next one carries on
        except Exception:
            logger.exception("Could not e-mail change request %s: the next sweep tries again", change_request_id)
    return len(unsent)


@shared_task
def send_due_reminders() -> int:
    """Every hour: visits coming up, outcome records overdue, and the weekly note of days still to allocate."""
    from specialists.reminders import reminders_send

    return reminders_send()
