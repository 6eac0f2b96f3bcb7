"""The retention job removes or anonymises personal data past the retention period, and nothing else."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from pins.accounts.models import DownloadRecord, User
from pins.programme.retention import personal_data_retire, retention_cutoff
from schools.models import Domain, ParentCarerMeeting, SelfAssessment, SelfAssessmentRating
from specialists.models import Outcome, Visit
from tests.factories import UserFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

# Seven years after the start of 2027: what happened before 1 January 2027 is past the period.
TODAY = datetime.date(2034, 1, 1)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def held(world):
    old_visit = world.visit_a  # 6 October 2026
    new_visit = VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2027, 2, 2))
    for visit in (old_visit, new_visit):
        Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.DELIVERED)
        Outcome.objects.create(
            visit=visit, activities=["staff_consultation"], staff_reached=2, notes=f"About {visit.date}"
        )
    for day in (datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)):
        ParentCarerMeeting.objects.create(
            enrolment=world.enrolment_a, held_on=day, forum_present=False, attendees=3, notes=f"Met on {day}"
        )
    gone_long_ago = UserFactory(
        email="gone@example.org", full_name="Gone Long Ago", last_login=_at(datetime.date(2026, 6, 1))
    )
    gone_lately = UserFactory(
        email="lately@example.org", full_name="Gone Lately", last_login=_at(datetime.date(2027, 5, 1))
    )
    User.objects.filter(pk=world["coordinator_a"].pk).update(last_login=_at(datetime.date(2026, 1, 1)))
    for day in (datetime.date(2026, 11, 25), datetime.date(2027, 6, 1)):
        DownloadRecord.objects.create(user=world["dfe_staff"], path="/x", filename=f"{day}.csv", at=_at(day))
    return {"gone_long_ago": gone_long_ago, "gone_lately": gone_lately, "old_visit": old_visit, "new_visit": new_visit}


def test_the_cutoff_is_the_retention_period_before_today():
    assert retention_cutoff(TODAY, years=7) == datetime.date(2027, 1, 1)
    assert retention_cutoff(datetime.date(2028, 2, 29), years=7) == datetime.date(2021, 2, 28)


def test_what_is_past_the_period_goes_and_nothing_else(world, held):
    done = personal_data_retire(today=TODAY, years=7)

    assert Outcome.objects.get(visit=held["old_visit"]).notes == ""
    assert Outcome.objects.get(visit=held["new_visit"]).notes == "About 2027-02-02"
    assert dict(ParentCarerMeeting.objects.values_list("held_on", "notes")) == {
        datetime.date(2026, 12, 31): "",
        datetime.date(2027, 1, 1): "Met on 2027-01-01",
    }
    gone = User.objects.get(pk=held["gone_long_ago"].pk)
    assert (gone.email, gone.full_name, gone.is_active, gone.has_usable_password()) == (
        f"person-{gone.pk}@removed.invalid",
        "",
        False,
        False,
    )
    assert User.objects.get(pk=held["gone_lately"].pk).email == "lately@example.org"
    assert User.objects.get(pk=world["coordinator_a"].pk).email == "coord.a@example.org"  # still has a role
    assert list(DownloadRecord.objects.values_list("filename", flat=True)) == ["2027-06-01.csv"]
    assert done.counts["Visit outcome notes removed"] == 1
    assert done.counts["Parent and carer meeting notes removed"] == 1
    assert done.counts["People removed from the programme anonymised"] == 1
    assert done.counts["Download records deleted"] == 1


def test_a_second_run_does_nothing(world, held):
    personal_data_retire(today=TODAY, years=7)

    again = personal_data_retire(today=TODAY, years=7)

    assert set(again.counts.values()) == {0}


def test_nothing_is_removed_within_the_period(world, held):
    done = personal_data_retire(years=7)  # today, 25 November 2026

    assert set(done.counts.values()) == {0}
    assert Outcome.objects.filter(notes="").count() == 0


def test_the_command_and_the_task_say_what_they_did(world, held, settings):
    from pins.programme.tasks import apply_retention

    settings.PINS_RETENTION_YEARS = 0  # everything before today is past the period
    out = io.StringIO()

    call_command("apply_retention", stdout=out)

    assert "Visit outcome notes removed: 1" in out.getvalue()  # the visit of 6 October 2026
    assert "Visit outcome notes removed: 0" in apply_retention.delay().get()
    assert "apply the retention period" in settings.CELERY_BEAT_SCHEDULE


def _history_text(model) -> str:
    """Every value of every history row of a model, as one text to search."""
    return "\n".join(str(row) for row in model.pgh_event_model.objects.values_list())


def test_the_row_history_keeps_none_of_the_removed_notes_and_the_rest_untouched(world, held):
    old_cancelled = VisitFactory(
        enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 10, 13)
    )
    new_cancelled = VisitFactory(
        enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2027, 3, 2)
    )
    for visit in (old_cancelled, new_cancelled):
        Visit.objects.filter(pk=visit.pk).update(
            status=Visit.Status.CANCELLED, cancelled_at=timezone.now(), cancellation_reason=f"Called off {visit.date}"
        )
    not_held = VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 11, 3))
    Visit.objects.filter(pk=not_held.pk).update(
        status=Visit.Status.NOT_HELD,
        not_held_reason="other",
        not_held_details="Mr Smith's hall flooded",
        not_held_at=timezone.now(),
    )
    # A second version of each old note, so the history holds more than one past value.
    Outcome.objects.filter(visit=held["old_visit"]).update(notes="About 2026-10-06, corrected")
    assessment = SelfAssessment.objects.create(enrolment=world.enrolment_a, stage=SelfAssessment.Stage.START)
    SelfAssessment.objects.filter(pk=assessment.pk).update(completed_at=_at(datetime.date(2026, 10, 1)))  # auto_now
    SelfAssessmentRating.objects.create(
        assessment=assessment, domain=Domain.MENTAL_HEALTH, rating=2, notes="Jo's class"
    )
    old_events = {
        model: set(model.pgh_event_model.objects.values_list("pgh_id", flat=True))
        for model in (Visit, Outcome, SelfAssessmentRating)
    }
    kept_before = list(Outcome.pgh_event_model.objects.filter(visit=held["new_visit"]).values_list())

    done = personal_data_retire(today=TODAY, years=7)

    history = "\n".join(_history_text(model) for model in (Visit, Outcome, SelfAssessmentRating))
    for removed in ("About 2026-10-06", "Called off 2026-10-13", "Mr Smith's hall flooded", "Jo's class"):
        assert removed not in history
    assert "Called off 2027-03-02" in history
    assert list(Outcome.pgh_event_model.objects.filter(visit=held["new_visit"]).values_list()) == kept_before
    assert Visit.objects.get(pk=not_held.pk).not_held_details == "Removed after the retention period"
    # The past versions are kept, only their notes cleared: the history still says what happened and when.
    for model, events in old_events.items():
        assert events <= set(model.pgh_event_model.objects.values_list("pgh_id", flat=True))
    assert done.counts["Row history entries with those notes cleared"] >= 5
    assert "Row history entries with those notes cleared" in str(done)
    assert personal_data_retire(today=TODAY, years=7).counts["Row history entries with those notes cleared"] == 0
