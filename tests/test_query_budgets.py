"""The pages people use most cost at most 12 queries, and the same number whatever the data's size: each is
opened on the small world, then again once its ICB, school, specialist and visit are many times busier."""

import datetime
import itertools
import re

import pytest
from django.contrib.sessions.models import Session as StoredSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pins.accounts.models import Invitation
from pins.accounts.services import invitation_send
from pins.kernel.prepared import refused_reads
from schools.models import Enrolment, ParentCarerMeeting
from schools.services import enrolment_change_status
from specialists.models import ChangeRequest, Outcome, Session, Visit
from specialists.services import visit_confirm, visit_reschedule
from tests.factories import (
    CapacityFactory,
    ClosureDateFactory,
    EnrolmentFactory,
    SencoMembershipFactory,
    SpecialistFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

MOST_QUERIES = 12
MORE = 30  # schools, specialists, visits, SENCOs and invitations added: more than a page of each list
STATES = [Visit.Status.PROPOSED, Visit.Status.CONFIRMED, Visit.Status.DELIVERED]
AFTERNOON = {"session": Session.AFTERNOON, "slot_start": 1, "slot_end": 2}


def _weekdays(start: datetime.date):
    return (day for day in (start + datetime.timedelta(days=n) for n in itertools.count()) if day.weekday() < 5)


def _busier(world) -> None:
    """Many more of everything each page lists or counts, in the world's ICB and around its school, specialist
    and visit."""
    enrolment, specialist = world.enrolment_a, world.specialist_a
    Enrolment.objects.filter(pk=enrolment.pk).update(quota_days=MORE)
    specialists = [SpecialistFactory(icb=world.icb_a) for _ in range(MORE)]
    for other in specialists:
        CapacityFactory(specialist=other, programme_year=enrolment.programme_year)
    days, coming = _weekdays(datetime.date(2026, 9, 7)), _weekdays(datetime.date(2027, 3, 1))
    for n, (other, day, state) in enumerate(zip(specialists, days, itertools.cycle(STATES), strict=False)):
        school = EnrolmentFactory(
            cohort=enrolment.cohort, icb=world.icb_a, school__local_authority=world.icb_a.local_authorities.first()
        )
        SencoMembershipFactory(school=school.school)
        invitation_send(
            email=f"senco{n}@example.org", role=Invitation.Role.SENCO, icb=world.icb_a, school=school.school, by=None
        )
        visit = VisitFactory(enrolment=school, specialist=other, date=day, status=state)
        VisitFactory(enrolment=school, specialist=specialist, date=next(coming), **AFTERNOON)  # to come
        ChangeRequest.objects.create(visit=visit, reason="Sports day", requested_by=world["senco_a"])
        ParentCarerMeeting.objects.create(
            enrolment=school, held_on=day, forum_present=True, attendees=9, recorded_by=world["senco_a"]
        )
    # The world's own school and specialist: visits all through the year, past and to come.
    for day, state in zip(_weekdays(datetime.date(2026, 9, 14)), itertools.cycle(STATES), strict=False):
        if day >= datetime.date(2026, 11, 25):
            state = Visit.Status.PROPOSED
        visit = VisitFactory(
            enrolment=enrolment,
            specialist=specialist,
            date=day,
            status=state,
            **AFTERNOON,  # the world's is a morning
        )
        if state == Visit.Status.DELIVERED:
            Outcome.objects.create(visit=visit, activities=["staff_consultation"], staff_reached=4)
        if Visit.objects.filter(enrolment=enrolment).count() == MORE:
            break
    ClosureDateFactory(school=world.school_a, starts_on=datetime.date(2027, 1, 4), ends_on=datetime.date(2027, 1, 5))
    # The world's visit: moved and confirmed again and again, so its history is long.
    visit = world.visit_a
    for day in itertools.islice(_weekdays(datetime.date(2027, 2, 1)), 8):
        visit = visit_reschedule(visit=visit, date=day, session=Session.AFTERNOON, by=world["coordinator_a"])
        visit = visit_confirm(visit=visit, by=world["coordinator_a"])
    UserFactory.create_batch(5)


PAGES = {
    "coordinator's home page": ("coordinator_a", lambda world: reverse("home")),
    "SENCO's home page": ("senco_a", lambda world: reverse("home")),
    "specialist's home page": ("specialist_a", lambda world: reverse("home")),
    "ICB page": ("coordinator_a", lambda world: reverse("icbs:detail", args=[world.icb_a.ods_code])),
    "ICB specialists": ("coordinator_a", lambda world: reverse("specialists:icb", args=[world.icb_a.ods_code])),
    "allocate form": ("coordinator_a", lambda world: reverse("visits:allocate", args=[world.icb_a.ods_code])),
    "schedule by school": (
        "coordinator_a",
        lambda world: reverse("visits:schedule", args=[world.icb_a.ods_code]) + "?start=2026-10-05",
    ),
    "schedule by specialist": (
        "coordinator_a",
        lambda world: reverse("visits:schedule", args=[world.icb_a.ods_code]) + "?start=2026-10-05&rows=specialists",
    ),
    "school page": ("senco_a", lambda world: reverse("schools:detail", args=[world.school_a.urn])),
    "school page for its coordinator": (
        "coordinator_a",
        lambda world: reverse("schools:detail", args=[world.school_a.urn]),
    ),
    "visit page": ("coordinator_a", lambda world: reverse("visits:detail", args=[world.visit_a.pk])),
    "specialist page": ("specialist_a", lambda world: reverse("specialists:schedule", args=[world.specialist_a.pk])),
    "national progress": ("dfe_staff", lambda world: reverse("progress")),
    "people with access": ("coordinator_a", lambda world: reverse("access:icb", args=[world.icb_a.ods_code])),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_at_most_12_queries_whatever_the_size(page, client, world, django_assert_max_num_queries):
    person, url = PAGES[page]
    # The visit's and the enrolment's histories name someone already, as they do once anyone has used them.
    world.visit_a = visit_confirm(visit=world.visit_a, by=world["coordinator_a"])
    for status in (Enrolment.Status.INVITED, Enrolment.Status.ENROLLED):
        enrolment_change_status(enrolment=world.enrolment_a, status=status, by=world["coordinator_a"])
    client.force_login(world[person])
    with django_assert_max_num_queries(MOST_QUERIES) as small:
        assert client.get(url(world)).status_code == 200

    _busier(world)
    with django_assert_max_num_queries(MOST_QUERIES) as busy:
        response = client.get(url(world))

    assert response.status_code == 200
    assert _tables(busy) == _tables(small)
    # Every prepared read the page ran kept its SQL (pins.kernel.prepared): none fell back to compiling it.
    assert {name: why for name, why in refused_reads().items() if not name.startswith("tests.")} == {}


def _tables(queries) -> list[str]:
    """What each query reads first, to say which one a bigger world added."""
    return [
        (re.search(r"FROM (\S+)", query["sql"]) or re.search(r"\w+", query["sql"])).group(0)
        for query in queries.captured_queries
    ]


def test_the_busier_world_fills_the_pages(client, world):
    """The larger size is large: each list runs to more than one page."""
    _busier(world)
    client.force_login(world["coordinator_a"])

    icb_page = client.get(PAGES["ICB page"][1](world)).text
    access_page = client.get(PAGES["people with access"][1](world)).text

    specialists_page = client.get(PAGES["ICB specialists"][1](world)).text
    assert "page=2" in icb_page and "change_requests_page=2" in icb_page and "?page=2" in specialists_page
    assert "sencos_page=2" in access_page and "invitations_page=2" in access_page
    client.force_login(world["specialist_a"])
    specialist_page = client.get(PAGES["specialist page"][1](world)).text
    assert "?page=2" in specialist_page and "upcoming_page=2" in specialist_page


def test_reading_pages_saves_no_session_but_activity_still_keeps_it_alive(client, world, time_machine):
    """The idle timeout is renewed at most once a minute, so most requests write nothing."""
    client.force_login(world["senco_a"])
    key = client.session.session_key
    signed_in = StoredSession.objects.get(pk=key).expire_date
    with CaptureQueriesContext(connection) as reads:
        for _ in range(3):
            assert client.get(reverse("home")).status_code == 200
    assert not [query for query in reads.captured_queries if query["sql"].startswith("UPDATE")]

    time_machine.shift(datetime.timedelta(minutes=20))
    assert client.get(reverse("home")).status_code == 200
    renewed = StoredSession.objects.get(pk=key).expire_date
    assert renewed >= signed_in + datetime.timedelta(minutes=20)

    time_machine.shift(datetime.timedelta(minutes=25))  # 45 minutes after signing in, 25 after the last page
    assert client.get(reverse("home")).status_code == 200
