"""Personal data kept no longer than the programme needs it (UK GDPR Article 5(1)(e)): a job that removes
free-text notes older than the retention period, from the rows and from their row history, anonymises people
removed from the programme that long ago, and deletes download and access records past it. It says what it did;
run twice, the second run does nothing.

Row history (docs/adr/0013) keeps every past value of an audited row, so clearing a note on the row alone would
leave it in the history. The job clears the same fields in the history rows of the same objects: it is the one
writer that changes history rows, and only their free text; the rest of each past version stays."""

import dataclasses
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from icbs.models import CoordinatorMembership, ForumLeadMembership
from pins.accounts.models import AccessEvent, DownloadRecord, FreeTextReview, StaffMembership, User
from pins.kernel.history import acting
from schools.models import (
    ParentCarerMeeting,
    PupilVoiceActivity,
    SelfAssessment,
    SelfAssessmentRating,
    SencoMembership,
)
from specialists.models import Outcome, Specialist, Visit

ANONYMISED_DOMAIN = "removed.invalid"
# A visit that did not take place for "another reason" must say what happened (a database check), so its
# details are replaced rather than emptied.
DETAILS_REMOVED = "Removed after the retention period"


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


_DETAILS_CLEARED = Case(When(not_held_reason="other", then=Value(DETAILS_REMOVED)), default=Value(""))


def _history_cleared(visits_past, assessments_past) -> int:
    """The same notes in the row history of the same objects. A history row is past the period when the object
    it records is (an outcome's by its visit, which an outcome never changes), so the history of objects still
    within the period is left alone."""
    visit_events = Visit.pgh_event_model.objects.filter(pgh_obj_id__in=visits_past.values("pk"))
    outcome_events = Outcome.pgh_event_model.objects.filter(visit_id__in=visits_past.values("pk"))
    rating_events = SelfAssessmentRating.pgh_event_model.objects.filter(assessment_id__in=assessments_past.values("pk"))
    with_text = ~Q(cancellation_reason="") | ~Q(not_held_details__in=["", DETAILS_REMOVED])
    return (
        outcome_events.exclude(notes="").update(notes="")
        + visit_events.filter(with_text).update(cancellation_reason="", not_held_details=_DETAILS_CLEARED)
        + rating_events.exclude(notes="").update(notes="")
    )


@transaction.atomic
def personal_data_retire(*, today: datetime.date | None = None, years: int | None = None) -> RetentionDone:
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, years=settings.PINS_RETENTION_YEARS if years is None else years)
    counts = {}
    with acting(None, reason="retention period passed"):
        visits_past = Visit.objects.filter(date__lt=cutoff)
        assessments_past = SelfAssessment.objects.filter(completed_at__date__lt=cutoff)
        counts["Visit outcome notes removed"] = (
            Outcome.objects.filter(visit__in=visits_past).exclude(notes="").update(notes="")
        )
        counts["Cancellation reasons removed"] = visits_past.exclude(cancellation_reason="").update(
            cancellation_reason=""
        )
        counts["Details of visits that did not take place removed"] = visits_past.exclude(
            not_held_details__in=["", DETAILS_REMOVED]
        ).update(not_held_details=_DETAILS_CLEARED)
        counts["Parent and carer meeting notes removed"] = (
            ParentCarerMeeting.objects.filter(held_on__lt=cutoff).exclude(notes="").update(notes="")
        )
        counts["Pupil voice descriptions removed"] = (
            PupilVoiceActivity.objects.filter(held_on__lt=cutoff).exclude(description="").update(description="")
        )
        counts["Self-assessment notes removed"] = (
            SelfAssessmentRating.objects.filter(assessment__in=assessments_past).exclude(notes="").update(notes="")
        )
        counts["Row history entries with those notes cleared"] = _history_cleared(visits_past, assessments_past)
        counts["Notes released to the evaluation after review removed"] = FreeTextReview.objects.filter(
            about_date__lt=cutoff
        ).delete()[0]
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
