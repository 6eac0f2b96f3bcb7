from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from pins.models import AccessEvent, Invitation, StaffMembership, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "granted_at", "granted_by"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "granted_by"]
    raw_id_fields = ["user", "granted_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "icb", "created_at", "expires_at", "accepted_at", "withdrawn_at"]
    list_filter = ["role", "icb__region"]
    search_fields = ["email", "icb__name", "school__name"]
    list_select_related = ["icb", "school", "specialist"]
    raw_id_fields = ["icb", "school", "specialist", "created_by", "accepted_by"]
    exclude = ["token_hash"]


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The record of who gave or took away access: read only."""

    list_display = ["at", "action", "role", "email", "icb", "actor"]
    list_filter = ["action", "role"]
    search_fields = ["email", "actor__email", "icb__name"]
    list_select_related = ["icb", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
