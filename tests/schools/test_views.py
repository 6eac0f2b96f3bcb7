"""The schools app's pages: self-assessment, parent carers, uploading, enrolling and withdrawing schools."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Domain, Enrolment, ParentCarerMeeting, School, SelfAssessment
from schools.selectors import with_parent_carer_progress
from tests.factories import SchoolFactory
from tests.gias import gias_csv, gias_row, gias_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def senco(client, world):
    client.force_login(world["senco_a"])
    return client


def _ratings(**overrides):
    answers = {f"rating_{domain}": "3" for domain in Domain.values}
    return {**answers, **overrides}


def test_the_senco_completes_the_self_assessment_and_the_coordinator_sees_it_when_allocating(senco, client, world):
    url = reverse("schools:self_assessment_edit", args=[world.school_a.urn, "start"])
    senco.post(
        url,
        _ratings(
            rating_environment_and_communication="1",
            notes_environment_and_communication="Corridors are loud",
            wanted_disciplines=["occupational_therapy", "speech_and_language_therapy"],
        ),
    )

    assessment = SelfAssessment.objects.get()
    assert assessment.ratings.get(domain="environment_and_communication").rating == 1
    assert assessment.wanted_disciplines == ["occupational_therapy", "speech_and_language_therapy"]
    client.force_login(world["coordinator_a"])
    page = client.get(reverse("visits:allocate", args=[world.icb_a.ods_code]), {"enrolment": world.enrolment_a.pk}).text
    assert "Specialists it would most like: Occupational therapy, Speech and language therapy" in page
    assert "Furthest to go (not yet started): Environment and communication" in page


def test_every_domain_must_be_rated(senco, world):
    response = senco.post(
        reverse("schools:self_assessment_edit", args=[world.school_a.urn, "start"]),
        _ratings(rating_mental_health=""),
    )

    assert "Choose how far your school has come in mental health" in response.text
    assert not SelfAssessment.objects.exists()


def test_the_end_self_assessment_shows_beside_the_start(senco, world):
    for stage, rating in (("start", "1"), ("end", "4")):
        senco.post(
            reverse("schools:self_assessment_edit", args=[world.school_a.urn, stage]),
            _ratings(rating_leadership=rating),
        )

    html = senco.get(reverse("schools:self_assessment", args=[world.school_a.urn])).text

    assert "1 of 4" in html and "4 of 4" in html


def test_a_senco_cannot_see_or_change_another_schools_records(senco, world):
    for name in ("schools:self_assessment", "schools:parent_carers", "schools:closure_dates", "schools:calendar"):
        assert senco.get(reverse(name, args=[world.school_b.urn])).status_code == 404
    response = senco.post(reverse("schools:self_assessment_edit", args=[world.school_b.urn, "start"]), _ratings())
    assert response.status_code == 404
    assert not SelfAssessment.objects.exists()


def test_termly_meetings_show_which_schools_are_behind(senco, world):
    # On 25 November 2026 no term has ended yet; by 10 April 2027 the autumn and spring terms have.
    senco.post(
        reverse("schools:parent_carers", args=[world.school_a.urn]),
        {
            "record": "meeting",
            "meeting-held_on_day": "14",
            "meeting-held_on_month": "10",
            "meeting-held_on_year": "2026",
            "meeting-forum_present": "yes",
            "meeting-attendees": "18",
        },
    )
    assert ParentCarerMeeting.objects.get().attendees == 18
    year = world.enrolment_a.programme_year

    with time_machine.travel(datetime.datetime(2027, 4, 10, tzinfo=datetime.UTC)):
        progress = {
            enrolment.school.name: enrolment.meetings_missing
            for enrolment in with_parent_carer_progress(
                world.enrolment_a.__class__.objects.filter(programme_year=year), year=year
            ).select_related("school")
        }

    assert progress == {"Alpha Primary School": 1, "Beta Primary School": 2}


def test_a_meeting_in_the_future_is_refused(senco, world):
    response = senco.post(
        reverse("schools:parent_carers", args=[world.school_a.urn]),
        {
            "record": "meeting",
            "meeting-held_on_day": "14",
            "meeting-held_on_month": "12",
            "meeting-held_on_year": "2026",
            "meeting-forum_present": "no",
            "meeting-attendees": "x",
        },
    )

    html = response.text
    assert "The number of parents and carers must be a whole number, like 15" in html
    assert not ParentCarerMeeting.objects.exists()


def test_the_coordinator_sees_schools_behind_on_meetings(client, world):
    with time_machine.travel(datetime.datetime(2027, 1, 10, tzinfo=datetime.UTC)):
        client.force_login(world["coordinator_a"])
        html = client.get(reverse("icbs:detail", args=[world.icb_a.ods_code]), {"year": "2026-27"}).text

    assert "1 school is behind on termly parent and carer meetings" in html


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


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
