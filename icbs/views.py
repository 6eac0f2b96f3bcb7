"""Parent carer forum funding pages: the coordinator's funding page and awards, the forum's page, claims, and the
programme admin's pots and forum upload. Thin: fetch scoped, require, a form, a service, a redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from icbs import funding
from icbs.forum_import import FORUM_COLUMNS, forums_import
from icbs.funding_forms import (
    ActivityForm,
    AwardForm,
    ClaimDecisionForm,
    ClaimForm,
    PaymentForm,
    PotForm,
    ReasonForm,
    ReversalForm,
)
from icbs.funding_selectors import (
    award_activities,
    award_ledger,
    awards_listed,
    claimable_activities,
    claims_waiting,
    forum_awards,
    forum_totals,
    icb_enrolled_schools,
    pot_figures,
)
from icbs.models import Award, Claim, LedgerEntry
from icbs.pot_import import POT_COLUMNS, pots_import
from pins.accounts.authorization import Permission, award_for, claim_for, forum_for, icb_for
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from pins.kernel.history import timeline
from pins.kernel.money import financial_year_label, financial_year_of
from pins.kernel.uploads import MOST_ERRORS_SHOWN, UploadForm

AWARDS_SHOWN = 200


def _financial_year(request) -> int:
    """The financial year asked for (?year=2026), else the one today is in."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return financial_year_of(timezone.localdate())
    if not 2000 <= year <= 2100:
        raise Http404("No such financial year")
    return year


@login_required
@require_http_methods(["GET"])
def icb_funding(request, ods_code):
    """An ICB's parent carer forum funding for a financial year: the pot, its awards, and claims to decide."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_FORUM_FUNDING, icb=icb)
    year = _financial_year(request)
    pot = request.access.funding_pots().filter(icb=icb, financial_year=year).first()
    awards = request.access.awards().filter(pot__icb=icb, pot__financial_year=year)
    return render(
        request,
        "icbs/funding/icb.html",
        {
            "icb": icb,
            "year": year,
            "year_label": financial_year_label(year),
            "previous_year": year - 1,
            "next_year": year + 1,
            "pot": pot,
            "figures": pot_figures(pot),
            "awards": list(awards_listed(awards).order_by("-created_at", "-pk")[:AWARDS_SHOWN]),
            "claims": list(claims_waiting(awards)),
            "can_manage": request.access.can(Permission.MANAGE_FORUM_FUNDING, icb=icb) and pot is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_new(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_FORUM_FUNDING, icb=icb)
    year = _financial_year(request)
    pot = get_object_or_404(request.access.funding_pots().select_related("icb"), icb=icb, financial_year=year)
    form = AwardForm(
        request.POST or None,
        forums=request.access.forums().in_icb(icb).order_by("name"),
        schools=icb_enrolled_schools(icb),
        most_pence=pot.unawarded_pence,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award = funding.award_propose(
                pot=pot,
                forum=data["forum"],
                schools=data["schools"],
                purpose=data["purpose"],
                amount_pence=data["amount"],
                by=request.user,
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Award to {award.forum.name} proposed: approve it to take it from the pot")
            return redirect("funding:award", award.pk)
    return render(request, "icbs/funding/award_new.html", {"icb": icb, "pot": pot, "form": form})


@login_required
@require_http_methods(["GET"])
def award_detail(request, award_id):
    """An award: its schools, its ledger, the forum's activities and claims, and the actions the person may take."""
    award = award_for(request, award_id)
    access = request.access
    access.require(Permission.VIEW_FORUM_FUNDING, award=award)
    can_manage = access.can(Permission.MANAGE_FORUM_FUNDING, award=award)
    can_record = access.can(Permission.RECORD_FORUM_ACTIVITIES, award=award)
    approved = award.status == Award.Status.APPROVED
    return render(
        request,
        "icbs/funding/award.html",
        {
            "award": award,
            "icb": award.pot.icb,
            "schools": list(award.schools.order_by("name")),
            "ledger": award_ledger(award),
            "activities": list(award_activities(award)),
            "claims": list(award.claims.select_related("submitted_by", "decided_by").order_by("-submitted_at")),
            "history": timeline(award.history_events.all()),
            "can_approve": can_manage and award.status == Award.Status.PROPOSED,
            "can_cancel": can_manage and award.status != Award.Status.CANCELLED and award.paid == 0,
            "can_pay": can_manage and approved and award.paid < award.amount_pence,
            "can_reverse": can_manage,
            "can_record": can_record and approved,
            "can_claim": can_record and approved and award.paid < award.amount_pence,
        },
    )


def _change_award(request, award_id, permission=Permission.MANAGE_FORUM_FUNDING) -> Award:
    award = award_for(request, award_id)
    request.access.require(permission, award=award)
    return award


@login_required
@require_POST
def award_approve(request, award_id):
    award = _change_award(request, award_id)
    try:
        funding.award_approve(award=award, by=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Award approved: its amount is taken from the pot")
    return redirect("funding:award", award.pk)


@login_required
@require_http_methods(["GET", "POST"])
def award_cancel(request, award_id):
    award = _change_award(request, award_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            funding.award_cancel(award=award, reason=form.cleaned_data["reason"], by=request.user)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Award cancelled")
            return redirect("funding:award", award.pk)
    return render(request, "icbs/funding/award_cancel.html", {"award": award, "icb": award.pot.icb, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def award_pay(request, award_id):
    award = _change_award(request, award_id)
    form = PaymentForm(request.POST or None, most_pence=max(award.amount_pence - award.paid_pence, 0))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = funding.payment_record(
                award=award,
                amount_pence=data["amount"],
                idempotency_key=data["idempotency_key"],
                note=data["note"],
                by=request.user,
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Payment {payment.pk} recorded")
            return redirect("funding:award", award.pk)
    return render(request, "icbs/funding/award_pay.html", {"award": award, "icb": award.pot.icb, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def payment_reverse(request, award_id, entry_id):
    award = _change_award(request, award_id)
    payment = get_object_or_404(award.ledger_entries.filter(kind=LedgerEntry.Kind.PAYMENT), pk=entry_id)
    left = payment.amount_pence - sum(reversal.amount_pence for reversal in payment.reversals.all())
    form = ReversalForm(request.POST or None, most_pence=left, initial={"amount": left})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            funding.payment_reverse(
                payment=payment,
                amount_pence=data["amount"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
                by=request.user,
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Payment {payment.pk} reversed")
            return redirect("funding:award", award.pk)
    return render(
        request,
        "icbs/funding/payment_reverse.html",
        {"award": award, "icb": award.pot.icb, "payment": payment, "left": left, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request, award_id):
    award = _change_award(request, award_id, Permission.RECORD_FORUM_ACTIVITIES)
    form = ActivityForm(request.POST or None, schools=award.schools.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            funding.activity_record(award=award, by=request.user, **form.cleaned_data)
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Activity recorded")
            return redirect("funding:award", award.pk)
    return render(request, "icbs/funding/activity_new.html", {"award": award, "icb": award.pot.icb, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request, award_id):
    award = _change_award(request, award_id, Permission.RECORD_FORUM_ACTIVITIES)
    waiting = sum(claim.amount_pence for claim in award.claims.filter(status=Claim.Status.SUBMITTED))
    most = max(award.amount_pence - award.paid_pence - waiting, 0)
    form = ClaimForm(request.POST or None, activities=claimable_activities(award), most_pence=most)
    if request.method == "POST" and form.is_valid():
        try:
            funding.claim_submit(
                award=award,
                activities=form.cleaned_data["activities"],
                amount_pence=form.cleaned_data["amount"],
                by=request.user,
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Claim sent to the ICB")
            return redirect("funding:award", award.pk)
    return render(
        request, "icbs/funding/claim_new.html", {"award": award, "icb": award.pot.icb, "form": form, "most": most}
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_detail(request, claim_id):
    """A claim with its activities; the coordinator approves it (recording the payment due) or returns it."""
    claim = claim_for(request, claim_id)
    request.access.require(Permission.VIEW_FORUM_FUNDING, award=claim.award)
    can_decide = (
        request.access.can(Permission.MANAGE_FORUM_FUNDING, award=claim.award)
        and claim.status == Claim.Status.SUBMITTED
    )
    form = ClaimDecisionForm(request.POST or None)
    if request.method == "POST":
        request.access.require(Permission.MANAGE_FORUM_FUNDING, award=claim.award)
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    funding.claim_approve(claim=claim, by=request.user)
                    messages.success(request, "Claim approved: the payment due is recorded")
                else:
                    funding.claim_return(claim=claim, reason=form.cleaned_data["reason"], by=request.user)
                    messages.success(request, "Claim returned to the forum")
            except RuleBroken as error:
                show_rule_broken(form, error)
            else:
                return redirect("funding:award", claim.award_id)
    return render(
        request,
        "icbs/funding/claim.html",
        {
            "claim": claim,
            "award": claim.award,
            "icb": claim.award.pot.icb,
            "activities": list(claim.activities.prefetch_related("schools").order_by("happened_on", "pk")),
            "history": timeline(claim.history_events.all()),
            "form": form,
            "can_decide": can_decide,
        },
    )


@login_required
@require_http_methods(["GET"])
def forum_detail(request, forum_id):
    """A forum's page: its awards in every ICB and year, what is paid and what remains, its claims."""
    # Whoever may see the forum (staff, its ICBs' coordinators, its leads) may read its funding.
    forum = forum_for(request, forum_id)
    visible = request.access.awards().filter(forum=forum)
    awards = forum_awards(forum).filter(pk__in=visible.values("pk"))
    return render(
        request,
        "icbs/funding/forum.html",
        {
            "forum": forum,
            "authorities": list(forum.local_authorities.select_related("icb").order_by("name")),
            "awards": list(awards[:AWARDS_SHOWN]),
            "totals": forum_totals(visible),
            "claims": list(
                request.access.claims()
                .filter(award__forum=forum)
                .select_related("award")
                .order_by("-submitted_at", "-pk")[:AWARDS_SHOWN]
            ),
        },
    )


# The programme admin's pages: every ICB's pots, and the forums.


@login_required
@require_http_methods(["GET", "POST"])
def pots(request):
    request.access.require(Permission.SET_FUNDING_POTS)
    year = _financial_year(request)
    years = list(range(year - 1, year + 3))
    form = PotForm(
        request.POST or None, icbs=request.access.icbs().current(), years=years, initial={"financial_year": year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pot = funding.pot_set(
                icb=data["icb"], financial_year=data["financial_year"], amount_pence=data["amount"], by=request.user
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"The {pot.financial_year_label} pot for {pot.icb.short_name} is set")
            return redirect(f"{request.path}?year={pot.financial_year}")
    rows = request.access.funding_pots().filter(financial_year=year).select_related("icb__region").order_by("icb__name")
    return render(
        request,
        "icbs/funding/pots.html",
        {
            "form": form,
            "year": year,
            "year_label": financial_year_label(year),
            "previous_year": year - 1,
            "next_year": year + 1,
            "pots": list(rows),
        },
    )


def _upload(request, *, run, kind: str, columns, template: str, done: str):
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = run(form.cleaned_data["file"].read(), form.cleaned_data["dry_run"])
        if report.ok and not report.dry_run:
            messages.success(request, f"{kind.capitalize()} imported: {report.counts()}")
            return redirect(done)
        if not report.ok:
            problems = len(report.errors)
            form.add_error("file", f"The file has {problems} problem{'s' * (problems != 1)}: nothing was saved")
    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "kind": kind,
            "columns": columns,
            "row_errors": [str(error) for error in (report.errors[:MOST_ERRORS_SHOWN] if report else [])],
            "more_errors": max(0, len(report.errors) - MOST_ERRORS_SHOWN) if report else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pots_upload(request):
    request.access.require(Permission.SET_FUNDING_POTS)
    return _upload(
        request,
        run=lambda data, dry_run: pots_import(data=data, dry_run=dry_run, by=request.user),
        kind="pots",
        columns=POT_COLUMNS,
        template="icbs/funding/upload.html",
        done="funding:pots",
    )


@login_required
@require_http_methods(["GET", "POST"])
def forums_upload(request):
    request.access.require(Permission.SET_FUNDING_POTS)
    return _upload(
        request,
        run=lambda data, dry_run: forums_import(data=data, dry_run=dry_run, by=request.user),
        kind="forums",
        columns=FORUM_COLUMNS,
        template="icbs/funding/upload.html",
        done="funding:pots",
    )
