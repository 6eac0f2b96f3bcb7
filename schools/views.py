from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pins.accounts.authorization import Permission, icb_for, programme_year_or_404, school_for
from pins.kernel.disciplines import Discipline
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from pins.kernel.uploads import upload_page
from schools.forms import (
    EnrolmentStatusForm,
    EnrolSchoolsForm,
    ParentCarerMeetingForm,
    PupilVoiceForm,
    SelfAssessmentForm,
)
from schools.imports import MOST_ROWS_UPLOADED, schools_import
from schools.models import Domain, Enrolment, SelfAssessment
from schools.selectors import ended_terms, terms_of, with_enrolled_schools, with_parent_carer_progress
from schools.services import (
    enrolment_change_status,
    enrolments_create,
    parent_carer_meeting_record,
    pupil_voice_record,
    self_assessment_save,
)


@login_required
@require_GET
def icb_list(request):
    """The ICBs the person may see, with how many schools each has enrolled."""
    return render(request, "icbs/icb_list.html", {"icbs": with_enrolled_schools(request.access.icbs())})


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
        run=lambda data, dry_run: schools_import(
            data=data, icb=icb, dry_run=dry_run, most_rows=MOST_ROWS_UPLOADED, by=request.user
        ),
        kind="schools",
        most_rows=MOST_ROWS_UPLOADED,
        template="schools/upload.html",
    )


def _current_enrolment(request, school) -> Enrolment:
    """The school's enrolment in the programme year asked for (or the current one), if the user may see it."""
    year = programme_year_or_404(request.GET.get("year"))
    return get_object_or_404(
        request.access.enrolments().select_related("programme_year", "icb"), school=school, programme_year=year
    )


@login_required
@require_http_methods(["GET"])
def self_assessment(request, urn):
    school = school_for(request, urn)
    request.access.require(Permission.VIEW_SCHOOL, school=school)
    enrolment = _current_enrolment(request, school)
    assessments = {
        assessment.stage: assessment for assessment in enrolment.self_assessments.prefetch_related("ratings")
    }
    return render(
        request,
        "schools/self_assessment.html",
        {
            "school": school,
            "enrolment": enrolment,
            "start": assessments.get(SelfAssessment.Stage.START),
            "wanted": [
                dict(Discipline.choices).get(value, value)
                for value in getattr(assessments.get(SelfAssessment.Stage.START), "wanted_disciplines", [])
            ],
            "end": assessments.get(SelfAssessment.Stage.END),
            "domains": Domain.choices,
            "can_edit": request.access.can(Permission.MANAGE_SCHOOL_PROFILE, school=school),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_edit(request, urn, stage):
    school = school_for(request, urn)
    if stage not in SelfAssessment.Stage.values:
        raise Http404("No such stage")
    request.access.require(Permission.MANAGE_SCHOOL_PROFILE, school=school)
    enrolment = _current_enrolment(request, school)
    existing = enrolment.self_assessments.filter(stage=stage).first()
    form = SelfAssessmentForm(request.POST or None, initial=SelfAssessmentForm.initial_from(existing))
    if request.method == "POST" and form.is_valid():
        try:
            self_assessment_save(enrolment=enrolment, stage=stage, by=request.user, **form.answers())
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Self-assessment saved")
            return redirect(
                f"{reverse('schools:self_assessment', args=[school.urn])}?year={enrolment.programme_year.label}"
            )
    return render(
        request,
        "schools/self_assessment_form.html",
        {"school": school, "enrolment": enrolment, "form": form, "stage": SelfAssessment.Stage(stage)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def parent_carers(request, urn):
    """The school's parent and carer meetings and pupil voice activity; the SENCO records both here."""
    school = school_for(request, urn)
    request.access.require(Permission.VIEW_SCHOOL, school=school)
    enrolment = _current_enrolment(request, school)
    can_record = request.access.can(Permission.MANAGE_SCHOOL_PROFILE, school=school)
    kind = request.POST.get("record")
    meeting_form = ParentCarerMeetingForm(request.POST if kind == "meeting" else None, prefix="meeting")
    voice_form = PupilVoiceForm(request.POST if kind == "pupil_voice" else None, prefix="voice")
    if request.method == "POST":
        request.access.require(Permission.MANAGE_SCHOOL_PROFILE, school=school)
        form, record = {
            "meeting": (meeting_form, parent_carer_meeting_record),
            "pupil_voice": (voice_form, pupil_voice_record),
        }.get(kind, (None, None))
        if form is None:
            raise Http404("Nothing to record")
        if form.is_valid():
            try:
                record(enrolment=enrolment, by=request.user, **form.cleaned_data)
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, "Meeting recorded" if kind == "meeting" else "Pupil voice activity recorded")
                return redirect(
                    f"{reverse('schools:parent_carers', args=[school.urn])}?year={enrolment.programme_year.label}"
                )
    progress = with_parent_carer_progress(
        request.access.enrolments().filter(pk=enrolment.pk), year=enrolment.programme_year
    ).get()
    return render(
        request,
        "schools/parent_carers.html",
        {
            "school": school,
            "enrolment": enrolment,
            "meetings": enrolment.parent_carer_meetings.all(),
            "pupil_voice": enrolment.pupil_voice_activities.all(),
            "terms": terms_of(enrolment.programme_year),
            "ended_terms": ended_terms(enrolment.programme_year),
            "meetings_missing": progress.meetings_missing,
            "meeting_form": meeting_form,
            "voice_form": voice_form,
            "form": meeting_form if kind == "meeting" else voice_form,
            "can_record": can_record,
        },
    )
