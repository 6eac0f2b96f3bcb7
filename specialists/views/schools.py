"""A school's page: its enrolment, days and visits, for its coordinator, its SENCO and programme staff."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pins.authorization import Permission
from schools.selectors import programme_year_for
from schools.views import school_for
from specialists.models import Visit
from specialists.selectors import with_visit_days


@login_required
@require_GET
def school_detail(request, urn):
    school = school_for(request, urn)
    access = request.access
    access.require(Permission.VIEW_SCHOOL, school=school)
    year = programme_year_for(label=request.GET.get("year"))
    enrolment = (
        with_visit_days(access.enrolments().filter(school=school, programme_year=year))
        .select_related("cohort", "icb", "programme_year")
        .first()
    )
    visits = (
        Visit.objects.filter(enrolment=enrolment).select_related("specialist", "outcome").order_by("date", "slot_start")
        if enrolment
        else Visit.objects.none()
    )
    return render(
        request,
        "specialists/school_detail.html",
        {
            "school": school,
            "year": year,
            "enrolment": enrolment,
            "other_enrolments": access.enrolments()
            .filter(school=school)
            .exclude(pk=getattr(enrolment, "pk", None))
            .select_related("programme_year", "icb"),
            "visits": visits,
            "closures": school.closure_dates.filter(ends_on__gte=timezone.localdate()).order_by("starts_on"),
            "today": timezone.localdate(),
            "can_allocate": enrolment is not None and access.can(Permission.ALLOCATE_VISITS, icb=enrolment.icb),
            "can_confirm": access.can(Permission.CONFIRM_VISITS, school=school),
            "can_manage_enrolment": enrolment is not None
            and access.can(Permission.MANAGE_ICB_SCHOOLS, icb=enrolment.icb),
        },
    )
