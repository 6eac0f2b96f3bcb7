from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from schools.models import (
    BlackoutPeriod,
    ClosureDate,
    Cohort,
    Enrolment,
    ParentCarerMeeting,
    ProgrammeYear,
    PupilVoiceActivity,
    School,
    SelfAssessment,
    SencoMembership,
)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "dfe_number", "local_authority", "icb", "phase", "status", "pupil_count"]
    list_filter = ["icb__region", "phase", "status"]
    search_fields = ["name", "=urn", "dfe_number", "postcode"]
    list_select_related = ["local_authority", "icb"]
    raw_id_fields = ["local_authority", "icb"]


class BlackoutPeriodInline(admin.TabularInline):
    model = BlackoutPeriod
    extra = 0


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(admin.ModelAdmin):
    list_display = ["label", "starts_on", "ends_on", "default_quota_days", "target_schools_per_icb"]
    search_fields = ["label"]
    inlines = [CohortInline, BlackoutPeriodInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme_year", "quota_days"]
    list_filter = ["programme_year"]
    search_fields = ["name"]
    list_select_related = ["programme_year"]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["school", "programme_year", "cohort", "icb", "support", "status", "quota_days"]
    list_filter = ["programme_year", "status", "support", "icb__region"]
    search_fields = ["school__name", "=school__urn", "icb__name", "icb__ods_code"]
    list_select_related = ["school", "programme_year", "cohort__programme_year", "icb"]
    raw_id_fields = ["school", "icb"]


@admin.register(ClosureDate)
class ClosureDateAdmin(admin.ModelAdmin):
    list_display = ["school", "kind", "starts_on", "ends_on", "description"]
    list_filter = ["kind"]
    search_fields = ["school__name", "=school__urn", "description"]
    list_select_related = ["school"]
    raw_id_fields = ["school"]
    date_hierarchy = "starts_on"


@admin.register(SencoMembership)
class SencoMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "granted_at", "granted_by"]
    search_fields = ["user__email", "user__full_name", "school__name", "=school__urn"]
    list_select_related = ["user", "school", "granted_by"]
    raw_id_fields = ["user", "school", "granted_by"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["enrolment", "stage", "completed_at", "completed_by"]
    list_filter = ["stage", "enrolment__programme_year"]
    search_fields = ["enrolment__school__name", "=enrolment__school__urn"]
    list_select_related = ["enrolment__school", "enrolment__programme_year", "completed_by"]
    raw_id_fields = ["enrolment", "completed_by"]


@admin.register(ParentCarerMeeting)
class ParentCarerMeetingAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "held_on", "forum_present", "attendees"]
    list_filter = ["forum_present", "enrolment__programme_year"]
    search_fields = ["enrolment__school__name", "=enrolment__school__urn"]
    list_select_related = ["enrolment__school", "enrolment__programme_year"]
    raw_id_fields = ["enrolment", "recorded_by"]
    date_hierarchy = "held_on"


@admin.register(PupilVoiceActivity)
class PupilVoiceActivityAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "held_on"]
    list_filter = ["enrolment__programme_year"]
    search_fields = ["enrolment__school__name", "description"]
    list_select_related = ["enrolment__school", "enrolment__programme_year"]
    raw_id_fields = ["enrolment", "recorded_by"]


@admin.register(BlackoutPeriod)
class BlackoutPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "programme_year", "starts_on", "ends_on"]
    list_filter = ["programme_year"]
    search_fields = ["name"]
    list_select_related = ["programme_year"]
