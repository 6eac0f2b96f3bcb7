"""Personal data kept no longer than the programme needs it (UK GDPR Article 5(1)(e)): a job that removes
free-text notes older than the retention period, anonymises people removed from the programme that long ago,
and deletes download and access records past it. It says what it did; run twice, the second run does nothing."""

import dataclasses
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from icbs.models import CoordinatorMembership, ForumLeadMembership
from pins.accounts.models import AccessEvent, DownloadRecord, StaffMembership, User
from pins.kernel.history import acting
from schools.models import ParentCarerMeeting, PupilVoiceActivity, SelfAssessmentRating, SencoMembership
from specialists.models import Outcome, Specialist, Visit

ANONYMISED_DOMAIN = "removed.invalid"


@dataclasses.dataclass
class RetentionDone:
    before: datetime.date
    counts: dict[str, int]

    def __str__(self):
        done = [f"{label}: {count}" for label, count in self.counts.items()]
        return f"Personal data older than {self.before:%-d %B %Y}. " + "; ".join(done)


def retention_cutoff(today: datetime.date, *, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _people_removed_before(cutoff: datetime.date):
    """People with no role left in the programme, last seen (or invited, if never seen) before the cutoff."""
    roles = [
        StaffMembership.objects.filter(user=OuterRef("pk")),
        CoordinatorMembership.objects.filter(user=OuterRef("pk")),
        SencoMembership.objects.filter(user=OuterRef("pk")),
        ForumLeadMembership.objects.filter(user=OuterRef("pk")),
        Specialist.objects.filter(user=OuterRef("pk")),
    ]
    last_seen_before = Q(last_login__date__lt=cutoff) | Q(last_login__isnull=True, date_joined__date__lt=cutoff)
    people = User.objects.filter(last_seen_before, is_staff=False, is_superuser=False).exclude(
        email__endswith=f"@{ANONYMISED_DOMAIN}"
    )
    for role in roles:
        people = people.exclude(Exists(role))
    return people


@transaction.atomic
def personal_data_retire(*, today: datetime.date | None = None, years: int | None = None) -> RetentionDone:
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, years=settings.PINS_RETENTION_YEARS if years is None else years)
    counts = {}
    with acting(None, reason="retention period passed"):
        counts["Visit outcome notes removed"] = (
            Outcome.objects.filter(visit__date__lt=cutoff).exclude(notes="").update(notes="")
        )
        counts["Cancellation reasons removed"] = (
            Visit.objects.filter(date__lt=cutoff).exclude(cancellation_reason="").update(cancellation_reason="")
        )
        counts["Parent and carer meeting notes removed"] = (
            ParentCarerMeeting.objects.filter(held_on__lt=cutoff).exclude(notes="").update(notes="")
        )
        counts["Pupil voice descriptions removed"] = (
            PupilVoiceActivity.objects.filter(held_on__lt=cutoff).exclude(description="").update(description="")
        )
        counts["Self-assessment notes removed"] = (
            SelfAssessmentRating.objects.filter(assessment__completed_at__date__lt=cutoff)
            .exclude(notes="")
            .update(notes="")
        )
        people = list(_people_removed_before(cutoff).select_for_update())
        for person in people:
            person.email = f"person-{person.pk}@{ANONYMISED_DOMAIN}"
            person.full_name = ""
            person.is_active = False
            person.set_unusable_password()
            person.save(update_fields=["email", "full_name", "is_active", "password"])
        counts["People removed from the programme anonymised"] = len(people)
        counts["Download records deleted"] = DownloadRecord.objects.filter(at__date__lt=cutoff).delete()[0]
        counts["Access records deleted"] = AccessEvent.objects.filter(at__date__lt=cutoff).delete()[0]
    return RetentionDone(before=cutoff, counts=counts)
