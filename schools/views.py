from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from pins.authorization import Permission


def school_for(request, urn: int):
    """The school with this URN, if the user may see it (otherwise 404, whether or not it exists)."""
    return get_object_or_404(request.access.schools().select_related("icb", "local_authority"), urn=urn)


@login_required
@require_GET
def school_detail(request, urn):
    school = school_for(request, urn)
    request.access.require(Permission.VIEW_SCHOOL, school=school)
    enrolments = school.enrolments.select_related("programme_year", "cohort", "icb").order_by(
        "-programme_year__starts_on"
    )
    return render(request, "schools/school_detail.html", {"school": school, "enrolments": enrolments})
