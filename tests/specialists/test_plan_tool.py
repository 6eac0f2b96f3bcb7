"""The planner as a tool: the coordinator edits and keeps rows, re-plans the rest, books, and reads what happened
and which days could not be planned."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from schools.models import SelfAssessment
from specialists.models import Capacity, Visit
from specialists.planner import NO_CAPACITY, NO_DATE, plan_visits
from specialists.rules import BookingCalendar, next_free_dates
from tests.conftest import with_mfa
from tests.factories import CoordinatorMembershipFactory, EnrolmentFactory, UnavailabilityFactory
from tests.specialists.test_planner import icb  # noqa: F401  (the four-school ICB fixture)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 1)


@pytest.fixture
def coordinator_client(client, icb):  # noqa: F811
    client.force_login(with_mfa(CoordinatorMembershipFactory(icb=icb["icb"]).user))
    return client


def _url(icb):  # noqa: F811
    return reverse("visits:plan", args=[icb["icb"].ods_code])


def _form(rows, **extra):
    """The page's form as the browser sends it: every row, every row ticked to book, nothing kept."""
    keys = [row.key for row in rows]
    return {"row": keys, "visit": keys, **extra}


def test_a_coordinator_edits_a_rows_specialist_date_and_session_before_booking(coordinator_client, icb):  # noqa: F811
    rows = coordinator_client.get(_url(icb)).context["rows"]
    row = rows[0]
    other = next(s for s in icb["specialists"].values() if s.discipline != row.proposal.specialist.discipline)
    free = next_free_dates(
        enrolment=row.proposal.enrolment, specialist=other, session="morning", after=datetime.date(2027, 2, 1)
    )[0]

    response = coordinator_client.post(
        _url(icb),
        {
            "row": [row.key],
            "visit": [row.key],
            f"date-{row.key}": free.strftime("%-d/%-m/%Y"),
            f"session-{row.key}": "morning",
            f"specialist-{row.key}": str(other.pk),
        },
    )

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.specialist, visit.date, visit.session) == (other, free, "morning")
    assert visit.purpose == f"{other.get_discipline_display()}: whole-school support"


def test_the_school_reads_a_purpose_and_the_coordinator_reads_the_planners_reason(coordinator_client, icb):  # noqa: F811
    rows = coordinator_client.get(_url(icb)).context["rows"]
    asked = next(row for row in rows if row.proposal.enrolment == icb["schools"][1])

    result = coordinator_client.post(_url(icb), _form([asked]), follow=True)

    visit = Visit.objects.get()
    assert visit.purpose == "Speech and language therapy: whole-school support"
    assert "asked for" not in visit.purpose
    assert f"{icb['schools'][1].school.name} asked for speech and language therapy" in result.text
    assert "Speech and language therapy: whole-school support" in result.text


def test_a_date_typed_wrongly_is_shown_with_the_rows_kept(coordinator_client, icb):  # noqa: F811
    rows = coordinator_client.get(_url(icb)).context["rows"]

    response = coordinator_client.post(_url(icb), _form(rows[:2], **{f"date-{rows[0].key}": "31/2/2027"}))

    assert response.status_code == 200
    assert "as a date, like 3/12/2026" in response.text
    assert len(response.context["rows"]) == 2
    assert not Visit.objects.exists()


def test_kept_rows_stay_while_the_rest_is_replanned_around_them(coordinator_client, icb):  # noqa: F811
    rows = coordinator_client.get(_url(icb)).context["rows"]
    kept = rows[0]
    moved = next_free_dates(
        enrolment=kept.proposal.enrolment,
        specialist=kept.proposal.specialist,
        session="full_day",
        after=datetime.date(2027, 3, 1),
    )[0]

    response = coordinator_client.post(
        _url(icb),
        {
            **_form(rows),
            "pin": [kept.key],
            f"date-{kept.key}": moved.isoformat(),
            "action": "replan",
        },
    )

    assert response.status_code == 200
    replanned = response.context["rows"]
    assert replanned[0].pin and replanned[0].proposal.date == moved
    assert replanned[0].proposal.specialist == kept.proposal.specialist
    assert [row for row in replanned[1:] if row.pin] == []
    slots = [(r.proposal.specialist.pk, r.proposal.date) for r in replanned]
    assert len(slots) == len(set(slots))  # nothing planned on top of the kept row
    days = {}
    for row in replanned:
        days[row.proposal.enrolment.pk] = days.get(row.proposal.enrolment.pk, 0) + (
            1 if row.proposal.session == "full_day" else 0.5
        )
        calendar = BookingCalendar(
            enrolment=row.proposal.enrolment,
            specialist=row.proposal.specialist,
            start=row.proposal.date,
            end=row.proposal.date,
        )
        assert calendar.is_free(row.proposal.date, row.proposal.session)
    assert set(days.values()) == {5}  # the kept day counts against its school's quota
    assert not Visit.objects.exists()  # re-planning books nothing


def test_a_kept_row_that_breaks_a_rule_is_refused_with_the_rule(coordinator_client, icb):  # noqa: F811
    rows = coordinator_client.get(_url(icb)).context["rows"]
    kept = rows[0]

    response = coordinator_client.post(
        _url(icb),
        {**_form(rows), "pin": [kept.key], f"date-{kept.key}": "6/3/2027", "action": "replan"},
    )

    assert response.status_code == 200
    assert "The date must be a weekday: Saturday 6 March 2027 is a Saturday" in response.text
    assert response.context["rows"][0].proposal.date == datetime.date(2027, 3, 6)  # the edit is kept to fix


def test_the_result_page_lists_what_was_booked_and_refused_and_a_refresh_books_nothing(coordinator_client, icb):  # noqa: F811
    rows = coordinator_client.get(_url(icb)).context["rows"]
    taken = rows[0].proposal
    Visit.objects.create(
        enrolment=icb["schools"][3], specialist=taken.specialist, date=taken.date, session="full_day",
        slot_start=0, slot_end=2, days=Decimal("1.0"),
    )  # fmt: skip

    response = coordinator_client.post(_url(icb), _form(rows[:3]))
    result_url = response.url
    page = coordinator_client.get(result_url)

    assert result_url.startswith(reverse("visits:plan_result", args=[icb["icb"].ods_code]))
    assert "2 visits booked" in page.text
    for visit in Visit.objects.exclude(enrolment=icb["schools"][3]):
        assert reverse("visits:detail", args=[visit.pk]) in page.text
    assert "Not booked" in page.text and "already booked" in page.text
    assert taken.enrolment.school.name in page.text
    count = Visit.objects.count()
    assert "2 visits booked" in coordinator_client.get(result_url).text
    assert Visit.objects.count() == count


def test_the_result_page_without_a_booking_says_so(coordinator_client, icb):  # noqa: F811
    page = coordinator_client.get(reverse("visits:plan_result", args=[icb["icb"].ods_code]))

    assert "No plan booked" in page.text


def test_the_result_page_costs_the_same_queries_for_more_visits(
    coordinator_client,
    icb,  # noqa: F811
    django_assert_max_num_queries,
):
    rows = coordinator_client.get(_url(icb)).context["rows"]
    result_url = coordinator_client.post(_url(icb), _form(rows[:2])).url
    with django_assert_max_num_queries(30) as few:
        coordinator_client.get(result_url)
    budget = len(few)  # now: the query log is a bounded deque, and the bookings below roll it over
    rows = coordinator_client.get(_url(icb)).context["rows"]
    result_url = coordinator_client.post(_url(icb), _form(rows[:12])).url

    with django_assert_max_num_queries(budget):
        page = coordinator_client.get(result_url)
    assert "12 visits booked" in page.text


def test_days_a_discipline_has_no_capacity_for_are_named_as_unplanned(coordinator_client, icb):  # noqa: F811
    """Only speech and language therapy has time left, and not enough for every school: the rest is unplanned."""
    for specialist in icb["specialists"].values():
        days = Decimal("3.0") if specialist.discipline == "speech_and_language_therapy" else Decimal("0.0")
        Capacity.objects.filter(specialist=specialist).update(days=days)
    SelfAssessment.objects.filter(enrolment=icb["schools"][1]).update(wanted_disciplines=["mental_health"])

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    assert sum(Decimal("1.0") if p.session == "full_day" else Decimal("0.5") for p in plan) == Decimal("3.0")
    assert {p.specialist.discipline for p in plan} == {"speech_and_language_therapy"}
    assert plan.unplanned_days == Decimal("17.0")  # four schools of 5 days, 3 planned
    assert {row.cause for row in plan.unplanned} == {NO_CAPACITY}
    asked = next(row for row in plan.unplanned if row.enrolment == icb["schools"][1])
    assert asked.why.startswith("No capacity left in mental health, ")
    page = coordinator_client.get(_url(icb))
    assert "Days the plan could not place" in page.text
    assert "No capacity left in" in page.text
    assert "no specialist has a half day to give" in page.text


def test_days_with_capacity_but_no_free_date_are_named_as_unplanned(icb):  # noqa: F811
    for specialist in icb["specialists"].values():
        UnavailabilityFactory(specialist=specialist, starts_on=TODAY, ends_on=datetime.date(2027, 8, 31))
    late = EnrolmentFactory(
        cohort=icb["schools"][0].cohort, school__local_authority=icb["schools"][0].school.local_authority
    )

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    assert list(plan) == []
    assert {row.cause for row in plan.unplanned} == {NO_DATE}
    mine = next(row for row in plan.unplanned if row.enrolment == late)
    assert mine.days == late.quota_days
    assert mine.why.startswith(f"No free date before the year ends on {icb['year'].ends_on.day} ")
