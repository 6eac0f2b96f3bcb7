"""A school asking its ICB to change a visit, the coordinators told by e-mail once, and the request answered."""

import datetime
import logging

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from icbs.models import CoordinatorMembership
from pins.kernel.background import enqueue_on_commit
from pins.kernel.errors import RuleBroken
from pins.kernel.mail import mail_claim, mail_release, mail_send
from specialists.models import ChangeRequest, Notice, Visit
from specialists.services.notice import visit_notices_write
from specialists.services.visit import lock_open_visit

logger = logging.getLogger(__name__)


@transaction.atomic
def visit_change_request(*, visit: Visit, reason: str, by) -> ChangeRequest:
    """A school asks its ICB to move or rethink a visit; the ICB's coordinators are told by e-mail."""
    if not reason.strip():
        raise RuleBroken("Enter why the visit needs to change", field="reason")
    visit = lock_open_visit(visit)
    if ChangeRequest.objects.filter(visit=visit, resolved_at__isnull=True).exists():
        raise RuleBroken("You have already asked for a change to this visit: the coordinator will be in touch")
    request = ChangeRequest.objects.create(visit=visit, reason=reason.strip(), requested_by=by)
    from specialists.tasks import send_change_request_email

    enqueue_on_commit(send_change_request_email, request.pk)
    return request


@transaction.atomic
def visit_decline(*, visit: Visit, reason: str, by) -> ChangeRequest:
    """The visit's specialist declines a proposed visit, with their reason. The visit stays booked until the
    coordinator moves it (to another date or specialist) or cancels it: the decline is a change request they see,
    and are e-mailed, like a school's."""
    if not reason.strip():
        raise RuleBroken("Enter why you cannot make the visit", field="reason")
    visit = lock_open_visit(visit)
    if visit.status != Visit.Status.PROPOSED:
        raise RuleBroken(
            f"This visit is {visit.get_status_display().lower()}: ask your coordinator to move or cancel it"
        )
    if ChangeRequest.objects.filter(visit=visit, resolved_at__isnull=True).exists():
        raise RuleBroken("A change to this visit is already waiting for the coordinator: they will be in touch")
    request = ChangeRequest.objects.create(visit=visit, reason=reason.strip(), requested_by=by, from_specialist=True)
    from specialists.tasks import send_change_request_email

    enqueue_on_commit(send_change_request_email, request.pk)
    return request


@transaction.atomic
def change_request_resolve(*, change_request: ChangeRequest, by) -> None:
    """The coordinator has dealt with a school's request (moving or cancelling the visit also resolves it, and
    says so in its own notice); the SENCO who asked is told."""
    resolved = ChangeRequest.objects.filter(pk=change_request.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )
    if resolved:
        visit_notices_write(visit=change_request.visit, change=Notice.Change.REQUEST_ANSWERED, answered=change_request)


def change_request_email_send(*, change_request_id: int) -> bool:
    """Tell the ICB's coordinators that a school asked for a visit to change, once: a second run finds the
    request already e-mailed. The request is claimed and committed before the e-mail goes, so nothing is
    locked while the mail server answers; a failed send gives the claim back. Returns whether this call sent it."""
    rows = ChangeRequest.objects.filter(pk=change_request_id)
    claimed_at = mail_claim(rows, claimed="email_claimed_at", sent="emailed_at")
    if claimed_at is None:
        return False
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
                subject=(
                    f"{visit.specialist.full_name} declined a PINS visit at {visit.enrolment.school.name}"
                    if request.from_specialist
                    else f"{visit.enrolment.school.name} asks to change a PINS visit"
                ),
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
    return True


def change_request_emails_send_unsent() -> int:
    """E-mail any change request whose message was lost (the broker was down when the school asked) or could not
    be sent. Each is still e-mailed once (it is claimed first); one that fails is logged and left for the next
    sweep while the others go. Returns how many were found waiting."""
    settled = timezone.now() - datetime.timedelta(minutes=2)  # leave the usual path time to run first
    unsent = list(
        ChangeRequest.objects.filter(emailed_at__isnull=True, requested_at__lt=settled).values_list("pk", flat=True)
    )
    for change_request_id in unsent:
        try:
            change_request_email_send(change_request_id=change_request_id)
        except SoftTimeLimitExceeded:
            raise  # the sweep has run out of time: the next one carries on
        except Exception:
            logger.exception("Could not e-mail change request %s: the next sweep tries again", change_request_id)
    return len(unsent)
