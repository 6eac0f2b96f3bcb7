"""The national progress measures, on data built to catch the old mistakes: past visits without an outcome
reported as 100% recorded, a region filter that left the headline national, a merger that lowered the national
target, and "behind plan" that flagged almost every ICB."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from icbs.models import Region
from pins.kernel.units import figure
from pins.programme.mergers import icbs_merge
from pins.reporting.progress import national_progress
from schools.models import PlanMilestone
from specialists.models import Visit
from specialists.services import visit_cancel, visit_record_outcome
from tests.conftest import with_mfa
from tests.factories import EnrolmentFactory, ICBFactory, StaffMembershipFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def staff(client):
    client.force_login(with_mfa(StaffMembershipFactory().user))
    return client


def _alpha(progress, world):
    return next(row for row in progress.icbs if row.icb == world.icb_a)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (8410, "8,410"),
        (Decimal("2325.4"), "2,325.5"),
        (Decimal("2325.2"), "2,325"),
        (Decimal("4.0"), "4"),
        (Decimal("0.5"), "0.5"),
        (1680, "1,680"),
        (None, "0"),
    ],
)
def test_figures_are_written_as_gov_uk_style_asks(value, shown):
    assert figure(value) == shown


def test_outcomes_are_a_share_of_the_visits_whose_date_has_passed(world):
    """One visit recorded, one past its date with no outcome, one still to come: 50%, one overdue."""
    specialist, enrolment = world.specialist_a, world.enrolment_a
    recorded = VisitFactory(
        enrolment=enrolment, specialist=specialist, date=datetime.date(2026, 10, 13), status=Visit.Status.CONFIRMED
    )
    visit_record_outcome(
        visit=recorded, activities=["staff_consultation"], staff_reached=4, notes="", by=world["specialist_a"]
    )
    VisitFactory(enrolment=enrolment, specialist=specialist, date=datetime.date(2026, 12, 8))  # still to come
    Visit.objects.filter(pk=world.visit_a.pk).update(status=Visit.Status.CONFIRMED)  # 6 October: overdue

    alpha = _alpha(national_progress(year=enrolment.programme_year, on=TODAY), world)

    assert (alpha.visits_delivered, alpha.outcomes_recorded, alpha.visits_overdue) == (1, 1, 1)
    assert alpha.outcomes_percent == 50  # not the 100% of "outcomes of delivered visits"


def test_a_cancelled_visit_is_not_overdue(world):
    visit_cancel(visit=world.visit_a, reason="The school closed for snow", by=world["coordinator_a"])

    alpha = _alpha(national_progress(year=world.enrolment_a.programme_year, on=TODAY), world)

    assert alpha.visits_overdue == 0 and alpha.outcomes_percent is None


def test_the_page_shows_overdue_visits_and_how_the_figures_are_worked_out(staff, world):
    html = staff.get(reverse("progress")).text

    assert 'data-figure="visits-overdue">1</span> overdue' in html  # the world's proposed visit of 6 October
    assert "How these figures are worked out" in html
    assert "as a share of every visit whose date has passed" in html


def test_the_headline_follows_a_region_filter(staff, world):
    london = Region.objects.create(name="London", code="Y56")
    world.icb_b.region = london
    world.icb_b.save()

    national = staff.get(reverse("progress")).text
    in_london = staff.get(reverse("progress"), {"region": london.pk}).text

    assert 'data-figure="schools-enrolled">2</span>' in national
    assert 'data-figure="target-schools">80</span>' in national
    assert "London: 1 ICB" in in_london
    assert 'data-figure="schools-enrolled">1</span>' in in_london
    assert 'data-figure="target-schools">40</span>' in in_london


def test_a_successors_target_is_its_predecessors_together(world):
    year = world.enrolment_a.programme_year
    before = national_progress(year=year, on=TODAY)

    successor = icbs_merge(
        predecessor_codes=["QAA", "QBB"],
        successor_code="QCC",
        successor_name="NHS Alpha and Beta Integrated Care Board",
        effective_on=datetime.date(2026, 11, 1),
    )
    after = national_progress(year=year, on=TODAY)

    assert before.nation.target_schools == after.nation.target_schools == 80
    [merged] = after.icbs
    assert merged.icb == successor and merged.target_schools == 80 and merged.schools_enrolled == 2


def test_a_chain_of_mergers_keeps_every_predecessors_target(world):
    year = world.enrolment_a.programme_year

    gamma = ICBFactory(ods_code="QGG", name="NHS Gamma Integrated Care Board")
    EnrolmentFactory(school__local_authority__icb=gamma, programme_year=year)
    first_merger = datetime.date(2026, 11, 1)
    icbs_merge(predecessor_codes=["QAA", "QBB"], successor_code="QCC", successor_name="AB", effective_on=first_merger)
    icbs_merge(predecessor_codes=["QCC", "QGG"], successor_code="QDD", successor_name="NHS ABG ICB", effective_on=TODAY)

    progress = national_progress(year=year, on=TODAY)

    assert [(row.icb.ods_code, row.target_schools) for row in progress.icbs] == [("QDD", 120)]


def _trajectory(year):
    for month, allocated, delivered in ((9, 20, 0), (10, 40, 10), (11, 60, 20)):
        PlanMilestone.objects.create(
            programme_year=year,
            month=datetime.date(2026, month, 1),
            allocated_percent=allocated,
            delivered_percent=delivered,
        )


def test_behind_plan_is_measured_against_the_last_month_end_passed(world):
    year = world.enrolment_a.programme_year
    _trajectory(year)
    # Beta has allocated 2.5 of its 5 days (50%), delivered none: behind only on delivery. Alpha: 0.5 (10%).
    for day in (datetime.date(2026, 10, 13), datetime.date(2026, 10, 20), datetime.date(2026, 12, 1)):
        VisitFactory(enrolment=world.enrolment_b, specialist=world.specialist_b, date=day)
    for day in (datetime.date(2026, 12, 8), datetime.date(2026, 12, 15)):
        VisitFactory(enrolment=world.enrolment_b, specialist=world.specialist_b, date=day)

    progress = national_progress(year=year, on=TODAY)  # October has ended, November has not
    rows = {row.icb.ods_code: row for row in progress.icbs}

    assert progress.expected.month == datetime.date(2026, 10, 1)
    assert [str(shortfall) for shortfall in rows["QAA"].shortfalls] == [
        "Allocated 10%, expected 40% (30 points behind)",
        "Delivered 0%, expected 10% (10 points behind)",
    ]
    assert [(s.measure, s.points) for s in rows["QBB"].shortfalls] == [("delivered", 10)]


def test_no_icb_is_behind_plan_before_the_first_month_end_or_without_a_trajectory(world):
    year = world.enrolment_a.programme_year
    assert not any(row.behind_plan for row in national_progress(year=year, on=TODAY).icbs)

    _trajectory(year)

    assert not any(row.behind_plan for row in national_progress(year=year, on=datetime.date(2026, 9, 30)).icbs)
    assert all(row.behind_plan for row in national_progress(year=year, on=datetime.date(2026, 10, 1)).icbs)


def test_an_icb_on_track_is_not_behind_plan(world):
    year = world.enrolment_a.programme_year
    PlanMilestone.objects.create(
        programme_year=year, month=datetime.date(2026, 10, 1), allocated_percent=10, delivered_percent=0
    )

    rows = {row.icb.ods_code: row for row in national_progress(year=year, on=TODAY).icbs}

    assert not rows["QAA"].behind_plan  # 10% allocated, as expected
    assert rows["QBB"].behind_plan  # nothing allocated


def test_the_table_says_on_which_measure_and_by_how_much(staff, world):
    _trajectory(world.enrolment_a.programme_year)

    html = staff.get(reverse("progress"), {"behind": "on"}).text

    assert "Allocated 10%, expected 40% (30 points behind)" in html
    assert "below the trajectory for the end of October 2026" in html
    assert "ICBs behind plan in England: 2 ICBs" in html


class TestTheTrajectoryPage:
    @pytest.fixture
    def admin(self, client, world):
        client.force_login(world["programme_admin"])
        return client

    def test_the_programme_admin_sets_and_replaces_a_month(self, admin, world):
        url = reverse("progress_trajectory")
        data = {"month": "2026-10-01", "allocated_percent": "40", "delivered_percent": "10"}

        assert admin.post(url, data).status_code == 302
        assert admin.post(url, {**data, "allocated_percent": "45"}).status_code == 302

        [milestone] = PlanMilestone.objects.all()
        assert (milestone.allocated_percent, milestone.delivered_percent) == (45, 10)
        assert "October 2026" in admin.get(url).text

    def test_bad_shares_are_explained(self, admin, world):
        url = reverse("progress_trajectory")

        html = admin.post(url, {"month": "2026-10-01", "allocated_percent": "10", "delivered_percent": "30"}).text
        assert "There is a problem" in html and "cannot be more than the share allocated" in html
        html = admin.post(url, {"month": "2030-01-01", "allocated_percent": "x", "delivered_percent": "101"}).text
        assert "Choose a month of the programme year" in html
        assert "whole number" in html and "100 or less" in html
        assert not PlanMilestone.objects.exists()

    def test_a_month_can_be_removed(self, admin, world):
        milestone = PlanMilestone.objects.create(
            programme_year=world.enrolment_a.programme_year,
            month=datetime.date(2026, 10, 1),
            allocated_percent=40,
            delivered_percent=10,
        )
        url = reverse("progress_trajectory")

        assert admin.post(url, {"remove": "999999"}).status_code == 404
        assert admin.post(url, {"remove": milestone.pk}).status_code == 302
        assert not PlanMilestone.objects.exists()
