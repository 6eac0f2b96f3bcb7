"""Allocating a visit, a visit's page, its outcome, and asking for a change to it."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from specialists.models import ChangeRequest, Session, Visit
from specialists.services import visit_allocate, visit_reschedule
from specialists.tasks import send_change_request_email, send_unsent_change_request_emails
from tests.factories import EnrolmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world["coordinator_a"])
    return client


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
    assert escape(world["coordinator_a"].get_full_name()) in html
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


@pytest.fixture
def senco(client, world):
    client.force_login(world["senco_a"])
    return client


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
