"""A school's page: its enrolment, days and visits, for its coordinator, its SENCO and programme staff."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pins.accounts.authorization import Permission, school_enrolments_for, school_for
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from schools.selectors import closures_to_come, holidays_of, programme_year_for
from specialists.forms import ClosureDateForm
from specialists.presenters import enrolment_history, with_school_page_actions
from specialists.selectors import school_visits
from specialists.services import closure_date_add, closure_date_remove

ENROLMENT_HISTORY_SHOWN = 20


@login_required
@require_GET
def school_detail(request, urn):
    school = school_for(request, urn)
    access = request.access
    access.require(Permission.VIEW_SCHOOL, school=school)
    year = programme_year_for(label=request.GET.get("year"))
    # Every year's enrolment in one query: the chosen year's is shown, the others are linked to.
    enrolments = school_enrolments_for(request, school.pk)
    enrolment = next((each for each in enrolments if year and each.programme_year_id == year.pk), None)
    today = timezone.localdate()
    can_allocate = enrolment is not None and access.can(Permission.ALLOCATE_VISITS, icb=enrolment.icb)
    visits = with_school_page_actions(
        list(school_visits(enrolment_id=enrolment.pk)) if enrolment else [],
        can_confirm=access.can(Permission.CONFIRM_VISITS, school=school),
        can_request_change=access.can(Permission.REQUEST_VISIT_CHANGES, school=school),
        today=today,
    )
    return render(
        request,
        "specialists/schools/detail.html",
        {
            "school": school,
            "year": year,
            "enrolment": enrolment,
            "other_enrolments": [each for each in enrolments if each is not enrolment],
            "upcoming": [visit for visit in visits if visit.date >= today],
            "past": [visit for visit in visits if visit.date < today],
            "closures": closures_to_come(urn=school.pk, today=today),
            "holidays": [holiday for holiday in holidays_of(school=school, year=year) if holiday.ends_on >= today]
            if year
            else [],
            "has_self_assessment": enrolment is not None and enrolment.has_self_assessment,
            "enrolment_history": enrolment_history(enrolment, shown=ENROLMENT_HISTORY_SHOWN)
            if enrolment is not None and access.can(Permission.VIEW_ICB, icb=enrolment.icb)
            else [],
            "today": today,
            "can_view_icb": enrolment is not None and access.can(Permission.VIEW_ICB, icb=enrolment.icb),
            "can_allocate_here": can_allocate and enrolment.has_days_to_book,
            # The calendar page asks the same permission.
            "can_add_to_calendar": access.can(Permission.MANAGE_SCHOOL_PROFILE, school=school),
            "can_manage_enrolment": enrolment is not None
            and access.can(Permission.MANAGE_ICB_SCHOOLS, icb=enrolment.icb),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def closure_dates(request, urn):
    """The school's closure dates (INSET days, trips, events): the SENCO records them so nobody books them."""
    school = school_for(request, urn)
    request.access.require(Permission.VIEW_SCHOOL, school=school)
    can_edit = request.access.can(Permission.MANAGE_SCHOOL_PROFILE, school=school)
    form = ClosureDateForm(request.POST or None)
    if request.method == "POST":
        request.access.require(Permission.MANAGE_SCHOOL_PROFILE, school=school)
        if form.is_valid():
            try:
                closure_date_add(school=school, by=request.user, **form.cleaned_data)
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Closure recorded: no visit will be booked then")
                return redirect("schools:closure_dates", school.urn)
    return render(
        request,
        "specialists/schools/closure_dates.html",
        {
            "school": school,
            "form": form,
            "can_edit": can_edit,
            "closures": school.closure_dates.filter(ends_on__gte=timezone.localdate() - datetime.timedelta(days=60)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_closure_date(request, urn, closure_id):
    """Asks first ("Are you sure?"), then removes on the confirming POST."""
    school = school_for(request, urn)
    request.access.require(Permission.MANAGE_SCHOOL_PROFILE, school=school)
    closure = get_object_or_404(school.closure_dates, pk=closure_id)
    if request.method == "GET":
        return render(request, "specialists/schools/closure_date_remove.html", {"school": school, "closure": closure})
    try:
        closure_date_remove(closure=closure, by=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Closure removed")
    return redirect("schools:closure_dates", school.urn)
