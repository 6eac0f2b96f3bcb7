"""Giving and taking away access: invitations, accepting them, and removing someone's role.

Every grant and removal writes an AccessEvent with who did it and when.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from icbs.models import ICB, CoordinatorMembership, ForumLeadMembership, ParentCarerForum
from pins.accounts.models import AccessEvent, DownloadRecord, FreeTextReview, Invitation, StaffMembership, User
from pins.kernel.background import enqueue_on_commit
from pins.kernel.errors import RuleBroken
from pins.kernel.mail import mail_claim, mail_release, mail_send
from schools.models import School, SencoMembership
from specialists.models import Specialist
from specialists.services import calendar_feed_revoke

INVITATION_LIFETIME = datetime.timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _record_about(invitation: Invitation, action: AccessEvent.Action, *, by) -> None:
    AccessEvent.objects.create(
        actor=by,
        action=action,
        role=invitation.role,
        email=invitation.email,
        icb=invitation.icb,
        school=invitation.school,
        specialist=invitation.specialist,
    )


def _record_removal(role: Invitation.Role, *, email: str, icb: ICB, by, **target) -> None:
    AccessEvent.objects.create(actor=by, action=AccessEvent.Action.REMOVED, role=role, email=email, icb=icb, **target)


def _has_role_already(
    *, email: str, role: str, icb: ICB, school: School | None, specialist: Specialist | None, forum=None
):
    user = User.objects.with_email(email).first()
    if user is None:
        return False
    if role == Invitation.Role.FORUM_LEAD:
        return ForumLeadMembership.objects.filter(user=user, forum=forum).exists()
    if role == Invitation.Role.COORDINATOR:
        return CoordinatorMembership.objects.filter(user=user, icb=icb).exists()
    if role == Invitation.Role.SENCO:
        return SencoMembership.objects.filter(user=user, school=school).exists()
    return specialist.user_id == user.pk


@transaction.atomic
def invitation_send(
    *,
    email: str,
    role: Invitation.Role,
    icb: ICB,
    by: User,
    school: School | None = None,
    specialist: Specialist | None = None,
    forum: ParentCarerForum | None = None,
) -> Invitation:
    """Invite someone to a role and e-mail them a single-use link. Sending again replaces the earlier link.
    The caller has checked that `by` may give this role here."""
    email = email.strip().lower()
    if role == Invitation.Role.SPECIALIST:
        if specialist.user_id is not None:
            raise RuleBroken(f"{specialist.full_name} already has an account", field="specialist")
        email = specialist.email.lower()
    if not icb.is_current():
        raise RuleBroken(f"{icb.short_name} ICB has merged into another ICB: invite people to that one instead")
    if role == Invitation.Role.FORUM_LEAD and not ParentCarerForum.objects.in_icb(icb).filter(pk=forum.pk).exists():
        raise RuleBroken(f"{forum.name} does not work in {icb.short_name}", field="forum")
    if _has_role_already(email=email, role=role, icb=icb, school=school, specialist=specialist, forum=forum):
        raise RuleBroken(f"{email} already has this access", field="email")

    now = timezone.now()
    Invitation.objects.pending().filter(
        email__iexact=email, role=role, icb=icb, school=school, specialist=specialist, forum=forum
    ).update(withdrawn_at=now)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        icb=icb,
        school=school,
        specialist=specialist,
        forum=forum,
        created_by=by,
        expires_at=now + INVITATION_LIFETIME,
    )
    _record_about(invitation, AccessEvent.Action.INVITED, by=by)
    from pins.accounts.tasks import send_invitation_email

    enqueue_on_commit(send_invitation_email, invitation.pk)
    return invitation


def invitation_email_send(*, invitation_id: int) -> bool:
    """E-mail a waiting invitation its single-use link, once; returns whether this call sent it. The link is
    made here, as the claim to send is committed, and only its hash is kept, so the token never goes through
    the broker; any earlier link stops working. Not atomic on purpose: nothing is locked while mail is sent."""
    token = secrets.token_urlsafe(32)
    claimed_at = mail_claim(
        Invitation.objects.pending().filter(pk=invitation_id),
        claimed="email_claimed_at",
        sent="email_sent_at",
        token_hash=_hash(token),
    )
    if claimed_at is None:
        return False
    invitation = Invitation.objects.select_related("icb", "school", "specialist", "created_by").get(pk=invitation_id)
    try:
        mail_send(
            subject=f"You have been invited to the PINS programme service as {invitation.get_role_display()}",
            template="accounts/email/invitation.txt",
            context={
                "invitation": invitation,
                "link": settings.SITE_URL + reverse("access:accept_invitation", args=[token]),
            },
            to=[invitation.email],
        )
    except Exception:
        mail_release(Invitation.objects.filter(pk=invitation_id), claimed="email_claimed_at", at=claimed_at)
        raise
    Invitation.objects.filter(pk=invitation_id).update(email_sent_at=timezone.now())
    return True


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("icb", "school", "specialist").filter(token_hash=_hash(token)).first()


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why a link cannot be used, in words for the person who followed it; None if it can."""
    if invitation is None:
        return "This invitation link is not valid. Check you copied the whole link from the e-mail."
    if invitation.accepted_at:
        return "This invitation has already been used. Sign in with the account you set up."
    if invitation.withdrawn_at:
        return "This invitation was withdrawn or replaced by a newer one. Use the link in the latest e-mail."
    if invitation.expires_at <= timezone.now():
        return "This invitation has expired. Ask the person who invited you to send a new one."
    return None


@transaction.atomic
def invitation_accept(
    *, token: str, user: User | None = None, full_name: str = "", password: str = ""
) -> tuple[User, Invitation]:
    """Use an invitation: create the account (or take the signed-in one, whose e-mail must match) and
    grant the role. A link works once: the invitation row is locked while it is used."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=_hash(token)).first()
    if problem := invitation_problem(invitation):
        raise RuleBroken(problem)
    if user is None:
        if User.objects.with_email(invitation.email).exists():
            raise RuleBroken("You already have an account: sign in to accept this invitation")
        if not full_name.strip():
            raise RuleBroken("Enter your full name", field="full_name")
        candidate = User(email=invitation.email, full_name=full_name.strip())
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise RuleBroken(" ".join(error.messages), field="password1") from None
        candidate.set_password(password)
        candidate.save()
        user = candidate
    elif user.email.lower() != invitation.email.lower():
        raise RuleBroken(
            f"This invitation is for {invitation.email}, but you are signed in as {user.email}. "
            "Sign out, then follow the link again."
        )

    _grant(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _record_about(invitation, AccessEvent.Action.GRANTED, by=user)
    return user, invitation


def _grant(invitation: Invitation, user: User) -> None:
    if invitation.role == Invitation.Role.COORDINATOR:
        CoordinatorMembership.objects.get_or_create(
            user=user, icb=invitation.icb, defaults={"granted_by": invitation.created_by}
        )
    elif invitation.role == Invitation.Role.SENCO:
        SencoMembership.objects.get_or_create(
            user=user, school=invitation.school, defaults={"granted_by": invitation.created_by}
        )
    elif invitation.role == Invitation.Role.FORUM_LEAD:
        ForumLeadMembership.objects.get_or_create(
            user=user, forum=invitation.forum, defaults={"granted_by": invitation.created_by}
        )
    else:
        specialist = Specialist.objects.select_for_update().get(pk=invitation.specialist_id)
        if specialist.user_id not in (None, user.pk):
            raise RuleBroken(f"{specialist.full_name} is already linked to another account")
        specialist.user = user
        specialist.save(update_fields=["user"])


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User) -> None:
    updated = Invitation.objects.pending().filter(pk=invitation.pk).update(withdrawn_at=timezone.now())
    if not updated:
        raise RuleBroken("This invitation has already been used, withdrawn or has expired")
    _record_about(invitation, AccessEvent.Action.INVITATION_WITHDRAWN, by=by)


def last_coordinator_refusal(membership: CoordinatorMembership) -> str:
    """Why the last coordinator of an ICB is not removed."""
    return (
        f"{membership.user.email} is the only coordinator of {membership.icb.short_name} ICB: invite another "
        "coordinator first, so that someone can still enrol its schools, book visits and give people access"
    )


@transaction.atomic
def coordinator_remove(*, membership: CoordinatorMembership, by: User) -> None:
    """Take a coordinator's access to an ICB away, never the last one's. Removals from one ICB queue on its
    row, so two coordinators removing each other at once cannot leave it with none."""
    ICB.objects.select_for_update().filter(pk=membership.icb_id).first()
    coordinators = set(CoordinatorMembership.objects.filter(icb_id=membership.icb_id).values_list("pk", flat=True))
    if membership.pk not in coordinators:
        raise RuleBroken(f"{membership.user.email} is no longer a coordinator of {membership.icb.short_name} ICB")
    if coordinators == {membership.pk}:
        raise RuleBroken(last_coordinator_refusal(membership))
    membership.delete()
    _record_removal(Invitation.Role.COORDINATOR, email=membership.user.email, icb=membership.icb, by=by)


@transaction.atomic
def forum_lead_remove(*, membership: ForumLeadMembership, icb: ICB, by: User) -> None:
    """Take a forum lead's access to their forum away; `icb` is the ICB whose coordinator removes them."""
    membership.delete()
    _record_removal(Invitation.Role.FORUM_LEAD, email=membership.user.email, icb=icb, by=by)


@transaction.atomic
def senco_remove(*, membership: SencoMembership, by: User) -> None:
    """Take a SENCO's access to a school away, and stop the calendar address they made for it."""
    membership.delete()
    calendar_feed_revoke(school=membership.school, made_by=membership.user, by=by)
    _record_removal(
        Invitation.Role.SENCO, email=membership.user.email, icb=membership.school.icb, school=membership.school, by=by
    )


@transaction.atomic
def specialist_account_remove(*, specialist: Specialist, by: User) -> None:
    """Unlink a specialist's account: they can no longer sign in to see visits, and their calendar address
    stops working. Their record stays."""
    user = specialist.user
    if user is None:
        raise RuleBroken(f"{specialist.full_name} has no account to remove")
    specialist.user = None
    specialist.save(update_fields=["user"])
    calendar_feed_revoke(specialist=specialist, by=by)
    _record_removal(Invitation.Role.SPECIALIST, email=user.email, icb=specialist.icb, specialist=specialist, by=by)


@transaction.atomic
def staff_role_grant(*, user: User, role: StaffMembership.Role, by: User | None) -> StaffMembership:
    """Make someone DfE programme staff or a programme admin: they read every ICB's data. The caller has
    checked that `by` may do this (no one, for the first admin, made from the command line)."""
    if role not in StaffMembership.Role.values:
        raise RuleBroken(f"{role!r} is not a staff role: choose {' or '.join(StaffMembership.Role.values)}")
    # The account's row is the lock that queues a grant behind a removal for the same person.
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise RuleBroken(f"{user.email}'s account is deactivated: reactivate it before giving it a role")
    if StaffMembership.objects.filter(user=user, role=role).exists():
        raise RuleBroken(f"{user.email} already has the {StaffMembership.Role(role).label} role")
    membership = StaffMembership.objects.create(user=user, role=role, granted_by=by)
    if role == StaffMembership.Role.PROGRAMME_ADMIN:
        # The Django admin is the programme admin's tool: reaching it is part of the role, recorded with it.
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    AccessEvent.objects.create(actor=by, action=AccessEvent.Action.GRANTED, role=role, email=user.email)
    return membership


@transaction.atomic
def staff_role_remove(*, membership: StaffMembership, by: User | None) -> None:
    """Take a staff role away; the person keeps their account and any other role."""
    user = User.objects.select_for_update().get(pk=membership.user_id)
    if not StaffMembership.objects.filter(pk=membership.pk).delete()[0]:
        raise RuleBroken(f"{membership} has already been removed")
    if membership.role == StaffMembership.Role.PROGRAMME_ADMIN:
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    AccessEvent.objects.create(
        actor=by, action=AccessEvent.Action.REMOVED, role=membership.role, email=membership.user.email
    )


def invitation_has_account(invitation: Invitation) -> bool:
    return User.objects.with_email(invitation.email).exists()


@transaction.atomic
def download_record(*, path: str, filename: str, personal: bool, by) -> DownloadRecord:
    return DownloadRecord.objects.create(user=by, path=path, filename=filename, personal=personal)


def text_digest(text: str) -> str:
    """The digest PostgreSQL's md5() gives the same text, so a query can tell whether a review still matches."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


@transaction.atomic
def free_text_review(
    *, kind: str, object_id: int, text: str, seen_digest: str, decision: str, redacted: str, about_date, by
) -> FreeTextReview:
    """Record the programme admin's decision on a piece of free text, replacing any earlier one. `seen_digest` is
    the digest of the text as the page showed it: a text changed since is refused, so nobody approves words they
    have not read."""
    if decision not in FreeTextReview.Decision.values:
        raise RuleBroken("Choose whether this may go to the evaluation", field="decision")
    if text_digest(text) != seen_digest:
        raise RuleBroken("The text has changed since you opened the page: read it again before deciding")
    redacted = redacted.strip()
    if decision == FreeTextReview.Decision.REDACTED and not redacted:
        raise RuleBroken("Enter the text with names and details taken out", field="redacted")
    released = {FreeTextReview.Decision.APPROVED: text, FreeTextReview.Decision.REDACTED: redacted}.get(decision, "")
    review, _ = FreeTextReview.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "text_digest": seen_digest,
            "decision": decision,
            "released_text": released,
            "about_date": about_date,
            "reviewed_by": by,
            "reviewed_at": timezone.now(),
        },
    )
    return review
