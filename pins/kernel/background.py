"""Background work: queueing a Celery task once the transaction commits, and the retry policy of tasks that send
e-mail. The tasks themselves live in each app's tasks.py and call its services."""

import logging
import smtplib

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
