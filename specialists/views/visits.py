"""Allocating a visit, and a visit's own page: confirm, reschedule, cancel, record the outcome, history."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pins.accounts.authorization import Permission, icb_for, programme_year_or_404, visit_for
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from pins.kernel.request_limits import next_address
from pins.kernel.units import format_days
from schools.selectors import bookable_enrolments, starting_self_assessment
from specialists.forms import (
    AllocateVisitForm,
    CancelVisitForm,
    ChangeRequestForm,
    DeclineVisitForm,
    FreeDatesForm,
    NotHeldForm,
    OutcomeForm,
    RescheduleVisitForm,
)
from specialists.models import Session
from specialists.needs import visit_messages
from specialists.optimiser import recommended_slots
from specialists.presenters import NeedsProfile, VisitActions, VisitHistory, visit_when
from specialists.rules import long_date, next_free_dates
from specialists.selectors import open_change_request, reschedule_offers, school_briefing
from specialists.services import (
    change_request_resolve,
    visit_allocate,
    visit_cancel,
    visit_change_request,
    visit_confirm,
    visit_decline,
    visit_record_not_held,
    visit_record_outcome,
    visit_reschedule,
)

SESSION_WORDS = {Session.FULL_DAY: "Full-day", Session.MORNING: "Morning", Session.AFTERNOON: "Afternoon"}


def _initial_from_query(query) -> dict:
    """What the allocation form shows when opened from a link (a free date: ?date=2026-11-03) or after a
    'show free dates' search (which sends the date boxes as typed)."""
    initial = {name: query.get(name) for name in ("enrolment", "specialist", "session", "purpose", "preparation")}
    try:
        initial["date"] = datetime.date.fromisoformat(query.get("date", ""))
    except ValueError:
        typed = {part: query.get(f"date_{part}", "") for part in ("day", "month", "year")}
        initial["date"] = typed if any(typed.values()) else None
    return {name: value for name, value in initial.items() if value}


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.ALLOCATE_VISITS, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    # A school with no days left is not offered: no visit could be booked for it.
    enrolments = bookable_enrolments(icb=icb, programme_year=year).filter(allocated_days__lt=F("quota_days"))
    specialists = icb.specialists.active().filter(capacities__programme_year=year).order_by("full_name")
    choices = {"enrolments": enrolments, "specialists": specialists}

    if request.method == "POST":
        form = AllocateVisitForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit = visit_allocate(
                    enrolment=data["enrolment"],
                    specialist=data["specialist"],
                    date=data["date"],
                    session=data["session"],
                    purpose=data["purpose"],
                    preparation=data["preparation"],
                    by=request.user,
                )
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                enrolment = visit.enrolment
                enrolment.refresh_from_db(fields=["allocated_days"])  # the booking has just counted its days
                messages.success(
                    request,
                    f"{SESSION_WORDS[visit.session]} visit booked: {visit.specialist.full_name} at "
                    f"{enrolment.school.name} on {long_date(visit.date)}. {enrolment.school.name} has "
                    f"{format_days(enrolment.remaining_days)} left to allocate.",
                )
                return redirect("visits:detail", visit.pk)
    else:
        form = AllocateVisitForm(initial=_initial_from_query(request.GET), **choices)

    free_dates = []
    lookup = FreeDatesForm(request.GET)
    if request.method == "GET" and lookup.is_valid():
        enrolment = enrolments.filter(pk=lookup.cleaned_data["enrolment"]).first()
        specialist = specialists.filter(pk=lookup.cleaned_data["specialist"]).first()
        if enrolment and specialist:
            session = lookup.cleaned_data["session"] or Session.FULL_DAY
            free_dates = next_free_dates(
                enrolment=enrolment,
                specialist=specialist,
                session=session,
                after=max(timezone.localdate(), year.starts_on - datetime.timedelta(days=1)),
            )
    chosen = form.data.get("enrolment") if form.is_bound else form.initial.get("enrolment")
    needs = starting_self_assessment(enrolments=enrolments, enrolment_id=chosen)
    recommended = []
    if request.method == "GET" and str(chosen or "").isdigit():
        enrolment = enrolments.filter(pk=chosen).select_related("school", "programme_year").first()
        if enrolment is not None:
            recommended = recommended_slots(enrolment=enrolment, today=timezone.localdate())
    return render(
        request,
        "specialists/visits/allocate.html",
        {
            "icb": icb,
            "year": year,
            "form": form,
            "free_dates": free_dates,
            "searched": "find" in request.GET,
            "needs": NeedsProfile(needs) if needs else None,
            "recommended": recommended,
            "chosen": chosen,
        },
    )


@login_required
@require_http_methods(["GET"])
def visit_detail(request, visit_id):
    # What the page shows: the school and where it is, the year for the school's link, the specialist, the outcome.
    visit = visit_for(
        request,
        visit_id,
        related=("enrolment__school__local_authority", "enrolment__programme_year", "specialist", "outcome"),
    )
    open_request = next(iter(open_change_request(visit_id=visit.pk)), None)
    briefing = school_briefing(visit)
    return render(
        request,
        "specialists/visits/detail.html",
        {
            "visit": visit,
            "outcome": getattr(visit, "outcome", None) if visit.is_delivered else None,
            "history": VisitHistory(visit),
            "open_request": open_request,
            "sent_messages": visit_messages(visit),
            "briefing": briefing,
            "needs": NeedsProfile(briefing.start_assessment) if briefing.start_assessment else None,
            "actions": VisitActions.for_person(
                visit, access=request.access, today=timezone.localdate(), request_waiting=open_request is not None
            ),
        },
    )


@login_required
@require_POST
def confirm(request, visit_id):
    visit = visit_for(request, visit_id)
    request.access.require(Permission.CONFIRM_VISITS, visit=visit)
    try:
        visit_confirm(visit=visit, by=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Visit on {long_date(visit.date)} confirmed")
    # The school's page confirms visits too, and comes back to itself.
    if back := next_address(request):
        return redirect(back)
    return redirect("visits:detail", visit.pk)


def _change_view(request, visit_id, *, permission, form_class, template, act, done):
    visit = visit_for(request, visit_id)
    request.access.require(permission, visit=visit)
    form = form_class(request.POST or None, initial={"date": visit.date, "session": visit.session})
    if request.method == "POST" and form.is_valid():
        try:
            act(visit, form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, done)
            return redirect("visits:detail", visit.pk)
    return render(request, template, {"visit": visit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, visit_id):
    return _change_view(
        request,
        visit_id,
        permission=Permission.ALLOCATE_VISITS,
        form_class=CancelVisitForm,
        template="specialists/visits/cancel.html",
        act=lambda visit, data: visit_cancel(visit=visit, reason=data["reason"], by=request.user),
        done="Visit cancelled: its days are free to allocate again",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, visit_id):
    """Move a visit: the school's waiting request beside the form, and the next free dates of its specialist and
    of the others of the discipline, each a link that fills the form in."""
    visit = visit_for(request, visit_id)
    request.access.require(Permission.ALLOCATE_VISITS, visit=visit)
    specialists = visit.enrolment.icb.specialists.active().order_by("full_name")
    initial = {"date": visit.date, "session": visit.session, "specialist": visit.specialist_id}
    if request.method == "GET":
        initial.update(_offer_chosen(request.GET, specialists))
    form = RescheduleVisitForm(request.POST or None, initial=initial, specialists=specialists)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = visit_reschedule(
                visit=visit, date=data["date"], session=data["session"], specialist=data["specialist"], by=request.user
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request,
                f"Visit moved to {visit_when(moved)} with {moved.specialist.full_name}: "
                "the school needs to confirm the new date",
            )
            return redirect("visits:detail", visit.pk)
    open_request = next(iter(open_change_request(visit_id=visit.pk)), None)
    return render(
        request,
        "specialists/visits/reschedule.html",
        {
            "visit": visit,
            "form": form,
            "now": visit_when(visit),
            "open_request": open_request,
            "offers": reschedule_offers(visit=visit, today=timezone.localdate()) if visit.is_open else [],
            "recommended": recommended_slots(
                enrolment=visit.enrolment, today=timezone.localdate(), session=visit.session, ignoring=visit
            )
            if visit.is_open
            else [],
        },
    )


def _offer_chosen(query, specialists) -> dict:
    """An offered date's link (?date=2026-12-03&specialist=7) fills the form in; anything else is ignored."""
    chosen = {}
    try:
        chosen["date"] = datetime.date.fromisoformat(query.get("date", ""))
    except ValueError:
        return {}
    if query.get("specialist", "").isdigit() and specialists.filter(pk=query["specialist"]).exists():
        chosen["specialist"] = int(query["specialist"])
    return chosen


@login_required
@require_http_methods(["GET", "POST"])
def record_outcome(request, visit_id):
    visit = visit_for(request, visit_id)
    request.access.require(Permission.RECORD_OUTCOMES, visit=visit)
    existing = getattr(visit, "outcome", None)
    initial = (
        {"activities": existing.activities, "staff_reached": existing.staff_reached, "notes": existing.notes}
        if existing
        else {}
    )
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit_record_outcome(visit=visit, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Outcome recorded: the visit is marked as delivered")
            return redirect("visits:detail", visit.pk)
    return render(request, "specialists/visits/outcome.html", {"visit": visit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_change(request, visit_id):
    """The school asks its ICB to move or rethink a visit."""
    visit = visit_for(request, visit_id)
    request.access.require(Permission.REQUEST_VISIT_CHANGES, visit=visit)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_change_request(visit=visit, reason=form.cleaned_data["reason"], by=request.user)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Change requested: your ICB's coordinator has been told and will be in touch")
            return redirect("schools:detail", visit.enrolment.school.urn)
    return render(request, "specialists/visits/change_request.html", {"visit": visit, "form": form})


@login_required
@require_POST
def resolve_change_request(request, visit_id, change_request_id):
    visit = visit_for(request, visit_id)
    request.access.require(Permission.ALLOCATE_VISITS, visit=visit)
    change_request = get_object_or_404(visit.change_requests, pk=change_request_id)
    change_request_resolve(change_request=change_request, by=request.user)
    messages.success(request, "Request marked as dealt with")
    return redirect("visits:detail", visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def not_held(request, visit_id):
    """Record that a visit whose date has come did not take place, and why."""
    visit = visit_for(request, visit_id)
    request.access.require(Permission.ALLOCATE_VISITS, visit=visit)
    form = NotHeldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = visit_record_not_held(
                visit=visit, reason=form.cleaned_data["reason"], details=form.cleaned_data["details"], by=request.user
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            given_back = (
                f"its {format_days(recorded.days)} went back to {recorded.enrolment.school.name}"
                if recorded.days_given_back
                else f"its {format_days(recorded.days)} still count against {recorded.enrolment.school.name}'s days"
            )
            messages.success(request, f"Visit recorded as not taking place: {given_back}")
            return redirect("visits:detail", visit.pk)
    return render(request, "specialists/visits/not_held.html", {"visit": visit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, visit_id):
    """The visit's specialist declines a proposed visit: it becomes a change request for the coordinator."""
    visit = visit_for(request, visit_id)
    request.access.require(Permission.DECLINE_VISITS, visit=visit)
    form = DeclineVisitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_decline(visit=visit, reason=form.cleaned_data["reason"], by=request.user)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(
                request, "Visit declined: your coordinator has been told and will find another date or specialist"
            )
            return redirect("visits:detail", visit.pk)
    return render(request, "specialists/visits/decline.html", {"visit": visit, "form": form})
