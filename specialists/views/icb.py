"""The ICB's pages: what is left to do across its schools this programme year, and its specialists' capacity."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pins.accounts.authorization import Permission, icb_for, programme_year_or_404
from pins.kernel.paging import page_with_count
from schools.selectors import (
    local_authorities_of_enrolled_schools,
    local_authority_choices,
    programme_years_listed,
    terms_ended,
)
from specialists.filters import EnrolmentFilter
from specialists.presenters import school_rows, school_rows_html, specialist_rows
from specialists.selectors import (
    icb_enrolments,
    icb_enrolments_listed,
    icb_specialists,
    icb_totals,
    icb_visits_not_held,
    open_change_requests,
)

SCHOOLS_PER_PAGE = 25
SPECIALISTS_PER_PAGE = 25
CHANGE_REQUESTS_PER_PAGE = 10
NOT_HELD_PER_PAGE = 10


@login_required
@require_GET
def icb_overview(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    years = list(programme_years_listed())  # once, for the year shown and the year switcher
    year = programme_year_or_404(request.GET.get("year"), among=years)
    schools = {"icb_id": icb.pk, "year_id": year.pk, "terms_ended": terms_ended(year)}
    # Most visits filter nothing: their list is a prepared read (pins.kernel.prepared), its SQL built once.
    filtering = any(request.GET.get(name) for name in EnrolmentFilter.base_filters)
    school_filter = EnrolmentFilter(
        request.GET or None,
        queryset=icb_enrolments(**schools) if filtering else None,  # None: the filter's own, never read
        local_authorities=local_authorities_of_enrolled_schools(icb_id=icb.pk, year_id=year.pk),
        local_authority_rows=local_authority_choices(icb_id=icb.pk, year_id=year.pk),
    )
    page = page_with_count(
        school_filter.qs if filtering else icb_enrolments_listed.bound(**schools),
        per_page=SCHOOLS_PER_PAGE,
        number=request.GET.get("page"),
    )
    totals = icb_totals(icb=icb, programme_year=year)
    can_allocate = request.access.can(Permission.ALLOCATE_VISITS, icb=icb)
    rows = school_rows(page, year=year, allocate_url=reverse("visits:allocate", args=[icb.ods_code]))
    return render(
        request,
        "specialists/icb/overview.html",
        {
            "icb": icb,
            "year": year,
            "years": [each.label for each in years],
            "totals": totals,
            "filter": school_filter,
            "form": school_filter.form,
            "page": page,
            "school_rows": rows,
            "school_rows_html": school_rows_html(rows, can_allocate=can_allocate),
            "change_requests": page_with_count(
                open_change_requests.bound(icb_id=icb.pk),
                per_page=CHANGE_REQUESTS_PER_PAGE,
                number=request.GET.get("change_requests_page"),
            ),
            "not_held": page_with_count(
                icb_visits_not_held.bound(icb_id=icb.pk, year_id=year.pk),
                per_page=NOT_HELD_PER_PAGE,
                number=request.GET.get("not_held_page"),
            ),
            "behind_on_parent_carers": totals.behind_on_parent_carers,
            "can_allocate": can_allocate,
            "can_manage_schools": request.access.can(Permission.MANAGE_ICB_SCHOOLS, icb=icb),
            "can_manage_term_dates": request.access.can(Permission.MANAGE_TERM_DATES, icb=icb),
        },
    )


@login_required
@require_GET
def icb_specialists_page(request, ods_code):
    """The ICB's specialists with their capacity in the year: a section of its own, so the schools page, which
    coordinators open most, renders one long list rather than two."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    years = list(programme_years_listed())  # once, for the year shown and the year switcher
    year = programme_year_or_404(request.GET.get("year"), among=years)
    specialists = page_with_count(
        icb_specialists(icb=icb, programme_year=year),
        per_page=SPECIALISTS_PER_PAGE,
        number=request.GET.get("page"),
    )
    return render(
        request,
        "specialists/icb/specialists.html",
        {
            "icb": icb,
            "year": year,
            "years": [each.label for each in years],
            "page": specialists,
            "specialist_rows": specialist_rows(specialists),
            "can_manage_specialists": request.access.can(Permission.MANAGE_ICB_SPECIALISTS, icb=icb),
        },
    )
