"""Journey: the programme admin reads a visit's outcome notes in the review queue, takes a name out, and releases
the rest to the evaluation."""

import pytest
from playwright.sync_api import expect

from pins.accounts.models import FreeTextReview
from specialists.models import Outcome, Visit
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in

pytestmark = pytest.mark.usefixtures("during_term")


@pytest.fixture
def a_note(world):
    Visit.objects.filter(pk=world.visit_a.pk).update(status=Visit.Status.DELIVERED)
    return Outcome.objects.create(
        visit=world.visit_a, activities=["staff_consultation"], staff_reached=3, notes="Coached Mrs Jones's class"
    )


def when_they_open_the_review_queue(page) -> None:
    page.get_by_role("link", name="Free text to review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visit outcome notes to review")
    expect(page.get_by_text("Coached Mrs Jones's class")).to_be_visible()
    assert_accessible(page)


def when_they_save_without_choosing(page) -> None:
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)


def when_they_release_it_redacted(page, text: str) -> None:
    page.get_by_label("Yes, with names and details taken out").check()
    page.get_by_label("The text with names and details taken out").fill(text)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved")).to_be_visible()
    expect(page.get_by_role("heading", name="0 notes waiting")).to_be_visible()
    assert_accessible(page)


def then_the_evaluation_gets(note, text: str) -> None:
    review = FreeTextReview.objects.get(kind="outcome-notes", object_id=note.pk)
    assert (review.decision, review.released_text) == ("redacted", text)


def test_the_programme_admin_releases_a_note_with_a_name_taken_out(page, live_server, world, a_note):
    given_they_sign_in(page, live_server, world["programme_admin"])
    when_they_open_the_review_queue(page)
    when_they_save_without_choosing(page)
    when_they_release_it_redacted(page, "Coached a teacher's class")
    then_the_evaluation_gets(a_note, "Coached a teacher's class")
