from django.contrib import admin

from pins.accounts.services import senco_remove
from pins.kernel.read_only_admin import ReadOnly, ReadOnlyHistory, ReadOnlyInline, ServiceActions
from schools.models import (
    BlackoutPeriod,
    ClosureDate,
    Cohort,
    Enrolment,
    ParentCarerMeeting,
    PlanMilestone,
    ProgrammeYear,
    ProgressChange,
    PupilVoiceActivity,
    School,
    SchoolHoliday,
    SelfAssessment,
    SelfAssessmentRating,
    SencoMembership,
    WeeklyDelivery,
)


@admin.register(School)
class SchoolAdmin(ReadOnlyHistory, admin.ModelAdmin):
    """Schools come from GIAS through the import, which checks the ICB a school belongs to and keeps the history
    of its name and ICB (shown here): read only here."""

    list_display = ["name", "urn", "dfe_number", "local_authority", "icb", "phase", "status", "pupil_count"]
    list_filter = ["icb__region", "phase", "status"]
    search_fields = ["name", "=urn", "dfe_number", "postcode"]
    list_select_related = ["local_authority", "icb"]


class BlackoutPeriodInline(admin.TabularInline):
    model = BlackoutPeriod
    extra = 0


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(admin.ModelAdmin):
    """Plain reference data: dates and quotas apply to bookings and enrolments made from then on; a year with
    enrolments or capacities cannot be deleted."""

    list_display = ["label", "starts_on", "ends_on", "default_quota_days", "target_schools_per_icb"]
    search_fields = ["label"]
    inlines = [CohortInline, BlackoutPeriodInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """Plain reference data: a cohort's quota is copied into enrolments when they are made, never after."""

    list_display = ["name", "programme_year", "quota_days"]
    list_filter = ["programme_year"]
    search_fields = ["name"]
    list_select_related = ["programme_year"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyHistory, admin.ModelAdmin):
    """Its quota and days counters move only with bookings and the status page: read only here."""

    list_display = ["school", "programme_year", "cohort", "icb", "support", "status", "quota_days", "allocated_days"]
    list_filter = ["programme_year", "status", "support", "icb__region"]
    search_fields = ["school__name", "=school__urn", "icb__name", "icb__ods_code"]
    list_select_related = ["school", "programme_year", "cohort__programme_year", "icb"]
    readonly_fields = ["allocated_days"]


@admin.register(ClosureDate)
class ClosureDateAdmin(ReadOnly, admin.ModelAdmin):
    """Recorded by the school, which may not close a day that has a visit booked: read only here."""

    list_display = ["school", "kind", "starts_on", "ends_on", "description"]
    list_filter = ["kind"]
    search_fields = ["school__name", "=school__urn", "description"]
    list_select_related = ["school"]
    date_hierarchy = "starts_on"


@admin.register(SencoMembership)
class SencoMembershipAdmin(ServiceActions, ReadOnly, admin.ModelAdmin):
    """Granted by invitation; removed here only through the removal service, which records an AccessEvent."""

    list_display = ["user", "school", "granted_at", "granted_by"]
    search_fields = ["user__email", "user__full_name", "school__name", "=school__urn"]
    list_select_related = ["user", "school", "granted_by"]
    actions = ["remove_selected"]

    @admin.action(permissions=["run_service"], description="Remove the selected SENCOs")
    def remove_selected(self, request, queryset):
        self.run_service(
            request, queryset, lambda membership: senco_remove(membership=membership, by=request.user), done="Removed"
        )


class SelfAssessmentRatingInline(ReadOnlyInline):
    model = SelfAssessmentRating
    fields = ["domain", "rating", "notes"]
    show_change_link = False


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyHistory, admin.ModelAdmin):
    """The school's own record, checked by its service (every domain rated): read only here."""

    list_display = ["enrolment", "stage", "completed_at", "completed_by"]
    list_filter = ["stage", "enrolment__programme_year"]
    search_fields = ["enrolment__school__name", "=enrolment__school__urn"]
    list_select_related = ["enrolment__school", "enrolment__programme_year", "completed_by"]
    inlines = [SelfAssessmentRatingInline]


@admin.register(SelfAssessmentRating)
class SelfAssessmentRatingAdmin(ReadOnlyHistory, admin.ModelAdmin):
    """A rating within a self-assessment, saved by its service: read only here."""

    list_display = ["assessment", "domain", "rating"]
    list_filter = ["domain", "rating"]
    search_fields = ["assessment__enrolment__school__name", "=assessment__enrolment__school__urn"]
    list_select_related = ["assessment__enrolment__school", "assessment__enrolment__programme_year"]


@admin.register(ParentCarerMeeting)
class ParentCarerMeetingAdmin(ReadOnly, admin.ModelAdmin):
    """The school's own record, dated within its enrolment's year by its service: read only here."""

    list_display = ["enrolment", "held_on", "forum_present", "attendees"]
    list_filter = ["forum_present", "enrolment__programme_year"]
    search_fields = ["enrolment__school__name", "=enrolment__school__urn"]
    list_select_related = ["enrolment__school", "enrolment__programme_year"]
    date_hierarchy = "held_on"


@admin.register(PupilVoiceActivity)
class PupilVoiceActivityAdmin(ReadOnly, admin.ModelAdmin):
    """The school's own record, dated within its enrolment's year by its service: read only here."""

    list_display = ["enrolment", "held_on"]
    list_filter = ["enrolment__programme_year"]
    search_fields = ["enrolment__school__name", "description"]
    list_select_related = ["enrolment__school", "enrolment__programme_year"]


@admin.register(BlackoutPeriod)
class BlackoutPeriodAdmin(admin.ModelAdmin):
    """Plain reference data: a national blackout refuses bookings from then on; booked visits stay."""

    list_display = ["name", "programme_year", "starts_on", "ends_on"]
    list_filter = ["programme_year"]
    search_fields = ["name"]
    list_select_related = ["programme_year"]


@admin.register(WeeklyDelivery)
class WeeklyDeliveryAdmin(ReadOnly, admin.ModelAdmin):
    """Kept by the visit services as visits are delivered (national progress reads it): read only here."""

    list_display = ["icb", "programme_year", "week", "delivered_days"]
    list_filter = ["programme_year"]
    list_select_related = ["icb", "programme_year"]
    date_hierarchy = "week"


@admin.register(PlanMilestone)
class PlanMilestoneAdmin(ReadOnly, admin.ModelAdmin):
    """The trajectory national progress measures "behind plan" against, set on its own page by its service:
    read only here."""

    list_display = ["programme_year", "month", "allocated_percent", "delivered_percent"]
    list_filter = ["programme_year"]
    search_fields = ["programme_year__label"]
    list_select_related = ["programme_year"]


@admin.register(ProgressChange)
class ProgressChangeAdmin(ReadOnly, admin.ModelAdmin):
    """Written by the enrolments' progress trigger and folded by beat (national progress adds them up): read
    only here."""

    list_display = ["icb", "programme_year", "schools", "allocated_days", "confirmed_days", "delivered_days"]
    list_filter = ["programme_year"]
    search_fields = ["icb__name"]
    list_select_related = ["icb", "programme_year"]


@admin.register(SchoolHoliday)
class SchoolHolidayAdmin(ReadOnly, admin.ModelAdmin):
    """Term dates, kept apart within each layer by their services (the programme's holidays page, an
    authority's upload, a school's own term dates): read only here."""

    list_display = ["name", "programme_year", "local_authority", "school", "starts_on", "ends_on"]
    list_filter = ["programme_year"]
    search_fields = ["name", "local_authority__name", "school__name", "=school__urn"]
    list_select_related = ["programme_year", "local_authority", "school"]
