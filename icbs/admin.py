from django.contrib import admin

from icbs.models import ICB, CoordinatorMembership, LocalAuthority, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(ICB)
class ICBAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "ons_code", "region", "started_on", "ended_on", "successor"]
    list_filter = ["region", "ended_on"]
    search_fields = ["name", "ods_code", "ons_code"]
    list_select_related = ["region", "successor"]
    raw_id_fields = ["successor"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "dfe_code", "ons_code", "icb"]
    list_filter = ["icb__region", ("icb", admin.EmptyFieldListFilter)]
    search_fields = ["name", "dfe_code", "ons_code"]
    list_select_related = ["icb"]
    raw_id_fields = ["icb"]


@admin.register(CoordinatorMembership)
class CoordinatorMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "icb", "granted_at", "granted_by"]
    list_filter = ["icb__region"]
    search_fields = ["user__email", "user__full_name", "icb__name", "icb__ods_code"]
    list_select_related = ["user", "icb", "granted_by"]
    raw_id_fields = ["user", "icb", "granted_by"]
