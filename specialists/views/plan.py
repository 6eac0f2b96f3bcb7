"""The auto-allocator's page: a proposed plan the coordinator reviews, then books the rows they keep ticked."""

import dataclasses
import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from icbs.views import icb_for
from pins.authorization import Permission
from pins.errors import RuleBroken
from schools.models import Enrolment
from schools.views import programme_year_or_404
from specialists.planner import plan_visits, proposal_from_token
from specialists.services import visit_allocate


@dataclasses.dataclass
class Refusal:
    school: str
    date: datetime.date
    message: str


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.ALLOCATE_VISITS, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    context = {"icb": icb, "year": year}
    if request.method == "GET":
        return render(request, "specialists/plan.html", {**context, "proposals": plan_visits(icb=icb, year=year)})

    enrolments = {
        enrolment.pk: enrolment
        for enrolment in Enrolment.objects.filter(icb=icb, programme_year=year).select_related("school")
    }
    specialists = {specialist.pk: specialist for specialist in icb.specialists.all()}
    chosen = [
        proposal_from_token(token, enrolments=enrolments, specialists=specialists)
        for token in request.POST.getlist("visit")
    ]
    if not chosen or None in chosen:
        problem = "Tick at least one visit to book" if not chosen else "The plan was changed: make a new one"
        return render(
            request,
            "specialists/plan.html",
            {**context, "proposals": plan_visits(icb=icb, year=year), "problem": problem},
        )
    booked, refused = [], []
    for proposal in chosen:
        try:
            booked.append(
                visit_allocate(
                    enrolment=proposal.enrolment,
                    specialist=proposal.specialist,
                    date=proposal.date,
                    session=proposal.session,
                    purpose=proposal.why,
                    by=request.user,
                )
            )
        except RuleBroken as error:
            # Something changed since the plan was made: each row stands or falls alone.
            refused.append(Refusal(proposal.enrolment.school.name, proposal.date, error.message))
    return render(request, "specialists/plan_result.html", {**context, "booked": booked, "refused": refused})
