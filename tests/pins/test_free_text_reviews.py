"""The programme admin reviews free text before it may go to the evaluation: a queue of notes not yet decided,
approve as written, approve redacted or keep out; only released text reaches the evaluator's exports, in its own
column, and only while the note reads as it did when reviewed."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from pins.accounts.models import FreeTextReview, StaffMembership
from pins.accounts.services import text_digest
from pins.programme.retention import personal_data_retire
from schools.models import ParentCarerMeeting
from specialists.models import Outcome, Visit
from tests.conftest import with_mfa
from tests.factories import StaffMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

QUEUE = reverse("progress_reviews")
NOTE = "Met Mrs Jones about Sam's sensory breaks"


@pytest.fixture
def noted(world):
    Visit.objects.filter(pk=world.visit_a.pk).update(status=Visit.Status.DELIVERED)
    outcome = Outcome.objects.create(
        visit=world.visit_a, activities=["staff_consultation"], staff_reached=3, notes=NOTE
    )
    return outcome


@pytest.fixture
def admin(client, world):
    client.force_login(world["programme_admin"])
    return client


def _evaluator_export(client, kind="visits") -> list[dict]:
    client.force_login(
        with_mfa(StaffMembershipFactory(role=StaffMembership.Role.EVALUATOR, user__email="eval2@example.org").user)
    )
    response = client.get(reverse("progress_export", args=[kind, "csv"]), {"year": "2026-27"})
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _decide(admin, outcome, decision, redacted="", digest=None):
    prefix = f"note-{outcome.pk}"
    return admin.post(
        f"{QUEUE}?kind=outcome-notes",
        {
            "note": outcome.pk,
            f"{prefix}-decision": decision,
            f"{prefix}-redacted": redacted,
            f"{prefix}-digest": digest or text_digest(outcome.notes),
        },
    )


def test_the_queue_lists_notes_not_yet_decided(admin, noted):
    html = admin.get(f"{QUEUE}?kind=outcome-notes").text

    assert "1 note waiting" in html and "Met Mrs Jones" in html and "Alpha Primary School" in html
    assert f'name="note-{noted.pk}-decision"' in html


def test_without_a_review_the_evaluator_gets_no_note(client, noted):
    [row] = _evaluator_export(client)

    assert row["Outcome notes (reviewed)"] == "" and "Outcome notes" not in row


def test_approved_as_written_the_note_reaches_the_evaluator_in_its_own_column(admin, client, world, noted):
    response = _decide(admin, noted, "approved")

    assert response.status_code == 302
    review = FreeTextReview.objects.get()
    assert (review.kind, review.object_id, review.decision) == ("outcome-notes", noted.pk, "approved")
    assert review.reviewed_by == world["programme_admin"] and review.reviewed_at is not None
    assert "0 notes waiting" in admin.get(f"{QUEUE}?kind=outcome-notes").text
    [row] = _evaluator_export(client)
    assert row["Outcome notes (reviewed)"] == NOTE


def test_redacted_the_evaluator_gets_the_redacted_text_only(admin, client, noted):
    _decide(admin, noted, "redacted", redacted="Met a parent about sensory breaks")

    [row] = _evaluator_export(client)

    assert row["Outcome notes (reviewed)"] == "Met a parent about sensory breaks"
    assert "Jones" not in str(row)


def test_kept_out_the_evaluator_gets_nothing(admin, client, noted):
    _decide(admin, noted, "kept_out")

    [row] = _evaluator_export(client)

    assert row["Outcome notes (reviewed)"] == ""
    assert FreeTextReview.objects.get().released_text == ""


def test_a_note_changed_after_review_leaves_the_export_and_comes_back_to_the_queue(admin, client, noted):
    _decide(admin, noted, "approved")
    Outcome.objects.filter(pk=noted.pk).update(notes="Met Mr Smith about Ali")

    assert "Met Mr Smith about Ali" in admin.get(f"{QUEUE}?kind=outcome-notes").text
    [row] = _evaluator_export(client)
    assert row["Outcome notes (reviewed)"] == ""


def test_a_decision_on_text_changed_since_the_page_opened_is_refused_with_an_error_summary(admin, noted):
    seen = text_digest(noted.notes)
    Outcome.objects.filter(pk=noted.pk).update(notes="Something else")

    response = _decide(admin, noted, "approved", digest=seen)

    assert response.status_code == 200
    assert "There is a problem" in response.text and "has changed since you opened the page" in response.text
    assert not FreeTextReview.objects.exists()
    # Shown again with the text as it now reads, the form decides on that text.
    assert "Something else" in response.text and text_digest("Something else") in response.text
    noted.refresh_from_db()
    assert _decide(admin, noted, "approved").status_code == 302
    assert FreeTextReview.objects.get().released_text == "Something else"


@pytest.mark.parametrize(
    ("decision", "message"),
    [("redacted", "Enter the text with names and details taken out"), ("", "Choose whether this may go")],
)
def test_an_incomplete_decision_shows_the_error_summary(admin, noted, decision, message):
    response = _decide(admin, noted, decision)

    assert response.status_code == 200 and "There is a problem" in response.text and message in response.text
    assert not FreeTextReview.objects.exists()


@pytest.mark.parametrize("query", ["?kind=astrology", "?kind=outcome-notes&page=x"])
def test_bad_addresses_are_not_found_or_the_first_page(admin, noted, query):
    assert admin.get(QUEUE + query).status_code in {200, 404}
    assert admin.get(f"{QUEUE}?kind=astrology").status_code == 404


def test_a_decided_or_unknown_note_posted_again_changes_nothing(admin, noted):
    _decide(admin, noted, "kept_out")

    again = _decide(admin, noted, "approved")
    unknown = admin.post(f"{QUEUE}?kind=outcome-notes", {"note": "nonsense"})

    assert again.status_code == 302 and unknown.status_code == 302
    assert FreeTextReview.objects.get().decision == "kept_out"


def test_every_kind_of_free_text_has_its_queue_and_its_reviewed_column(admin, client, world):
    ParentCarerMeeting.objects.create(
        enrolment=world.enrolment_a, held_on=datetime.date(2026, 10, 8), forum_present=True, attendees=4, notes="Tea"
    )
    meeting = ParentCarerMeeting.objects.get()
    for kind in ("outcome-notes", "cancellation-reasons", "not-held-details", "meeting-notes", "pupil-voice"):
        assert admin.get(f"{QUEUE}?kind={kind}").status_code == 200
    admin.post(
        f"{QUEUE}?kind=meeting-notes",
        {
            "note": meeting.pk,
            f"note-{meeting.pk}-decision": "approved",
            f"note-{meeting.pk}-digest": text_digest("Tea"),
        },
    )

    [row] = _evaluator_export(client, "parent-carer-meetings")
    assert row["Notes (reviewed)"] == "Tea" and "Notes" not in row


@pytest.mark.parametrize("notes", [2, 25])
def test_the_queue_costs_the_same_queries_for_few_and_many(admin, world, notes, django_assert_max_num_queries):
    for n in range(notes):
        ParentCarerMeeting.objects.create(
            enrolment=world.enrolment_a,
            held_on=datetime.date(2026, 10, 1) + datetime.timedelta(days=n),
            forum_present=False,
            attendees=2,
            notes=f"Note {n}",
        )

    with django_assert_max_num_queries(8):
        assert admin.get(f"{QUEUE}?kind=meeting-notes").status_code == 200


def test_released_text_goes_with_the_retention_period(admin, noted):
    _decide(admin, noted, "approved")

    done = personal_data_retire(today=datetime.date(2034, 1, 1), years=7)

    assert done.counts["Notes released to the evaluation after review removed"] == 1
    assert not FreeTextReview.objects.exists()


def test_the_service_refuses_a_decision_it_does_not_know(world, noted):
    from pins.accounts.services import free_text_review
    from pins.kernel.errors import RuleBroken

    with pytest.raises(RuleBroken, match="Choose whether"):
        free_text_review(
            kind="outcome-notes",
            object_id=noted.pk,
            text=noted.notes,
            seen_digest=text_digest(noted.notes),
            decision="maybe",
            redacted="",
            about_date=world.visit_a.date,
            by=world["programme_admin"],
        )
