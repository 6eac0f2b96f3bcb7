import logging
import smtplib

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)

# A task that sends e-mail tries again when the mail server is down, slow or refuses for now: six more times,
# waiting a random time of up to 30 seconds, then a minute, two, four, and at most ten minutes.
MAIL_TASK_OPTIONS = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 10 * 60,
    "retry_jitter": True,
    "max_retries": 6,
}


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


@shared_task(**MAIL_TASK_OPTIONS)
def send_invitation_email(invitation_id: int) -> None:
    """E-mail an invitation link, once: a second run (a retry, a duplicate message) finds it sent. Only the
    invitation's id travels through the broker; the link is made while sending."""
    from pins.access import invitation_email_send

    invitation_email_send(invitation_id=invitation_id)
