"""What can be done with a visit, asked in one place: the visit's state (its model), the person's permissions
(`request.access`), and the pages showing exactly the buttons whose actions the services then accept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from specialists.models import Visit
from tests.factories import VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

TODAY = datetime.date(2026, 11, 25)  # during_term
PAST, COMING_UP = datetime.date(2026, 11, 17), datetime.date(2026, 12, 1)

BUTTONS = {
    "confirm": "Confirm the visit",
    "record": "the outcome",
    "request_change": "Ask for a change",
    "reschedule": "Reschedule",
    "cancel": "Cancel the visit",
}


def _visit(world, status, date):
    more = {"cancelled_at": timezone.now(), "cancellation_reason": "Snow"} if status == Visit.Status.CANCELLED else {}
    return VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=date, status=status, **more)


@pytest.mark.parametrize(
    ("status", "date", "open_", "confirmable", "recordable"),
    [
        (Visit.Status.PROPOSED, COMING_UP, True, True, False),
        (Visit.Status.PROPOSED, PAST, True, True, True),
        (Visit.Status.CONFIRMED, COMING_UP, True, False, False),
        (Visit.Status.CONFIRMED, PAST, True, False, True),
        (Visit.Status.DELIVERED, PAST, False, False, True),
        (Visit.Status.CANCELLED, PAST, False, False, False),
    ],
)
def test_a_visits_state_says_what_can_happen_to_it(world, status, date, open_, confirmable, recordable):
    visit = _visit(world, status, date)

    assert (visit.is_open, visit.can_be_changed) == (open_, open_)
    assert visit.can_be_confirmed == confirmable
    assert visit.outcome_can_be_recorded(TODAY) == recordable
    assert Visit.objects.open().filter(pk=visit.pk).exists() == open_


@pytest.mark.parametrize(
    ("role", "status", "date", "shown"),
    [
        ("coordinator_a", Visit.Status.PROPOSED, COMING_UP, {"confirm", "reschedule", "cancel"}),
        ("coordinator_a", Visit.Status.CONFIRMED, PAST, {"record", "reschedule", "cancel"}),
        ("senco_a", Visit.Status.PROPOSED, COMING_UP, {"confirm", "request_change"}),
        ("senco_a", Visit.Status.DELIVERED, PAST, set()),
        ("specialist_a", Visit.Status.CONFIRMED, COMING_UP, set()),
        ("specialist_a", Visit.Status.CONFIRMED, PAST, {"record"}),
        ("dfe_staff", Visit.Status.PROPOSED, COMING_UP, set()),
        ("coordinator_a", Visit.Status.CANCELLED, PAST, set()),
    ],
)
def test_the_visit_page_offers_what_the_person_may_do_to_a_visit_in_that_state(
    client, world, role, status, date, shown
):
    visit = _visit(world, status, date)
    client.force_login(world[role])

    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()

    assert {action for action, words in BUTTONS.items() if words in page} == shown


def test_the_school_is_not_offered_a_second_request_while_one_waits(client, world):
    visit = _visit(world, Visit.Status.PROPOSED, COMING_UP)
    client.force_login(world["senco_a"])
    url = reverse("visits:request_change", args=[visit.pk])

    assert client.post(url, {"reason": "A school trip"}).status_code == 302
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()

    assert "Ask for a change" not in page
    assert "The school asked for a change" in page
    assert "already asked" in client.post(url, {"reason": "Again"}).content.decode()


def test_an_outcome_not_offered_is_refused_too(client, world):
    """The page and the service ask the same question: a coming-up visit offers no outcome, and a posted one is
    refused with the rule's message."""
    visit = _visit(world, Visit.Status.CONFIRMED, COMING_UP)
    client.force_login(world["specialist_a"])

    response = client.post(
        reverse("visits:outcome", args=[visit.pk]), {"activities": ["whole_school_training"], "staff_reached": "4"}
    )

    assert response.status_code == 200
    assert "record what happened once it has taken place" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        (Visit.Status.PROPOSED, "yellow"),
        (Visit.Status.CONFIRMED, "blue"),
        (Visit.Status.DELIVERED, "green"),
        (Visit.Status.CANCELLED, "grey"),
    ],
)
def test_each_status_has_one_tag_on_the_visit_and_school_pages(client, world, status, colour):
    visit = _visit(world, status, PAST)
    client.force_login(world["coordinator_a"])

    for url in (reverse("visits:detail", args=[visit.pk]), reverse("schools:detail", args=[world.school_a.urn])):
        page = client.get(url).content.decode()
        assert f'<strong class="govuk-tag govuk-tag--{colour}">{visit.get_status_display()}</strong>' in page, url


@pytest.mark.parametrize(
    ("role", "calendar_link", "icb_breadcrumb"),
    [("senco_a", True, False), ("coordinator_a", False, True), ("dfe_staff", False, True)],
)
def test_the_school_page_links_what_the_person_may_open(client, world, role, calendar_link, icb_breadcrumb):
    client.force_login(world[role])

    page = client.get(reverse("schools:detail", args=[world.school_a.urn])).content.decode()

    assert (reverse("schools:calendar", args=[world.school_a.urn]) in page) == calendar_link
    assert (f'href="{reverse("icbs:detail", args=[world.icb_a.ods_code])}"' in page) == icb_breadcrumb
    # Each link leads to a page the person may open.
    for url, linked in [
        (reverse("schools:calendar", args=[world.school_a.urn]), calendar_link),
        (reverse("icbs:detail", args=[world.icb_a.ods_code]), icb_breadcrumb),
    ]:
        assert (client.get(url).status_code == 200) == linked, url
