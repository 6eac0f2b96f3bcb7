"""The Django admin: every model is in it, with a change list that costs the same queries for 2 rows or 8; what
a service holds (rules, day counters, access, history) cannot be added, changed or deleted there, only changed
through admin actions that call the services."""

import datetime
import itertools
import uuid
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from icbs.funding import payment_record
from icbs.models import CoordinatorMembership, ForumLeadMembership
from pins.accounts.models import AccessEvent, DownloadRecord, FreeTextReview, Invitation, StaffMembership
from pins.kernel.history import HistoryEvent, acting
from schools.models import (
    BlackoutPeriod,
    ParentCarerMeeting,
    PlanMilestone,
    ProgressChange,
    PupilVoiceActivity,
    School,
    SchoolHoliday,
    SelfAssessment,
    SencoMembership,
    WeeklyDelivery,
)
from specialists.models import (
    CalendarFeed,
    Capacity,
    ChangeRequest,
    Notice,
    OpenVisitsChange,
    Outcome,
    PlannerWeights,
    Reminder,
    Unavailability,
    Visit,
)
from tests import factories, funding
from tests.conftest import with_mfa

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)
_weeks = itertools.count()  # apart from _numbers, whose values the region codes keep short
_notices = itertools.count()  # the same
_months = itertools.count()
_reviewed_notes = itertools.count(1)  # the same


def _month_of_the_year(n: int) -> datetime.date:
    """The nth month of the 2026-27 year from September: consecutive calls give different months."""
    return datetime.date(2026 + (8 + n) // 12, (8 + n) % 12 + 1, 1)


FACTORIES = {
    "accounts.user": factories.UserFactory,
    "accounts.staffmembership": factories.StaffMembershipFactory,
    "icbs.region": lambda: factories.RegionFactory(name=f"Region {(n := next(_numbers))}", code=f"R{n:02d}"),
    "icbs.icb": factories.ICBFactory,
    "icbs.localauthority": factories.LocalAuthorityFactory,
    "icbs.coordinatormembership": factories.CoordinatorMembershipFactory,
    "schools.school": factories.SchoolFactory,
    "schools.programmeyear": lambda: factories.ProgrammeYearFactory(
        label=f"{(year := 2000 + next(_numbers))}-{(year + 1) % 100:02d}",
        starts_on=datetime.date(year, 9, 1),  # programme years do not overlap
        ends_on=datetime.date(year + 1, 7, 16),
    ),
    "schools.cohort": lambda: factories.CohortFactory(name=f"Cohort {next(_numbers)}"),
    "schools.enrolment": factories.EnrolmentFactory,
    "schools.closuredate": factories.ClosureDateFactory,
    "schools.sencomembership": factories.SencoMembershipFactory,
    "specialists.specialist": factories.SpecialistFactory,
    "specialists.capacity": factories.CapacityFactory,
    "specialists.unavailability": factories.UnavailabilityFactory,
    "specialists.visit": lambda: factories.VisitFactory(
        date=datetime.date(2026, 10, 1) + datetime.timedelta(days=next(_numbers))
    ),
    "specialists.outcome": lambda: Outcome.objects.create(
        visit=factories.VisitFactory(date=datetime.date(2027, 1, 1) + datetime.timedelta(days=next(_numbers))),
        activities=["staff_consultation"],
        staff_reached=3,
    ),
    "specialists.changerequest": lambda: ChangeRequest.objects.create(
        visit=factories.VisitFactory(date=datetime.date(2027, 3, 1) + datetime.timedelta(days=next(_numbers))),
        reason="Trip",
    ),
    "specialists.reminder": lambda: Reminder.objects.create(
        kind="outcome_overdue", subject=f"visit:{next(_numbers)}:v1", recipient="a@example.org"
    ),
    "specialists.notice": lambda: Notice.objects.create(
        visit=factories.VisitFactory(date=datetime.date(2027, 5, 3) + datetime.timedelta(days=next(_notices))),
        change="moved",
        key="v2:moved",
        recipient="a@example.org",
        subject="PINS visit moved",
        body="Hello",
    ),
    "specialists.calendarfeed": lambda: CalendarFeed.objects.create(
        school=factories.SchoolFactory(), token_hash=f"{next(_numbers):064d}"
    ),
    "schools.blackoutperiod": lambda: BlackoutPeriod.objects.create(
        programme_year=factories.ProgrammeYearFactory(),
        name="Assessment week",
        starts_on=datetime.date(2027, 5, 10),
        ends_on=datetime.date(2027, 5, 14),
    ),
    "schools.selfassessment": lambda: SelfAssessment.objects.create(
        enrolment=factories.EnrolmentFactory(), stage="start"
    ),
    "schools.selfassessmentrating": lambda: SelfAssessment.objects.create(
        enrolment=factories.EnrolmentFactory(), stage="start"
    ).ratings.create(domain="leadership", rating=2),
    "schools.parentcarermeeting": lambda: ParentCarerMeeting.objects.create(
        enrolment=factories.EnrolmentFactory(), held_on=datetime.date(2026, 10, 1), forum_present=True, attendees=5
    ),
    "schools.pupilvoiceactivity": lambda: PupilVoiceActivity.objects.create(
        enrolment=factories.EnrolmentFactory(), held_on=datetime.date(2026, 10, 1), description="Council"
    ),
    "accounts.invitation": lambda: Invitation.objects.create(
        email=f"i{next(_numbers)}@example.org",
        role="coordinator",
        icb=factories.ICBFactory(),
        token_hash=f"{next(_numbers):064d}",
        expires_at=timezone.now(),
    ),
    "accounts.accessevent": lambda: AccessEvent.objects.create(
        action="invited", role="coordinator", email="a@example.org", icb=factories.ICBFactory()
    ),
    "schools.weeklydelivery": lambda: WeeklyDelivery.objects.create(
        programme_year=factories.ProgrammeYearFactory(),
        icb=factories.ICBFactory(),
        week=datetime.date(2026, 9, 7) + datetime.timedelta(weeks=next(_weeks)),
    ),
    "schools.planmilestone": lambda: PlanMilestone.objects.create(
        programme_year=factories.ProgrammeYearFactory(),
        month=_month_of_the_year(next(_months) % 11),
        allocated_percent=40,
        delivered_percent=20,
    ),
    "accounts.downloadrecord": lambda: DownloadRecord.objects.create(
        user=factories.UserFactory(), path="/progress/export/visits.csv", filename="pins-visits.csv"
    ),
    "accounts.freetextreview": lambda: FreeTextReview.objects.create(
        kind="outcome-notes",
        object_id=next(_reviewed_notes),
        text_digest="0" * 32,
        decision=FreeTextReview.Decision.KEPT_OUT,
        about_date=datetime.date(2026, 10, 6),
        reviewed_by=factories.UserFactory(),
    ),
    "schools.progresschange": lambda: ProgressChange.objects.create(
        programme_year=factories.ProgrammeYearFactory(), icb=factories.ICBFactory(), schools=1
    ),
    "specialists.openvisitschange": lambda: OpenVisitsChange.objects.create(
        programme_year=factories.ProgrammeYearFactory(),
        icb=factories.ICBFactory(),
        date=datetime.date(2026, 10, 6),
        visits=1,
    ),
    "schools.schoolholiday": lambda: SchoolHoliday.objects.create(
        programme_year=factories.ProgrammeYearFactory(),
        local_authority=factories.LocalAuthorityFactory(),
        name="Autumn half term",
        starts_on=datetime.date(2026, 10, 26),
        ends_on=datetime.date(2026, 10, 30),
    ),
    "icbs.parentcarerforum": lambda: funding.forum_in(factories.ICBFactory()),
    "icbs.forumleadmembership": lambda: ForumLeadMembership.objects.create(
        forum=funding.forum_in(factories.ICBFactory()), user=factories.UserFactory()
    ),
    "icbs.fundingpot": lambda: funding.pot_for(factories.ICBFactory()),
    "icbs.award": lambda: _funded_award(),
    "icbs.forumactivity": lambda: _funded_award().activities.create(
        kind="training", parents_reached=4, happened_on=datetime.date(2026, 10, 1)
    ),
    "icbs.claim": lambda: _funded_award().claims.create(amount_pence=100),
    "icbs.ledgerentry": lambda: payment_record(
        award=_funded_award(), amount_pence=100, idempotency_key=uuid.uuid4().hex, by=None
    ),
    "specialists.plannerweights": lambda: PlannerWeights.objects.get_or_create(pk=1)[0],  # one row at most
    # allauth's, replaced by ours so that its secrets never show.
    "mfa.authenticator": lambda: TOTP.activate(factories.UserFactory(), generate_totp_secret()).instance,
}


def _funded_award():
    icb = factories.ICBFactory()
    return funding.award_for(funding.pot_for(icb), funding.forum_in(icb), funding.enrolled_schools(icb, 1))


# What the admin may do with each model: (add, change, delete). Reference data no service holds stays
# editable; every other model is (False, False, False).
ALLOWED = {
    "icbs.region": (True, True, True),
    "icbs.icb": (True, True, False),  # a merger's fields are read only; deleting would drop coordinators
    "icbs.localauthority": (True, True, True),
    "icbs.parentcarerforum": (True, True, False),  # deleting would drop its leads; awards refer to it
    "schools.programmeyear": (True, True, True),
    "schools.cohort": (True, True, True),
    "schools.blackoutperiod": (True, True, True),
    "accounts.user": (True, True, False),  # deleting would drop memberships with no AccessEvent
    "specialists.unavailability": (True, False, True),  # added through its service, which refuses booked days
    "specialists.plannerweights": (False, True, True),  # one row: added once (here it exists), deleted for defaults
}


@pytest.fixture
def admin_user():
    """A superuser with an authenticator app, signed in with it (as the admin requires)."""
    return with_mfa(factories.UserFactory(is_staff=True, is_superuser=True, email="root@example.org"))


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _url(label, view, *args):
    return reverse(f"admin:{label.replace('.', '_')}_{view}", args=args)


def _run_action(client, label, action, rows, **data):
    return client.post(
        _url(label, "changelist"), {"action": action, ACTION_CHECKBOX_NAME: [row.pk for row in rows], **data}
    )


def test_every_model_has_an_admin():
    ours = {
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "icbs", "schools", "specialists"}
        and not issubclass(model, HistoryEvent)  # shown on each row's History page instead
    }
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert ours <= registered
    assert ours | {"mfa.authenticator"} == set(FACTORIES)
    assert set(ALLOWED) <= set(FACTORIES)


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_change_list_query_count_does_not_grow_with_rows(admin_client, label):
    url = _url(label, "changelist")
    make = FACTORIES[label]

    for _ in range(2):
        make()
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    for _ in range(6):
        make()
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_change_list_search_works(admin_client, label):
    FACTORIES[label]()

    response = admin_client.get(_url(label, "changelist"), {"q": "a"})

    assert response.status_code == 200


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_what_a_service_holds_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, label):
    row = FACTORIES[label]()
    model = apps.get_model(label)
    may_add, may_change, may_delete = ALLOWED.get(label, (False, False, False))
    rows = model.objects.count()

    assert admin_client.get(_url(label, "change", row.pk)).status_code == 200  # it can always be seen
    assert (admin_client.get(_url(label, "add")).status_code == 200) == may_add
    assert (admin_client.get(_url(label, "delete", row.pk)).status_code == 200) == may_delete
    if not may_add:
        assert admin_client.post(_url(label, "add"), {}).status_code == 403
    if not may_change:
        assert admin_client.post(_url(label, "change", row.pk), {}).status_code == 403
    if not may_delete:
        assert admin_client.post(_url(label, "delete", row.pk), {"post": "yes"}).status_code == 403

    assert model.objects.count() == rows


def test_a_visit_cannot_be_moved_to_christmas_day_in_the_admin(admin_client):
    visit = factories.VisitFactory()
    christmas = {
        "enrolment": visit.enrolment_id,
        "specialist": visit.specialist_id,
        "date": "2026-12-25",
        "session": "full_day",
        "status": "confirmed",
    }

    changed = admin_client.post(_url("specialists.visit", "change", visit.pk), christmas)
    reverted = admin_client.post(reverse("admin:specialists_visit_history", args=[visit.pk]), christmas)

    assert (changed.status_code, reverted.status_code) == (403, 403)
    visit.refresh_from_db()
    assert (visit.date, visit.session, visit.status) == (datetime.date(2026, 10, 6), "morning", "proposed")


def test_add_visit_is_refused_not_a_server_error(admin_client):
    enrolment = factories.EnrolmentFactory()
    specialist = factories.SpecialistFactory(icb=enrolment.icb)

    page = admin_client.get(_url("specialists.visit", "add"))
    posted = admin_client.post(
        _url("specialists.visit", "add"),
        {"enrolment": enrolment.pk, "specialist": specialist.pk, "date": "2026-10-06", "session": "morning"},
    )

    assert (page.status_code, posted.status_code) == (403, 403)
    assert not Visit.objects.exists()


def _booked_visit():
    enrolment = factories.EnrolmentFactory()
    specialist = factories.SpecialistFactory(icb=enrolment.icb)
    factories.CapacityFactory(specialist=specialist, programme_year=enrolment.programme_year)
    return factories.VisitFactory(enrolment=enrolment, specialist=specialist, session="full_day", slot_end=2, days=1)


def _days_counted(visit):
    capacity = Capacity.objects.get(specialist=visit.specialist, programme_year=visit.enrolment.programme_year)
    visit.enrolment.refresh_from_db()
    return visit.enrolment.allocated_days, capacity.allocated_days


def test_cancelling_visits_in_the_admin_asks_why_then_gives_their_days_back_with_history(admin_client, admin_user):
    visit = _booked_visit()
    assert _days_counted(visit) == (Decimal("1.0"), Decimal("1.0"))

    asked = _run_action(admin_client, "specialists.visit", "cancel_selected", [visit], index=0)
    no_reason = _run_action(admin_client, "specialists.visit", "cancel_selected", [visit], confirmed="yes")
    visit.refresh_from_db()
    assert (asked.status_code, no_reason.status_code, visit.status) == (200, 200, "proposed")
    assert 'name="reason"' in asked.content.decode()
    assert "Enter why the visits are cancelled" in no_reason.content.decode()

    done = _run_action(
        admin_client, "specialists.visit", "cancel_selected", [visit], confirmed="yes", reason="School closed"
    )

    assert done.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_by, visit.cancellation_reason) == ("cancelled", admin_user, "School closed")
    assert _days_counted(visit) == (Decimal("0.0"), Decimal("0.0"))
    last = visit.history_events.latest("pgh_id")
    assert (last.status, last.user_id) == ("cancelled", admin_user.pk)


def test_the_admin_says_why_a_visit_cannot_be_cancelled(admin_client):
    visit = _booked_visit()
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.DELIVERED)

    response = _run_action(
        admin_client, "specialists.visit", "cancel_selected", [visit], confirmed="yes", reason="Mistake"
    )

    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("This visit is delivered: it can no longer be changed" in message for message in messages)
    assert _days_counted(visit) == (Decimal("1.0"), Decimal("1.0"))


def test_actions_need_the_models_change_permission(client):
    visit = _booked_visit()
    viewer = with_mfa(factories.UserFactory(is_staff=True))
    viewer.user_permissions.add(Permission.objects.get(codename="view_visit"))
    client.force_login(viewer)

    assert client.get(_url("specialists.visit", "changelist")).status_code == 200
    _run_action(client, "specialists.visit", "cancel_selected", [visit], confirmed="yes", reason="Closed")

    visit.refresh_from_db()
    assert visit.status == "proposed"


def _removed(by):
    return AccessEvent.objects.get(action=AccessEvent.Action.REMOVED, actor=by)


def test_removing_a_coordinator_in_the_admin_records_it(admin_client, admin_user):
    membership = factories.CoordinatorMembershipFactory()
    staying = factories.CoordinatorMembershipFactory(icb=membership.icb)  # an ICB keeps its last coordinator

    _run_action(admin_client, "icbs.coordinatormembership", "remove_selected", [membership], index=0)

    assert list(CoordinatorMembership.objects.all()) == [staying]
    event = _removed(admin_user)
    assert (event.role, event.email, event.icb) == ("coordinator", membership.user.email, membership.icb)


def test_removing_a_senco_in_the_admin_records_it(admin_client, admin_user):
    membership = factories.SencoMembershipFactory()

    _run_action(admin_client, "schools.sencomembership", "remove_selected", [membership], index=0)

    assert not SencoMembership.objects.exists()
    event = _removed(admin_user)
    assert (event.role, event.email, event.school) == ("senco", membership.user.email, membership.school)


def test_removing_a_staff_role_in_the_admin_records_it(admin_client, admin_user):
    membership = factories.StaffMembershipFactory(role=StaffMembership.Role.PROGRAMME_ADMIN)

    _run_action(admin_client, "accounts.staffmembership", "remove_selected", [membership], index=0)

    assert not StaffMembership.objects.filter(pk=membership.pk).exists()
    event = _removed(admin_user)
    assert (event.role, event.email, event.icb) == ("programme_admin", membership.user.email, None)


def test_removing_a_specialists_account_in_the_admin_records_it(admin_client, admin_user):
    specialist = factories.SpecialistFactory(user=factories.UserFactory())
    email = specialist.user.email

    _run_action(admin_client, "specialists.specialist", "remove_accounts", [specialist], index=0)

    specialist.refresh_from_db()
    assert specialist.user is None
    assert (_removed(admin_user).role, _removed(admin_user).email) == ("specialist", email)


def test_withdrawing_an_invitation_in_the_admin_records_it(admin_client, admin_user):
    invitation = FACTORIES["accounts.invitation"]()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))

    _run_action(admin_client, "accounts.invitation", "withdraw_selected", [invitation], index=0)

    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    assert AccessEvent.objects.filter(action=AccessEvent.Action.INVITATION_WITHDRAWN, actor=admin_user).exists()


def test_change_requests_are_resolved_and_feeds_revoked_through_their_services(admin_client, admin_user):
    change_request = FACTORIES["specialists.changerequest"]()
    feed = FACTORIES["specialists.calendarfeed"]()

    _run_action(admin_client, "specialists.changerequest", "resolve_selected", [change_request], index=0)
    _run_action(admin_client, "specialists.calendarfeed", "revoke_selected", [feed], index=0)

    change_request.refresh_from_db()
    feed.refresh_from_db()
    assert change_request.resolved_by == admin_user
    assert (feed.revoked_at is not None, feed.revoked_by) == (True, admin_user)


def test_authenticator_secrets_never_show_in_the_admin(admin_client):
    secret = generate_totp_secret()
    authenticator = TOTP.activate(factories.UserFactory(full_name="Tess Two-Factor"), secret).instance
    stored = authenticator.data["secret"]

    listed = admin_client.get(_url("mfa.authenticator", "changelist")).content.decode()
    shown = admin_client.get(_url("mfa.authenticator", "change", authenticator.pk)).content.decode()

    assert "Tess Two-Factor" in listed
    assert "Tess Two-Factor" in shown
    for page in (listed, shown):
        assert secret not in page
        assert stored not in page
    assert Authenticator.objects.get(pk=authenticator.pk).data["secret"] == stored


def test_an_icbs_merger_dates_and_successor_cannot_be_set_in_the_admin(admin_client):
    icb, successor = factories.ICBFactory(), factories.ICBFactory()
    started_on = icb.started_on
    data = {
        "ods_code": icb.ods_code,
        "name": "Renamed Integrated Care Board",
        "ons_code": icb.ons_code,
        "region": icb.region_id,
        "started_on": "2020-01-01",
        "ended_on": "2026-04-01",
        "successor": successor.pk,
    }

    response = admin_client.post(_url("icbs.icb", "change", icb.pk), data)

    assert response.status_code == 302
    icb.refresh_from_db()
    assert icb.name == "Renamed Integrated Care Board"  # its name is reference data
    assert (icb.started_on, icb.ended_on, icb.successor) == (started_on, None, None)


def test_leave_over_a_booked_visit_is_refused_in_the_admin(admin_client):
    visit = _booked_visit()
    leave = {"specialist": visit.specialist_id, "starts_on": "2026-10-05", "ends_on": "2026-10-09", "reason": "Leave"}

    refused = admin_client.post(_url("specialists.unavailability", "add"), leave)
    recorded = admin_client.post(
        _url("specialists.unavailability", "add"), {**leave, "starts_on": "2026-10-12", "ends_on": "2026-10-16"}
    )

    assert refused.status_code == 200
    assert "has a visit booked at" in refused.content.decode()
    assert recorded.status_code == 302
    assert list(Unavailability.objects.values_list("starts_on", flat=True)) == [datetime.date(2026, 10, 12)]


def test_a_schools_history_page_shows_each_change_with_who_made_it_however_it_was_made(admin_client, admin_user):
    school = factories.SchoolFactory(name="Old Name Primary School")
    before = school.icb
    after = factories.ICBFactory(name="NHS Successor Integrated Care Board")
    with acting(admin_user, reason="GIAS import"):  # as an import or a merger moves schools: in bulk
        School.objects.filter(pk=school.pk).update(name="New Name Primary School", icb=after)

    page = admin_client.get(_url("schools.school", "history", school.pk))
    refused = admin_client.post(_url("schools.school", "history", school.pk))

    html = page.content.decode()
    assert (page.status_code, refused.status_code) == (200, 403)
    assert "Old Name Primary School &rarr; New Name Primary School" in html
    assert f"ICB: {before} &rarr; {after}" in html
    assert f"{escape(admin_user.get_full_name())}</td>" in html and "Changed (GIAS import)" in html
