"""The optimiser behind "Suggest visits": every row within the booking rules, pinned rows and booked visits kept,
days it cannot place named with their cause, the same plan for the same data, the greedy plan when time runs
out, and the plan a coordinator would make (requests, travel, terms)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from schools.models import SelfAssessment
from specialists.models import SESSION_SLOTS, Capacity, Discipline, PlannerWeights, Session
from specialists.optimiser import terms_of
from specialists.planner import NO_CAPACITY, NO_DATE, ProposedVisit, plan_visits
from specialists.rules import BookingCalendar
from tests.factories import CapacityFactory, SpecialistFactory, UnavailabilityFactory, VisitFactory
from tests.specialists.test_plan_tool import coordinator_client  # noqa: F401
from tests.specialists.test_planner import icb  # noqa: F401  (the four-school ICB fixture)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)


def _days(rows) -> Decimal:
    return sum((Decimal("1.0") if row.session == Session.FULL_DAY else Decimal("0.5") for row in rows), Decimal(0))


def _assert_within_the_rules(plan):
    """Each row re-checked through BookingCalendar as the booking service would, with the rows before it booked."""
    booked = []
    for row in plan:
        calendar = BookingCalendar(
            enrolment=row.enrolment, specialist=row.specialist, start=row.date, end=row.date, today=TODAY
        )
        assert calendar.is_free(row.date, row.session), row
        start, end = SESSION_SLOTS[row.session]
        clashes = [
            other
            for other in booked
            if (other.specialist, other.date) == (row.specialist, row.date)
            and SESSION_SLOTS[other.session][0] < end
            and start < SESSION_SLOTS[other.session][1]
        ]
        assert not clashes, (row, clashes)
        booked.append(row)


def test_every_row_keeps_the_booking_rules_and_every_day_is_planned(icb):  # noqa: F811
    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    assert plan.method == "optimiser"
    _assert_within_the_rules(plan)
    for enrolment in icb["schools"]:
        assert _days(row for row in plan if row.enrolment == enrolment) == enrolment.quota_days
    assert plan.unplanned == []
    assert plan.totals.days_planned == plan.totals.days_plannable == Decimal("20.0")
    for row in plan:
        capacity = Capacity.objects.get(specialist=row.specialist)
        assert _days(r for r in plan if r.specialist == row.specialist) <= capacity.days


def test_a_school_gets_what_it_asked_for_from_the_nearest_specialist_with_time(icb):  # noqa: F811
    asking = icb["schools"][1]  # asked for speech and language therapy and mental health
    near = icb["specialists"]["speech_and_language_therapy"]
    far = SpecialistFactory(icb=near.icb, discipline=near.discipline, easting=530000, northing=433000)
    CapacityFactory(specialist=far, programme_year=icb["year"], days=Decimal("40.0"))
    near.easting, near.northing = 431000, 433000  # a kilometre from every test school
    near.save()

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    mine = [row for row in plan if row.enrolment == asking]
    assert {row.specialist.discipline for row in mine} == {"speech_and_language_therapy", "mental_health"}
    assert far not in {row.specialist for row in plan}
    therapy = next(row for row in mine if row.specialist == near)
    assert therapy.why.startswith(f"{asking.school.name} asked for speech and language therapy; nearest speech")
    assert plan.totals.requested_share == 1.0
    assert plan.totals.schools_without_request == 0


def test_a_school_with_no_request_meets_several_disciplines_across_the_terms(icb):  # noqa: F811
    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    others = [row for row in plan if row.enrolment == icb["schools"][2]]
    assert len({row.specialist.discipline for row in others}) >= 3
    terms = terms_of(icb["year"], TODAY + datetime.timedelta(days=1))
    assert {term.name for term in terms for row in others if term.first <= row.date <= term.last} == {
        "autumn",
        "spring",
        "summer",
    }


def test_booked_visits_and_pinned_rows_are_kept_and_planned_around(icb):  # noqa: F811
    specialist = icb["specialists"]["mental_health"]
    enrolment = icb["schools"][1]
    booked = VisitFactory(
        enrolment=enrolment,
        specialist=specialist,
        date=datetime.date(2027, 1, 12),
        session=Session.FULL_DAY,
        slot_start=0,
        slot_end=2,
        days=Decimal("1.0"),
    )
    enrolment.refresh_from_db()  # the factory counted the day
    pinned = ProposedVisit(
        icb["schools"][0], specialist, datetime.date(2027, 1, 13), Session.MORNING, "chosen", pinned=True
    )

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY, pinned=[pinned])

    assert plan.method == "optimiser"
    assert plan[0] == pinned
    rows = list(plan)[1:]
    assert not [row for row in rows if row.specialist == specialist and row.date == booked.date]
    assert not [
        row
        for row in rows
        if row.specialist == specialist and row.date == pinned.date and row.session != Session.AFTERNOON
    ]
    assert _days(row for row in plan if row.enrolment == enrolment) == Decimal("4.0")  # a day was booked already
    assert _days(row for row in plan if row.enrolment == icb["schools"][0]) == Decimal("5.0")  # with the pinned
    _assert_within_the_rules(plan)


def test_days_no_specialist_has_capacity_for_are_unplanned_with_that_cause(icb):  # noqa: F811
    for specialist in icb["specialists"].values():
        days = Decimal("2.0") if specialist.discipline == Discipline.SPECIALIST_TEACHING else Decimal("0.0")
        Capacity.objects.filter(specialist=specialist).update(days=days)

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    assert plan.method == "optimiser"
    assert _days(plan) == Decimal("2.0")
    assert {row.specialist.discipline for row in plan} == {Discipline.SPECIALIST_TEACHING}
    assert plan.unplanned_days == Decimal("18.0")
    assert {row.cause for row in plan.unplanned} == {NO_CAPACITY}
    _assert_within_the_rules(plan)


def test_days_with_capacity_but_no_free_date_are_unplanned_with_that_cause(icb):  # noqa: F811
    """Every specialist is away from 2 December: two days cannot hold twenty."""
    for specialist in icb["specialists"].values():
        UnavailabilityFactory(
            specialist=specialist, starts_on=datetime.date(2026, 12, 2), ends_on=datetime.date(2027, 8, 31)
        )

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    assert _days(plan) > 0
    assert plan.unplanned
    assert {row.cause for row in plan.unplanned} == {NO_DATE}
    assert all(row.date < datetime.date(2026, 12, 2) for row in plan)
    _assert_within_the_rules(plan)
    assert _days(plan) + plan.unplanned_days == Decimal("20.0")


def test_the_same_data_gives_the_same_plan(icb):  # noqa: F811
    first = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)
    again = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    assert [row.token for row in first] == [row.token for row in again]
    assert [row.why for row in first] == [row.why for row in again]


def test_with_no_time_to_search_the_greedy_plan_is_kept(icb):  # noqa: F811
    greedy = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY, optimise=False)

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY, seconds=0)

    assert plan.method == "greedy"
    assert [row.token for row in plan] == [row.token for row in greedy]
    assert plan.totals == plan.greedy_totals


def test_the_optimisers_plan_beats_the_greedys_beside_it(icb):  # noqa: F811
    SelfAssessment.objects.create(
        enrolment=icb["schools"][3], stage=SelfAssessment.Stage.START, wanted_disciplines=["specialist_nursing"]
    )

    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    ours, greedy = plan.totals, plan.greedy_totals
    assert ours.days_planned == greedy.days_planned
    assert ours.requested_share >= greedy.requested_share
    assert ours.requested_share == 1.0
    assert ours.visits <= greedy.visits


def test_the_page_shows_the_plan_beside_the_greedys_and_why_each_row(coordinator_client, icb):  # noqa: F811
    page = coordinator_client.get(reverse("visits:plan", args=[icb["icb"].ods_code]))

    assert page.status_code == 200
    assert "This plan beside a simple one" in page.text
    comparison = {measure: (ours, greedy) for measure, ours, greedy in page.context["comparison"]}
    assert comparison["Days planned"] == ("20 of 20", "20 of 20")
    assert comparison["Days in a discipline the school asked for"][0] == "100%"
    assert "asked for speech and language therapy; speech and language therapist with time in the" in page.text


def test_the_weights_are_the_programme_admins_to_change(icb):  # noqa: F811
    """With requests weighed at nothing, a school that asked for two disciplines gets its days wherever they
    cost least."""
    assert PlannerWeights.configured().pk == 1 and PlannerWeights.configured()._state.adding  # the defaults
    asked = {"speech_and_language_therapy", "mental_health"}
    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)
    assert {row.specialist.discipline for row in plan if row.enrolment == icb["schools"][1]} == asked

    PlannerWeights.objects.create(half_day_requested=0, requested_discipline_new=0, discipline_new=0)
    plan = plan_visits(icb=icb["icb"], year=icb["year"], today=TODAY)

    assert PlannerWeights.configured().half_day_requested == 0
    assert {row.specialist.discipline for row in plan if row.enrolment == icb["schools"][1]} != asked
