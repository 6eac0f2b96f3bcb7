"""The auto-allocator proposes; the coordinator accepts; every accepted row goes through the booking rules."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from schools.models import Enrolment, SelfAssessment
from specialists.models import Capacity, Discipline, Visit
from specialists.planner import plan_visits
from specialists.rules import BookingCalendar
from tests.factories import CapacityFactory, EnrolmentFactory, SpecialistFactory, UnavailabilityFactory
from tests.specialists.conftest import TUESDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb(booking):
    """Booking's ICB with four schools and a specialist of each discipline; one school asked for speech and
    language therapy and mental health."""
    first = booking["enrolment"]
    schools = [first] + [
        EnrolmentFactory(cohort=first.cohort, school__local_authority=first.school.local_authority) for _ in range(3)
    ]
    specialists = {booking["specialist"].discipline: booking["specialist"]}
    for discipline in Discipline.values:
        if discipline not in specialists:
            specialists[discipline] = SpecialistFactory(icb=first.icb, discipline=discipline)
            CapacityFactory(specialist=specialists[discipline], programme_year=first.programme_year)
    SelfAssessment.objects.create(
        enrolment=schools[1],
        stage=SelfAssessment.Stage.START,
        wanted_disciplines=["speech_and_language_therapy", "mental_health"],
    )
    return {"icb": first.icb, "year": first.programme_year, "schools": schools, "specialists": specialists, **booking}


def test_the_plan_fills_every_schools_days_within_the_rules(icb):
    proposals = plan_visits(icb=icb["icb"], year=icb["year"], today=datetime.date(2026, 10, 1))

    days = {}
    for proposal in proposals:
        days[proposal.enrolment.pk] = days.get(proposal.enrolment.pk, 0) + (
            1 if proposal.session == "full_day" else 0.5
        )
        calendar = BookingCalendar(
            enrolment=proposal.enrolment,
            specialist=proposal.specialist,
            start=proposal.date,
            end=proposal.date,
            today=datetime.date(2026, 10, 1),
        )
        assert calendar.is_free(proposal.date, proposal.session), proposal
    assert set(days.values()) == {5}
    slots = [(p.specialist.pk, p.date, p.session) for p in proposals]
    assert len(slots) == len(set(slots))  # the plan never books a specialist twice


def test_a_school_gets_first_what_it_asked_for(icb):
    proposals = plan_visits(icb=icb["icb"], year=icb["year"], today=datetime.date(2026, 10, 1))

    asked = [p for p in proposals if p.enrolment == icb["schools"][1]]
    assert {p.specialist.discipline for p in asked} == {"speech_and_language_therapy", "mental_health"}
    asked.sort(key=lambda p: p.specialist.discipline != "speech_and_language_therapy")
    assert asked[0].why.startswith(f"{icb['schools'][1].school.name} asked for speech and language therapy; ")
    others = [p.specialist.discipline for p in proposals if p.enrolment == icb["schools"][2]]
    assert len(set(others)) == len(others)  # a school with no preference meets different specialists


def test_the_plan_spreads_a_schools_visits_through_the_year(icb):
    proposals = plan_visits(icb=icb["icb"], year=icb["year"], today=datetime.date(2026, 10, 1))

    dates = sorted(p.date for p in proposals if p.enrolment == icb["schools"][0])
    assert (dates[-1] - dates[0]).days > 180


def test_the_plan_keeps_within_capacity_and_avoids_leave(icb):
    busy = icb["specialists"]["mental_health"]
    Capacity.objects.filter(specialist=busy).update(days=Decimal("1.5"))
    UnavailabilityFactory(specialist=busy, starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2027, 7, 16))

    proposals = plan_visits(icb=icb["icb"], year=icb["year"], today=datetime.date(2026, 10, 1))

    assert not [p for p in proposals if p.specialist == busy]


def test_the_same_data_gives_the_same_plan(icb):
    first = plan_visits(icb=icb["icb"], year=icb["year"], today=datetime.date(2026, 10, 1))
    again = plan_visits(icb=icb["icb"], year=icb["year"], today=datetime.date(2026, 10, 1))

    assert [p.token for p in first] == [p.token for p in again]


def test_accepting_the_plan_books_every_row_through_the_service(client, icb):
    from tests.conftest import with_mfa
    from tests.factories import CoordinatorMembershipFactory

    client.force_login(with_mfa(CoordinatorMembershipFactory(icb=icb["icb"]).user))
    url = reverse("visits:plan", args=[icb["icb"].ods_code])
    page = client.get(url)
    tokens = [p.token for p in page.context["proposals"]]

    response = client.post(url, {"visit": tokens}, follow=True)

    assert f"{len(tokens)} visits booked" in response.text
    assert Visit.objects.count() == len(tokens)
    for enrolment in Enrolment.objects.filter(pk__in=[e.pk for e in icb["schools"]]):
        booked = Visit.objects.booked().filter(enrolment=enrolment).aggregate(days=Sum("days"))["days"]
        assert enrolment.allocated_days == booked == Decimal("5.0")
    assert "Nothing to suggest" in client.get(url).text


def test_a_row_that_no_longer_fits_is_reported_and_the_rest_are_booked(client, icb):
    from tests.conftest import with_mfa
    from tests.factories import CoordinatorMembershipFactory

    client.force_login(with_mfa(CoordinatorMembershipFactory(icb=icb["icb"]).user))
    url = reverse("visits:plan", args=[icb["icb"].ods_code])
    proposals = client.get(url).context["proposals"]
    taken = proposals[0]
    Visit.objects.create(
        enrolment=icb["schools"][3], specialist=taken.specialist, date=taken.date, session="full_day",
        slot_start=0, slot_end=2, days=Decimal("1.0"),
    )  # fmt: skip

    response = client.post(url, {"visit": [p.token for p in proposals[:3]]}, follow=True)

    assert "2 visits booked" in response.text
    assert "already booked" in response.text


def test_an_edited_row_is_refused_before_anything_is_booked(client, icb, world):
    from tests.conftest import with_mfa
    from tests.factories import CoordinatorMembershipFactory

    client.force_login(with_mfa(CoordinatorMembershipFactory(icb=icb["icb"]).user))
    url = reverse("visits:plan", args=[icb["icb"].ods_code])
    forged = f"{world.enrolment_b.pk}:{world.specialist_b.pk}:{TUESDAY.isoformat()}:morning:asked"

    response = client.post(url, {"visit": [forged]})

    assert "The plan was changed: make a new one" in response.text
    assert not Visit.objects.filter(enrolment=world.enrolment_b, date=TUESDAY).exists()
    assert "Tick at least one visit to book" in client.post(url, {}).text


def test_planning_costs_the_same_queries_for_more_schools(client, icb, django_assert_max_num_queries):
    from tests.conftest import with_mfa
    from tests.factories import CoordinatorMembershipFactory

    client.force_login(with_mfa(CoordinatorMembershipFactory(icb=icb["icb"]).user))
    url = reverse("visits:plan", args=[icb["icb"].ods_code])
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for _ in range(10):
        EnrolmentFactory(
            cohort=icb["schools"][0].cohort, school__local_authority=icb["schools"][0].school.local_authority
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_booking_a_plan_is_a_service_whose_rows_stand_or_fall_alone(icb):
    from specialists.services import plan_book

    proposals = plan_visits(icb=icb["icb"], year=icb["year"])
    taken = proposals[0]
    Visit.objects.create(
        enrolment=icb["schools"][3], specialist=taken.specialist, date=taken.date, session="full_day",
        slot_start=0, slot_end=2, days=Decimal("1.0"),
    )  # fmt: skip

    booked, refused = plan_book(
        icb=icb["icb"], year=icb["year"], rows=[p.token for p in proposals[:3]], by=icb["coordinator"]
    )

    assert [(visit.enrolment, visit.date) for visit in booked] == [(p.enrolment, p.date) for p in proposals[1:3]]
    assert [(refusal.school, refusal.date) for refusal in refused] == [(taken.enrolment.school.name, taken.date)]
    assert all(visit.created_by == icb["coordinator"] for visit in booked)


def test_booking_a_plan_refuses_no_rows_and_rows_of_another_icb(icb, world):
    from pins.kernel.errors import RuleBroken
    from specialists.services import plan_book

    forged = f"{world.enrolment_b.pk}:{world.specialist_b.pk}:{TUESDAY.isoformat()}:morning:asked"
    with pytest.raises(RuleBroken, match="Tick at least one visit"):
        plan_book(icb=icb["icb"], year=icb["year"], rows=[], by=icb["coordinator"])
    with pytest.raises(RuleBroken, match="The plan was changed"):
        plan_book(icb=icb["icb"], year=icb["year"], rows=[forged], by=icb["coordinator"])
    assert not Visit.objects.filter(enrolment=world.enrolment_b, date=TUESDAY).exists()
