"""A specialist's own journey: recording their leave (refused on days with visits, naming them) and declining a
proposed visit, which becomes a change request the coordinator sees."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from specialists.models import ChangeRequest, Session, Unavailability
from specialists.services import visit_allocate, visit_confirm
from specialists.tasks import send_change_request_email

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def specialist(client, world):
    client.force_login(world["specialist_a"])
    return client


def _visit(world, day, session=Session.MORNING):
    return visit_allocate(
        enrolment=world.enrolment_a, specialist=world.specialist_a, date=day, session=session, by=None
    )


def _leave(first, last=None):
    data = {"starts_on_day": first.day, "starts_on_month": first.month, "starts_on_year": first.year}
    if last:
        data |= {"ends_on_day": last.day, "ends_on_month": last.month, "ends_on_year": last.year}
    return data


def test_the_schedule_links_to_the_leave_page(specialist, world):
    page = specialist.get(reverse("specialists:schedule", args=[world.specialist_a.pk])).text

    assert "Record your leave" in page


def test_a_specialist_records_a_day_of_leave(specialist, world):
    response = specialist.post(
        reverse("specialists:leave", args=[world.specialist_a.pk]), _leave(datetime.date(2026, 12, 14)), follow=True
    )

    assert "Leave recorded: no visit will be booked for you on Monday 14 December 2026" in response.text
    leave = Unavailability.objects.get(specialist=world.specialist_a)
    assert leave.starts_on == leave.ends_on == datetime.date(2026, 12, 14)
    assert "Monday 14 December 2026" in response.text.split("Leave coming up")[1]


def test_leave_over_booked_visits_is_refused_naming_each(specialist, world):
    _visit(world, datetime.date(2026, 12, 8))
    _visit(world, datetime.date(2026, 12, 10), Session.AFTERNOON)

    response = specialist.post(
        reverse("specialists:leave", args=[world.specialist_a.pk]),
        _leave(datetime.date(2026, 12, 7), datetime.date(2026, 12, 11)),
    )

    assert "govuk-error-summary" in response.text
    assert "Alpha Primary School on Tuesday 8 December 2026; Alpha Primary School on Thursday 10 December 2026" in (
        response.text
    )
    assert not Unavailability.objects.exists()


def test_a_leave_date_that_is_not_real_is_explained(specialist, world):
    response = specialist.post(
        reverse("specialists:leave", args=[world.specialist_a.pk]),
        {"starts_on_day": "31", "starts_on_month": "2", "starts_on_year": "2027"},
    )

    assert "First day must be a real date" in response.text


def test_another_specialists_leave_page_is_not_found(specialist, world):
    assert specialist.get(reverse("specialists:leave", args=[world.specialist_b.pk])).status_code == 404


def test_declining_a_proposed_visit_tells_the_coordinator(
    specialist, client, world, django_capture_on_commit_callbacks
):
    visit = _visit(world, datetime.date(2026, 12, 8))
    assert "Decline the visit" in specialist.get(reverse("visits:detail", args=[visit.pk])).text

    with django_capture_on_commit_callbacks(execute=True):
        response = specialist.post(
            reverse("visits:decline", args=[visit.pk]), {"reason": "Booked on a course"}, follow=True
        )
    send_change_request_email(ChangeRequest.objects.get().pk)

    assert "Visit declined" in response.text and "The specialist declined this visit" in response.text
    assert ChangeRequest.objects.get().from_specialist
    assert mail.outbox[-1].subject == "Ada Alpha declined a PINS visit at Alpha Primary School"
    client.force_login(world["coordinator_a"])
    icb_page = client.get(reverse("icbs:detail", args=[world.icb_a.ods_code])).text
    assert "Declined by the specialist: Booked on a course" in icb_page
    reschedule = client.get(reverse("visits:reschedule", args=[visit.pk])).text
    assert "The specialist declined this visit" in reschedule and "Booked on a course" in reschedule


def test_a_confirmed_visit_cannot_be_declined(specialist, world):
    visit = visit_confirm(visit=_visit(world, datetime.date(2026, 12, 8)), by=world["senco_a"])
    assert "Decline the visit" not in specialist.get(reverse("visits:detail", args=[visit.pk])).text

    response = specialist.post(reverse("visits:decline", args=[visit.pk]), {"reason": "Course"})

    assert "This visit is confirmed: ask your coordinator to move or cancel it" in response.text
    assert not ChangeRequest.objects.exists()


def test_declining_needs_a_reason(specialist, world):
    visit = _visit(world, datetime.date(2026, 12, 8))

    response = specialist.post(reverse("visits:decline", args=[visit.pk]), {"reason": " "})

    assert "Enter why you cannot make the visit" in response.text


def test_the_coordinator_cannot_decline_for_the_specialist(client, world):
    client.force_login(world["coordinator_a"])
    visit = _visit(world, datetime.date(2026, 12, 8))

    assert client.get(reverse("visits:decline", args=[visit.pk])).status_code == 403
