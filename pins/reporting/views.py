"""The national rollout pages for DfE, DHSC and NHS England staff: progress, charts and exports."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from pins.accounts.authorization import Permission, icb_for, programme_year_or_404
from pins.accounts.selectors import downloads_newest_first
from pins.accounts.services import free_text_review
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from pins.kernel.paging import page_with_count
from pins.kernel.urls import reverse_remembered
from pins.reporting import exports
from pins.reporting.charts import delivery_chart, icb_bars_chart
from pins.reporting.evaluation import EVALUATION_EXPORTS
from pins.reporting.filters import SORTS, ProgressFilter
from pins.reporting.forms import FreeTextReviewForm, NationalSearchForm, PlanMilestoneForm
from pins.reporting.progress import MEASURES, delivery_by_week, national_progress, progress_shown, progress_total
from pins.reporting.reviews import REVIEWABLE
from pins.reporting.search import national_search
from schools.selectors import programme_year_chosen, programme_year_for, programme_years_listed
from schools.services import plan_milestone_remove, plan_milestone_set

DOWNLOADS_PER_PAGE = 50


def _chosen(request):
    years = list(programme_years_listed())  # once, for the choice of year and the year shown
    progress_filter = ProgressFilter(request.GET or None, queryset=request.access.icbs(), years=years)
    data = progress_filter.form.cleaned_data if progress_filter.is_valid() else {}
    year = programme_year_chosen(years, label=data.get("year"))
    if year is None:
        raise Http404("No programme year has been set up")
    progress = national_progress(year=year)
    rows = progress.icbs
    shown_as = "England"
    if region := data.get("region"):
        rows = [row for row in rows if row.region.pk == region.pk]
        shown_as = region.name
    if data.get("behind"):
        rows = [row for row in rows if row.behind_plan]
        shown_as = f"ICBs behind plan in {shown_as}"
    _, key, reverse = SORTS.get(data.get("sort") or "name", SORTS["name"])
    rows = sorted(rows, key=key, reverse=reverse)
    # The headline adds up what the table shows, so a filter moves it too.
    progress.nation = progress_total(rows, name=shown_as)
    return progress_filter, progress, year, rows


@login_required
@require_GET
def national_progress_page(request):
    request.access.require(Permission.VIEW_NATIONAL_PROGRESS)
    progress_filter, progress, year, rows = _chosen(request)
    shown_quota = sum((row.quota_days for row in rows), start=Decimal("0"))
    weeks = delivery_by_week(year=year, icbs=[row.icb for row in rows], quota=shown_quota, on=progress.on)
    return render(
        request,
        "reporting/progress.html",
        {
            "filter": progress_filter,
            "form": progress_filter.form,
            "progress": progress,
            "year": year,
            "rows": [progress_shown(row, url=_icb_page(request, row.icb, year)) for row in rows],
            "regions": progress.regions,
            "weeks": weeks,
            "delivery_chart": delivery_chart(weeks=weeks, chart_id="delivery"),
            "bars_chart": icb_bars_chart(rows=rows, chart_id="icb-bars"),
            "measures": MEASURES,
            "evaluation_exports": EVALUATION_EXPORTS.values(),
            "can_set_trajectory": request.access.can(Permission.MANAGE_PROGRAMME),
            "can_search": request.access.can(Permission.SEARCH_PROGRAMME),
            "can_review_free_text": request.access.can(Permission.REVIEW_FREE_TEXT),
            "can_see_funding": request.access.can(Permission.VIEW_FORUM_FUNDING),
            "can_export": request.access.can(Permission.EXPORT_PROGRAMME_DATA)
            or request.access.can(Permission.EXPORT_EVALUATION_DATA),
            "query": request.GET.urlencode(),
        },
    )


def _icb_page(request, icb, year) -> str:
    """The ICB's page for a person who may open it; for anyone else (the evaluator) no link, so no dead end."""
    if not request.access.can(Permission.VIEW_ICB, icb=icb):
        return ""
    return f"{reverse_remembered('icbs:detail', args=[icb.ods_code])}?year={year.label}"


def _may_export(request) -> bool:
    """Whether the person may download exports, and with personal data: programme staff get free text and
    specialists' ids; an evaluator neither (pseudonymous ids, no free text)."""
    if request.access.can(Permission.EXPORT_PROGRAMME_DATA):
        return True
    request.access.require(Permission.EXPORT_EVALUATION_DATA)
    request.download_without_personal_data = True  # as recorded by DownloadRecordMiddleware
    return False


@login_required
@require_GET
def export(request, kind, extension):
    """The national table (as filtered on the page), or the visit-level or self-assessment data for a year."""
    personal = _may_export(request)
    if extension not in {"csv", "xlsx"}:
        raise Http404("Exports are CSV or Excel")
    if kind == "progress":
        _, progress, year, rows = _chosen(request)
        progress.icbs = rows
        lines, sheet = exports.progress_rows(progress), "National progress"
    elif kind in exports.EXPORTS:
        year = programme_year_for(label=request.GET.get("year"))
        if year is None:
            raise Http404("No such programme year")
        of_year, make_rows, sheet = exports.EXPORTS[kind]
        lines = make_rows(of_year(year))
    elif kind in EVALUATION_EXPORTS:
        year = programme_year_for(label=request.GET.get("year"))
        if year is None:
            raise Http404("No such programme year")
        chosen = EVALUATION_EXPORTS[kind]
        lines, sheet = chosen.rows(year, personal=personal), chosen.title
    else:
        raise Http404("No such export")
    name = exports.filename(kind, year.label, extension)
    if extension == "csv":
        return exports.csv_response(lines, name=name)
    return exports.xlsx_response(lines, name=name, sheet=sheet)


@login_required
@require_GET
def icb_export(request, ods_code, kind, extension):
    """One ICB's evaluation tables, for its coordinators (and anyone else who reads the ICB)."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    chosen = EVALUATION_EXPORTS.get(kind)
    year = programme_year_for(label=request.GET.get("year"))
    if chosen is None or extension not in {"csv", "xlsx"} or year is None:
        raise Http404("No such export")
    lines = chosen.rows(year, icbs=[icb])
    name = exports.filename(f"{icb.ods_code.lower()}-{kind}", year.label, extension)
    if extension == "csv":
        return exports.csv_response(lines, name=name)
    return exports.xlsx_response(lines, name=name, sheet=chosen.title)


@login_required
@require_GET
def icb_reports_page(request, ods_code):
    """The ICB's own evaluation tables to download, for its board, with what each column means."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    year = programme_year_or_404(request.GET.get("year"))
    return render(
        request,
        "reporting/icb_reports.html",
        {
            "icb": icb,
            "year": year,
            "exports": [(export, export.columns_shown(personal=True)) for export in EVALUATION_EXPORTS.values()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def trajectory_page(request):
    """The programme admin sets, month by month, the shares of days every ICB is expected to have allocated and
    delivered: "behind plan" on the progress page is measured against it."""
    request.access.require(Permission.MANAGE_PROGRAMME)
    year = programme_year_for(label=request.GET.get("year"))
    if year is None:
        raise Http404("No programme year has been set up")
    form = PlanMilestoneForm(request.POST or None, year=year)
    if request.method == "POST" and "remove" in request.POST:
        milestone = year.plan_milestones.filter(pk=request.POST.get("remove")).first()
        if milestone is None:
            raise Http404("No such month in the trajectory")
        plan_milestone_remove(milestone=milestone, by=request.user)
        messages.success(request, f"Removed the trajectory for {milestone.month:%B %Y}")
        return redirect(f"{reverse('progress_trajectory')}?year={year.label}")
    if request.method == "POST" and form.is_valid():
        try:
            milestone = plan_milestone_set(programme_year=year, **form.cleaned_data, by=request.user)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Set the trajectory for {milestone.month:%B %Y}")
            return redirect(f"{reverse('progress_trajectory')}?year={year.label}")
    return render(
        request,
        "reporting/trajectory.html",
        {"year": year, "form": form, "milestones": list(year.plan_milestones.order_by("month"))},
    )


@login_required
@require_GET
def data_dictionary_page(request):
    """What each column of each evaluation export means."""
    personal = _may_export(request)
    year = programme_year_for(label=request.GET.get("year"))
    if year is None:
        raise Http404("No programme year has been set up")
    return render(
        request,
        "reporting/data_dictionary.html",
        {
            "year": year,
            # Programme staff see every column, the evaluator's reviewed ones marked; the evaluator sees theirs.
            "exports": [
                (export, export.columns if personal else export.columns_shown(personal=False))
                for export in EVALUATION_EXPORTS.values()
            ],
            "personal": personal,
        },
    )


@login_required
@require_GET
def downloads_page(request):
    """Every file downloaded from the service, newest first: who, what and when, for the programme admin."""
    request.access.require(Permission.MANAGE_PROGRAMME)
    page = page_with_count(downloads_newest_first(), per_page=DOWNLOADS_PER_PAGE, number=request.GET.get("page"))
    return render(request, "reporting/downloads.html", {"page": page})


REVIEWS_PER_PAGE = 20


@login_required
@require_http_methods(["GET", "POST"])
def free_text_reviews_page(request):
    """The programme admin reads each free-text note not yet decided and says whether it may go to the evaluation:
    as written, redacted, or not at all. Only what is released appears in the evaluator's exports."""
    request.access.require(Permission.REVIEW_FREE_TEXT)
    kind = request.GET.get("kind") or next(iter(REVIEWABLE))
    reviewable = REVIEWABLE.get(kind)
    if reviewable is None:
        raise Http404("No such kind of note")
    here = f"{reverse('progress_reviews')}?{urlencode({'kind': kind, 'page': request.GET.get('page') or 1})}"
    bound = None
    if request.method == "POST":
        note = reviewable.waiting(request.POST.get("note"))
        if note is None:
            messages.info(request, "That note has been decided already, or has changed: it is listed again if so")
            return redirect(here)
        prefix = f"note-{note.pk}"
        seen_digest = request.POST.get(f"{prefix}-digest", "")
        # Shown again, the form carries the digest of the text as it now reads, which the page then shows.
        data = request.POST.copy()
        data[f"{prefix}-digest"] = note.digest
        bound = FreeTextReviewForm(data, prefix=prefix)
        if bound.is_valid():
            try:
                free_text_review(
                    kind=kind,
                    object_id=note.pk,
                    text=note.text,
                    seen_digest=seen_digest,
                    decision=bound.cleaned_data["decision"],
                    redacted=bound.cleaned_data["redacted"],
                    about_date=note.about,
                    by=request.user,
                )
            except RuleBroken as error:
                show_rule_broken(bound, error)
            else:
                messages.success(
                    request, f"Decision saved for the note of {note.about:%-d %B %Y} at {note.school_name}"
                )
                return redirect(here)
    page = page_with_count(reviewable.queue(), per_page=REVIEWS_PER_PAGE, number=request.GET.get("page"))
    notes = [
        (
            note,
            bound
            if bound is not None and bound.prefix == f"note-{note.pk}"
            else FreeTextReviewForm(prefix=f"note-{note.pk}", initial={"digest": note.digest}),
        )
        for note in page
    ]
    return render(
        request,
        "reporting/reviews.html",
        {"reviewable": reviewable, "kinds": REVIEWABLE.values(), "page": page, "notes": notes, "form": bound},
    )


SEARCH_RESULTS = 20


@login_required
@require_GET
def national_search_page(request):
    """DfE staff find a school by name or URN, a specialist by name, or an ICB by name or ODS code."""
    request.access.require(Permission.SEARCH_PROGRAMME)  # not the evaluator: it finds people by name
    form = NationalSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = national_search(request.access, form.cleaned_data["q"], limit=SEARCH_RESULTS)
    return render(request, "reporting/search.html", {"form": form, "results": results, "limit": SEARCH_RESULTS})
