"""Each person's home page lists what needs them, in their own schools and ICBs only, at a fixed number of queries;
a visit's page lists the messages sent about it and to whom."""

import datetime
import re

import pytest
from django.urls import reverse

from specialists.models import ChangeRequest, Visit
from specialists.services import reminders_send, visit_allocate, visit_reschedule
from tests.factories import VisitFactory
from tests.test_query_budgets import AFTERNOON, _busier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

HOME_QUERIES = 14


def _section(html: str, heading: str) -> str:
    """The text of one "needs you" list, from its heading to the next."""
    start = html.index(heading)
    end = html.find('<h3 class="govuk-heading-s"', start + 1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : end if end > 0 else None]))


@pytest.fixture
def waiting(world):
    """A visit proposed for Tuesday at the world's school, a change asked about it, and the world's visit of
    6 October with no outcome yet."""
    visit = VisitFactory(
        enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 12, 1), **AFTERNOON
    )
    Visit.objects.filter(pk=visit.pk).update(created_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC))
    ChangeRequest.objects.create(visit=visit, reason="Sports day", requested_by=world["senco_a"])
    return visit


def test_a_senco_sees_the_visits_to_confirm_and_their_open_requests(client, world, waiting):
    client.force_login(world["senco_a"])
    html = client.get(reverse("home")).text

    assert "Needs you" in html
    assert "Afternoon, Tuesday 1 December 2026" in _section(html, "Visits to confirm")
    assert f'href="{reverse("visits:detail", args=[waiting.pk])}"' in html
    assert "Sports day" in _section(html, "Changes your school asked for")


def test_a_coordinator_sees_requests_unconfirmed_visits_outcomes_overdue_and_schools_behind(
    client, world, waiting, time_machine
):
    time_machine.move_to(datetime.datetime(2027, 1, 6, 10, tzinfo=datetime.UTC))
    VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2027, 1, 12))
    Visit.objects.filter(date=datetime.date(2027, 1, 12)).update(
        created_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    )
    client.force_login(world["coordinator_a"])
    html = client.get(reverse("home")).text

    assert "Alpha Primary School" in _section(html, "Change requests to answer (1)")
    assert "Tuesday 12 January 2027" in _section(html, "Visits unconfirmed after a week (1)")
    assert "Tuesday 6 October 2026" in _section(html, "Outcomes overdue")
    assert "1 term without a meeting" in _section(html, "Schools behind on parent and carer meetings (1)")


def test_a_specialist_sees_outcomes_to_record_and_their_next_visits(client, world, waiting):
    client.force_login(world["specialist_a"])
    html = client.get(reverse("home")).text

    assert "Tuesday 6 October 2026" in _section(html, "Outcomes to record (1)")
    assert "Tuesday 1 December 2026" in _section(html, "Your next visits (1)")


def test_another_icbs_coordinator_sees_none_of_it(client, world, waiting):
    client.force_login(world["coordinator_b"])
    html = client.get(reverse("home")).text

    assert "Alpha Primary School" not in html
    assert "No school is waiting for an answer." in html


def test_someone_with_no_role_sees_no_lists(client, user):
    client.force_login(user)
    assert "Needs you" not in client.get(reverse("home")).text


@pytest.mark.parametrize("person", ["senco_a", "coordinator_a", "specialist_a"])
def test_each_home_page_costs_the_same_queries_whatever_the_size(
    person, client, world, waiting, django_assert_max_num_queries
):
    client.force_login(world[person])
    with django_assert_max_num_queries(HOME_QUERIES) as small:
        assert client.get(reverse("home")).status_code == 200

    _busier(world)
    for day in range(1, 13):  # and the school's visits to confirm, more than a list shows
        VisitFactory(enrolment=world.enrolment_a, date=datetime.date(2027, 3, day))
    with django_assert_max_num_queries(HOME_QUERIES) as busy:
        html = client.get(reverse("home")).text

    assert len(busy.captured_queries) == len(small.captured_queries)
    assert "more." in html  # the busier world runs past each list's first rows


def test_a_visits_page_lists_the_messages_sent_about_it_and_to_whom(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        visit = visit_allocate(
            enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 12, 1),
            session="afternoon", by=world["coordinator_a"],
        )  # fmt: skip
    visit_reschedule(visit=visit, date=datetime.date(2026, 12, 3), session="afternoon", by=world["coordinator_a"])
    client.force_login(world["coordinator_a"])

    html = re.sub(r"\s+", " ", client.get(reverse("visits:detail", args=[visit.pk])).text)

    table = html[html.index("Messages about this visit") : html.index("History")]
    assert table.count("Visit proposed") == 2 and table.count("Visit moved") == 2
    assert "senco.a@example.org" in table and "Ada Alpha" in table
    assert table.count("Waiting to send") == 2  # the move's, whose change has not committed in this test


def test_a_visits_page_lists_its_reminders_too(client, world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 12, 9, tzinfo=datetime.UTC))
    reminders_send(today=datetime.date(2026, 10, 12))  # the world's visit of 6 October has no outcome
    client.force_login(world["coordinator_a"])

    html = re.sub(r"\s+", " ", client.get(reverse("visits:detail", args=[world.visit_a.pk])).text)

    table = html[html.index("Messages about this visit") : html.index("History")]
    assert "Outcome record overdue" in table and world.specialist_a.email in table
