from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from schools.models import Enrolment


def icb_for(request, ods_code: str):
    """The ICB with this code, if the user may see it (otherwise 404, whether or not it exists)."""
    return get_object_or_404(request.access.icbs().select_related("region", "successor"), ods_code=ods_code.upper())


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
