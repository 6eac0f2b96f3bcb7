from celery import shared_task

from pins.kernel.background import MAIL_TASK_OPTIONS


@shared_task(**MAIL_TASK_OPTIONS)
def send_invitation_email(invitation_id: int) -> None:
    """E-mail an invitation link, once: a second run (a retry, a duplicate message) finds it sent. Only the
    invitation's id travels through the broker; the link is made while sending."""
    from pins.accounts.services import invitation_email_send

    invitation_email_send(invitation_id=invitation_id)
