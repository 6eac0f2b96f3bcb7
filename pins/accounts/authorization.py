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

from icbs.models import ICB, CoordinatorMembership
from pins.accounts.models import StaffMembership
from schools.models import Enrolment, ProgrammeYear, School, SencoMembership
from schools.selectors import programme_year_for
from specialists.models import Specialist, Visit


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
              | {P.VIEW_ICB, P.VIEW_SCHOOL}
              | {P.MANAGE_TERM_DATES}),
    requires_mfa=True,
)  # fmt: skip
DFE_STAFF = Role(
    "DfE programme staff",
    "Follows the national rollout: reads every ICB and school and exports the figures; changes nothing.",
    frozenset({P.VIEW_NATIONAL_PROGRESS, P.EXPORT_PROGRAMME_DATA, P.VIEW_ICB, P.VIEW_SCHOOL}),
    requires_mfa=True,
)
COORDINATOR = Role(
    "ICB coordinator",
    "Runs the programme for an ICB: enrols schools, manages specialists, allocates visits, gives access.",
    frozenset({P.VIEW_ICB, P.MANAGE_ICB_SCHOOLS, P.MANAGE_ICB_SPECIALISTS, P.ALLOCATE_VISITS}
              | {P.MANAGE_ICB_ACCESS, P.VIEW_SCHOOL, P.CONFIRM_VISITS, P.RECORD_OUTCOMES}
              | {P.MANAGE_TERM_DATES}),
    requires_mfa=True,
)  # fmt: skip
# A coordinator of a successor ICB reads what its predecessors delivered, but cannot change it.
PREDECESSOR_READER = Role(
    "Reader of a predecessor ICB",
    "Sees the history of an ICB that merged into one they coordinate.",
    frozenset({P.VIEW_ICB, P.VIEW_SCHOOL}),
)
SENCO = Role(
    "School SENCO",
    "The school's contact: sees and confirms its support schedule, keeps its profile up to date.",
    frozenset({P.VIEW_SCHOOL, P.CONFIRM_VISITS, P.REQUEST_VISIT_CHANGES, P.MANAGE_SCHOOL_PROFILE}),
)
SPECIALIST = Role(
    "Specialist",
    "Sees their own visits and records what happened at each.",
    frozenset({P.VIEW_OWN_SCHEDULE, P.RECORD_OUTCOMES}),
)
STAFF_ROLES = {
    StaffMembership.Role.PROGRAMME_ADMIN: PROGRAMME_ADMIN,
    StaffMembership.Role.DFE_STAFF: DFE_STAFF,
}


# A person's staff roles, the ICBs they coordinate (for links to them) and those ICBs' direct predecessors, the
# schools they are SENCO of and their specialist record, as one row. Written out: building it with the ORM on every
# request cost more than running it.
MEMBERSHIPS = ("staff_roles", "coordinated", "predecessors", "school_urns", "specialist_id")
_COORDINATORS, _ICBS = CoordinatorMembership._meta.db_table, ICB._meta.db_table
MEMBERSHIPS_SQL = f"""
SELECT
    ARRAY(SELECT role FROM {StaffMembership._meta.db_table} WHERE user_id = %(user)s),
    ARRAY(
        SELECT ARRAY[icb.id::text, icb.ods_code, icb.name]
        FROM {_ICBS} icb JOIN {_COORDINATORS} coordinator ON coordinator.icb_id = icb.id
        WHERE coordinator.user_id = %(user)s ORDER BY icb.name
    ),
    ARRAY(
        SELECT predecessor.id
        FROM {_ICBS} predecessor JOIN {_COORDINATORS} coordinator ON coordinator.icb_id = predecessor.successor_id
        WHERE coordinator.user_id = %(user)s
    ),
    ARRAY(SELECT school_id FROM {SencoMembership._meta.db_table} WHERE user_id = %(user)s),
    (SELECT id FROM {Specialist._meta.db_table} WHERE user_id = %(user)s)
"""


class RequestAccess:
    """What the person making a request may see and do, loaded once per request as `request.access`."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _memberships(self) -> dict:
        """Every membership that gives the person a role, in one query: every request asks."""
        if not self.user.is_authenticated:
            return {"staff_roles": [], "coordinated": [], "predecessors": [], "school_urns": [], "specialist_id": None}
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
    def specialist(self) -> Specialist | None:
        if self.specialist_id is None:
            return None
        return Specialist.objects.select_related("icb").get(pk=self.specialist_id)

    @property
    def reads_everything(self) -> bool:
        return bool(self.staff_roles)

    @property
    def has_any_role(self) -> bool:
        return bool(self.staff_roles or self.coordinated_icb_ids or self.senco_school_urns or self.specialist_id)

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
    ):
        """The person's roles for an object; a visit counts for its enrolment's ICB, its school and its
        specialist (whoever of them this person is)."""
        if visit is not None:
            icb, school, specialist = visit.enrolment.icb, visit.enrolment.school, visit.specialist
        roles = set(self.staff_roles)
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

    def may_record_term_dates(self, school: School) -> bool:
        """Record a school's own term dates (an academy's): its SENCO, its ICB's coordinator or the programme admin."""
        return self.can(Permission.MANAGE_TERM_DATES, school=school) or self.can(
            Permission.MANAGE_SCHOOL_PROFILE, school=school
        )

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


# Scoped lookups for views: the row, if the person may see it, else a 404 whether or not it exists.


def icb_for(request, ods_code: str) -> ICB:
    return get_object_or_404(request.access.icbs().select_related("region", "successor"), ods_code=ods_code.upper())


def school_for(request, urn: int) -> School:
    return get_object_or_404(request.access.schools().select_related("icb", "local_authority"), urn=urn)


def visit_for(request, visit_id: int) -> Visit:
    return get_object_or_404(
        request.access.visits().select_related(
            "enrolment__school__local_authority", "enrolment__icb", "enrolment__programme_year", "specialist__icb"
        ),
        pk=visit_id,
    )


def specialist_for(request, specialist_id: int) -> Specialist:
    return get_object_or_404(request.access.specialists().select_related("icb"), pk=specialist_id)


def programme_year_or_404(label: str | None) -> ProgrammeYear:
    """The programme year asked for by its label, or the current one; every signed-in person may see the years."""
    year = programme_year_for(label=label)
    if year is None:
        raise Http404("No such programme year")
    return year
