"""The authorization matrix: every URL pattern of the project, for every kind of person, on ICB A's objects.

A new URL pattern without a rule here fails `test_every_url_pattern_has_a_rule`. Outcomes:
  page   200            login  redirected to sign-in          done  302 after a successful POST
  403    may see, may not change                              404   may not see (or it does not exist)
  405    method not allowed
A refused request (403, 404, 405, sign-in) must leave the database exactly as it was.
"""

import dataclasses
import datetime
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from icbs.models import CoordinatorMembership, ForumLeadMembership
from pins.accounts import services as access_services
from pins.accounts.models import AccessEvent, Invitation, StaffMembership, User
from schools.models import (
    BlackoutPeriod,
    ClosureDate,
    Cohort,
    Domain,
    Enrolment,
    ParentCarerMeeting,
    ProgrammeYear,
    PupilVoiceActivity,
    School,
    SchoolHoliday,
    SelfAssessment,
    SencoMembership,
)
from specialists.models import CalendarFeed, Capacity, ChangeRequest, Outcome, Reminder, Specialist, Visit
from specialists.services import calendar_feed_create
from tests.factories import ClosureDateFactory, SchoolFactory, SpecialistFactory, UserFactory
from tests.funding import award_for, claim_of_icb_a, forum_lead, funding_of_icb_a, funding_state, payment_of_icb_a
from tests.gias import gias_csv, gias_row

pytestmark = pytest.mark.usefixtures("during_term")

ROLES = [
    "anonymous",
    "coordinator_a",
    "coordinator_b",
    "senco_a",
    "specialist_a",
    "dfe_staff",
    "programme_admin",
    "evaluator",  # national figures and exports without personal data; no ICB's, school's or visit's page
    "forum_lead",  # the lead of ICB A's parent carer forum (see `person`)
]


@dataclasses.dataclass
class Rule:
    url: Callable  # world -> URL
    get: dict  # role -> outcome
    post: dict | None = None  # role -> outcome; None: the view takes no POST (checked as 405 or refused)
    post_data: Callable = lambda world: {}


def _everyone(outcome, **overrides):
    return {role: overrides.get(role, outcome) for role in ROLES}


SIGNED_IN_PAGE = _everyone("page", anonymous="login")
STAFF_ONLY = _everyone("403", anonymous="login", dfe_staff="page", programme_admin="page")
NATIONAL_READERS = {**STAFF_ONLY, "evaluator": "page"}  # programme staff and the evaluator
ICB_A_READERS = _everyone(
    "404", anonymous="login", coordinator_a="page", dfe_staff="page", programme_admin="page"
)  # coordinator_b, senco_a and specialist_a cannot see ICB A at all


def _invite_rule(path_name, manager, data):
    return Rule(
        url=lambda w: reverse(path_name, args=[w.icb_a.ods_code]),
        get={
            **ICB_A_READERS,
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
            manager: "page",
        },
        post={
            **ICB_A_READERS,
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
            manager: "done",
        },
        post_data=data,
    )


def _removal_rule(path_name, manager, target):
    return Rule(
        url=lambda w: reverse(path_name, args=[w.icb_a.ods_code, target(w)]),
        get={
            **ICB_A_READERS,
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
            manager: "page",
        },
        post={
            **ICB_A_READERS,
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
            manager: "done",
        },
    )


def _second_coordinator(w):
    user = User.objects.filter(email="second.coordinator@example.org").first() or UserFactory(
        email="second.coordinator@example.org"
    )
    return CoordinatorMembership.objects.get_or_create(user=user, icb=w.icb_a)[0].pk


def _invitations_file(w):
    content = f"email,role,school_urn,specialist_id\r\nnew.senco@example.org,senco,{w.school_a.urn},\r\n"
    return SimpleUploadedFile("invitations.csv", content.encode(), content_type="text/csv")


def _pending_invitation(w):
    return access_services.invitation_send(
        email="new.senco@example.org",
        role=Invitation.Role.SENCO,
        icb=w.icb_a,
        school=w.school_a,
        by=w["coordinator_a"],
    ).pk


def _invitation_action_rule(path_name):
    return Rule(
        url=lambda w: reverse(path_name, args=[w.icb_a.ods_code, _pending_invitation(w)]),
        get=_everyone("405", anonymous="login"),
        post={**ICB_A_READERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
    )


def _changes(path_name, changers, data=lambda w: {}, **seers):
    """A page that changes ICB A's objects: `changers` may, others who can see it get a 403."""
    outcomes = {**ICB_A_READERS, "coordinator_a": "403", "dfe_staff": "403", "programme_admin": "403", **seers}
    return Rule(
        url=lambda w: reverse(path_name, args=_args(path_name, w)),
        get={**outcomes, **dict.fromkeys(changers, "page")},
        post={**outcomes, **dict.fromkeys(changers, "done")},
        post_data=data,
    )


VISIT_PAGES = {"visits:cancel", "visits:reschedule", "visits:outcome", "visits:not_held", "visits:decline"}


def _args(path_name, w):
    return [w.visit_a.pk] if path_name in VISIT_PAGES else [w.icb_a.ods_code]


def _gias_file(w):
    return SimpleUploadedFile("schools.csv", gias_csv([gias_row(123456)]), content_type="text/csv")


def _specialists_file(w):
    content = (
        "full_name,discipline,employer,icb_ods_code,email,base_postcode,programme_year,capacity_days,active\r\n"
        "Sam Speech,Speech and language therapy,NHS Trust,,sam@nhs.example.org,LS2 9JT,2026-27,20,yes\r\n"
    )
    return SimpleUploadedFile("specialists.csv", content.encode(), content_type="text/csv")


def _free_date(**fields):
    return {"date_day": "2", "date_month": "12", "date_year": "2026", **fields}  # a Wednesday in term


def _school_profile_rule(url, data, *, readers_see=False):
    """A page of the school's own records: its SENCO changes them; the ICB and staff may read some."""
    seen = "page" if readers_see else "403"
    refused = {"coordinator_a": seen, "dfe_staff": seen, "programme_admin": seen}
    return Rule(
        url=url,
        get={**ICB_A_READERS, **refused, "senco_a": "page"},
        post={**ICB_A_READERS, **dict.fromkeys(refused, "403"), "senco_a": "done"},
        post_data=data,
    )


def _school_calendar(w):
    calendar_feed_create(school=w.school_a, by=w["senco_a"])
    return CalendarFeed.objects.get(school=w.school_a, revoked_at__isnull=True).pk


def _default_holiday(w):
    """The same holiday for every page that asks (the browser opens each page of the rules in one world)."""
    return SchoolHoliday.objects.get_or_create(
        programme_year=w.visit_a.enrolment.programme_year,
        local_authority=None,
        school=None,
        name="Christmas holiday",
        starts_on=datetime.date(2026, 12, 21),
        ends_on=datetime.date(2027, 1, 1),
    )[0].pk


def _own_holiday(w):
    return SchoolHoliday.objects.get_or_create(
        programme_year=w.visit_a.enrolment.programme_year,
        school=w.school_a,
        name="Academy half term",
        starts_on=datetime.date(2027, 2, 15),
        ends_on=datetime.date(2027, 2, 19),
    )[0].pk


def _holiday_data(w):
    return {
        "name": "Autumn half term",
        **{"starts_on_day": "26", "starts_on_month": "10", "starts_on_year": "2026"},
        **{"ends_on_day": "30", "ends_on_month": "10", "ends_on_year": "2026"},
    }


def _term_dates_file(w):
    content = "name,first_day,last_day\r\nChristmas holiday,21/12/2026,01/01/2027\r\n"
    return SimpleUploadedFile("term-dates.csv", content.encode(), content_type="text/csv")


PROGRAMME_ADMIN_ONLY = _everyone("403", anonymous="login", programme_admin="page")
TERM_DATE_KEEPERS = {**ICB_A_READERS, "dfe_staff": "403"}  # the ICB's coordinator and the programme admin


def _spare_year(w):
    """A programme year nothing depends on, after the world's (every page that asks gets the same)."""
    return ProgrammeYear.objects.get_or_create(
        label="2030-31", defaults={"starts_on": datetime.date(2030, 9, 1), "ends_on": datetime.date(2031, 7, 18)}
    )[0].label


def _spare_cohort(w):
    year = w.enrolment_a.programme_year
    return year.label, Cohort.objects.get_or_create(programme_year=year, name="Spare cohort")[0].pk


def _blackout(w):
    year = w.enrolment_a.programme_year
    period = BlackoutPeriod.objects.get_or_create(
        programme_year=year,
        name="Key stage 2 SATs week",
        starts_on=datetime.date(2027, 5, 10),
        ends_on=datetime.date(2027, 5, 14),
    )[0]
    return year.label, period.pk


def _year_data(w):
    return {
        "label": "2031-32",
        **{"starts_on_day": "1", "starts_on_month": "9", "starts_on_year": "2031"},
        **{"ends_on_day": "16", "ends_on_month": "7", "ends_on_year": "2032"},
        "target_schools_per_icb": "30",
        "default_quota_days": "5",
    }


def _blackout_data(w):
    return {
        "name": "Phonics check week",
        **{"starts_on_day": "7", "starts_on_month": "6", "starts_on_year": "2027"},
        **{"ends_on_day": "11", "ends_on_month": "6", "ends_on_year": "2027"},
    }


def _programme_admin_changes(url, data=lambda w: {}):
    return Rule(
        url=url,
        get=PROGRAMME_ADMIN_ONLY,
        post={**PROGRAMME_ADMIN_ONLY, "programme_admin": "done"},
        post_data=data,
    )


def _funding_change(url, data=lambda w: {}, changers=("coordinator_a",)):
    """A page that changes ICB A's forum funding: its coordinator may; staff may see it but get a 403."""
    outcomes = {**ICB_A_READERS, "coordinator_a": "403", "dfe_staff": "403", "programme_admin": "403"}
    return Rule(
        url=url,
        get={**outcomes, **dict.fromkeys(changers, "page")},
        post={**outcomes, **dict.fromkeys(changers, "done")},
        post_data=data,
    )


def _pots_rule(path_name, data):
    """The programme admin's funding pages: only they may open them."""
    outcomes = _everyone("403", anonymous="login")
    return Rule(
        url=lambda w: reverse(path_name),
        get={**outcomes, "programme_admin": "page"},
        post={**outcomes, "programme_admin": "done"},
        post_data=data,
    )


def _csv_file(text):
    return SimpleUploadedFile("upload.csv", text.encode(), content_type="text/csv")


def proposed_award_of_icb_a(w):
    award = funding_of_icb_a(w)
    return award_for(award.pot, award.forum, [w.school_a], approved=False)


PUBLIC = Rule(url=None, get=_everyone("page"))
VISIT_SEERS = {"senco_a": "403", "specialist_a": "403"}  # they see the visit but may not change it

RULES = {
    "home": Rule(url=lambda w: reverse("home"), get=SIGNED_IN_PAGE, post=_everyone("405", anonymous="login")),
    "accessibility": PUBLIC,
    "privacy": PUBLIC,
    "cookies": PUBLIC,
    "healthz": PUBLIC,
    "icbs:list": Rule(url=lambda w: reverse("icbs:list"), get=SIGNED_IN_PAGE),
    "progress": Rule(url=lambda w: reverse("progress"), get=NATIONAL_READERS),
    "progress_export": Rule(url=lambda w: reverse("progress_export", args=["visits", "csv"]), get=NATIONAL_READERS),
    "progress_funding": Rule(url=lambda w: reverse("progress_funding"), get=STAFF_ONLY),
    "progress_icb_export": Rule(
        url=lambda w: reverse("progress_icb_export", args=[w.icb_a.ods_code, "visits", "csv"]), get=ICB_A_READERS
    ),
    "progress_icb_reports": Rule(
        url=lambda w: reverse("progress_icb_reports", args=[w.icb_a.ods_code]), get=ICB_A_READERS
    ),
    "search": Rule(url=lambda w: reverse("search") + "?q=Alpha", get=STAFF_ONLY),
    "guidance": PUBLIC,
    "progress_downloads": Rule(url=lambda w: reverse("progress_downloads"), get=PROGRAMME_ADMIN_ONLY),
    "progress_reviews": Rule(
        url=lambda w: reverse("progress_reviews") + "?kind=outcome-notes",
        get=PROGRAMME_ADMIN_ONLY,
        post={**PROGRAMME_ADMIN_ONLY, "programme_admin": "done"},
    ),
    "progress_data_dictionary": Rule(url=lambda w: reverse("progress_data_dictionary"), get=NATIONAL_READERS),
    "progress_trajectory": Rule(
        url=lambda w: reverse("progress_trajectory"),
        get=PROGRAMME_ADMIN_ONLY,
        post={**PROGRAMME_ADMIN_ONLY, "programme_admin": "done"},
        post_data=lambda w: {"month": "2026-10-01", "allocated_percent": "40", "delivered_percent": "10"},
    ),
    "progress_funding_export": Rule(url=lambda w: reverse("progress_funding_export", args=["csv"]), get=STAFF_ONLY),
    "progress_funding_ledger": Rule(url=lambda w: reverse("progress_funding_ledger"), get=STAFF_ONLY),
    "icbs:detail": Rule(url=lambda w: reverse("icbs:detail", args=[w.icb_a.ods_code]), get=ICB_A_READERS),
    "specialists:icb": Rule(url=lambda w: reverse("specialists:icb", args=[w.icb_a.ods_code]), get=ICB_A_READERS),
    "schools:detail": Rule(
        url=lambda w: reverse("schools:detail", args=[w.school_a.urn]),
        get={**ICB_A_READERS, "senco_a": "page"},
    ),
    "access:icb": Rule(url=lambda w: reverse("access:icb", args=[w.icb_a.ods_code]), get=ICB_A_READERS),
    "access:invite_coordinator": Rule(  # the programme admin, and a coordinator for their own ICB (issue 16)
        url=lambda w: reverse("access:invite_coordinator", args=[w.icb_a.ods_code]),
        get={**ICB_A_READERS, "dfe_staff": "403"},
        post={**ICB_A_READERS, "dfe_staff": "403", "coordinator_a": "done", "programme_admin": "done"},
        post_data=lambda w: {"email": "new.coordinator@example.org"},
    ),
    "access:invite_in_bulk": _invite_rule(
        "access:invite_in_bulk", "coordinator_a", lambda w: {"file": _invitations_file(w)}
    ),
    "access:invite_every_new_specialist": Rule(
        url=lambda w: reverse("access:invite_every_new_specialist", args=[w.icb_a.ods_code]),
        get=_everyone("405", anonymous="login"),
        post={**ICB_A_READERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
    ),
    "access:invite_senco": _invite_rule(
        "access:invite_senco", "coordinator_a", lambda w: {"school": w.school_a.urn, "email": "x@example.org"}
    ),
    "access:invite_specialist": _invite_rule(
        "access:invite_specialist",
        "coordinator_a",
        lambda w: {"specialist": SpecialistFactory(icb=w.icb_a).pk},
    ),
    "access:remove_forum_lead": _removal_rule(
        "access:remove_forum_lead",
        "coordinator_a",
        lambda w: (
            ForumLeadMembership.objects.get_or_create(forum=funding_of_icb_a(w).forum, user=w["specialist_a"])[0].pk
        ),
    ),
    "access:invite_forum_lead": _invite_rule(
        "access:invite_forum_lead",
        "coordinator_a",
        lambda w: {"forum": funding_of_icb_a(w).forum.pk, "email": "lead@forum.example.org"},
    ),
    "access:remove_coordinator": Rule(  # a second coordinator of ICB A: the last one is never removed
        url=lambda w: reverse("access:remove_coordinator", args=[w.icb_a.ods_code, _second_coordinator(w)]),
        get={**ICB_A_READERS, "dfe_staff": "403"},
        post={**ICB_A_READERS, "dfe_staff": "403", "coordinator_a": "done", "programme_admin": "done"},
    ),
    "access:remove_senco": _removal_rule(
        "access:remove_senco", "coordinator_a", lambda w: SencoMembership.objects.get(user=w["senco_a"]).pk
    ),
    "access:remove_specialist_account": _removal_rule(
        "access:remove_specialist_account", "coordinator_a", lambda w: w.specialist_a.pk
    ),
    "schools:enrolment_status": Rule(
        url=lambda w: reverse("schools:enrolment_status", args=[w.school_a.urn, w.enrolment_a.pk]),
        get={**ICB_A_READERS, "coordinator_a": "page", "senco_a": "403", "dfe_staff": "403", "programme_admin": "403"},
        post={**ICB_A_READERS, "coordinator_a": "done", "senco_a": "403", "dfe_staff": "403", "programme_admin": "403"},
        post_data=lambda w: {"status": "invited"},
    ),
    "visits:allocate": _changes(
        "visits:allocate",
        ["coordinator_a"],
        lambda w: _free_date(enrolment=w.enrolment_a.pk, specialist=w.specialist_a.pk, session="afternoon"),
    ),
    "visits:plan": Rule(
        url=lambda w: reverse("visits:plan", args=[w.icb_a.ods_code]),
        get={**ICB_A_READERS, "coordinator_a": "page", "dfe_staff": "403", "programme_admin": "403"},
        post={**ICB_A_READERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
        post_data=lambda w: {"visit": [f"{w.enrolment_a.pk}:{w.specialist_a.pk}:2026-12-02:afternoon:asked"]},
    ),
    "visits:plan_result": Rule(
        url=lambda w: reverse("visits:plan_result", args=[w.icb_a.ods_code]),
        get={**ICB_A_READERS, "coordinator_a": "page", "dfe_staff": "403", "programme_admin": "403"},
    ),
    "visits:schedule": Rule(url=lambda w: reverse("visits:schedule", args=[w.icb_a.ods_code]), get=ICB_A_READERS),
    "schools:enrol": _changes(
        "schools:enrol",
        ["coordinator_a"],
        lambda w: {
            "schools": [SchoolFactory(local_authority=w.school_a.local_authority).urn],
            "cohort": w.enrolment_a.cohort_id,
            "support": "new",
            "status": "enrolled",
        },
    ),
    "schools:upload": _changes("schools:upload", ["coordinator_a"], lambda w: {"file": _gias_file(w)}),
    "specialists:upload": _changes("specialists:upload", ["coordinator_a"], lambda w: {"file": _specialists_file(w)}),
    "visits:detail": Rule(
        url=lambda w: reverse("visits:detail", args=[w.visit_a.pk]),
        get={**ICB_A_READERS, "senco_a": "page", "specialist_a": "page"},
    ),
    "visits:confirm": Rule(
        url=lambda w: reverse("visits:confirm", args=[w.visit_a.pk]),
        get=_everyone("405", anonymous="login"),
        post={
            **ICB_A_READERS,
            "coordinator_a": "done",
            "senco_a": "done",
            "specialist_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
        },
    ),
    "visits:cancel": _changes("visits:cancel", ["coordinator_a"], lambda w: {"reason": "Closed"}, **VISIT_SEERS),
    "visits:reschedule": _changes(
        "visits:reschedule", ["coordinator_a"], lambda w: _free_date(session="morning"), **VISIT_SEERS
    ),
    "visits:not_held": _changes(
        "visits:not_held", ["coordinator_a"], lambda w: {"reason": "specialist_ill"}, **VISIT_SEERS
    ),
    "visits:decline": _changes(
        "visits:decline", ["specialist_a"], lambda w: {"reason": "Booked on a course"}, **VISIT_SEERS
    ),
    "visits:outcome": _changes(
        "visits:outcome",
        ["coordinator_a", "specialist_a"],
        lambda w: {"activities": ["staff_consultation"], "staff_reached": "5"},
        **VISIT_SEERS,
    ),
    "schools:self_assessment": Rule(
        url=lambda w: reverse("schools:self_assessment", args=[w.school_a.urn]),
        get={**ICB_A_READERS, "senco_a": "page"},
    ),
    "schools:self_assessment_edit": _school_profile_rule(
        lambda w: reverse("schools:self_assessment_edit", args=[w.school_a.urn, "start"]),
        lambda w: {f"rating_{domain}": "2" for domain in Domain.values},
    ),
    "schools:parent_carers": _school_profile_rule(
        lambda w: reverse("schools:parent_carers", args=[w.school_a.urn]),
        lambda w: {
            "record": "meeting",
            "meeting-held_on_day": "4",
            "meeting-held_on_month": "11",
            "meeting-held_on_year": "2026",
            "meeting-forum_present": "yes",
            "meeting-attendees": "12",
        },
        readers_see=True,
    ),
    "schools:closure_dates": _school_profile_rule(
        lambda w: reverse("schools:closure_dates", args=[w.school_a.urn]),
        lambda w: {"kind": "inset", "starts_on_day": "4", "starts_on_month": "1", "starts_on_year": "2027"},
        readers_see=True,
    ),
    "schools:closure_date_remove": Rule(
        url=lambda w: reverse(
            "schools:closure_date_remove", args=[w.school_a.urn, ClosureDateFactory(school=w.school_a).pk]
        ),
        get={**ICB_A_READERS, "senco_a": "page", "coordinator_a": "403", "dfe_staff": "403", "programme_admin": "403"},
        post={**ICB_A_READERS, "senco_a": "done", "coordinator_a": "403", "dfe_staff": "403", "programme_admin": "403"},
    ),
    "schools:holidays": Rule(url=lambda w: reverse("schools:holidays"), get=PROGRAMME_ADMIN_ONLY),
    "schools:holiday_add": Rule(
        url=lambda w: reverse("schools:holiday_add"),
        get=PROGRAMME_ADMIN_ONLY,
        post={**PROGRAMME_ADMIN_ONLY, "programme_admin": "done"},
        post_data=_holiday_data,
    ),
    "schools:holiday_change": Rule(
        url=lambda w: reverse("schools:holiday_change", args=[_default_holiday(w)]),
        get=PROGRAMME_ADMIN_ONLY,
        post={**PROGRAMME_ADMIN_ONLY, "programme_admin": "done"},
        post_data=_holiday_data,
    ),
    "schools:holiday_remove": Rule(
        url=lambda w: reverse("schools:holiday_remove", args=[_default_holiday(w)]),
        get=PROGRAMME_ADMIN_ONLY,
        post={**PROGRAMME_ADMIN_ONLY, "programme_admin": "done"},
    ),
    "schools:programme_years": Rule(url=lambda w: reverse("schools:programme_years"), get=PROGRAMME_ADMIN_ONLY),
    "schools:programme_year_add": _programme_admin_changes(
        lambda w: reverse("schools:programme_year_add"), data=_year_data
    ),
    "schools:programme_year": Rule(
        url=lambda w: reverse("schools:programme_year", args=[w.enrolment_a.programme_year.label]),
        get=PROGRAMME_ADMIN_ONLY,
    ),
    "schools:programme_year_change": _programme_admin_changes(
        lambda w: reverse("schools:programme_year_change", args=[_spare_year(w)]), data=_year_data
    ),
    "schools:programme_year_remove": _programme_admin_changes(
        lambda w: reverse("schools:programme_year_remove", args=[_spare_year(w)])
    ),
    "schools:cohort_add": _programme_admin_changes(
        lambda w: reverse("schools:cohort_add", args=[w.enrolment_a.programme_year.label]),
        data=lambda w: {"name": "Continuing schools", "quota_days": "2.5"},
    ),
    "schools:cohort_change": _programme_admin_changes(
        lambda w: reverse("schools:cohort_change", args=_spare_cohort(w)),
        data=lambda w: {"name": "Second cohort", "quota_days": ""},
    ),
    "schools:cohort_remove": _programme_admin_changes(
        lambda w: reverse("schools:cohort_remove", args=_spare_cohort(w))
    ),
    "schools:blackout_period_add": _programme_admin_changes(
        lambda w: reverse("schools:blackout_period_add", args=[w.enrolment_a.programme_year.label]),
        data=_blackout_data,
    ),
    "schools:blackout_period_change": _programme_admin_changes(
        lambda w: reverse("schools:blackout_period_change", args=_blackout(w)), data=_blackout_data
    ),
    "schools:blackout_period_remove": _programme_admin_changes(
        lambda w: reverse("schools:blackout_period_remove", args=_blackout(w))
    ),
    "schools:icb_term_dates": Rule(
        url=lambda w: reverse("schools:icb_term_dates", args=[w.icb_a.ods_code]), get=TERM_DATE_KEEPERS
    ),
    "schools:term_dates_upload": Rule(
        url=lambda w: reverse(
            "schools:term_dates_upload", args=[w.icb_a.ods_code, w.school_a.local_authority.dfe_code]
        ),
        get=TERM_DATE_KEEPERS,
        post={**TERM_DATE_KEEPERS, "coordinator_a": "done", "programme_admin": "done"},
        post_data=lambda w: {"file": _term_dates_file(w)},
    ),
    "schools:term_dates": Rule(
        url=lambda w: reverse("schools:term_dates", args=[w.school_a.urn]),
        get={**ICB_A_READERS, "senco_a": "page"},
        post={
            **ICB_A_READERS,
            "senco_a": "done",
            "coordinator_a": "done",
            "programme_admin": "done",
            "dfe_staff": "403",
        },
        post_data=_holiday_data,
    ),
    "schools:term_date_remove": Rule(
        url=lambda w: reverse("schools:term_date_remove", args=[w.school_a.urn, _own_holiday(w)]),
        get={
            **ICB_A_READERS,
            "senco_a": "page",
            "coordinator_a": "page",
            "programme_admin": "page",
            "dfe_staff": "403",
        },
        post={
            **ICB_A_READERS,
            "senco_a": "done",
            "coordinator_a": "done",
            "programme_admin": "done",
            "dfe_staff": "403",
        },
    ),
    "schools:calendar": Rule(
        url=lambda w: reverse("schools:calendar", args=[w.school_a.urn]),
        get={**ICB_A_READERS, "senco_a": "page", "coordinator_a": "403", "dfe_staff": "403", "programme_admin": "403"},
        post={**ICB_A_READERS, "senco_a": "page", "coordinator_a": "403", "dfe_staff": "403", "programme_admin": "403"},
        post_data=lambda w: {"action": "new"},
    ),
    "visits:request_change": Rule(
        url=lambda w: reverse("visits:request_change", args=[w.visit_a.pk]),
        get={
            **ICB_A_READERS,
            **VISIT_SEERS,
            "senco_a": "page",
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
        },
        post={
            **ICB_A_READERS,
            **VISIT_SEERS,
            "senco_a": "done",
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
        },
        post_data=lambda w: {"reason": "It clashes with our school trip"},
    ),
    "visits:resolve_change_request": Rule(
        url=lambda w: reverse(
            "visits:resolve_change_request",
            args=[
                w.visit_a.pk,
                ChangeRequest.objects.create(visit=w.visit_a, reason="Trip", requested_by=w["senco_a"]).pk,
            ],
        ),
        get=_everyone("405", anonymous="login"),
        post={**ICB_A_READERS, **VISIT_SEERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
    ),
    "specialists:calendar": Rule(
        url=lambda w: reverse("specialists:calendar", args=[w.specialist_a.pk]),
        get={
            **ICB_A_READERS,
            "specialist_a": "page",
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
        },
        post={
            **ICB_A_READERS,
            "specialist_a": "page",
            "coordinator_a": "403",
            "dfe_staff": "403",
            "programme_admin": "403",
        },
        post_data=lambda w: {"action": "new"},
    ),
    "specialists:leave": Rule(
        url=lambda w: reverse("specialists:leave", args=[w.specialist_a.pk]),
        get={**ICB_A_READERS, "specialist_a": "page", "dfe_staff": "403", "programme_admin": "403"},
        post={
            **ICB_A_READERS,
            "specialist_a": "done",
            "coordinator_a": "done",
            "dfe_staff": "403",
            "programme_admin": "403",
        },
        post_data=lambda w: {"starts_on_day": "14", "starts_on_month": "12", "starts_on_year": "2026"},
    ),
    "specialists:schedule": Rule(
        url=lambda w: reverse("specialists:schedule", args=[w.specialist_a.pk]),
        get={**ICB_A_READERS, "specialist_a": "page"},
    ),
    "access:withdraw_invitation": Rule(  # asks first, so a GET shows the question to those who may withdraw
        url=lambda w: reverse("access:withdraw_invitation", args=[w.icb_a.ods_code, _pending_invitation(w)]),
        get={**ICB_A_READERS, "coordinator_a": "page", "dfe_staff": "403", "programme_admin": "403"},
        post={**ICB_A_READERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
    ),
    "access:resend_invitation": _invitation_action_rule("access:resend_invitation"),
    "calendars:icb": Rule(url=lambda w: reverse("calendars:icb", args=[w.icb_a.ods_code]), get=ICB_A_READERS),
    "calendars:stop": Rule(
        url=lambda w: reverse("calendars:stop", args=[w.icb_a.ods_code, _school_calendar(w)]),
        get={**ICB_A_READERS, "coordinator_a": "page", "dfe_staff": "403", "programme_admin": "403"},
        post={**ICB_A_READERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
    ),
    # No Celery worker runs beside the matrix: everyone gets the failure, and nobody needs to sign in for it.
    "healthz_workers": Rule(url=None, get=_everyone("500")),
}

# Parent carer forum funding: ICB A's coordinator manages it, staff read it, the programme admin sets pots. Forum
# leads are not among the matrix's people: tests/icbs/test_views.py covers them, another forum's award a 404.
RULES |= {
    "funding:icb": Rule(url=lambda w: reverse("funding:icb", args=[w.icb_a.ods_code]), get=ICB_A_READERS),
    "funding:award_new": _funding_change(
        lambda w: reverse("funding:award_new", args=[funding_of_icb_a(w).pot.icb.ods_code]),
        lambda w: {
            "forum": funding_of_icb_a(w).forum.pk,
            "schools": [w.school_a.urn],
            "purpose": "Parent survey",
            "amount": "100",
        },
    ),
    "funding:award": Rule(url=lambda w: reverse("funding:award", args=[funding_of_icb_a(w).pk]), get=ICB_A_READERS),
    "funding:award_approve": Rule(
        url=lambda w: reverse("funding:award_approve", args=[proposed_award_of_icb_a(w).pk]),
        get=_everyone("405", anonymous="login"),
        post={**ICB_A_READERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
    ),
    "funding:award_cancel": _funding_change(
        lambda w: reverse("funding:award_cancel", args=[funding_of_icb_a(w).pk]), lambda w: {"reason": "Withdrawn"}
    ),
    "funding:award_pay": _funding_change(
        lambda w: reverse("funding:award_pay", args=[funding_of_icb_a(w).pk]),
        lambda w: {"amount": "10", "idempotency_key": "matrix-key"},
    ),
    "funding:payment_reverse": _funding_change(
        lambda w: reverse("funding:payment_reverse", args=[funding_of_icb_a(w).pk, payment_of_icb_a(w).pk]),
        lambda w: {"amount": "1", "reason": "Wrong account", "idempotency_key": "matrix-reversal"},
    ),
    "funding:activity_new": _funding_change(
        lambda w: reverse("funding:activity_new", args=[funding_of_icb_a(w).pk]), changers=[]
    ),
    "funding:claim_new": _funding_change(
        lambda w: reverse("funding:claim_new", args=[funding_of_icb_a(w).pk]), changers=[]
    ),
    "funding:claim": Rule(
        url=lambda w: reverse("funding:claim", args=[claim_of_icb_a(w).pk]),
        get=ICB_A_READERS,
        post={**ICB_A_READERS, "coordinator_a": "done", "dfe_staff": "403", "programme_admin": "403"},
        post_data=lambda w: {"decision": "approve"},
    ),
    "funding:forum": Rule(
        url=lambda w: reverse("funding:forum", args=[funding_of_icb_a(w).forum.pk]), get=ICB_A_READERS
    ),
    "funding:pots": _pots_rule(
        "funding:pots", lambda w: {"icb": w.icb_a.ods_code, "financial_year": "2026", "amount": "5"}
    ),
    "funding:pots_upload": _pots_rule(
        "funding:pots_upload",
        lambda w: {"file": _csv_file(f"icb_ods_code,financial_year,amount\n{w.icb_a.ods_code},2026-27,50\n")},
    ),
    "funding:forums_upload": _pots_rule(
        "funding:forums_upload",
        lambda w: {"file": _csv_file(f"name,local_authority_codes\nNew Forum,{w.school_a.local_authority.dfe_code}\n")},
    ),
}


def _activity_data(w):
    return {
        "kind": "parent_group",
        "schools": [w.school_a.urn],
        "parents_reached": "7",
        **{"happened_on_day": "5", "happened_on_month": "10", "happened_on_year": "2026"},
    }


def _unclaimed_activity(w):
    from icbs.funding import activity_record

    activity = activity_record(
        award=funding_of_icb_a(w),
        kind="parent_survey",
        schools=[w.school_a],
        parents_reached=3,
        happened_on=datetime.date(2026, 10, 6),
        by=None,
    )
    return {"activities": [activity.pk], "amount": "10"}


# The lead of ICB A's forum sees its forum, its award and its claims, records what the forum did and claims the
# money; everything else of ICB A is a 403 where they see the award, a 404 where they do not (`person` above).
FORUM_LEAD_OF_ICB_A = {
    "funding:forum": ("page", None),
    "funding:award": ("page", None),
    "funding:claim": ("page", "403"),
    "funding:award_approve": (None, "403"),
    "funding:award_cancel": ("403", "403"),
    "funding:award_pay": ("403", "403"),
    "funding:payment_reverse": ("403", "403"),
    "funding:activity_new": ("page", "done"),
    "funding:claim_new": ("page", "done"),
}
for _name, (_get, _post) in FORUM_LEAD_OF_ICB_A.items():
    _rule = RULES[_name]
    if _get:
        _rule.get = {**_rule.get, "forum_lead": _get}
    if _post:
        _rule.post = {**_rule.post, "forum_lead": _post}
RULES["funding:activity_new"].post_data = _activity_data
RULES["funding:claim_new"].post_data = _unclaimed_activity

# Pages of allauth (sign-in, password reset, MFA set-up) and of the Django admin hold no programme data of
# their own; they are checked as groups below.
ALLAUTH_PREFIX = "accounts/"
ADMIN_PREFIX = "admin/"
# Invitation links are public by design; their behaviour has its own tests (tests/pins/accounts/test_views.py).
SEPARATELY_TESTED = {"access:accept_invitation", "calendars:feed"}  # feeds: tests/specialists/test_calendars.py


def _url_patterns(patterns=None, prefix="", namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
            yield from _url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def test_every_url_pattern_has_a_rule():
    unruled = [
        (path, name)
        for path, name in _url_patterns()
        if not path.startswith((ALLAUTH_PREFIX, ADMIN_PREFIX)) and name not in RULES and name not in SEPARATELY_TESTED
    ]

    assert unruled == [], "add a rule to RULES for each new view"


def _state():
    """Everything a refused request must not change."""
    tables = [
        *(User, CoordinatorMembership, SencoMembership, Invitation, AccessEvent, School, Specialist, Outcome),
        *(SelfAssessment, ParentCarerMeeting, PupilVoiceActivity, ClosureDate, ChangeRequest, CalendarFeed),
        SchoolHoliday,
    ]
    counts = {model.__name__: model.objects.count() for model in tables}
    counts["visits"] = list(Visit.objects.order_by("pk").values_list("pk", "status", "date", "session"))
    counts["enrolments"] = list(Enrolment.objects.order_by("pk").values_list("pk", "status", "allocated_days"))
    counts["specialist accounts"] = list(Specialist.objects.order_by("pk").values_list("pk", "user_id"))
    counts["pending invitations"] = Invitation.objects.pending().count()
    counts["open change requests"] = ChangeRequest.objects.filter(resolved_at__isnull=True).count()
    counts["live calendars"] = CalendarFeed.objects.filter(revoked_at__isnull=True).count()
    counts["funding"] = funding_state()
    return counts


def person(world, role):
    """The person signed in for a role: the world's, or for the forum lead, the lead of ICB A's forum, made with
    the forum when first asked for, so that the world itself holds no forum."""
    if role == "forum_lead":
        forum = funding_of_icb_a(world).forum
        lead = ForumLeadMembership.objects.filter(forum=forum).select_related("user").first()
        return lead.user if lead else forum_lead(forum, email="forum.lead.a@example.org")
    return world[role]


def _sign_in(client, world, role):
    if role != "anonymous":
        client.force_login(person(world, role))


def _outcome(response, method) -> str:
    if response.status_code == 302:
        return "login" if response.url.startswith(reverse("account_login")) else "done"
    return {200: "page", 403: "403", 404: "404", 405: "405"}.get(response.status_code, str(response.status_code))


def _cases(method):
    for name, rule in RULES.items():
        outcomes = rule.get if method == "GET" else rule.post
        if outcomes is None:
            outcomes = dict.fromkeys(ROLES, "refused")
        for role in ROLES:
            yield pytest.param(name, role, outcomes[role], id=f"{name}-{role}")


def _url(name, rule, world):
    return rule.url(world) if rule.url else reverse(name)


@pytest.mark.usefixtures("world_per_class")
class TestGet:
    """One world for every case: each runs in its own savepoint, rolled back after it."""

    @pytest.mark.parametrize(("name", "role", "expected"), list(_cases("GET")))
    def test_get(self, client, world, name, role, expected):
        rule = RULES[name]
        url = _url(name, rule, world)
        _sign_in(client, world, role)
        before = _state()

        response = client.get(url)

        assert _outcome(response, "GET") == expected
        assert _state() == before


@pytest.mark.usefixtures("world_per_class")
class TestPost:
    """One world for every case: each runs in its own savepoint, rolled back after it."""

    @pytest.mark.parametrize(("name", "role", "expected"), list(_cases("POST")))
    def test_post(self, client, world, name, role, expected):
        rule = RULES[name]
        url = _url(name, rule, world)
        data = rule.post_data(world)
        _sign_in(client, world, role)
        before = _state()

        response = client.post(url, data)

        outcome = _outcome(response, "POST")
        if expected == "refused":
            assert outcome in {"405", "403", "404", "login"}
        else:
            assert outcome == expected
        if outcome in {"403", "404", "405", "login"}:
            assert _state() == before


def _allauth_and_admin_paths():
    for path, name in _url_patterns():
        if path.startswith((ALLAUTH_PREFIX, ADMIN_PREFIX)) and "<" not in path and "(?P" not in path:
            yield pytest.param(path, id=name or path)


@pytest.mark.usefixtures("world_per_class")
class TestSignInAndAdminPages:
    """One world for every page: each runs in its own savepoint, rolled back after it."""

    @pytest.mark.parametrize("path", list(_allauth_and_admin_paths()))
    def test_sign_in_and_admin_pages_show_no_programme_data_to_the_wrong_people(self, client, world, path):
        url = "/" + path.replace("^", "").replace("$", "")
        for role in ROLES:
            client.logout()
            _sign_in(client, world, role)
            response = client.get(url, follow=True)
            assert response.status_code in {200, 401, 403, 404, 405}, (role, response.status_code)
            if role in {"anonymous", "coordinator_b"}:
                # People who may see none of ICB A's schools see none here either (the admin lets in staff only).
                assert world.school_a.name not in response.content.decode(), role
            if role == "specialist_a":
                # A specialist sees the schools they visit (their home page lists their visits), no others.
                assert world.school_b.name not in response.content.decode(), role


def test_admin_pages_open_for_programme_admins(client, world):
    client.force_login(world["programme_admin"])

    response = client.get(reverse("admin:schools_school_changelist"))

    assert response.status_code == 200
    assert world.school_a.name in response.content.decode()


# The Django admin. Only accounts with `is_staff` reach it (in the world, the programme admin, a superuser);
# everyone else is sent to sign in or refused. Not even a superuser adds, changes or deletes there what a service
# holds: such pages are seen at most (tests/test_admin.py checks every model).
ADMIN_REFUSED = _everyone("refused", programme_admin="403")
ADMIN_SEEN = _everyone("refused", programme_admin="page")


def _admin_rule(name, *args, get=ADMIN_SEEN, post=ADMIN_REFUSED, data=lambda w: {}):
    return Rule(url=lambda w: reverse(name, args=[arg(w) for arg in args]), get=get, post=post, post_data=data)


def _christmas(w):
    return {
        "enrolment": w.enrolment_a.pk,
        "specialist": w.specialist_a.pk,
        "date": "2026-12-25",
        "session": "full_day",
        "status": "confirmed",
    }


ADMIN_RULES = {
    "admin:index": _admin_rule("admin:index", post=ADMIN_SEEN),
    # A POST with no action chosen changes nothing.
    "admin:specialists_visit_changelist": _admin_rule("admin:specialists_visit_changelist", post=ADMIN_SEEN),
    "admin:specialists_visit_change": _admin_rule(
        "admin:specialists_visit_change", lambda w: w.visit_a.pk, data=_christmas
    ),
    "admin:specialists_visit_history": _admin_rule(
        "admin:specialists_visit_history", lambda w: w.visit_a.pk, data=_christmas
    ),
    "admin:specialists_visit_add": _admin_rule("admin:specialists_visit_add", get=ADMIN_REFUSED, data=_christmas),
    "admin:specialists_visit_delete": _admin_rule(
        "admin:specialists_visit_delete", lambda w: w.visit_a.pk, get=ADMIN_REFUSED, data=lambda w: {"post": "yes"}
    ),
    "admin:schools_enrolment_change": _admin_rule(
        "admin:schools_enrolment_change",
        lambda w: w.enrolment_a.pk,
        data=lambda w: {"quota_days": "0", "status": "withdrawn"},
    ),
    "admin:specialists_capacity_change": _admin_rule(
        "admin:specialists_capacity_change",
        lambda w: Capacity.objects.get(specialist=w.specialist_a).pk,
        data=lambda w: {"days": "0"},
    ),
    "admin:icbs_coordinatormembership_change": _admin_rule(
        "admin:icbs_coordinatormembership_change",
        lambda w: CoordinatorMembership.objects.get(user=w["coordinator_a"]).pk,
        data=lambda w: {"user": w["coordinator_a"].pk, "icb": w.icb_b.pk},
    ),
    "admin:icbs_coordinatormembership_add": _admin_rule(
        "admin:icbs_coordinatormembership_add",
        get=ADMIN_REFUSED,
        data=lambda w: {"user": w["coordinator_a"].pk, "icb": w.icb_b.pk},
    ),
    "admin:schools_sencomembership_delete": _admin_rule(
        "admin:schools_sencomembership_delete",
        lambda w: SencoMembership.objects.get(user=w["senco_a"]).pk,
        get=ADMIN_REFUSED,
        data=lambda w: {"post": "yes"},
    ),
    "admin:accounts_staffmembership_add": _admin_rule(
        "admin:accounts_staffmembership_add",
        get=ADMIN_REFUSED,
        data=lambda w: {"user": w["senco_a"].pk, "role": "programme_admin"},
    ),
    "admin:accounts_accessevent_delete": _admin_rule(
        "admin:accounts_accessevent_delete",
        lambda w: AccessEvent.objects.create(action="granted", role="senco", email="x@example.org", icb=w.icb_a).pk,
        get=ADMIN_REFUSED,
        data=lambda w: {"post": "yes"},
    ),
    "admin:mfa_authenticator_change": _admin_rule(
        "admin:mfa_authenticator_change",
        lambda w: Authenticator.objects.get(user=w["coordinator_a"]).pk,
        data=lambda w: {"user": w["coordinator_a"].pk, "type": "totp", "data": "{}"},
    ),
    "admin:accounts_user_delete": _admin_rule(
        "admin:accounts_user_delete", lambda w: w["coordinator_a"].pk, get=ADMIN_REFUSED, data=lambda w: {"post": "yes"}
    ),
}


def _admin_state():
    """What a refused admin request must not change, beyond what the service's pages must not."""
    state = _state()
    state["enrolment quotas"] = list(Enrolment.objects.order_by("pk").values_list("pk", "quota_days", "status"))
    state["capacities"] = list(Capacity.objects.order_by("pk").values_list("pk", "days", "allocated_days"))
    state["staff"] = list(StaffMembership.objects.order_by("pk").values_list("pk", "user_id", "role"))
    state["coordinators"] = list(CoordinatorMembership.objects.order_by("pk").values_list("pk", "user_id", "icb_id"))
    state["authenticators"] = list(Authenticator.objects.order_by("pk").values_list("pk", "data"))
    state["reminders"] = Reminder.objects.count()
    return state


def _admin_outcome(response) -> str:
    if response.status_code == 302:
        signing_in = (reverse("account_login"), reverse("admin:login"))
        return "login" if response.url.startswith(signing_in) else "done"
    return {200: "page", 403: "403", 404: "404", 405: "405"}.get(response.status_code, str(response.status_code))


def _admin_cases(method):
    for name, rule in ADMIN_RULES.items():
        outcomes = rule.get if method == "GET" else rule.post
        for role in ROLES:
            yield pytest.param(name, role, outcomes[role], id=f"{name}-{role}")


def _matches(outcome, expected):
    return outcome in {"login", "403", "404", "405"} if expected == "refused" else outcome == expected


@pytest.mark.usefixtures("world_per_class")
class TestAdminGet:
    """One world for every case: each runs in its own savepoint, rolled back after it."""

    @pytest.mark.parametrize(("name", "role", "expected"), list(_admin_cases("GET")))
    def test_admin_get(self, client, world, name, role, expected):
        url = ADMIN_RULES[name].url(world)
        _sign_in(client, world, role)
        before = _admin_state()

        response = client.get(url)

        assert _matches(_admin_outcome(response), expected), _admin_outcome(response)
        assert _admin_state() == before


@pytest.mark.usefixtures("world_per_class")
class TestAdminPost:
    """One world for every case: each runs in its own savepoint, rolled back after it."""

    @pytest.mark.parametrize(("name", "role", "expected"), list(_admin_cases("POST")))
    def test_admin_post(self, client, world, name, role, expected):
        rule = ADMIN_RULES[name]
        url, data = rule.url(world), rule.post_data(world)
        _sign_in(client, world, role)
        before = _admin_state()

        response = client.post(url, data)

        assert _matches(_admin_outcome(response), expected), _admin_outcome(response)
        assert _admin_state() == before


def test_admin_change_pages_show_no_second_factor_secret(client, world):
    authenticator = Authenticator.objects.get(user=world["coordinator_a"])
    client.force_login(world["programme_admin"])

    response = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))

    assert response.status_code == 200
    assert authenticator.data["secret"] not in response.content.decode()


# Every import path with another ICB's object: ICB B's coordinator gets a 404 on ICB A's upload pages (RULES
# above); ICB A's coordinator uploading a file that names ICB B's school or specialist is refused, dry run or not.


def _file_naming_school_b(w):
    authority = w.school_b.local_authority
    row = gias_row(w.school_b.urn, LA_code=authority.dfe_code, LA_name=authority.name, EstablishmentName="Taken")
    return SimpleUploadedFile("schools.csv", gias_csv([row]), content_type="text/csv")


def _file_naming_specialist_b(w):
    content = f"full_name,discipline,email\r\nTaken,Speech and language therapy,{w.specialist_b.email}\r\n"
    return SimpleUploadedFile("specialists.csv", content.encode(), content_type="text/csv")


@pytest.mark.parametrize("dry_run", [{}, {"dry_run": "on"}], ids=["upload", "dry-run"])
@pytest.mark.parametrize(
    ("name", "upload"),
    [("schools:upload", _file_naming_school_b), ("specialists:upload", _file_naming_specialist_b)],
)
def test_an_upload_naming_another_icbs_school_or_specialist_is_refused(client, world, name, upload, dry_run):
    client.force_login(world["coordinator_a"])
    school_b = School.objects.filter(pk=world.school_b.pk)
    specialist_b = Specialist.objects.filter(pk=world.specialist_b.pk)
    before = _state(), list(school_b.values()), list(specialist_b.values()), School.pgh_event_model.objects.count()

    response = client.post(reverse(name, args=[world.icb_a.ods_code]), {"file": upload(world), **dry_run})

    assert response.status_code == 200
    [problem] = response.context["row_errors"]
    assert "another ICB" in problem and world.icb_b.ods_code not in problem
    assert (
        _state(),
        list(school_b.values()),
        list(specialist_b.values()),
        School.pgh_event_model.objects.count(),
    ) == before
