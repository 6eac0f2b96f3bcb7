from django.contrib import admin

from icbs.models import ICB, CoordinatorMembership, LocalAuthority, Region
from pins.accounts.services import coordinator_remove
from pins.kernel.read_only_admin import ReadOnly, ServiceActions


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Plain reference data: a region is a name and a code, and a region with ICBs cannot be deleted."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(ICB)
class ICBAdmin(admin.ModelAdmin):
    """Names and codes are reference data; the dates and successor are set by a merger (`manage.py merge_icbs`),
    which moves schools, specialists and coordinators with them, so they are read only here."""

    list_display = ["name", "ods_code", "ons_code", "region", "started_on", "ended_on", "successor"]
    list_filter = ["region", "ended_on"]
    search_fields = ["name", "ods_code", "ons_code"]
    list_select_related = ["region", "successor"]

    def get_readonly_fields(self, request, obj=None):
        # The ODS code names the ICB in links and reminders, so it is fixed once the ICB exists.
        return ["ods_code", "started_on", "ended_on", "successor"] if obj else ["ended_on", "successor"]

    def has_delete_permission(self, request, obj=None):
        # Deleting an ICB would take its coordinators' access away with no AccessEvent.
        return False


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    """Plain reference data: an authority's ICB places the schools of later imports; it moves no school."""

    list_display = ["name", "dfe_code", "ons_code", "icb"]
    list_filter = ["icb__region", ("icb", admin.EmptyFieldListFilter)]
    search_fields = ["name", "dfe_code", "ons_code"]
    list_select_related = ["icb"]
    raw_id_fields = ["icb"]


@admin.register(CoordinatorMembership)
class CoordinatorMembershipAdmin(ServiceActions, ReadOnly, admin.ModelAdmin):
    """Granted by invitation; removed here only through the removal service, which records an AccessEvent."""

    list_display = ["user", "icb", "granted_at", "granted_by"]
    list_filter = ["icb__region"]
    search_fields = ["user__email", "user__full_name", "icb__name", "icb__ods_code"]
    list_select_related = ["user", "icb", "granted_by"]
    actions = ["remove_selected"]

    @admin.action(permissions=["run_service"], description="Remove the selected coordinators")
    def remove_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda membership: coordinator_remove(membership=membership, by=request.user),
            done="Removed",
        )
