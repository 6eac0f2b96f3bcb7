"""Who may see and do what. Every view and queryset goes through here.

Roles come from memberships (a coordinator of an ICB, the SENCO of a school, a specialist's own record, and
programme staff), never from flags on the user. A view fetches objects through the scoped lookups below
(`icb_for`, `school_for`, `visit_for`, ...) or the scoped querysets of `request.access` (so an object the user
may not see is a 404), then asks `require(...)` before changing anything (so a reader who may see but not change
gets a 403).
"""

import dataclasses
import enum
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from icbs.models import ICB, Award, Claim, CoordinatorMembership, ForumLeadMembership, FundingPot, ParentCarerForum
from pins.accounts.models import StaffMembership, User
from pins.kernel.prepared import prepared_read
from schools.models import Enrolment, ProgrammeYear, School, SencoMembership
from schools.selectors import programme_year_chosen, programme_year_for, with_self_assessment_done
from specialists.models import Specialist, Visit
from specialists.selectors import with_visit_days


class Permission(enum.StrEnum):
    VIEW_NATIONAL_PROGRESS = "view national progress"
    EXPORT_PROGRAMME_DATA = "export programme data"
    MANAGE_PROGRAMME = "manage programme years and settings"
    MANAGE_COORDINATORS = "invite and remove ICB coordinators"
    VIEW_ICB = "view an ICB's schools, specialists and schedule"
    MANAGE_ICB_SCHOOLS = "enrol and import an ICB's schools"
    MANAGE_ICB_SPECIALISTS = "manage an ICB's specialists"
    ALLOCATE_VISITS = "allocate specialist visits"
    MANAGE_ICB_ACCESS = "invite and remove SENCOs and specialists"
    VIEW_SCHOOL = "view a school's support schedule"
    CONFIRM_VISITS = "confirm visits"
    REQUEST_VISIT_CHANGES = "ask the ICB to change a visit"
    MANAGE_SCHOOL_PROFILE = "record closure dates, self-assessment and parent carer meetings"
    VIEW_OWN_SCHEDULE = "view one's own visits as a specialist"
    RECORD_OUTCOMES = "record the outcome of a visit"
    MANAGE_TERM_DATES = "upload a local authority's term dates and record a school's own"
    SET_FUNDING_POTS = "set each ICB's parent carer forum funding pot"
    VIEW_FORUM_FUNDING = "view parent carer forum funding"
    MANAGE_FORUM_FUNDING = "award, pay and reverse parent carer forum funding, and decide claims"
    RECORD_FORUM_ACTIVITIES = "record a forum's activities and claim its award"
    EXPORT_EVALUATION_DATA = "download the evaluation exports without personal data"
    RECORD_LEAVE = "record a specialist's leave"
    DECLINE_VISITS = "decline a visit proposed to oneself as a specialist"
    SEARCH_PROGRAMME = "find any school, specialist or ICB by name"
    REVIEW_FREE_TEXT = "decide which free-text notes may go to the evaluation, and redact them"


@dataclasses.dataclass(frozen=True)
class Role:
    name: str
    description: str
    permissions: frozenset[Permission]
    requires_mfa: bool = False


P = Permission
PROGRAMME_ADMIN = Role(
    "Programme admin",
    "Runs the programme nationally: programme years, settings and ICB coordinators. Reads everything.",
    frozenset({P.VIEW_NATIONAL_PROGRESS, P.EXPORT_PROGRAMME_DATA, P.MANAGE_PROGRAMME, P.MANAGE_COORDINATORS}
              | {P.VIEW_ICB, P.VIEW_SCHOOL, P.SET_FUNDING_POTS, P.VIEW_FORUM_FUNDING}
              | {P.MANAGE_TERM_DATES, P.SEARCH_PROGRAMME}
              # the programme admin, not DfE staff (who change nothing): the admin answers for what leaves the service
              | {P.REVIEW_FREE_TEXT}),
    requires_mfa=True,
)  # fmt: skip
DFE_STAFF = Role(
    "DfE programme staff",
    "Follows the national rollout: reads every ICB and school and exports the figures; changes nothing.",
    frozenset(
        {P.VIEW_NATIONAL_PROGRESS, P.EXPORT_PROGRAMME_DATA, P.VIEW_ICB, P.VIEW_SCHOOL, P.VIEW_FORUM_FUNDING}
        | {P.SEARCH_PROGRAMME}
    ),
    requires_mfa=True,
)
COORDINATOR = Role(
    "ICB coordinator",
    "Runs the programme for an ICB: enrols schools, manages specialists, allocates visits, gives access.",
    frozenset({P.VIEW_ICB, P.MANAGE_ICB_SCHOOLS, P.MANAGE_ICB_SPECIALISTS, P.ALLOCATE_VISITS}
              | {P.MANAGE_ICB_ACCESS, P.VIEW_SCHOOL, P.CONFIRM_VISITS, P.RECORD_OUTCOMES}
              | {P.VIEW_FORUM_FUNDING, P.MANAGE_FORUM_FUNDING}
              | {P.MANAGE_TERM_DATES}
              | {P.MANAGE_COORDINATORS}  # fellow coordinators of their own ICB (issue 16)
              | {P.RECORD_LEAVE}),
    requires_mfa=True,
)  # fmt: skip
# A coordinator of a successor ICB reads what its predecessors delivered, but cannot change it.
PREDECESSOR_READER = Role(
    "Reader of a predecessor ICB",
    "Sees the history of an ICB that merged into one they coordinate.",
    frozenset({P.VIEW_ICB, P.VIEW_SCHOOL, P.VIEW_FORUM_FUNDING}),
)
SENCO = Role(
    "School SENCO",
    "The school's contact: sees and confirms its support schedule, keeps its profile up to date.",
    frozenset({P.VIEW_SCHOOL, P.CONFIRM_VISITS, P.REQUEST_VISIT_CHANGES, P.MANAGE_SCHOOL_PROFILE}),
)
SPECIALIST = Role(
    "Specialist",
    "Sees their own visits and records what happened at each.",
    frozenset({P.VIEW_OWN_SCHEDULE, P.RECORD_OUTCOMES, P.RECORD_LEAVE, P.DECLINE_VISITS}),
)
FORUM_LEAD = Role(
    "Parent carer forum lead",
    "Leads a parent carer forum's work: sees its awards, records its activities and claims the money; one forum only.",
    frozenset({P.VIEW_FORUM_FUNDING, P.RECORD_FORUM_ACTIVITIES}),
)
# The independent evaluation: the national figures and the exports, with people as pseudonymous ids and no free
# text; it reads no ICB's or school's pages, where people are named.
EVALUATOR = Role(
    "Evaluator",
    "Evaluates the programme independently: reads the national figures and downloads exports without personal data.",
    frozenset({P.VIEW_NATIONAL_PROGRESS, P.EXPORT_EVALUATION_DATA}),
    requires_mfa=True,
)
STAFF_ROLES = {
    StaffMembership.Role.PROGRAMME_ADMIN: PROGRAMME_ADMIN,
    StaffMembership.Role.DFE_STAFF: DFE_STAFF,
    StaffMembership.Role.EVALUATOR: EVALUATOR,
}


# A person's staff roles, the ICBs they coordinate (for links to them) and those ICBs' direct predecessors, the
# schools they are SENCO of and their specialist record, as one row. Written out: building it with the ORM on every
# request cost more than running it.
MEMBERSHIPS = ("staff_roles", "coordinated", "predecessors", "school_urns", "specialist_id", "forum_ids")
_COORDINATORS, _ICBS = CoordinatorMembership._meta.db_table, ICB._meta.db_table
_MEMBERSHIP_COLUMNS = (
    f"ARRAY(SELECT role FROM {StaffMembership._meta.db_table} WHERE user_id = %(user)s)",
    f"""ARRAY(
        SELECT ARRAY[icb.id::text, icb.ods_code, icb.name]
        FROM {_ICBS} icb JOIN {_COORDINATORS} coordinator ON coordinator.icb_id = icb.id
        WHERE coordinator.user_id = %(user)s ORDER BY icb.name
    )""",
    f"""ARRAY(
        SELECT predecessor.id
        FROM {_ICBS} predecessor JOIN {_COORDINATORS} coordinator ON coordinator.icb_id = predecessor.successor_id
        WHERE coordinator.user_id = %(user)s
    )""",
    f"ARRAY(SELECT school_id FROM {SencoMembership._meta.db_table} WHERE user_id = %(user)s)",
    f"(SELECT id FROM {Specialist._meta.db_table} WHERE user_id = %(user)s)",
    f"ARRAY(SELECT forum_id FROM {ForumLeadMembership._meta.db_table} WHERE user_id = %(user)s)",
)
MEMBERSHIPS_SQL = "SELECT " + ",\n    ".join(_MEMBERSHIP_COLUMNS)
# The signed-in person with their memberships, for the authentication backends (pins/accounts/backends.py): the
# user and the roles are read on every request, so they are read together.
_LOADED_AS = "memberships_"
_LOADED_COLUMNS = ", ".join(
    f"{column} AS {_LOADED_AS}{name}" for name, column in zip(MEMBERSHIPS, _MEMBERSHIP_COLUMNS, strict=True)
)
USER_WITH_MEMBERSHIPS_SQL = (
    f'SELECT "user".*, {_LOADED_COLUMNS} FROM {User._meta.db_table} "user" WHERE "user".id = %(user)s'
)


def memberships_loaded_with(user) -> dict | None:
    """The memberships read with the user by USER_WITH_MEMBERSHIPS_SQL, or None if the user was read otherwise."""
    if not hasattr(user, f"{_LOADED_AS}{MEMBERSHIPS[0]}"):
        return None
    return {name: getattr(user, f"{_LOADED_AS}{name}") for name in MEMBERSHIPS}


class ScopedReads:
    """The rows a person may read, from what they are (Scope's fields): RequestAccess's, and Scope's for prepared
    reads."""

    # Querysets scoped from the start: never fetch and then check.

    def icbs(self) -> QuerySet[ICB]:
        if self.reads_everything:
            return ICB.objects.all()
        return ICB.objects.filter(pk__in=self.coordinated_icb_ids | self.predecessor_icb_ids)

    def schools(self) -> QuerySet[School]:
        if self.reads_everything:
            return School.objects.all()
        delivered_by_predecessors = Enrolment.objects.filter(icb_id__in=self.predecessor_icb_ids).values("school_id")
        return School.objects.filter(
            Q(icb_id__in=self.coordinated_icb_ids)
            | Q(pk__in=self.senco_school_urns)
            | (Q(pk__in=delivered_by_predecessors) if self.predecessor_icb_ids else Q(pk__in=[]))
        )

    def enrolments(self) -> QuerySet[Enrolment]:
        if self.reads_everything:
            return Enrolment.objects.all()
        return Enrolment.objects.filter(
            Q(icb_id__in=self.coordinated_icb_ids | self.predecessor_icb_ids) | Q(school_id__in=self.senco_school_urns)
        )

    def visits(self) -> QuerySet[Visit]:
        if self.reads_everything:
            return Visit.objects.all()
        own = Q(specialist_id=self.specialist_id) if self.specialist_id else Q(pk__in=[])
        return Visit.objects.filter(
            Q(enrolment__icb_id__in=self.coordinated_icb_ids | self.predecessor_icb_ids)
            | Q(enrolment__school_id__in=self.senco_school_urns)
            | own
        )

    def specialists(self) -> QuerySet[Specialist]:
        if self.reads_everything:
            return Specialist.objects.all()
        own = Q(pk=self.specialist_id) if self.specialist_id else Q(pk__in=[])
        return Specialist.objects.filter(Q(icb_id__in=self.coordinated_icb_ids | self.predecessor_icb_ids) | own)

    # Parent carer forum funding: programme staff see all of it, a coordinator their ICBs' (and what their
    # predecessors awarded), a forum lead their own forum's.

    def funding_pots(self) -> QuerySet[FundingPot]:
        if self.reads_everything:
            return FundingPot.objects.all()
        return FundingPot.objects.filter(icb_id__in=self.coordinated_icb_ids | self.predecessor_icb_ids)

    def forums(self) -> QuerySet[ParentCarerForum]:
        if self.reads_everything:
            return ParentCarerForum.objects.all()
        in_icbs = ParentCarerForum.objects.none()
        for icb in ICB.objects.filter(pk__in=self.coordinated_icb_ids):
            in_icbs = in_icbs | ParentCarerForum.objects.in_icb(icb)
        return ParentCarerForum.objects.filter(Q(pk__in=self.led_forum_ids) | Q(pk__in=in_icbs.values("pk")))

    def awards(self) -> QuerySet[Award]:
        if self.reads_everything:
            return Award.objects.all()
        return Award.objects.filter(
            Q(pot__icb_id__in=self.coordinated_icb_ids | self.predecessor_icb_ids) | Q(forum_id__in=self.led_forum_ids)
        )

    def claims(self) -> QuerySet[Claim]:
        return Claim.objects.filter(award__in=self.awards().values("pk"))


@dataclasses.dataclass(frozen=True)
class Scope(ScopedReads):
    """What a person may read, as values (`RequestAccess.scope`), for reads prepared once (pins.kernel.prepared)."""

    reads_everything: bool
    coordinated_icb_ids: frozenset[int]
    predecessor_icb_ids: frozenset[int]
    senco_school_urns: frozenset[int]
    specialist_id: int | None
    led_forum_ids: frozenset[int]


class RequestAccess(ScopedReads):
    """What the person making a request may see and do, loaded once per request as `request.access`."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _memberships(self) -> dict:
        """Every membership that gives the person a role, in one query: every request asks."""
        if not self.user.is_authenticated:
            return {
                "staff_roles": [],
                "coordinated": [],
                "predecessors": [],
                "school_urns": [],
                "specialist_id": None,
                "forum_ids": [],
            }
        loaded = memberships_loaded_with(self.user)
        if loaded is not None:
            return loaded
        with connection.cursor() as cursor:
            cursor.execute(MEMBERSHIPS_SQL, {"user": self.user.pk})
            return dict(zip(MEMBERSHIPS, cursor.fetchone(), strict=True))

    @cached_property
    def staff_roles(self) -> frozenset[Role]:
        return frozenset(STAFF_ROLES[role] for role in self._memberships["staff_roles"])

    @cached_property
    def coordinated_icb_ids(self) -> frozenset[int]:
        return frozenset(int(pk) for pk, _, _ in self._memberships["coordinated"])

    @cached_property
    def coordinated_icbs(self) -> list[tuple[str, str]]:
        """The ODS code and short name of each ICB the person coordinates, by name, for links to them."""
        return [(ods_code, ICB(name=name).short_name) for _, ods_code, name in self._memberships["coordinated"]]

    @cached_property
    def predecessor_icb_ids(self) -> frozenset[int]:
        """ICBs that merged, directly or through earlier mergers, into the ones this person coordinates."""
        found: set[int] = set()
        frontier = set(self._memberships["predecessors"])
        while frontier:
            found |= frontier
            frontier = set(ICB.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - found
        return frozenset(found)

    @cached_property
    def senco_school_urns(self) -> frozenset[int]:
        return frozenset(self._memberships["school_urns"])

    @property
    def specialist_id(self) -> int | None:
        return self._memberships["specialist_id"]

    @cached_property
    def led_forum_ids(self) -> frozenset[int]:
        """The parent carer forums this person leads."""
        return frozenset(self._memberships["forum_ids"])

    @cached_property
    def specialist(self) -> Specialist | None:
        if self.specialist_id is None:
            return None
        return Specialist.objects.select_related("icb").get(pk=self.specialist_id)

    @property
    def reads_everything(self) -> bool:
        return bool(self.staff_roles - {EVALUATOR})

    @property
    def has_any_role(self) -> bool:
        return bool(
            self.staff_roles
            or self.coordinated_icb_ids
            or self.senco_school_urns
            or self.specialist_id
            or self.led_forum_ids
        )

    @property
    def requires_mfa(self) -> bool:
        # Anyone who can reach the Django admin (createsuperuser makes such accounts) needs MFA like DfE staff.
        if self.user.is_authenticated and (self.user.is_staff or self.user.is_superuser):
            return True
        return any(role.requires_mfa for role in self.staff_roles) or bool(self.coordinated_icb_ids)

    # Roles and permissions

    def roles(
        self,
        *,
        icb: ICB | None = None,
        school: School | None = None,
        specialist: Specialist | None = None,
        visit=None,
        forum: ParentCarerForum | None = None,
        award: Award | None = None,
    ):
        """The person's roles for an object; a visit counts for its enrolment's ICB, its school and its
        specialist (whoever of them this person is); an award for its pot's ICB and its forum."""
        icb_id = None
        if visit is not None:  # the enrolment's ICB by its id: the visit need not have read the ICB's row
            icb_id, school, specialist = visit.enrolment.icb_id, visit.enrolment.school, visit.specialist
        if award is not None:
            icb, forum = award.pot.icb, award.forum
        roles = set(self.staff_roles)
        if forum is not None and forum.pk in self.led_forum_ids:
            roles.add(FORUM_LEAD)
        if icb_id is None:
            icb_id = icb.pk if icb else (school.icb_id if school else (specialist.icb_id if specialist else None))
        if icb_id in self.coordinated_icb_ids:
            roles.add(COORDINATOR)
        elif icb_id in self.predecessor_icb_ids:
            roles.add(PREDECESSOR_READER)
        if school is not None and school.pk in self.senco_school_urns:
            roles.add(SENCO)
        if specialist is not None and self.specialist_id is not None and specialist.pk == self.specialist_id:
            roles.add(SPECIALIST)
        return roles

    def can(self, permission: Permission, **objects) -> bool:
        return any(permission in role.permissions for role in self.roles(**objects))

    def require(self, permission: Permission, **objects) -> None:
        if not self.can(permission, **objects):
            raise PermissionDenied(f"You cannot {permission.value} here")

    # What the person may do with a visit, whatever state it is in (the visit's model says what its state allows,
    # specialists.presenters.VisitActions puts the two together for a page).

    def may_confirm(self, visit: Visit) -> bool:
        return self.can(Permission.CONFIRM_VISITS, visit=visit)

    def may_change(self, visit: Visit) -> bool:
        """Reschedule or cancel it, and answer the school's request about it."""
        return self.can(Permission.ALLOCATE_VISITS, visit=visit)

    def may_ask_for_change(self, visit: Visit) -> bool:
        return self.can(Permission.REQUEST_VISIT_CHANGES, visit=visit)

    def may_record_outcome(self, visit: Visit) -> bool:
        return self.can(Permission.RECORD_OUTCOMES, visit=visit)

    def may_decline(self, visit: Visit) -> bool:
        return self.can(Permission.DECLINE_VISITS, visit=visit)

    def may_record_term_dates(self, school: School) -> bool:
        """Record a school's own term dates (an academy's): its SENCO, its ICB's coordinator or the programme admin."""
        return self.can(Permission.MANAGE_TERM_DATES, school=school) or self.can(
            Permission.MANAGE_SCHOOL_PROFILE, school=school
        )

    @cached_property
    def scope(self) -> "Scope":
        """What the person may read, as values: for reads prepared once per process (pins.kernel.prepared)."""
        return Scope(
            reads_everything=self.reads_everything,
            coordinated_icb_ids=self.coordinated_icb_ids,
            predecessor_icb_ids=self.predecessor_icb_ids,
            senco_school_urns=self.senco_school_urns,
            specialist_id=self.specialist_id,
            led_forum_ids=self.led_forum_ids,
        )


# Scoped lookups for views: the row, if the person may see it, else a 404 whether or not it exists.


def icb_for(request, ods_code: str) -> ICB:
    return _the_one_or_404(_icb_seen(scope=request.access.scope, ods_code=ods_code.upper()))


def school_for(request, urn: int) -> School:
    return _the_one_or_404(_school_seen(scope=request.access.scope, urn=urn))


# What a visit's actions read of it, in the query that finds it.
VISIT_RELATED = ("enrolment__school__local_authority", "enrolment__icb", "enrolment__programme_year", "specialist__icb")


def visit_for(request, visit_id: int, *, related: tuple[str, ...] = VISIT_RELATED) -> Visit:
    """The visit, if the person may see it, with `related` read in the same query. A page that reads less asks
    for less: every table joined costs PostgreSQL time to plan the join (about a millisecond for these)."""
    seen = _visit_seen.bound(scope=request.access.scope, visit_id=visit_id)
    return _the_one_or_404(seen.queryset(related, lambda visits: visits.select_related(*related)))


def specialist_for(request, specialist_id: int) -> Specialist:
    return _the_one_or_404(_specialist_seen(scope=request.access.scope, specialist_id=specialist_id))


def school_enrolments_for(request, urn: int) -> list[Enrolment]:
    """A school's enrolments, every year's, as far as the person may see them, for its page: with their days and
    whether the school has filled in its self-assessment."""
    return list(_school_enrolments_seen(scope=request.access.scope, urn=urn))


# Their SQL is built once per process (pins.kernel.prepared): every page finds its row through one of them.


@prepared_read
def _icb_seen(*, scope: Scope, ods_code: str) -> QuerySet[ICB]:
    return scope.icbs().select_related("region", "successor").filter(ods_code=ods_code)


@prepared_read
def _school_seen(*, scope: Scope, urn: int) -> QuerySet[School]:
    return scope.schools().select_related("icb", "local_authority").filter(urn=urn)


@prepared_read
def _visit_seen(*, scope: Scope, visit_id: int) -> QuerySet[Visit]:
    return scope.visits().filter(pk=visit_id)


@prepared_read
def _specialist_seen(*, scope: Scope, specialist_id: int) -> QuerySet[Specialist]:
    return scope.specialists().select_related("icb").filter(pk=specialist_id)


@prepared_read
def _school_enrolments_seen(*, scope: Scope, urn: int) -> QuerySet[Enrolment]:
    return with_self_assessment_done(with_visit_days(scope.enrolments().filter(school_id=urn))).select_related(
        "cohort", "icb", "programme_year"
    )


def _the_one_or_404(rows: QuerySet):
    """The row found by its key, as get_object_or_404 gives it."""
    found = list(rows)
    if not found:
        raise Http404(f"No {rows.model._meta.object_name} matches the given query.")
    return found[0]


def forum_for(request, forum_id: int) -> ParentCarerForum:
    return get_object_or_404(request.access.forums(), pk=forum_id)


def award_for(request, award_id: int) -> Award:
    """An award the person may see; a forum lead sees only their own forum's, so another's is a 404."""
    awards = request.access.awards().with_ledger_totals().select_related("pot__icb__region", "forum")
    return get_object_or_404(awards, pk=award_id)


def claim_for(request, claim_id: int) -> Claim:
    return get_object_or_404(
        request.access.claims().select_related("award__pot__icb", "award__forum", "payment"), pk=claim_id
    )


def programme_year_or_404(label: str | None, *, among: list[ProgrammeYear] | None = None) -> ProgrammeYear:
    """The programme year asked for by its label, or the current one; every signed-in person may see the years.
    `among`: every year, already read for a page that lists them."""
    year = programme_year_for(label=label) if among is None else programme_year_chosen(among, label=label)
    if year is None:
        raise Http404("No such programme year")
    return year
