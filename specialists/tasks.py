"""The scheduling context's background work. Each task takes ids, if any, and calls a service."""

from celery import shared_task

from pins.kernel.background import MAIL_TASK_OPTIONS


@shared_task(**MAIL_TASK_OPTIONS)
def send_change_request_email(change_request_id: int) -> None:
    """Tell the ICB's coordinators about a school's change request, once."""
    from specialists.services import change_request_email_send

    change_request_email_send(change_request_id=change_request_id)


@shared_task
def send_unsent_change_request_emails() -> int:
    """Every few minutes: e-mail the change requests whose message was lost or could not be sent."""
    from specialists.services import change_request_emails_send_unsent

    return change_request_emails_send_unsent()


@shared_task
def send_due_reminders() -> int:
    """Every hour: visits coming up, outcome records overdue, and the weekly note of days still to allocate."""
    from specialists.services import reminders_send

    return reminders_send()


@shared_task(**MAIL_TASK_OPTIONS)
def send_notice(notice_id: int) -> None:
    """Tell one person about a change to a visit, once."""
    from specialists.services import notice_send

    notice_send(notice_id=notice_id)


@shared_task
def send_unsent_notices() -> int:
    """Every few minutes: send the notices whose message was lost or could not be sent."""
    from specialists.services import notices_send_unsent

    return notices_send_unsent()


@shared_task
def fold_open_visits() -> None:
    """Every few minutes: fold the open-visits trigger's rows into one per ICB and day."""
    from specialists.services import open_visits_fold

    open_visits_fold()
