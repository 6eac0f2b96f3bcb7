"""National progress for programme staff: figures, filters, charts and exports."""

import csv
import dataclasses
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icbs.models import ICB
from icbs.services import reference_data_load
from pins.reporting.progress import ProgressShown, delivery_by_week, national_progress
from schools.models import PlanMilestone
from specialists.models import Visit
from specialists.services import visit_confirm, visit_record_outcome
from tests.conftest import with_mfa
from tests.factories import (
    CapacityFactory,
    EnrolmentFactory,
    LocalAuthorityFactory,
    SchoolFactory,
    SpecialistFactory,
    StaffMembershipFactory,
    VisitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def staff(client):
    client.force_login(with_mfa(StaffMembershipFactory().user))
    return client


def _icb_with_progress(icb, *, schools: int, delivered: int, cohort):
    """An ICB with `schools` enrolled and `delivered` half-day visits delivered at its first school."""
    authority = LocalAuthorityFactory(icb=icb)
    enrolments = [
        EnrolmentFactory(cohort=cohort, icb=icb, school=SchoolFactory(local_authority=authority))
        for _ in range(schools)
    ]
    specialist = SpecialistFactory(icb=icb)
    CapacityFactory(specialist=specialist, programme_year=cohort.programme_year)
    for n in range(delivered):
        VisitFactory(
            enrolment=enrolments[0],
            specialist=specialist,
            date=datetime.date(2026, 10, 1) + datetime.timedelta(days=n),
            status=Visit.Status.DELIVERED,
        )
    return enrolments


def test_the_figures_add_up_by_icb_region_and_nation(world):
    cohort = world.enrolment_a.cohort
    _icb_with_progress(world.icb_a, schools=3, delivered=4, cohort=cohort)

    progress = national_progress(year=cohort.programme_year, on=datetime.date(2026, 11, 25))

    alpha = next(row for row in progress.icbs if row.icb == world.icb_a)
    assert alpha.schools_enrolled == 4  # the world's school and three more
    assert alpha.quota_days == Decimal("20.0")
    assert alpha.allocated_days == Decimal("2.5")  # the world's proposed half-day and four delivered ones
    assert alpha.delivered_days == Decimal("2.0")
    assert alpha.schools_visited == 1 and alpha.visits_delivered == 4 and alpha.outcomes_recorded == 0
    assert not alpha.behind_plan  # no trajectory has been set for the year
    assert progress.nation.schools_enrolled == 5
    assert sum(region.schools_enrolled for region in progress.regions) == 5


def test_the_progress_page_costs_the_same_queries_for_2_icbs_and_42(staff, world, django_assert_max_num_queries):
    url = reverse("progress")
    with django_assert_max_num_queries(60) as two:
        response = staff.get(url)
    assert response.status_code == 200 and "Alpha" in response.text
    reference_data_load()
    cohort = world.enrolment_a.cohort
    PlanMilestone.objects.create(
        programme_year=cohort.programme_year,
        month=datetime.date(2026, 10, 1),
        allocated_percent=50,
        delivered_percent=20,
    )
    for icb in ICB.objects.filter(ods_code__startswith="Q")[:40]:
        _icb_with_progress(icb, schools=2, delivered=1, cohort=cohort)

    with django_assert_max_num_queries(len(two.captured_queries)) as forty_two:
        response = staff.get(url)

    assert response.text.count("govuk-tag--orange") >= 40
    assert len(forty_two.captured_queries) == len(two.captured_queries)


def test_filtering_to_a_region_and_to_icbs_behind_plan(staff, world):
    from icbs.models import Region

    elsewhere = Region.objects.create(name="London", code="Y56")
    world.icb_b.region = elsewhere
    world.icb_b.save()

    html = staff.get(reverse("progress"), {"region": elsewhere.pk, "behind": "on", "sort": "delivered"}).text

    assert "Beta" in html and ">Alpha</a>" not in html


def test_a_bad_filter_is_explained(staff, world):
    html = staff.get(reverse("progress"), {"region": "999", "sort": "astrology"}).text

    assert "There is a problem" in html
    assert "Choose a region from the list" in html and "Choose one of the ways to sort" in html


def test_the_charts_are_accessible_svg_with_the_figures_beside_them(staff, world):
    html = staff.get(reverse("progress")).text

    assert '<svg class="pins-chart"' in html
    assert 'role="img" aria-labelledby="delivery-title delivery-desc"' in html
    assert '<title id="delivery-title">Days delivered against plan, cumulative</title>' in html
    assert '<desc id="delivery-desc">A line chart by week from' in html
    assert "The figures in the chart" in html
    assert "<script" not in html.split("<svg")[1].split("</svg>")[0]


def test_the_national_table_downloads_as_csv_with_the_year_and_date_in_its_name(staff, world):
    response = staff.get(reverse("progress_export", args=["progress", "csv"]))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="pins-progress-2026-27-2026-11-25.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Region", "ICB ODS code", "ICB"]
    assert {row[1] for row in rows[1:]} == {"QAA", "QBB"}


def test_the_visit_level_monitoring_data_downloads_with_outcomes(staff, world):
    from specialists.models import Outcome

    Visit.objects.filter(pk=world.visit_a.pk).update(status=Visit.Status.DELIVERED)
    Outcome.objects.create(visit=world.visit_a, activities=["staff_consultation"], staff_reached=7, notes="Regulation")

    response = staff.get(reverse("progress_export", args=["visits", "csv"]), {"year": "2026-27"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    [visit] = rows[1:]
    assert visit[4:6] == [str(world.school_a.urn), "Alpha Primary School"]
    assert visit[8:16] == [
        "Occupational therapy",
        "2026-10-06",
        "Morning",
        "0.5",
        "Delivered",
        "Staff consultation",
        "7",
        "Regulation",
    ]
    assert "Ada Alpha" not in ",".join(visit)  # specialists appear by id


def test_the_exports_also_come_as_excel(staff, world):
    response = staff.get(reverse("progress_export", args=["visits", "xlsx"]), {"year": "2026-27"})

    assert response["Content-Disposition"] == 'attachment; filename="pins-visits-2026-27-2026-11-25.xlsx"'
    workbook = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "Alpha Primary School" in sheet and "Programme year" in sheet


def test_only_programme_staff_see_the_national_figures(client, world):
    for role in ("coordinator_a", "senco_a", "specialist_a"):
        client.force_login(world[role])
        assert client.get(reverse("progress")).status_code == 403
        assert client.get(reverse("progress_export", args=["visits", "csv"])).status_code == 403


def test_programme_staff_see_which_icbs_have_schools_behind_on_parent_carer_meetings(world):
    year = world.enrolment_a.programme_year

    progress = national_progress(year=year, on=datetime.date(2027, 1, 10))  # the autumn term has ended

    assert {row.name: row.schools_behind_on_meetings for row in progress.icbs} == {"Alpha": 1, "Beta": 1}
    assert progress.nation.schools_behind_on_meetings == 2


def test_the_figures_are_kept_by_the_visit_services(world):
    """Confirming and delivering through the services moves the figures, with no sum over the visits."""
    year = world.enrolment_a.programme_year
    visit_confirm(visit=world.visit_a, by=world["coordinator_a"])
    confirmed = national_progress(year=year)
    visit_record_outcome(
        visit=world.visit_a, activities=["staff_consultation"], staff_reached=5, notes="", by=world["specialist_a"]
    )

    with CaptureQueriesContext(connection) as queries:
        delivered = national_progress(year=year)
        weeks = delivery_by_week(year=year, icbs=[world.icb_a], quota=Decimal("5"))

    alpha = next(row for row in confirmed.icbs if row.icb == world.icb_a)
    assert (alpha.confirmed_days, alpha.delivered_days, alpha.visits_delivered) == (Decimal("0.5"), 0, 0)
    alpha = next(row for row in delivered.icbs if row.icb == world.icb_a)
    assert (alpha.confirmed_days, alpha.delivered_days) == (0, Decimal("0.5"))
    assert (alpha.schools_visited, alpha.visits_delivered, alpha.outcomes_recorded) == (1, 1, 1)
    assert alpha.outcomes_percent == 100
    week_of_the_visit = next(week for week in weeks if week.week == datetime.date(2026, 10, 5))
    so_far = [week for week in weeks if week.delivered is not None]
    assert week_of_the_visit.delivered == Decimal("0.5") == so_far[-1].delivered
    assert weeks[-1].delivered is None  # the line stops at today
    assert _visit_reads(queries) == []


def _visit_reads(queries):
    """The queries that read the visits: none, as even the overdue ones are counted from kept rows."""
    return [query["sql"] for query in queries.captured_queries if '"specialists_visit"' in query["sql"]]


@pytest.mark.parametrize("url", [reverse("progress"), reverse("progress_export", args=["progress", "csv"])])
def test_the_progress_page_and_its_csv_read_no_visits(staff, world, url):
    with CaptureQueriesContext(connection) as queries:
        response = staff.get(url)
        b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200
    assert _visit_reads(queries) == []


def test_the_table_shows_each_icbs_figures(staff, world):
    _icb_with_progress(world.icb_a, schools=3, delivered=4, cohort=world.enrolment_a.cohort)

    html = staff.get(reverse("progress")).text
    alpha = html[html.index(f'href="/icbs/{world.icb_a.ods_code}/?year=2026-27">Alpha</a>') :]
    alpha = alpha[: alpha.index("</tr>")]

    cells = [cell.split(">", 1)[1].split("</td>")[0] for cell in alpha.split("<td")[1:]]
    assert "Behind plan" not in alpha  # no trajectory set
    assert cells == [
        "4 of 40",
        "2.5 of 20",
        "0",
        '2 <span class="govuk-hint govuk-!-font-size-16">(10%)</span>',
        "25%",
        "0% (1 overdue)",  # of 5 past visits none has an outcome record; the proposed one is overdue
        "0 schools",
    ]


def test_a_row_of_the_national_table_is_written_escaped_with_its_shortfalls_and_without_a_link_for_an_evaluator():
    row = ProgressShown(
        name="NHS Bath & North East Somerset <ICB>",
        url="",
        region="South West",
        behind_plan=True,
        shortfalls=["Allocated 10% of days, 25% expected by now", "Delivered <5%"],
        schools="40 of 40",
        allocated="120 of 200",
        confirmed="80",
        delivered="1,000.5",
        delivered_percent=12,
        first_visit_percent=50,
        outcomes="–",
        behind_on_meetings="1 school",
    )

    html = row.html

    assert "<a " not in html and "NHS Bath &amp; North East Somerset &lt;ICB&gt;<br>" in html
    assert '<strong class="govuk-tag govuk-tag--orange">Behind plan</strong>' in html
    assert '<br><span class="govuk-body-s">Delivered &lt;5%</span>' in html
    assert "1,000.5 <span" in html and "(12%)" in html
    linked = dataclasses.replace(row, url="/icbs/QHM/?year=2026/27", behind_plan=False)
    assert '<a class="govuk-link" href="/icbs/QHM/?year=2026/27">NHS Bath &amp;' in linked.html
    assert "Behind plan" not in linked.html
