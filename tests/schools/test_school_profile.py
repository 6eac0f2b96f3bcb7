"""The school's own records: self-assessment, parent and carer involvement, closure dates, change requests."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from schools.models import ClosureDate, Domain, ParentCarerMeeting, SelfAssessment
from schools.selectors import with_parent_carer_progress
from specialists.models import ChangeRequest, Session, Visit
from specialists.services import visit_allocate, visit_reschedule
from specialists.tasks import send_change_request_email, send_unsent_change_request_emails
from tests.factories import EnrolmentFactory

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


def test_a_closure_date_stops_bookings_on_it(senco, world):
    senco.post(
        reverse("schools:closure_dates", args=[world.school_a.urn]),
        {
            "kind": "event",
            "starts_on_day": "3",
            "starts_on_month": "12",
            "starts_on_year": "2026",
            "description": "Nativity",
        },
    )

    closure = ClosureDate.objects.get(description="Nativity")
    assert closure.starts_on == closure.ends_on == datetime.date(2026, 12, 3)
    with pytest.raises(Exception, match="closed on 3 December 2026 \\(Nativity\\)"):
        visit_allocate(
            enrolment=world.enrolment_a,
            specialist=world.specialist_a,
            date=datetime.date(2026, 12, 3),
            session=Session.MORNING,
            by=None,
        )


def test_removing_a_closure_date_goes_through_its_service_and_frees_the_day(senco, world):
    from pins.kernel.errors import RuleBroken
    from specialists.services import closure_date_remove

    closure = ClosureDate.objects.create(
        school=world.school_a, kind="event", starts_on=datetime.date(2026, 12, 3), ends_on=datetime.date(2026, 12, 3)
    )
    response = senco.post(reverse("schools:closure_date_remove", args=[world.school_a.urn, closure.pk]))

    assert response.status_code == 302 and not ClosureDate.objects.filter(pk=closure.pk).exists()
    visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )
    with pytest.raises(RuleBroken, match="already been removed"):
        closure_date_remove(closure=closure, by=world["senco_a"])


def test_a_closure_on_a_booked_day_is_refused(senco, world):
    visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )

    response = senco.post(
        reverse("schools:closure_dates", args=[world.school_a.urn]),
        {"kind": "inset", "starts_on_day": "1", "starts_on_month": "12", "starts_on_year": "2026",
         "ends_on_day": "4", "ends_on_month": "12", "ends_on_year": "2026"},
    )  # fmt: skip

    assert "A visit is booked on Thursday 3 December 2026" in response.text
    assert not ClosureDate.objects.filter(kind="inset", school=world.school_a, starts_on__month=12).exists()


def test_asking_for_a_change_tells_the_coordinators_once(senco, world, django_capture_on_commit_callbacks):
    visit = visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )

    with django_capture_on_commit_callbacks(execute=True):
        senco.post(reverse("visits:request_change", args=[visit.pk]), {"reason": "Year 6 trip that day"})
    send_change_request_email(ChangeRequest.objects.get().pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world["coordinator_a"].email]
    assert "Year 6 trip that day" in mail.outbox[0].body
    again = senco.post(reverse("visits:request_change", args=[visit.pk]), {"reason": "Again"})
    assert "already asked for a change" in again.text


def test_moving_the_visit_resolves_the_request_and_the_icb_page_lists_open_ones(senco, client, world):
    visit = visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )
    senco.post(reverse("visits:request_change", args=[visit.pk]), {"reason": "Year 6 trip that day"})
    client.force_login(world["coordinator_a"])
    assert "Year 6 trip that day" in client.get(reverse("icbs:detail", args=[world.icb_a.ods_code])).text

    visit_reschedule(visit=visit, date=datetime.date(2026, 12, 4), session=Session.MORNING, by=world["coordinator_a"])

    assert ChangeRequest.objects.get().resolved_by == world["coordinator_a"]
    assert "Year 6 trip that day" not in client.get(reverse("icbs:detail", args=[world.icb_a.ods_code])).text


def test_the_senco_confirms_a_visit_from_the_schedule(senco, world):
    visit = visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )
    page = reverse("schools:detail", args=[world.school_a.urn])

    response = senco.post(reverse("visits:confirm", args=[visit.pk]), {"next": page})

    assert response.url == page
    visit.refresh_from_db()
    assert (visit.status, visit.confirmed_by) == (Visit.Status.CONFIRMED, world["senco_a"])


def test_the_schedule_page_query_count_does_not_grow(senco, world, django_assert_max_num_queries):
    url = reverse("schools:detail", args=[world.school_a.urn])
    with django_assert_max_num_queries(60) as few:
        senco.get(url)
    for day in (1, 2, 3, 4, 7, 8, 9, 10):
        visit_allocate(
            enrolment=world.enrolment_a,
            specialist=world.specialist_a,
            date=datetime.date(2026, 12, day),
            session=Session.AFTERNOON,
            by=None,
        )
    EnrolmentFactory(school=world.school_a, cohort__programme_year__label="2025-26",
                     cohort__programme_year__starts_on=datetime.date(2025, 9, 1),
                     cohort__programme_year__ends_on=datetime.date(2026, 7, 17))  # fmt: skip

    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        senco.get(url)


def test_a_broker_outage_keeps_the_request_and_the_sweep_sends_it_once(
    senco, world, monkeypatch, django_capture_on_commit_callbacks
):
    visit = visit_allocate(
        enrolment=world.enrolment_a,
        specialist=world.specialist_a,
        date=datetime.date(2026, 12, 3),
        session=Session.MORNING,
        by=None,
    )

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(send_change_request_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = senco.post(reverse("visits:request_change", args=[visit.pk]), {"reason": "Sports day"})

    assert len(callbacks) == 1  # the e-mail was queued on commit, and the broker refused it

    assert response.status_code == 302
    assert ChangeRequest.objects.get().emailed_at is None
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 10, tzinfo=datetime.UTC)):
        assert send_unsent_change_request_emails() == 1
        assert send_unsent_change_request_emails() == 0
    assert len(mail.outbox) == 1 and "Sports day" in mail.outbox[0].body
