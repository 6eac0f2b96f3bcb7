from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from specialists.models import (
    CalendarFeed,
    Capacity,
    ChangeRequest,
    Outcome,
    Reminder,
    Specialist,
    Unavailability,
    Visit,
)


class CapacityInline(admin.TabularInline):
    model = Capacity
    extra = 0


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0


@admin.register(Specialist)
class SpecialistAdmin(admin.ModelAdmin):
    list_display = ["full_name", "discipline", "employer", "icb", "email", "active"]
    list_filter = ["discipline", "active", "icb__region"]
    search_fields = ["full_name", "email", "employer", "icb__name", "icb__ods_code"]
    list_select_related = ["icb"]
    raw_id_fields = ["icb", "user"]
    inlines = [CapacityInline, UnavailabilityInline]


@admin.register(Capacity)
class CapacityAdmin(admin.ModelAdmin):
    list_display = ["specialist", "programme_year", "days"]
    list_filter = ["programme_year"]
    search_fields = ["specialist__full_name", "specialist__email"]
    list_select_related = ["specialist", "programme_year"]
    raw_id_fields = ["specialist"]


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ["specialist", "starts_on", "ends_on", "reason"]
    search_fields = ["specialist__full_name", "reason"]
    list_select_related = ["specialist"]
    raw_id_fields = ["specialist"]
    date_hierarchy = "starts_on"


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["date", "session", "specialist", "enrolment", "status", "version"]
    list_filter = ["status", "session", "enrolment__programme_year", "enrolment__icb__region"]
    search_fields = ["specialist__full_name", "enrolment__school__name", "=enrolment__school__urn"]
    list_select_related = ["specialist", "enrolment__school", "enrolment__programme_year"]
    raw_id_fields = ["specialist", "enrolment", "created_by", "confirmed_by", "cancelled_by"]
    date_hierarchy = "date"
    readonly_fields = ["slot_start", "slot_end", "days", "version"]


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["visit", "staff_reached", "recorded_at", "recorded_by"]
    search_fields = ["visit__enrolment__school__name", "notes"]
    list_select_related = ["visit__specialist", "visit__enrolment__school", "recorded_by"]
    raw_id_fields = ["visit", "recorded_by"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["visit", "requested_at", "requested_by", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["visit__enrolment__school__name", "reason"]
    list_select_related = ["visit__specialist", "visit__enrolment__school", "requested_by"]
    raw_id_fields = ["visit", "requested_by", "resolved_by"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Feeds can be seen and revoked here; their secret addresses are never stored, so never shown."""

    list_display = ["__str__", "created_at", "created_by", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["school__name", "specialist__full_name"]
    list_select_related = ["school", "specialist", "created_by"]
    raw_id_fields = ["school", "specialist", "created_by"]
    exclude = ["token_hash"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "recipient", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "sent_at"
