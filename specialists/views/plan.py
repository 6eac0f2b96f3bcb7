"""The auto-allocator's page: a proposed plan the coordinator reviews, then books the rows they keep ticked."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from pins.accounts.authorization import Permission, icb_for, programme_year_or_404
from pins.kernel.errors import RuleBroken
from specialists.planner import plan_visits
from specialists.services import plan_book


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.ALLOCATE_VISITS, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    context = {"icb": icb, "year": year}
    if request.method == "GET":
        return render(request, "specialists/plan/plan.html", {**context, "proposals": plan_visits(icb=icb, year=year)})

    try:
        booked, refused = plan_book(icb=icb, year=year, rows=request.POST.getlist("visit"), by=request.user)
    except RuleBroken as error:
        return render(
            request,
            "specialists/plan/plan.html",
            {**context, "proposals": plan_visits(icb=icb, year=year), "problem": error.message},
        )
    return render(request, "specialists/plan/result.html", {**context, "booked": booked, "refused": refused})
