import dataclasses
import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pins.accounts.authorization import Permission, RequestAccess, Scope
from pins.kernel.prepared import prepared_read
from schools.models import Domain, Rating
from schools.selectors import TermsEnded, programme_year_for, terms_ended
from specialists import needs


@login_required
@require_GET
def home(request):
    """Where each role starts: a person with several roles chooses where to go."""
    access = request.access
    context = {
        "icbs": _icbs_coordinated(scope=access.scope),
        "schools": _schools_of_senco(scope=access.scope),
        "specialist": access.specialist,
        "reads_everything": access.reads_everything,
        "reads_national_progress": access.can(Permission.VIEW_NATIONAL_PROGRESS),
        "exports_national_data": access.can(Permission.EXPORT_PROGRAMME_DATA)
        or access.can(Permission.EXPORT_EVALUATION_DATA),
        "can_search": access.can(Permission.SEARCH_PROGRAMME),
        "manages_programme": access.can(Permission.MANAGE_PROGRAMME),
        "reviews_free_text": access.can(Permission.REVIEW_FREE_TEXT),
        "has_any_role": access.has_any_role,
        "needs": NeedsYou.of(access),
    }
    return render(request, "pins/home.html", context)


@dataclasses.dataclass
class NeedsYou:
    """The home page's "needs you" lists, for each role the person has: one query a list."""

    to_confirm: needs.Needing | None = None
    school_requests: needs.Needing | None = None
    icb_requests: needs.Needing | None = None
    unconfirmed: needs.Needing | None = None
    overdue: needs.Needing | None = None
    behind: needs.Needing | None = None
    to_record: needs.Needing | None = None
    coming_up: needs.Needing | None = None

    @classmethod
    def of(cls, access: RequestAccess) -> "NeedsYou":
        found, now, scope = cls(), timezone.now(), access.scope
        today = timezone.localdate(now)
        if access.senco_school_urns:
            found.to_confirm = needs.needing(_school_visits_to_confirm(scope=scope, today=today))
            found.school_requests = needs.needing(_school_requests(scope=scope))
        if access.coordinated_icb_ids:
            found.icb_requests = needs.needing(_icb_requests(scope=scope))
            week_ago = needs.unconfirmed_since(now)
            found.unconfirmed = needs.needing(_icb_visits_unconfirmed(scope=scope, today=today, week_ago=week_ago))
            cutoff = needs.overdue_cutoff(today)
            found.overdue = needs.needing(_icb_outcomes_overdue(scope=scope, cutoff=cutoff))
            year = programme_year_for(today=today)
            if year is not None:
                ended = terms_ended(year, today=today)
                found.behind = needs.needing(_icb_schools_behind(scope=scope, year_id=year.pk, terms_ended=ended))
        if access.specialist_id:
            found.to_record = needs.needing(_outcomes_to_record(scope=scope, today=today))
            found.coming_up = needs.needing(_next_visits(scope=scope, today=today))
        return found

    @property
    def any_list(self) -> bool:
        """Whether the person has a role with a list (an empty list still says nothing is waiting)."""
        return any(getattr(self, field.name) is not None for field in dataclasses.fields(self))


@require_GET
def accessibility_statement(request):
    return render(request, "pins/accessibility.html")


@require_GET
def privacy_notice(request):
    return render(request, "pins/privacy.html", {"retention_years": settings.PINS_RETENTION_YEARS})


@require_GET
def guidance(request):
    """What PINS is, what a visit involves and what the self-assessment levels mean, for anyone."""
    return render(request, "pins/guidance.html", {"levels": Rating.choices, "domains": Domain.choices})


@require_GET
def cookies(request):
    return render(request, "pins/cookies.html")


@login_required
@require_GET
def email_address(request):
    """allauth's page for adding e-mail addresses, replaced: an address is how someone was invited, so it
    changes only through a new invitation, never unverified by the account holder."""
    return render(request, "pins/email_address.html")


# The "needs you" lists, each one query whose SQL is built once per process (pins.kernel.prepared). A school's or
# an ICB's visits are reached through their enrolments, so those lists are planned whole.


@prepared_read
def _icbs_coordinated(*, scope: Scope):
    return scope.icbs().filter(pk__in=scope.coordinated_icb_ids).select_related("region")


@prepared_read
def _schools_of_senco(*, scope: Scope):
    return scope.schools().filter(pk__in=scope.senco_school_urns).select_related("icb")


def _school_visits(scope: Scope):
    return scope.visits().filter(enrolment__school_id__in=scope.senco_school_urns)


def _icb_visits(scope: Scope):
    return scope.visits().filter(enrolment__icb_id__in=scope.coordinated_icb_ids)


def _specialist_visits(scope: Scope):
    return scope.visits().filter(specialist_id=scope.specialist_id)


@prepared_read
def _school_visits_to_confirm(*, scope: Scope, today: datetime.date):
    listed = needs.as_listed(needs.visits_to_confirm(_school_visits(scope), today=today))
    return needs.listed_with_total(listed, plan_whole_list=True)


@prepared_read
def _school_requests(*, scope: Scope):
    return needs.listed_with_total(needs.requests_as_listed(needs.change_requests_open(_school_visits(scope))))


@prepared_read
def _icb_requests(*, scope: Scope):
    return needs.listed_with_total(needs.requests_as_listed(needs.change_requests_open(_icb_visits(scope))))


@prepared_read
def _icb_visits_unconfirmed(*, scope: Scope, today: datetime.date, week_ago: datetime.datetime):
    listed = needs.as_listed(needs.visits_unconfirmed_as_of(_icb_visits(scope), today=today, week_ago=week_ago))
    return needs.listed_with_total(listed, plan_whole_list=True)


@prepared_read
def _icb_outcomes_overdue(*, scope: Scope, cutoff: datetime.date):
    listed = needs.as_listed(needs.outcomes_overdue_by(_icb_visits(scope), cutoff=cutoff))
    return needs.listed_with_total(listed, plan_whole_list=True)


@prepared_read
def _icb_schools_behind(*, scope: Scope, year_id: int, terms_ended: TermsEnded):
    enrolments = scope.enrolments().filter(icb_id__in=scope.coordinated_icb_ids)
    return needs.listed_with_total(needs.schools_behind_in(enrolments, year_id=year_id, terms_ended=terms_ended))


@prepared_read
def _outcomes_to_record(*, scope: Scope, today: datetime.date):
    return needs.listed_with_total(needs.as_listed(needs.outcomes_to_record(_specialist_visits(scope), today=today)))


@prepared_read
def _next_visits(*, scope: Scope, today: datetime.date):
    return needs.listed_with_total(needs.as_listed(needs.next_visits(_specialist_visits(scope), today=today)))
