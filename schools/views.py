from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pins.accounts.authorization import Permission, icb_for, programme_year_or_404, school_for
from pins.kernel.disciplines import Discipline
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from pins.kernel.uploads import upload_page
from schools.forms import (
    BlackoutPeriodForm,
    CohortForm,
    EnrolmentStatusForm,
    EnrolSchoolsForm,
    ParentCarerMeetingForm,
    ProgrammeYearForm,
    PupilVoiceForm,
    SchoolHolidayForm,
    SelfAssessmentForm,
)
from schools.imports import MOST_ROWS_UPLOADED, schools_import
from schools.models import Domain, Enrolment, ProgrammeYear, SchoolHoliday, SelfAssessment
from schools.selectors import (
    all_default_holidays,
    all_programme_years,
    authorities_of_icb,
    authority_holidays,
    blackout_periods_of_year,
    cohorts_of_year,
    default_holidays,
    ended_terms,
    enrolled_count,
    holidays_of,
    own_holidays_of_school,
    programme_year_history,
    programme_years_for_setup,
    terms_of,
    with_enrolled_schools,
    with_parent_carer_progress,
)
from schools.services import (
    blackout_period_add,
    blackout_period_change,
    blackout_period_remove,
    cohort_add,
    cohort_change,
    cohort_remove,
    enrolment_change_status,
    enrolments_create,
    parent_carer_meeting_record,
    programme_year_add,
    programme_year_change,
    programme_year_dependents,
    programme_year_remove,
    pupil_voice_record,
    school_holiday_add,
    school_holiday_change,
    school_holiday_remove,
    self_assessment_save,
)
from schools.term_dates import MOST_ROWS as TERM_DATES_MOST_ROWS
from schools.term_dates import term_dates_import


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
    over_target = ""
    if request.method == "POST" and form.is_valid():
        over_target = _over_target(icb, year, form.cleaned_data)
        if over_target and request.POST.get("over_target") == "confirmed":
            over_target = ""
        if not over_target:
            try:
                enrolled = enrolments_create(icb=icb, by=request.user, **form.cleaned_data)
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, f"{len(enrolled)} school{'s' * (len(enrolled) != 1)} enrolled in {year}")
                return redirect("icbs:detail", icb.ods_code)
    return render(request, "schools/enrol.html", {"icb": icb, "year": year, "form": form, "over_target": over_target})


def _over_target(icb, year, chosen) -> str:
    """A warning, before an ICB goes over the year's target: the coordinator confirms it or changes the choice."""
    if chosen["status"] != Enrolment.Status.ENROLLED:
        return ""
    total = enrolled_count(icb=icb, year=year) + len(chosen["schools"])
    target = year.target_schools_per_icb
    if total <= target:
        return ""
    return f"This takes {icb.short_name} to {total} schools, {total - target} over its target of {target} for {year}"


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


# Term dates: the programme's default holidays, an authority's own (uploaded) and a school's own (an academy's).


def _programme_holidays_url(year) -> str:
    return f"{reverse('schools:holidays')}?year={year.label}"


@login_required
@require_GET
def programme_holidays(request):
    """The programme year's default holidays: every school follows them unless its authority or it has its own."""
    request.access.require(Permission.MANAGE_PROGRAMME)
    year = programme_year_or_404(request.GET.get("year"))
    return render(
        request,
        "schools/holidays/programme.html",
        {"year": year, "holidays": default_holidays(year=year), "years": all_programme_years()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_holiday_add(request):
    request.access.require(Permission.MANAGE_PROGRAMME)
    year = programme_year_or_404(request.GET.get("year"))
    form = SchoolHolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = school_holiday_add(year=year, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{holiday.name} added to the {year} default holidays")
            return redirect(_programme_holidays_url(year))
    return render(request, "schools/holidays/programme_form.html", {"year": year, "form": form, "holiday": None})


def _default_holiday(request, holiday_id):
    request.access.require(Permission.MANAGE_PROGRAMME)
    return get_object_or_404(all_default_holidays().select_related("programme_year"), pk=holiday_id)


@login_required
@require_http_methods(["GET", "POST"])
def programme_holiday_change(request, holiday_id):
    holiday = _default_holiday(request, holiday_id)
    year = holiday.programme_year
    initial = {"name": holiday.name, "starts_on": holiday.starts_on, "ends_on": holiday.ends_on}
    form = SchoolHolidayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            school_holiday_change(holiday=holiday, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} changed")
            return redirect(_programme_holidays_url(year))
    return render(request, "schools/holidays/programme_form.html", {"year": year, "form": form, "holiday": holiday})


@login_required
@require_http_methods(["GET", "POST"])
def programme_holiday_remove(request, holiday_id):
    holiday = _default_holiday(request, holiday_id)
    year = holiday.programme_year
    if request.method == "POST":
        school_holiday_remove(holiday=holiday, by=request.user)
        messages.success(request, f"{holiday.name} removed: visits may be booked on its days again")
        return redirect(_programme_holidays_url(year))
    return render(request, "schools/holidays/programme_remove.html", {"year": year, "holiday": holiday})


@login_required
@require_GET
def icb_term_dates(request, ods_code):
    """The authorities of the ICB's schools, each following the programme's default holidays or its own."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_TERM_DATES, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    return render(
        request,
        "schools/holidays/icb.html",
        {
            "icb": icb,
            "year": year,
            "authorities": authorities_of_icb(icb=icb, year=year),
            "defaults": default_holidays(year=year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_term_dates(request, ods_code, dfe_code):
    """An authority's term dates for a year, as a CSV file: they replace its holidays in that year."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_TERM_DATES, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    authority = get_object_or_404(authorities_of_icb(icb=icb, year=year), dfe_code=dfe_code)
    return upload_page(
        request,
        icb=icb,
        run=lambda data, dry_run: term_dates_import(
            data=data, local_authority=authority, year=year, dry_run=dry_run, by=request.user
        ),
        kind="holidays",
        most_rows=TERM_DATES_MOST_ROWS,
        template="schools/holidays/upload.html",
        done_url=f"{reverse('schools:icb_term_dates', args=[icb.ods_code])}?year={year.label}",
        context={
            "year": year,
            "authority": authority,
            "holidays": authority_holidays(local_authority=authority, year=year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_term_dates(request, urn):
    """The school's holidays this year, from whichever layer it follows; an academy records its own here."""
    school = school_for(request, urn)
    request.access.require(Permission.VIEW_SCHOOL, school=school)
    year = programme_year_or_404(request.GET.get("year"))
    can_edit = request.access.may_record_term_dates(school)
    form = SchoolHolidayForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("You cannot record this school's term dates")
        if form.is_valid():
            try:
                holiday = school_holiday_add(year=year, school=school, by=request.user, **form.cleaned_data)
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                messages.success(request, f"{holiday.name} recorded: it replaces the authority's holidays")
                return redirect(f"{reverse('schools:term_dates', args=[school.urn])}?year={year.label}")
    holidays = holidays_of(school=school, year=year)
    layer = holidays[0].layer if holidays else SchoolHoliday.Layer.DEFAULT
    return render(
        request,
        "schools/holidays/school.html",
        {
            "school": school,
            "year": year,
            "holidays": holidays,
            "layer": layer,
            "own": layer == SchoolHoliday.Layer.SCHOOL,
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_school_term_date(request, urn, holiday_id):
    """Asks first ("Remove … ?"), then removes the school's own holiday on the confirming POST."""
    school = school_for(request, urn)
    if not request.access.may_record_term_dates(school):
        raise PermissionDenied("You cannot record this school's term dates")
    holiday = get_object_or_404(own_holidays_of_school(school=school).select_related("programme_year"), pk=holiday_id)
    if request.method == "GET":
        return render(request, "schools/holidays/school_remove.html", {"school": school, "holiday": holiday})
    school_holiday_remove(holiday=holiday, by=request.user)
    messages.success(request, f"{holiday.name} removed")
    return redirect(f"{reverse('schools:term_dates', args=[school.urn])}?year={holiday.programme_year.label}")


# Programme set-up (issue 16): years, cohorts and blackout periods, kept by the programme admin.


def _setup_year(request, label) -> ProgrammeYear:
    request.access.require(Permission.MANAGE_PROGRAMME)
    return get_object_or_404(all_programme_years(), label=label)


def _year_url(year) -> str:
    return reverse("schools:programme_year", args=[year.label])


def _year_fields(year) -> dict:
    return {
        "label": year.label,
        "starts_on": year.starts_on,
        "ends_on": year.ends_on,
        "target_schools_per_icb": year.target_schools_per_icb,
        "default_quota_days": year.default_quota_days,
    }


@login_required
@require_GET
def programme_years(request):
    """Every programme year with its dates, target and default days: the programme admin opens new ones here."""
    request.access.require(Permission.MANAGE_PROGRAMME)
    return render(request, "schools/programme/years.html", {"years": programme_years_for_setup()})


@login_required
@require_GET
def programme_year(request, label):
    year = _setup_year(request, label)
    return render(
        request,
        "schools/programme/year.html",
        {
            "year": year,
            "cohorts": cohorts_of_year(year=year),
            "blackout_periods": blackout_periods_of_year(year=year),
            "history": programme_year_history(year=year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_year_add_page(request):
    request.access.require(Permission.MANAGE_PROGRAMME)
    form = ProgrammeYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            year = programme_year_add(by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"The {year} programme year is open: add its cohorts and blackout periods")
            return redirect(_year_url(year))
    return render(request, "schools/programme/year_form.html", {"form": form, "year": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_year_change_page(request, label):
    year = _setup_year(request, label)
    form = ProgrammeYearForm(request.POST or None, initial=_year_fields(year))
    if request.method == "POST" and form.is_valid():
        try:
            year = programme_year_change(year=year, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"The {year} programme year is changed")
            return redirect(_year_url(year))
    return render(request, "schools/programme/year_form.html", {"form": form, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def programme_year_remove_page(request, label):
    year = _setup_year(request, label)
    dependents = programme_year_dependents(year=year)
    if request.method == "POST" and not dependents:
        try:
            programme_year_remove(year=year, by=request.user)
        except RuleBroken as error:
            dependents = [str(error)]
        else:
            messages.success(request, f"The {year} programme year is removed")
            return redirect("schools:programme_years")
    return render(
        request,
        "schools/programme/remove.html",
        {
            "year": year,
            "what": f"the {year} programme year",
            "kind": "programme year",
            "dependents": dependents,
            "goes_with_it": "Its cohorts, blackout periods and default holidays are removed with it.",
            "back": _year_url(year),
        },
        status=409 if request.method == "POST" and dependents else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_add_page(request, label):
    year = _setup_year(request, label)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_add(year=year, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{cohort.name} added to {year}")
            return redirect(_year_url(year))
    return render(request, "schools/programme/cohort_form.html", {"form": form, "year": year, "cohort": None})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_change_page(request, label, cohort_id):
    year = _setup_year(request, label)
    cohort = get_object_or_404(cohorts_of_year(year=year), pk=cohort_id)
    form = CohortForm(request.POST or None, initial={"name": cohort.name, "quota_days": cohort.quota_days})
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_change(cohort=cohort, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{cohort.name} changed")
            return redirect(_year_url(year))
    return render(request, "schools/programme/cohort_form.html", {"form": form, "year": year, "cohort": cohort})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_remove_page(request, label, cohort_id):
    year = _setup_year(request, label)
    cohort = get_object_or_404(cohorts_of_year(year=year), pk=cohort_id)
    count = cohort.enrolment_count
    dependents = [f"{count} school{pluralize(count)} enrolled or invited"] if count else []
    if request.method == "POST" and not dependents:
        try:
            cohort_remove(cohort=cohort, by=request.user)
        except RuleBroken as error:
            dependents = [str(error)]
        else:
            messages.success(request, f"{cohort.name} removed from {year}")
            return redirect(_year_url(year))
    return render(
        request,
        "schools/programme/remove.html",
        {
            "year": year,
            "what": cohort.name,
            "kind": "cohort",
            "dependents": dependents,
            "goes_with_it": "No school is enrolled in it.",
            "back": _year_url(year),
        },
        status=409 if request.method == "POST" and dependents else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def blackout_period_add_page(request, label):
    year = _setup_year(request, label)
    form = BlackoutPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = blackout_period_add(year=year, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{period.name} added: no visit is booked or suggested on its days")
            return redirect(_year_url(year))
    return render(request, "schools/programme/blackout_form.html", {"form": form, "year": year, "period": None})


@login_required
@require_http_methods(["GET", "POST"])
def blackout_period_change_page(request, label, period_id):
    year = _setup_year(request, label)
    period = get_object_or_404(blackout_periods_of_year(year=year), pk=period_id)
    initial = {"name": period.name, "starts_on": period.starts_on, "ends_on": period.ends_on}
    form = BlackoutPeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period = blackout_period_change(period=period, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"{period.name} changed")
            return redirect(_year_url(year))
    return render(request, "schools/programme/blackout_form.html", {"form": form, "year": year, "period": period})


@login_required
@require_http_methods(["GET", "POST"])
def blackout_period_remove_page(request, label, period_id):
    year = _setup_year(request, label)
    period = get_object_or_404(blackout_periods_of_year(year=year), pk=period_id)
    if request.method == "POST":
        blackout_period_remove(period=period, by=request.user)
        messages.success(request, f"{period.name} removed: visits may be booked on its days again")
        return redirect(_year_url(year))
    return render(
        request,
        "schools/programme/remove.html",
        {
            "year": year,
            "what": str(period),
            "kind": "blackout period",
            "dependents": [],
            "goes_with_it": "Once removed, visits may be booked and suggested on these days again.",
            "back": _year_url(year),
        },
    )
