import dataclasses

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pins.accounts.authorization import Permission, RequestAccess
from schools.models import Domain, Rating
from schools.selectors import programme_year_for
from specialists import needs


@login_required
@require_GET
def home(request):
    """Where each role starts: a person with several roles chooses where to go."""
    access = request.access
    context = {
        "icbs": access.icbs().filter(pk__in=access.coordinated_icb_ids).select_related("region"),
        "schools": access.schools().filter(pk__in=access.senco_school_urns).select_related("icb"),
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
        found, now = cls(), timezone.now()
        today = timezone.localdate(now)
        # A school's or an ICB's visits are reached through their enrolments, so those lists are planned whole.
        if access.senco_school_urns:
            visits = access.visits().filter(enrolment__school_id__in=access.senco_school_urns)
            found.to_confirm = needs.first_rows(
                needs.as_listed(needs.visits_to_confirm(visits, today=today)), plan_whole_list=True
            )
            found.school_requests = needs.first_rows(needs.requests_as_listed(needs.change_requests_open(visits)))
        if access.coordinated_icb_ids:
            visits = access.visits().filter(enrolment__icb_id__in=access.coordinated_icb_ids)
            found.icb_requests = needs.first_rows(needs.requests_as_listed(needs.change_requests_open(visits)))
            found.unconfirmed = needs.first_rows(
                needs.as_listed(needs.visits_unconfirmed(visits, now=now)), plan_whole_list=True
            )
            found.overdue = needs.first_rows(
                needs.as_listed(needs.outcomes_overdue(visits, today=today)), plan_whole_list=True
            )
            year = programme_year_for(today=today)
            if year is not None:
                enrolments = access.enrolments().filter(icb_id__in=access.coordinated_icb_ids)
                found.behind = needs.first_rows(needs.schools_behind(enrolments, year=year, today=today))
        if access.specialist_id:
            visits = access.visits().filter(specialist_id=access.specialist_id)
            found.to_record = needs.first_rows(needs.as_listed(needs.outcomes_to_record(visits, today=today)))
            found.coming_up = needs.first_rows(needs.as_listed(needs.next_visits(visits, today=today)))
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
