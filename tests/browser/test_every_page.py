"""Every kind of page in the service, opened in the browser by someone who may see it, passes axe."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from specialists.models import ChangeRequest
from specialists.services import calendar_feed_create
from tests.conftest import Client, with_mfa
from tests.factories import (
    CapacityFactory,
    ClosureDateFactory,
    CoordinatorMembershipFactory,
    EnrolmentFactory,
    SencoMembershipFactory,
    SpecialistFactory,
    StaffMembershipFactory,
    UserFactory,
    VisitFactory,
)


@pytest.fixture
def service(current_year):
    today, year = timezone.localdate(), current_year
    enrolment = EnrolmentFactory(cohort__programme_year=year, school__name="Oakfield Primary School")
    specialist = SpecialistFactory(icb=enrolment.icb, full_name="Ada Lovelace")
    CapacityFactory(specialist=specialist, programme_year=year)
    past = VisitFactory(enrolment=enrolment, specialist=specialist, date=today - datetime.timedelta(days=7))
    future = VisitFactory(enrolment=enrolment, specialist=specialist, date=today + datetime.timedelta(days=7))
    ChangeRequest.objects.create(visit=future, reason="A school trip")
    ClosureDateFactory(
        school=enrolment.school,
        starts_on=today + datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=20),
    )
    specialist.user = UserFactory()
    specialist.save()
    calendar_feed_create(school=enrolment.school, by=None)
    return {
        "icb": enrolment.icb,
        "school": enrolment.school,
        "enrolment": enrolment,
        "specialist": specialist,
        "past": past,
        "future": future,
        "coordinator": with_mfa(CoordinatorMembershipFactory(icb=enrolment.icb).user),
        "senco": SencoMembershipFactory(school=enrolment.school).user,
        "staff": with_mfa(
            StaffMembershipFactory(role="programme_admin", user__is_staff=True, user__is_superuser=True).user
        ),
    }


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _pages(s):
    icb, urn, visit = s["icb"].ods_code, s["school"].urn, s["future"].pk
    return {
        "coordinator": [
            reverse("home"),
            reverse("icbs:detail", args=[icb]),
            reverse("icbs:detail", args=[icb]) + "?status=nonsense",
            reverse("visits:allocate", args=[icb])
            + f"?enrolment={s['enrolment'].pk}&specialist={s['specialist'].pk}&session=morning&find=1",
            reverse("visits:plan", args=[icb]),
            reverse("visits:schedule", args=[icb]),
            reverse("visits:schedule", args=[icb]) + "?view=month&rows=specialists",
            reverse("schools:enrol", args=[icb]),
            reverse("schools:upload", args=[icb]),
            reverse("specialists:upload", args=[icb]),
            reverse("schools:detail", args=[urn]),
            reverse("schools:enrolment_status", args=[urn, s["enrolment"].pk]),
            reverse("visits:detail", args=[visit]),
            reverse("visits:reschedule", args=[visit]),
            reverse("visits:cancel", args=[visit]),
            reverse("visits:outcome", args=[s["past"].pk]),
            reverse("specialists:schedule", args=[s["specialist"].pk]),
            reverse("access:icb", args=[icb]),
            reverse("access:invite_senco", args=[icb]),
            reverse("access:invite_specialist", args=[icb]),
            reverse("calendars:icb", args=[icb]),
            reverse("account_change_password"),
            reverse("mfa_index"),
        ],
        "senco": [
            reverse("schools:detail", args=[urn]),
            reverse("schools:self_assessment", args=[urn]),
            reverse("schools:self_assessment_edit", args=[urn, "start"]),
            reverse("schools:parent_carers", args=[urn]),
            reverse("schools:closure_dates", args=[urn]),
            reverse("schools:calendar", args=[urn]),
            reverse("visits:request_change", args=[s["past"].pk]),
            reverse("account_email"),
        ],
        "staff": [
            reverse("progress"),
            reverse("icbs:list"),
            reverse("access:invite_coordinator", args=[icb]),
            reverse("admin:index"),
        ],
    }


@pytest.mark.parametrize("role", ["coordinator", "senco", "staff"])
def test_every_page_a_person_can_reach_passes_axe(visit, page, live_server, service, role):
    _sign_in(page, live_server, service[role])

    for path in _pages(service)[role]:
        visit(path)
        assert "Sign in" not in page.title(), path


def test_the_pages_before_signing_in_pass_axe(visit, page):
    for path in [
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("account_signup"),
        reverse("accessibility"),
        reverse("privacy"),
        reverse("cookies"),
        reverse("access:accept_invitation", args=["not-a-real-token"]),
        "/no-such-page/",
    ]:
        visit(path)


def test_a_refusal_passes_axe(visit, page, live_server, service):
    _sign_in(page, live_server, service["senco"])

    visit(reverse("visits:cancel", args=[service["future"].pk]))

    assert page.title() == "You cannot do this – PINS programme"
