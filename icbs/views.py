from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from pins.authorization import Permission
from schools.models import Enrolment


def icb_for(request, ods_code: str):
    """The ICB with this code, if the user may see it (otherwise 404, whether or not it exists)."""
    return get_object_or_404(
        request.access.icbs().select_related("region", "successor"), ods_code=ods_code.upper()
    )


@login_required
@require_GET
def icb_list(request):
    icbs = (
        request.access.icbs()
        .select_related("region")
        .annotate(
            enrolled_schools=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)),
        )
        .order_by("region__name", "name")
    )
    return render(request, "icbs/icb_list.html", {"icbs": icbs})


@login_required
@require_GET
def icb_detail(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    enrolments = (
        request.access.enrolments()
        .filter(icb=icb)
        .select_related("school__local_authority", "programme_year", "cohort")
        .order_by("-programme_year__starts_on", "school__name")
    )
    return render(
        request,
        "icbs/icb_detail.html",
        {
            "icb": icb,
            "enrolments": enrolments,
            "can_manage_access": request.access.can(Permission.MANAGE_ICB_ACCESS, icb=icb)
            or request.access.can(Permission.MANAGE_COORDINATORS, icb=icb),
        },
    )
