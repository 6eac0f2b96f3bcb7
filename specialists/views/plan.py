"""The auto-allocator's page: a proposed plan the coordinator edits, pins and re-plans, then books the rows they
keep ticked; the result page lists what was booked and what was refused (post/redirect/get)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pins.accounts.authorization import Permission, icb_for, programme_year_or_404
from pins.kernel.errors import RuleBroken
from specialists.forms import PlanRow, plan_rows
from specialists.models import Session
from specialists.planner import pinned_problems, plan_visits
from specialists.presenters import plan_comparison
from specialists.services import plan_book

RESULT_KEY = "plan-result"


def _page(request, context, rows, problems=()):
    specialists = sorted(context["icb"].specialists.filter(active=True), key=lambda s: (s.discipline, s.full_name))
    proposals = context.get("proposals")
    if proposals is not None and proposals.totals and proposals.greedy_totals:
        context = {**context, "comparison": plan_comparison(proposals.totals, proposals.greedy_totals)}
    return render(
        request,
        "specialists/plan/plan.html",
        {
            **context,
            "rows": rows,
            "problems": list(problems),
            "specialists": specialists,
            "sessions": Session.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.ALLOCATE_VISITS, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    context = {"icb": icb, "year": year}
    if request.method == "GET":
        proposed = plan_visits(icb=icb, year=year)
        rows = [PlanRow(proposal.token, proposal) for proposal in proposed]
        return _page(request, {**context, "unplanned": proposed.unplanned, "proposals": proposed}, rows)

    enrolments = {
        enrolment.pk: enrolment for enrolment in icb.enrolments.filter(programme_year=year).select_related("school")
    }
    specialists = {specialist.pk: specialist for specialist in icb.specialists.all()}
    rows, problems = plan_rows(request.POST, enrolments=enrolments, specialists=specialists)
    if problems:
        return _page(request, context, rows, problems)

    if request.POST.get("action") == "replan":
        kept = [row.proposal for row in rows if row.pin]
        problems = [
            f"{row.enrolment.school.name} on {row.date:%-d %B %Y}: {message}"
            for row, message in pinned_problems(icb=icb, year=year, rows=kept)
        ]
        if problems:
            return _page(request, context, rows, problems)
        proposed = plan_visits(icb=icb, year=year, pinned=kept)
        rows = [PlanRow(proposal.token, proposal, pin=proposal.pinned) for proposal in proposed]
        return _page(
            request, {**context, "unplanned": proposed.unplanned, "proposals": proposed, "replanned": True}, rows
        )

    chosen = [row.proposal for row in rows if row.book]
    try:
        booked, refused = plan_book(icb=icb, year=year, rows=[proposal.token for proposal in chosen], by=request.user)
    except RuleBroken as error:
        return _page(request, context, rows, [error.message])
    reasons = {(p.enrolment.pk, p.specialist.pk, p.date.isoformat(), p.session): p.why for p in chosen}
    request.session[RESULT_KEY] = {
        "icb": icb.ods_code,
        "year": year.label,
        "booked": [
            [
                visit.pk,
                reasons.get((visit.enrolment_id, visit.specialist_id, visit.date.isoformat(), visit.session), ""),
            ]
            for visit in booked
        ],
        "refused": [
            {
                "school": refusal.school,
                "date": refusal.date.isoformat(),
                "specialist": refusal.specialist,
                "session": refusal.session,
                "message": refusal.message,
            }
            for refusal in refused
        ],
    }
    return redirect(f"{reverse('visits:plan_result', args=[icb.ods_code])}?year={year.label}")


@login_required
@require_GET
def plan_result(request, ods_code):
    """What the last booking of a plan did: read from the session, so a refresh books nothing again."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.ALLOCATE_VISITS, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    result = request.session.get(RESULT_KEY) or {}
    if result.get("icb") != icb.ods_code:
        result = {}
    reasons = dict(result.get("booked", []))
    visits = (
        request.access.visits()
        .filter(pk__in=reasons, enrolment__icb=icb)
        .select_related("enrolment__school", "specialist")
        .order_by("date", "slot_start", "enrolment__school__name")
    )
    booked = [(visit, reasons[visit.pk]) for visit in visits]
    refused = [{**row, "date": datetime.date.fromisoformat(row["date"])} for row in result.get("refused", [])]
    return render(
        request,
        "specialists/plan/result.html",
        {"icb": icb, "year": year, "booked": booked, "refused": refused, "has_result": bool(result)},
    )
