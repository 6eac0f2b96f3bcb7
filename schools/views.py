from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from icbs.views import icb_for
from pins.authorization import Permission
from pins.errors import RuleBroken
from pins.forms import show_rule_broken
from pins.uploads import upload_page
from schools.forms import EnrolmentStatusForm, EnrolSchoolsForm
from schools.imports import schools_import
from schools.models import ProgrammeYear
from schools.selectors import programme_year_for
from schools.services import enrolment_change_status, enrolments_create


def programme_year_or_404(label: str | None) -> ProgrammeYear:
    year = programme_year_for(label=label)
    if year is None:
        raise Http404("No such programme year")
    return year


def school_for(request, urn: int):
    """The school with this URN, if the user may see it (otherwise 404, whether or not it exists)."""
    return get_object_or_404(request.access.schools().select_related("icb", "local_authority"), urn=urn)


@login_required
@require_http_methods(["GET", "POST"])
def enrol_schools(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_ICB_SCHOOLS, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    not_enrolled = icb.schools.open().exclude(enrolments__programme_year=year).order_by("name")
    form = EnrolSchoolsForm(request.POST or None, schools=not_enrolled, cohorts=year.cohorts.all())
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = enrolments_create(icb=icb, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{len(enrolled)} school{'s' * (len(enrolled) != 1)} enrolled in {year}")
            return redirect("icbs:detail", icb.ods_code)
    return render(request, "schools/enrol.html", {"icb": icb, "year": year, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def change_enrolment_status(request, urn, enrolment_id):
    school = school_for(request, urn)
    enrolment = get_object_or_404(
        request.access.enrolments().select_related("programme_year", "icb"), pk=enrolment_id, school=school
    )
    request.access.require(Permission.MANAGE_ICB_SCHOOLS, icb=enrolment.icb)
    form = EnrolmentStatusForm(request.POST or None, initial={"status": enrolment.status})
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_change_status(enrolment=enrolment, status=form.cleaned_data["status"], by=request.user)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{school.name} is now {enrolment.get_status_display().lower()}")
            return redirect(f"{reverse('schools:detail', args=[school.urn])}?year={enrolment.programme_year.label}")
    return render(request, "schools/enrolment_status.html", {"school": school, "enrolment": enrolment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def upload_schools(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_ICB_SCHOOLS, icb=icb)
    return upload_page(
        request,
        icb=icb,
        run=lambda data, dry_run: schools_import(data=data, icb=icb, dry_run=dry_run),
        kind="schools",
        template="schools/upload.html",
    )
