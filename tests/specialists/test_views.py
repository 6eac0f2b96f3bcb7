"""The coordinator's pages: the ICB page, allocating, a visit's page, schedules, uploads and enrolment."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Enrolment, School
from specialists.models import Capacity, Session, Specialist, Visit
from specialists.services import visit_allocate
from tests.factories import CapacityFactory, EnrolmentFactory, SchoolFactory, SpecialistFactory, VisitFactory
from tests.gias import gias_csv, gias_row, gias_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


def _icb_page(client, world, **query):
    return client.get(reverse("icbs:detail", args=[world.icb_a.ods_code]), query)


def test_the_icb_page_shows_days_allocated_confirmed_delivered_and_remaining(coordinator, world):
    html = _icb_page(coordinator, world).text

    assert "Schools and specialists, 2026-27" in html
    assert world.school_a.name in html and world.school_b.name not in html
    assert f'data-remaining="{world.school_a.urn}">4.5 of 5<' in html  # the world's visit takes half a day
    assert world.specialist_a.full_name in html and world.specialist_b.full_name not in html


def _icb_with_schools(world, count):
    """`count` more enrolled schools in ICB A, each with a visit (on days of their own: the factory skips the
    rules, not the database's constraint), and a specialist for every ten."""
    first_day = datetime.date(2026, 10, 7) + datetime.timedelta(days=Visit.objects.count())
    Capacity.objects.filter(specialist=world.specialist_a).update(days=Decimal("500"))
    for n in range(count):
        enrolment = EnrolmentFactory(
            cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority
        )
        VisitFactory(enrolment=enrolment, specialist=world.specialist_a, date=first_day + datetime.timedelta(days=n))
    for _ in range(count // 10):
        specialist = SpecialistFactory(icb=world.icb_a)
        CapacityFactory(specialist=specialist, programme_year=world.enrolment_a.programme_year)


def test_the_icb_page_runs_the_same_queries_for_40_schools_and_400(coordinator, world, django_assert_max_num_queries):
    _icb_with_schools(world, 40)
    with django_assert_max_num_queries(100) as forty:
        _icb_page(coordinator, world, remaining="some", sort="-remaining")
    _icb_with_schools(world, 360)

    with django_assert_max_num_queries(len(forty.captured_queries)) as four_hundred:
        response = _icb_page(coordinator, world, remaining="some", sort="-remaining")

    assert response.context["page"].paginator.count == 401
    assert len(four_hundred.captured_queries) == len(forty.captured_queries)


@pytest.mark.parametrize(
    ("query", "expected", "hidden"),
    [
        ({"q": "Alpha"}, ["Alpha Primary School"], ["Gamma Infant School"]),
        ({"q": "GAMMA"}, ["Gamma Infant School"], ["Alpha Primary School"]),
        ({"remaining": "untouched"}, ["Gamma Infant School"], ["Alpha Primary School"]),
        ({"missing_discipline": "occupational_therapy"}, ["Gamma Infant School"], ["Alpha Primary School"]),
        ({"missing_discipline": "mental_health"}, ["Gamma Infant School", "Alpha Primary School"], []),
        ({"status": "invited"}, ["Gamma Infant School"], ["Alpha Primary School"]),
    ],
)
def test_schools_can_be_found_by_name_urn_days_discipline_and_status(coordinator, world, query, expected, hidden):
    EnrolmentFactory(
        cohort=world.enrolment_a.cohort,
        school__local_authority=world.school_a.local_authority,
        school__name="Gamma Infant School",
        status=Enrolment.Status.INVITED,
    )

    html = _icb_page(coordinator, world, **query).text

    for name in expected:
        assert name in html
    for name in hidden:
        assert name not in html


def test_searching_by_urn_finds_the_school(coordinator, world):
    html = _icb_page(coordinator, world, q=str(world.school_a.urn)).text

    assert "1 school matching" in html


def test_a_bad_filter_value_in_the_query_string_is_explained(coordinator, world):
    response = _icb_page(coordinator, world, remaining="lots", missing_discipline="astrology")

    html = response.text
    assert "There is a problem" in html
    assert html.count("Choose one of the options in the list") >= 2
    assert '<a href="#id_remaining">' in html


def test_schools_are_sorted_by_days_remaining(coordinator, world):
    EnrolmentFactory(
        cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority, school__name="Zeta"
    )

    html = _icb_page(coordinator, world, sort="remaining").text

    assert html.index("Alpha Primary School") < html.index("Zeta")
    html = _icb_page(coordinator, world, sort="-remaining").text
    assert html.index("Zeta") < html.index("Alpha Primary School")


def test_the_list_is_paginated(coordinator, world):
    for _ in range(30):
        EnrolmentFactory(cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority)

    first = _icb_page(coordinator, world).text
    second = _icb_page(coordinator, world, page=2).text

    assert "31 schools" in first and 'aria-label="Page 2"' in first
    assert first.count('<th scope="row"') - second.count('<th scope="row"') > 0


def _allocation(world, **fields):
    return {
        "enrolment": world.enrolment_a.pk,
        "specialist": world.specialist_a.pk,
        "date_day": "2",
        "date_month": "12",
        "date_year": "2026",
        "session": "afternoon",
        **fields,
    }


def test_allocating_a_half_day_books_it_and_says_what_is_left(coordinator, world):
    response = coordinator.post(
        reverse("visits:allocate", args=[world.icb_a.ods_code]),
        _allocation(world, purpose="Sensory audit"),
        follow=True,
    )

    visit = Visit.objects.get(date=datetime.date(2026, 12, 2))
    assert (visit.session, visit.purpose, visit.created_by) == (
        Session.AFTERNOON,
        "Sensory audit",
        world["coordinator_a"],
    )
    assert "Afternoon visit booked" in response.text
    assert "Alpha Primary School has 4 days left to allocate" in response.text


@pytest.mark.parametrize(
    ("fields", "message", "target"),
    [
        ({"date_day": "", "date_month": "", "date_year": ""}, "Enter the date of the visit", "id_date_0"),
        ({"date_month": ""}, "Date of the visit must include a month", "id_date_0"),
        ({"date_day": "31", "date_month": "2"}, "Date of the visit must be a real date", "id_date_0"),
        ({"date_day": "25"}, "Friday 25 December 2026 is a bank holiday (Christmas Day)", "id_date_0"),
        ({"session": "morning", "date_day": "6", "date_month": "10"}, "has passed", "id_date_0"),
        ({"session": ""}, "Choose a full day, a morning or an afternoon", "id_session_0"),
        ({"enrolment": ""}, "Choose the school", "id_enrolment"),
    ],
)
def test_each_problem_is_shown_in_the_error_summary(coordinator, world, fields, message, target):
    response = coordinator.post(reverse("visits:allocate", args=[world.icb_a.ods_code]), _allocation(world, **fields))

    html = response.text
    assert response.status_code == 200
    assert "<title>Error: Allocate a visit" in html
    assert message in html
    assert f'href="#{target}"' in html
    assert Visit.objects.count() == 1  # only the world's own visit


def test_a_clash_is_shown_against_the_session(coordinator, world):
    coordinator.post(reverse("visits:allocate", args=[world.icb_a.ods_code]), _allocation(world))
    other = EnrolmentFactory(cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority)

    response = coordinator.post(
        reverse("visits:allocate", args=[world.icb_a.ods_code]), _allocation(world, enrolment=other.pk)
    )

    assert "Ada Alpha is already booked in the afternoon on Wednesday 2 December 2026" in response.text
    assert 'href="#id_session_0"' in response.text


def test_another_icbs_school_or_specialist_cannot_be_chosen_by_editing_the_form(coordinator, world):
    for fields in ({"enrolment": world.enrolment_b.pk}, {"specialist": world.specialist_b.pk}):
        response = coordinator.post(
            reverse("visits:allocate", args=[world.icb_a.ods_code]), _allocation(world, **fields)
        )
        assert "Choose one of your ICB" in response.text
    assert Visit.objects.count() == 1


def test_the_next_free_dates_are_offered(coordinator, world):
    response = coordinator.get(
        reverse("visits:allocate", args=[world.icb_a.ods_code]),
        {"enrolment": world.enrolment_a.pk, "specialist": world.specialist_a.pk, "session": "morning", "find": "1"},
    )

    for day in ["Thursday 26 November 2026", "Friday 27 November 2026", "Monday 30 November 2026"]:
        assert day in response.text
    assert "date=2026-11-26" in response.text


def test_a_free_date_link_fills_in_the_date(coordinator, world):
    response = coordinator.get(
        reverse("visits:allocate", args=[world.icb_a.ods_code]),
        {"enrolment": world.enrolment_a.pk, "specialist": world.specialist_a.pk, "date": "2026-11-26"},
    )

    assert 'name="date_day" type="text" inputmode="numeric" value="26"' in response.text


def test_the_visit_page_shows_the_history_with_before_and_after(coordinator, world):
    visit = visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 2),
        session=Session.MORNING,
        by=world["coordinator_a"],
    )
    coordinator.post(reverse("visits:confirm", args=[visit.pk]))
    coordinator.post(
        reverse("visits:reschedule", args=[visit.pk]),
        {"date_day": "3", "date_month": "12", "date_year": "2026", "session": "full_day"},
    )
    coordinator.post(reverse("visits:cancel", args=[visit.pk]), {"reason": "The school closed for snow"})

    html = coordinator.get(reverse("visits:detail", args=[visit.pk])).text

    for step in ("Visit proposed", "Confirmed", "Rescheduled", "Cancelled", "The school closed for snow"):
        assert step in html
    assert "<del>Wednesday 2 December 2026</del>" in html
    assert world["coordinator_a"].get_full_name() in html
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.allocated_days == Decimal("0.5")  # only the world's own visit


def test_a_specialist_records_the_outcome_of_their_visit(client, world):
    client.force_login(world["specialist_a"])
    page = client.get(reverse("specialists:schedule", args=[world.specialist_a.pk])).text
    assert "1 past visit needs an outcome recording" in page

    response = client.post(
        reverse("visits:outcome", args=[world.visit_a.pk]),
        {"activities": ["classroom_observation", "staff_consultation"], "staff_reached": "8", "notes": "Year 2"},
        follow=True,
    )

    world.visit_a.refresh_from_db()
    assert world.visit_a.status == Visit.Status.DELIVERED
    assert "Classroom observation" in response.text and "Staff consultation" in response.text


def test_the_outcome_form_explains_a_bad_number(client, world):
    client.force_login(world["specialist_a"])

    response = client.post(reverse("visits:outcome", args=[world.visit_a.pk]), {"staff_reached": "lots"})

    assert "Choose at least one activity" in response.text
    assert "Number of staff reached must be a whole number, like 12" in response.text


def test_the_week_schedule_is_a_table_of_schools_by_day(coordinator, world):
    response = coordinator.get(
        reverse("visits:schedule", args=[world.icb_a.ods_code]), {"start": "2026-10-06", "view": "week"}
    )

    html = response.text
    assert "Visits in the week of 5 October 2026, by school" in html
    assert '<th scope="row"' in html and "Alpha Primary School" in html
    assert "Tue 6" in html and "AM</span> Ada Alpha" in html


def test_the_month_schedule_by_specialist(coordinator, world):
    html = coordinator.get(
        reverse("visits:schedule", args=[world.icb_a.ods_code]),
        {"start": "2026-10-06", "view": "month", "rows": "specialists"},
    ).text

    assert "Visits in October 2026, by specialist" in html
    assert "AM</span> Alpha Primary School" in html
    assert world.specialist_b.full_name not in html


def test_a_bad_schedule_date_is_explained(coordinator, world):
    html = coordinator.get(reverse("visits:schedule", args=[world.icb_a.ods_code]), {"start": "06/10/2026"}).text

    assert "The date to show from must be a real date, like 2026-11-02" in html
    assert 'href="#id_start"' in html


def test_the_schedule_query_count_does_not_grow(coordinator, world, django_assert_max_num_queries):
    url = reverse("visits:schedule", args=[world.icb_a.ods_code])
    with django_assert_max_num_queries(100) as few:
        coordinator.get(url, {"start": "2026-10-06"})
    _icb_with_schools(world, 30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator.get(url, {"start": "2026-10-06"})


def test_uploading_a_gias_file_adds_the_schools_to_the_icb(coordinator, world):
    upload = SimpleUploadedFile("schools.csv", gias_csv(gias_rows(3, first_urn=140000)))

    response = coordinator.post(reverse("schools:upload", args=[world.icb_a.ods_code]), {"file": upload})

    assert response.status_code == 302
    assert School.objects.filter(urn__in=[140000, 140001, 140002], icb=world.icb_a).count() == 3


def test_a_file_with_bad_rows_saves_nothing_and_lists_every_bad_row(coordinator, world):
    rows = [
        gias_row(140000),
        gias_row(12, LA_code="383"),
        gias_row(140002, Postcode="NOT A POSTCODE"),
        gias_row(140000),
    ]
    upload = SimpleUploadedFile("schools.csv", gias_csv(rows))

    response = coordinator.post(reverse("schools:upload", args=[world.icb_a.ods_code]), {"file": upload})

    html = response.text
    assert response.status_code == 200
    assert "The file has 3 problems: nothing was saved" in html
    assert "line 3:" in html and "line 4:" in html and "line 5:" in html
    assert not School.objects.filter(urn__in=[140000, 140002]).exists()


def test_checking_a_file_saves_nothing(coordinator, world):
    upload = SimpleUploadedFile("schools.csv", gias_csv(gias_rows(2, first_urn=140000)))

    response = coordinator.post(
        reverse("schools:upload", args=[world.icb_a.ods_code]), {"file": upload, "dry_run": "on"}
    )

    assert "No problems found. Importing it would give: 2 created" in response.text
    assert not School.objects.filter(urn=140000).exists()


def test_uploading_specialists_adds_them_to_the_icb(coordinator, world):
    content = (
        "full_name,discipline,employer,icb_ods_code,email,base_postcode,programme_year,capacity_days,active\r\n"
        "Sam Speech,Speech and language therapy,NHS Trust,,sam@nhs.example.org,LS2 9JT,2026-27,20,yes\r\n"
    )
    upload = SimpleUploadedFile("specialists.csv", content.encode())

    coordinator.post(reverse("specialists:upload", args=[world.icb_a.ods_code]), {"file": upload})

    sam = Specialist.objects.get(email="sam@nhs.example.org")
    assert sam.icb == world.icb_a and sam.capacities.get().days == 20


def test_enrolling_schools_gives_them_the_cohorts_quota(coordinator, world):
    schools = [SchoolFactory(local_authority=world.school_a.local_authority) for _ in range(2)]

    coordinator.post(
        reverse("schools:enrol", args=[world.icb_a.ods_code]),
        {
            "schools": [s.urn for s in schools],
            "cohort": world.enrolment_a.cohort_id,
            "support": "new",
            "status": "enrolled",
        },
    )

    enrolments = Enrolment.objects.filter(school__in=schools)
    assert {(e.status, e.quota_days, e.icb_id) for e in enrolments} == {("enrolled", Decimal("5.0"), world.icb_a.pk)}
    assert enrolments.first().history_events.get().user_id == world["coordinator_a"].pk


def test_a_school_with_visits_booked_cannot_be_withdrawn(coordinator, world):
    url = reverse("schools:enrolment_status", args=[world.school_a.urn, world.enrolment_a.pk])

    response = coordinator.post(url, {"status": "withdrawn"})

    assert "still has 0.5 days of visits booked" in response.text
    world.enrolment_a.refresh_from_db()
    assert world.enrolment_a.status == Enrolment.Status.ENROLLED


def test_the_school_page_shows_the_support_and_visits(coordinator, world):
    html = coordinator.get(reverse("schools:detail", args=[world.school_a.urn])).text

    assert "Specialist support in 2026-27" in html
    assert "Ada Alpha" in html and "Tuesday 6 October 2026" in html
    assert "4.5 days" in html


def test_the_school_page_shows_who_changed_the_enrolment(coordinator, world):
    coordinator.post(
        reverse("schools:enrolment_status", args=[world.school_a.urn, world.enrolment_b.pk]), {"status": "invited"}
    )
    enrolment = EnrolmentFactory(
        cohort=world.enrolment_a.cohort, school__local_authority=world.school_a.local_authority
    )
    coordinator.post(
        reverse("schools:enrolment_status", args=[enrolment.school.urn, enrolment.pk]), {"status": "invited"}
    )

    html = coordinator.get(reverse("schools:detail", args=[enrolment.school.urn])).text

    assert "Enrolment history" in html
    assert f"changed to invited, 5 days, new to the programme, by {world['coordinator_a'].get_full_name()}" in html
