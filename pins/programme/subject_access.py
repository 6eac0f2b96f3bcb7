"""Everything the service holds about one person, gathered for a subject access request (UK GDPR Article 15)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from icbs.models import CoordinatorMembership, ForumLeadMembership
from pins.accounts.models import AccessEvent, DownloadRecord, FreeTextReview, Invitation, StaffMembership, User
from pins.kernel.errors import RuleBroken
from schools.models import ParentCarerMeeting, PupilVoiceActivity, SelfAssessment, SencoMembership
from specialists.models import Outcome, Specialist, Visit


def _rows(queryset, *fields) -> list[dict]:
    return list(queryset.values(*fields))


def subject_access_gather(*, email: str) -> dict:
    """The person's account, roles, the records they made and the records about them, as plain data."""
    email = email.strip()
    user = User.objects.filter(email__iexact=email).first()
    specialists = Specialist.objects.filter(Q(user=user) if user else Q(email__iexact=email))
    if user is None and not specialists.exists() and not Invitation.objects.filter(email__iexact=email).exists():
        raise RuleBroken(f"The service holds nothing about {email}")
    held = {
        "e-mail address": email,
        "invitations": _rows(Invitation.objects.filter(email__iexact=email), "role", "created_at", "accepted_at"),
        "access records about them": _rows(AccessEvent.objects.filter(email__iexact=email), "at", "action", "role"),
        "specialist records": _rows(specialists, "pk", "full_name", "email", "discipline", "icb__name"),
        "visits as a specialist": _rows(
            Visit.objects.filter(specialist__in=specialists).order_by("date"),
            "date",
            "session",
            "status",
            "enrolment__school__name",
        ),
    }
    if user is not None:
        held |= {
            "account": _rows(User.objects.filter(pk=user.pk), "email", "full_name", "date_joined", "last_login")[0],
            "programme staff roles": _rows(StaffMembership.objects.filter(user=user), "role", "granted_at"),
            "ICBs coordinated": _rows(CoordinatorMembership.objects.filter(user=user), "icb__name"),
            "schools as SENCO": _rows(SencoMembership.objects.filter(user=user), "school__name", "school__urn"),
            "forums led": _rows(ForumLeadMembership.objects.filter(user=user), "forum__name"),
            "access they gave or removed": _rows(
                AccessEvent.objects.filter(actor=user), "at", "action", "role", "email"
            ),
            "downloads": _rows(DownloadRecord.objects.filter(user=user), "at", "filename", "path"),
            "free text reviewed for the evaluation": _rows(
                FreeTextReview.objects.filter(reviewed_by=user), "reviewed_at", "kind", "object_id", "decision"
            ),
            "visit outcomes recorded": _rows(
                Outcome.objects.filter(recorded_by=user), "visit__date", "visit__enrolment__school__name", "notes"
            ),
            "visits cancelled": _rows(
                Visit.objects.filter(cancelled_by=user), "date", "enrolment__school__name", "cancellation_reason"
            ),
            "parent and carer meetings recorded": _rows(
                ParentCarerMeeting.objects.filter(recorded_by=user), "held_on", "enrolment__school__name", "notes"
            ),
            "pupil voice recorded": _rows(
                PupilVoiceActivity.objects.filter(recorded_by=user), "held_on", "enrolment__school__name", "description"
            ),
            "self-assessments completed": _rows(
                SelfAssessment.objects.filter(completed_by=user), "stage", "completed_at", "enrolment__school__name"
            ),
        }
    return held


def subject_access_json(*, email: str) -> str:
    return json.dumps(subject_access_gather(email=email), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
