import allauth.mfa.admin  # noqa: F401  allauth registers its own Authenticator admin first; ours replaces it
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from pins.accounts.models import AccessEvent, DownloadRecord, FreeTextReview, Invitation, StaffMembership, User
from pins.accounts.services import invitation_withdraw, staff_role_remove
from pins.kernel.read_only_admin import ReadOnly, ServiceActions


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts can be made and deactivated here; roles come from memberships, which the admin cannot grant."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["full_name"]}),
        (
            "Django admin access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    # Reaching the admin comes with the programme admin role (`manage.py staff_role`), recorded as it is given.
    readonly_fields = ["is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None):
        # Deleting an account would drop its memberships with no AccessEvent: deactivate it instead.
        return False


@admin.register(StaffMembership)
class StaffMembershipAdmin(ServiceActions, ReadOnly, admin.ModelAdmin):
    """Granted with `manage.py staff_role grant`, removed with the action here: both record an AccessEvent."""

    list_display = ["user", "role", "granted_at", "granted_by"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "granted_by"]
    actions = ["remove_selected"]

    @admin.action(permissions=["run_service"], description="Remove the selected staff roles")
    def remove_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda membership: staff_role_remove(membership=membership, by=request.user),
            done="Removed",
        )


@admin.register(Invitation)
class InvitationAdmin(ServiceActions, ReadOnly, admin.ModelAdmin):
    """Sent from the ICB's "People with access" page (an invitation made here would have no link to send)."""

    list_display = ["email", "role", "icb", "created_at", "expires_at", "accepted_at", "withdrawn_at"]
    list_filter = ["role", "icb__region"]
    search_fields = ["email", "icb__name", "school__name"]
    list_select_related = ["icb", "school", "specialist"]
    exclude = ["token_hash"]
    actions = ["withdraw_selected"]

    @admin.action(permissions=["run_service"], description="Withdraw the selected invitations")
    def withdraw_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda invitation: invitation_withdraw(invitation=invitation, by=request.user),
            done="Withdrawn",
        )


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnly, admin.ModelAdmin):
    """The record of who gave or took away access: read only."""

    list_display = ["at", "action", "role", "email", "icb", "actor"]
    list_filter = ["action", "role"]
    search_fields = ["email", "actor__email", "icb__name"]
    list_select_related = ["icb", "actor"]


admin.site.unregister(Authenticator)


@admin.register(DownloadRecord)
class DownloadRecordAdmin(ReadOnly, admin.ModelAdmin):
    """Who downloaded what, recorded by the middleware as it happens: read only here, as an account of where
    personal data went must not be edited."""

    list_display = ["at", "user", "filename", "personal"]
    list_filter = ["personal"]
    search_fields = ["filename", "user__email"]
    date_hierarchy = "at"
    list_select_related = ["user"]


@admin.register(FreeTextReview)
class FreeTextReviewAdmin(ReadOnly, admin.ModelAdmin):
    """The programme admin's decisions on free text for the evaluation: made on the review page, where the note
    is read beside its decision; read only here, as the account of what was released."""

    list_display = ["reviewed_at", "kind", "object_id", "decision", "reviewed_by"]
    list_filter = ["kind", "decision"]
    date_hierarchy = "reviewed_at"
    list_select_related = ["reviewed_by"]


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnly, admin.ModelAdmin):
    """Who has set up two-factor authentication, and when it was last used; never the secrets (`data`)."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields
