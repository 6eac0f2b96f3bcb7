"""The ICB page: what is left to do across the ICB's schools and specialists this programme year."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from icbs.models import LocalAuthority
from icbs.views import icb_for
from pins.authorization import Permission
from schools.models import ProgrammeYear
from schools.views import programme_year_or_404
from specialists.filters import EnrolmentFilter
from specialists.selectors import icb_enrolments, icb_specialists, icb_totals, open_change_requests

SCHOOLS_PER_PAGE = 25
SPECIALISTS_PER_PAGE = 25
CHANGE_REQUESTS_PER_PAGE = 10


@login_required
@require_GET
def icb_overview(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    enrolments = icb_enrolments(icb=icb, programme_year=year)
    local_authorities = LocalAuthority.objects.filter(schools__enrolments__in=enrolments.values("pk")).distinct()
    school_filter = EnrolmentFilter(request.GET or None, queryset=enrolments, local_authorities=local_authorities)
    page = Paginator(school_filter.qs, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    # Each list has its own page parameter, so paging one leaves the others where they were.
    specialists = Paginator(icb_specialists(icb=icb, programme_year=year), SPECIALISTS_PER_PAGE)
    change_requests = Paginator(open_change_requests(icb=icb), CHANGE_REQUESTS_PER_PAGE)
    return render(
        request,
        "specialists/icb_overview.html",
        {
            "icb": icb,
            "year": year,
            "years": ProgrammeYear.objects.order_by("-starts_on"),
            "totals": icb_totals(icb=icb, programme_year=year),
            "filter": school_filter,
            "form": school_filter.form,
            "page": page,
            "specialists": specialists.get_page(request.GET.get("specialists_page")),
            "change_requests": change_requests.get_page(request.GET.get("change_requests_page")),
            "behind_on_parent_carers": enrolments.filter(status="enrolled", meetings_missing__gt=0).count(),
            "can_allocate": request.access.can(Permission.ALLOCATE_VISITS, icb=icb),
            "can_manage_schools": request.access.can(Permission.MANAGE_ICB_SCHOOLS, icb=icb),
        },
    )
