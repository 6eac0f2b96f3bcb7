import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone


@shared_task
def send_change_request_email(change_request_id: int) -> None:
    """Tell the ICB's coordinators that a school asked for a visit to change, once: a second run finds the
    request already e-mailed."""
    from icbs.models import CoordinatorMembership
    from specialists.models import ChangeRequest

    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("visit__enrolment__school", "visit__enrolment__icb", "visit__specialist", "requested_by")
            .filter(pk=change_request_id, emailed_at__isnull=True)
            .first()
        )
        if request is None:
            return
        visit = request.visit
        coordinators = list(
            CoordinatorMembership.objects.filter(icb=visit.enrolment.icb).values_list("user__email", flat=True)
        )
        if coordinators:
            send_mail(
                subject=f"{visit.enrolment.school.name} asks to change a PINS visit",
                message=render_to_string(
                    "specialists/email/change_request.txt",
                    {
                        "request": request,
                        "visit": visit,
                        "link": settings.SITE_URL + reverse("visits:detail", args=[visit.pk]),
                    },
                ),
                from_email=None,
                recipient_list=coordinators,
            )
        request.emailed_at = timezone.now()
        request.save(update_fields=["emailed_at"])


@shared_task
def send_unsent_change_request_emails() -> int:
    """Every few minutes: e-mail any change request whose message was lost (the broker was down when the
    school asked). Each request is still e-mailed once: the task above claims it."""
    from specialists.models import ChangeRequest

    settled = timezone.now() - datetime.timedelta(minutes=2)  # leave the usual path time to run first
    unsent = list(
        ChangeRequest.objects.filter(emailed_at__isnull=True, requested_at__lt=settled).values_list("pk", flat=True)
    )
    for change_request_id in unsent:
        send_change_request_email(change_request_id)
    return len(unsent)


@shared_task
def send_due_reminders() -> int:
    """Every hour: visits coming up, outcome records overdue, and the weekly note of days still to allocate."""
    from specialists.reminders import reminders_send

    return reminders_send()
