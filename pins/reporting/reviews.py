"""Free text that may go to the evaluation once the programme admin has read it: which fields (`REVIEWABLE`),
the queue of those not yet decided, and the text released for the evaluator's exports (docs/adr/0021).

A decision holds the digest of the text it was made on. The queue and the exports compare it with the digest of
the text as it is now, in the query, so an edited note goes back into the queue and out of the exports without
anyone remembering to."""

import dataclasses

from django.db import models
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import MD5

from pins.accounts.models import FreeTextReview
from schools.models import ParentCarerMeeting, PupilVoiceActivity
from specialists.models import Outcome, Visit


@dataclasses.dataclass(frozen=True)
class Reviewable:
    kind: str
    title: str  # "Visit outcome notes"
    model: type[models.Model]
    field: str  # the free text
    about_date: str  # the date the text is about
    enrolment: str  # the path to its enrolment, for the school and ICB shown beside it

    def queue(self) -> models.QuerySet:
        """Pieces of this text with no decision on the text as it now reads, oldest first."""
        decided = FreeTextReview.objects.filter(
            kind=self.kind, object_id=OuterRef("pk"), text_digest=MD5(OuterRef(self.field))
        )
        return (
            self.model.objects.exclude(**{self.field: ""})
            .filter(~Exists(decided))
            .annotate(
                text=F(self.field),
                digest=MD5(self.field),
                about=F(self.about_date),
                school_name=F(f"{self.enrolment}__school__name"),
                school_urn=F(f"{self.enrolment}__school_id"),
                icb_name=F(f"{self.enrolment}__icb__name"),
            )
            .order_by(self.about_date, "pk")
        )

    def waiting(self, object_id) -> models.Model | None:
        """One piece of the queue, or None if it has been decided or does not exist."""
        try:
            return self.queue().filter(pk=int(object_id)).first()
        except (TypeError, ValueError):
            return None


REVIEWABLE = {
    reviewable.kind: reviewable
    for reviewable in [
        Reviewable("outcome-notes", "Visit outcome notes", Outcome, "notes", "visit__date", "visit__enrolment"),
        Reviewable("cancellation-reasons", "Cancellation reasons", Visit, "cancellation_reason", "date", "enrolment"),
        Reviewable("not-held-details", "Why visits did not take place", Visit, "not_held_details", "date", "enrolment"),
        Reviewable(
            "meeting-notes", "Parent and carer meeting notes", ParentCarerMeeting, "notes", "held_on", "enrolment"
        ),
        Reviewable(
            "pupil-voice", "Pupil voice descriptions", PupilVoiceActivity, "description", "held_on", "enrolment"
        ),
    ]
}


def released_text(kind: str, *, row: str = "pk", field: str) -> Subquery:
    """For an export's query: the text released for the evaluation, if the programme admin approved the text as it
    now reads (as written or redacted); else null. `row` and `field` are paths from the export's rows."""
    return Subquery(
        FreeTextReview.objects.filter(kind=kind, object_id=OuterRef(row), text_digest=MD5(OuterRef(field)))
        .exclude(decision=FreeTextReview.Decision.KEPT_OUT)
        .values("released_text")[:1]
    )
