from django.contrib import admin

from icbs.models import (
    ICB,
    Award,
    Claim,
    CoordinatorMembership,
    ForumActivity,
    ForumLeadMembership,
    FundingPot,
    LedgerEntry,
    LocalAuthority,
    ParentCarerForum,
    Region,
)
from pins.accounts.services import coordinator_remove
from pins.kernel.read_only_admin import ReadOnly, ReadOnlyHistory, ServiceActions


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


# Parent carer forum funding (docs/adr/0017). Forums are reference data; everything else is written by the
# funding services (pots, awards, claims, the ledger, which the database refuses to change) and only shown here.


@admin.register(ParentCarerForum)
class ParentCarerForumAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone"]
    search_fields = ["name", "email"]
    filter_horizontal = ["local_authorities"]

    def has_delete_permission(self, request, obj=None):
        # Its awards and payments refer to it; its leads would lose access with no AccessEvent.
        return False


@admin.register(ForumLeadMembership)
class ForumLeadMembershipAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "forum", "granted_at", "granted_by"]
    search_fields = ["user__email", "forum__name"]
    list_select_related = ["user", "forum", "granted_by"]


@admin.register(FundingPot)
class FundingPotAdmin(ReadOnlyHistory, admin.ModelAdmin):
    list_display = ["icb", "financial_year", "amount_pence", "awarded_pence"]
    list_filter = ["financial_year", "icb__region"]
    list_select_related = ["icb"]


@admin.register(Award)
class AwardAdmin(ReadOnlyHistory, admin.ModelAdmin):
    list_display = ["forum", "pot", "amount_pence", "paid_pence", "status", "created_at"]
    list_filter = ["status", "pot__financial_year"]
    search_fields = ["forum__name", "purpose"]
    list_select_related = ["forum", "pot__icb"]


@admin.register(ForumActivity)
class ForumActivityAdmin(ReadOnlyHistory, admin.ModelAdmin):
    list_display = ["award", "kind", "happened_on", "parents_reached"]
    list_filter = ["kind"]
    list_select_related = ["award__forum"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyHistory, admin.ModelAdmin):
    list_display = ["award", "amount_pence", "status", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["award__forum"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyHistory, admin.ModelAdmin):
    list_display = ["pk", "award", "kind", "amount_pence", "recorded_at", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["award__forum", "recorded_by"]
