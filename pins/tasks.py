import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Queue a task once the current transaction commits. If the broker cannot be reached the user's change
    is already saved: log it and carry on, for a periodic sweep or a 'send again' to pick the work up."""

    def enqueue():
        try:
            task.delay(*args)
        except Exception:  # kombu raises transport-specific errors when Redis is down
            logger.exception("Could not queue %s%r: the broker is unreachable", task.name, args)

    transaction.on_commit(enqueue)


@shared_task(ignore_result=False)
def ping() -> str:
    """Operational check: a worker took a task from the broker and ran it."""
    return "pong"


@shared_task
def send_invitation_email(invitation_id: int, token: str) -> None:
    """E-mail an invitation link, once: a second run (a retry, a duplicate message) finds it sent."""
    from pins.models import Invitation

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("icb", "school", "specialist", "created_by")
            .filter(
                pk=invitation_id,
                email_sent_at__isnull=True,
                accepted_at__isnull=True,
                withdrawn_at__isnull=True,
            )
            .first()
        )
        if invitation is None:
            return
        context = {
            "invitation": invitation,
            "link": settings.SITE_URL + reverse("access:accept_invitation", args=[token]),
        }
        send_mail(
            subject=f"You have been invited to the PINS programme service as {invitation.get_role_display()}",
            message=render_to_string("pins/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
        invitation.email_sent_at = timezone.now()
        invitation.save(update_fields=["email_sent_at"])
