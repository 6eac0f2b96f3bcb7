"""Pages for giving and removing access to an ICB's data, and for accepting an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pins.accounts import services
from pins.accounts.authorization import Permission, icb_for
from pins.accounts.bulk_invitations import MOST_ROWS as BULK_MOST_ROWS
from pins.accounts.bulk_invitations import invitations_send_in_bulk, specialists_invite_every_new
from pins.accounts.forms import (
    AcceptInvitationForm,
    EmailForm,
    InviteForumLeadForm,
    InviteSencoForm,
    InviteSpecialistForm,
)
from pins.accounts.models import Invitation
from pins.accounts.presenters import senco_rows_html, specialist_rows_html
from pins.accounts.selectors import (
    forum_leads_listed,
    icb_access_overview,
    icb_coordinators,
    icb_forum_leads,
    icb_pending_invitations,
    icb_sencos,
)
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from pins.kernel.paging import page_with_count
from pins.kernel.uploads import upload_page

PEOPLE_PER_PAGE = 25

# Which permission gives each kind of access.
INVITING_PERMISSION = {
    Invitation.Role.COORDINATOR: Permission.MANAGE_COORDINATORS,
    Invitation.Role.SENCO: Permission.MANAGE_ICB_ACCESS,
    Invitation.Role.SPECIALIST: Permission.MANAGE_ICB_ACCESS,
    Invitation.Role.FORUM_LEAD: Permission.MANAGE_FORUM_FUNDING,
}


@login_required
@require_http_methods(["GET"])
def icb_access(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    overview = icb_access_overview(icb, now=timezone.now())
    # Each long list has its own page parameter, so paging one leaves the others where they were.
    pages = {
        name: page_with_count(overview[name], per_page=PEOPLE_PER_PAGE, number=request.GET.get(f"{name}_page"))
        for name in ("sencos", "specialists", "invitations")
    }
    # Who may send again or withdraw each invitation: the permission that gives its kind of access.
    may_manage = {role: request.access.can(permission, icb=icb) for role, permission in INVITING_PERMISSION.items()}
    return render(
        request,
        "accounts/icb_access.html",
        {
            "icb": icb,
            **overview,
            **pages,
            "senco_rows": senco_rows_html(
                pages["sencos"], ods_code=icb.ods_code, may_remove=may_manage[Invitation.Role.SENCO]
            ),
            "specialist_rows": specialist_rows_html(
                pages["specialists"], ods_code=icb.ods_code, may_remove=may_manage[Invitation.Role.SENCO]
            ),
            "invitation_rows": [(invitation, may_manage[invitation.role]) for invitation in pages["invitations"]],
            "can_manage_coordinators": may_manage[Invitation.Role.COORDINATOR],
            "can_manage_access": may_manage[Invitation.Role.SENCO],
            "forum_leads": forum_leads_listed(icb_id=icb.pk),
            "can_manage_forum_leads": may_manage[Invitation.Role.FORUM_LEAD],
        },
    )


def _invite(request, ods_code, *, role, form_class, template, **form_kwargs):
    icb = icb_for(request, ods_code)
    request.access.require(INVITING_PERMISSION[role], icb=icb)
    form = form_class(request.POST or None, **{name: make(icb) for name, make in form_kwargs.items()})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                email=form.cleaned_data.get("email", ""),
                role=role,
                icb=icb,
                school=form.cleaned_data.get("school"),
                specialist=form.cleaned_data.get("specialist"),
                forum=form.cleaned_data.get("forum"),
                by=request.user,
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("access:icb", icb.ods_code)
    return render(request, template, {"icb": icb, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def invite_coordinator(request, ods_code):
    return _invite(
        request,
        ods_code,
        role=Invitation.Role.COORDINATOR,
        form_class=EmailForm,
        template="accounts/invite_coordinator.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_senco(request, ods_code):
    return _invite(
        request,
        ods_code,
        role=Invitation.Role.SENCO,
        form_class=InviteSencoForm,
        template="accounts/invite_senco.html",
        schools=lambda icb: icb.schools.open().order_by("name"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_specialist(request, ods_code):
    return _invite(
        request,
        ods_code,
        role=Invitation.Role.SPECIALIST,
        form_class=InviteSpecialistForm,
        template="accounts/invite_specialist.html",
        specialists=lambda icb: icb.specialists.active().filter(user__isnull=True).order_by("full_name"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_forum_lead(request, ods_code):
    return _invite(
        request,
        ods_code,
        role=Invitation.Role.FORUM_LEAD,
        form_class=InviteForumLeadForm,
        template="accounts/invite_forum_lead.html",
        forums=lambda icb: request.access.forums().in_icb(icb).order_by("name"),
    )


def _confirm_removal(request, icb, *, who: str, what: str, remove):
    if request.method == "POST":
        remove()
        messages.success(request, f"{who} no longer has access as {what}")
        return redirect("access:icb", icb.ods_code)
    return render(request, "accounts/confirm_removal.html", {"icb": icb, "who": who, "what": what})


@login_required
@require_http_methods(["GET", "POST"])
def remove_coordinator(request, ods_code, membership_id):
    icb = icb_for(request, ods_code)
    membership = get_object_or_404(icb_coordinators(icb), pk=membership_id)
    request.access.require(Permission.MANAGE_COORDINATORS, icb=icb)
    # The last coordinator stays: the page says why instead of offering the button (the service refuses too).
    if icb_coordinators(icb).count() == 1:
        return _coordinator_kept(request, icb, services.last_coordinator_refusal(membership))
    try:
        return _confirm_removal(
            request,
            icb,
            who=membership.user.email,
            what=f"coordinator of {icb.short_name} ICB",
            remove=lambda: services.coordinator_remove(membership=membership, by=request.user),
        )
    except RuleBroken as error:
        return _coordinator_kept(request, icb, error.message)


def _coordinator_kept(request, icb, reason: str):
    status = 409 if request.method == "POST" else 200
    return render(request, "accounts/coordinator_kept.html", {"icb": icb, "reason": reason}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def remove_senco(request, ods_code, membership_id):
    icb = icb_for(request, ods_code)
    membership = get_object_or_404(icb_sencos(icb), pk=membership_id)
    request.access.require(Permission.MANAGE_ICB_ACCESS, icb=icb)
    return _confirm_removal(
        request,
        icb,
        who=membership.user.email,
        what=f"SENCO of {membership.school.name}",
        remove=lambda: services.senco_remove(membership=membership, by=request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_specialist_account(request, ods_code, specialist_id):
    icb = icb_for(request, ods_code)
    specialist = get_object_or_404(
        request.access.specialists().select_related("user", "icb"),
        pk=specialist_id,
        icb=icb,
        user__isnull=False,
    )
    request.access.require(Permission.MANAGE_ICB_ACCESS, icb=icb)
    return _confirm_removal(
        request,
        icb,
        who=specialist.user.email,
        what=f"specialist ({specialist.full_name})",
        remove=lambda: services.specialist_account_remove(specialist=specialist, by=request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_forum_lead(request, ods_code, membership_id):
    icb = icb_for(request, ods_code)
    membership = get_object_or_404(icb_forum_leads(icb), pk=membership_id)
    request.access.require(Permission.MANAGE_FORUM_FUNDING, icb=icb)
    return _confirm_removal(
        request,
        icb,
        who=membership.user.email,
        what=f"lead of {membership.forum.name}",
        remove=lambda: services.forum_lead_remove(membership=membership, icb=icb, by=request.user),
    )


def _pending_invitation(request, ods_code, invitation_id):
    icb = icb_for(request, ods_code)
    invitation = get_object_or_404(icb_pending_invitations(icb), pk=invitation_id)
    request.access.require(INVITING_PERMISSION[invitation.role], icb=icb)
    return icb, invitation


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_invitation(request, ods_code, invitation_id):
    """Asks first ("Are you sure?"), then withdraws the invitation on the confirming POST."""
    icb, invitation = _pending_invitation(request, ods_code, invitation_id)
    if request.method == "GET":
        return render(request, "accounts/withdraw_invitation.html", {"icb": icb, "invitation": invitation})
    services.invitation_withdraw(invitation=invitation, by=request.user)
    messages.success(request, f"Invitation for {invitation.email} withdrawn")
    return redirect("access:icb", icb.ods_code)


@login_required
@require_POST
def resend_invitation(request, ods_code, invitation_id):
    icb, invitation = _pending_invitation(request, ods_code, invitation_id)
    services.invitation_send(
        email=invitation.email,
        role=invitation.role,
        icb=icb,
        school=invitation.school,
        specialist=invitation.specialist,
        forum=invitation.forum,
        by=request.user,
    )
    messages.success(request, f"A new invitation link was sent to {invitation.email}")
    return redirect("access:icb", icb.ods_code)


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = services.invitation_for_token(token)
    if problem := services.invitation_problem(invitation):
        return render(request, "accounts/invitation_unusable.html", {"problem": problem}, status=404)
    signed_in = request.user if request.user.is_authenticated else None
    form = None if signed_in else AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user, invitation = services.invitation_accept(
                token=token,
                user=signed_in,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except RuleBroken as error:
            if form is None:
                messages.error(request, error.message)
                return redirect("home")
            show_rule_broken(form, error)
        else:
            if signed_in is None:
                login(request, user, backend="pins.accounts.backends.ModelBackend")
            messages.success(request, f"You now have access as {invitation.get_role_display()} for {invitation.target}")
            return redirect("home")
    has_account = signed_in is None and services.invitation_has_account(invitation)
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in, "has_account": has_account},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_in_bulk(request, ods_code):
    """A CSV file of invitations for the ICB, sent all or nothing; those who have access or an invitation
    waiting are skipped and counted."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_ICB_ACCESS, icb=icb)
    may_invite_coordinators = request.access.can(Permission.MANAGE_COORDINATORS, icb=icb)
    return upload_page(
        request,
        icb=icb,
        run=lambda data, dry_run: invitations_send_in_bulk(
            data=data, icb=icb, by=request.user, may_invite_coordinators=may_invite_coordinators, dry_run=dry_run
        ),
        kind="invitations",
        most_rows=BULK_MOST_ROWS,
        template="accounts/invite_in_bulk.html",
        done_url=reverse("access:icb", args=[icb.ods_code]),
    )


@login_required
@require_POST
def invite_every_new_specialist(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_ICB_ACCESS, icb=icb)
    try:
        outcome = specialists_invite_every_new(icb=icb, by=request.user)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(outcome))
    return redirect("access:icb", icb.ods_code)
