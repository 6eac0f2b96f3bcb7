from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from pins.accounts.services import specialist_account_remove
from pins.kernel.errors import RuleBroken
from pins.kernel.read_only_admin import ReadOnly, ReadOnlyHistory, ReadOnlyInline, ServiceActions
from specialists.models import (
    CalendarFeed,
    Capacity,
    ChangeRequest,
    Notice,
    OpenVisitsChange,
    Outcome,
    PlannerWeights,
    Reminder,
    Specialist,
    Unavailability,
    Visit,
)
from specialists.services import (
    calendar_feed_revoke,
    change_request_resolve,
    unavailability_check,
    unavailability_record,
    visit_cancel,
)


class CapacityInline(ReadOnlyInline):
    model = Capacity
    fields = ["programme_year", "days", "allocated_days"]
    readonly_fields = fields


class UnavailabilityInline(ReadOnlyInline):
    model = Unavailability


@admin.register(Specialist)
class SpecialistAdmin(ServiceActions, ReadOnly, admin.ModelAdmin):
    """Added by the ICB's upload, linked to an account by invitation: read only here, so no account is linked
    and no specialist moves ICB with visits booked, without the services' checks and AccessEvents."""

    list_display = ["full_name", "discipline", "employer", "icb", "email", "active"]
    list_filter = ["discipline", "active", "icb__region"]
    search_fields = ["full_name", "email", "employer", "icb__name", "icb__ods_code"]
    list_select_related = ["icb"]
    inlines = [CapacityInline, UnavailabilityInline]
    actions = ["remove_accounts"]

    @admin.action(permissions=["run_service"], description="Remove the selected specialists' accounts")
    def remove_accounts(self, request, queryset):
        self.run_service(
            request,
            queryset.select_related("user", "icb"),
            lambda specialist: specialist_account_remove(specialist=specialist, by=request.user),
            done="Accounts removed",
        )


@admin.register(Capacity)
class CapacityAdmin(ReadOnly, admin.ModelAdmin):
    """Its days allocated move only with bookings, under the row's lock: read only here."""

    list_display = ["specialist", "programme_year", "days", "allocated_days"]
    list_filter = ["programme_year"]
    search_fields = ["specialist__full_name", "specialist__email"]
    list_select_related = ["specialist", "programme_year"]


class UnavailabilityForm(forms.ModelForm):
    class Meta:
        model = Unavailability
        fields = ["specialist", "starts_on", "ends_on", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                unavailability_check(
                    specialist=cleaned["specialist"], starts_on=cleaned["starts_on"], ends_on=cleaned["ends_on"]
                )
            except RuleBroken as error:
                raise ValidationError(error.message) from None
        return cleaned


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    """Leave is recorded through its service, which refuses days with a visit booked; it is not edited (a
    longer period could cover a visit) but can be deleted, which only frees days."""

    form = UnavailabilityForm
    list_display = ["specialist", "starts_on", "ends_on", "reason"]
    search_fields = ["specialist__full_name", "reason"]
    list_select_related = ["specialist"]
    raw_id_fields = ["specialist"]
    date_hierarchy = "starts_on"

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form has checked the rule; the service checks it again as it writes.
        saved = unavailability_record(
            specialist=obj.specialist, starts_on=obj.starts_on, ends_on=obj.ends_on, reason=obj.reason, by=request.user
        )
        obj.pk = saved.pk


@admin.register(Visit)
class VisitAdmin(ServiceActions, ReadOnlyHistory, admin.ModelAdmin):
    """Booked, moved and recorded through the service's pages, which check every scheduling rule; the admin
    can only cancel, through the same service, which gives the days back and keeps the history."""

    list_display = ["date", "session", "specialist", "enrolment", "status", "version"]
    list_filter = ["status", "session", "enrolment__programme_year", "enrolment__icb__region"]
    search_fields = ["specialist__full_name", "enrolment__school__name", "=enrolment__school__urn"]
    list_select_related = ["specialist", "enrolment__school", "enrolment__programme_year"]
    date_hierarchy = "date"
    actions = ["cancel_selected"]

    @admin.action(permissions=["run_service"], description="Cancel the selected visits")
    def cancel_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirmed") and reason:
            self.run_service(
                request,
                queryset,
                lambda visit: visit_cancel(visit=visit, reason=reason, by=request.user),
                done="Cancelled",
            )
            return None
        # Like Django's own "delete selected": a page that asks for the reason the service requires.
        context = {
            **self.admin_site.each_context(request),
            "title": "Why are these visits cancelled?",
            "opts": self.opts,
            "visits": queryset.select_related("specialist", "enrolment__school"),
            "reason_missing": bool(request.POST.get("confirmed")),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/specialists/visit/cancel_selected.html", context)


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyHistory, admin.ModelAdmin):
    """Recorded by the specialist or coordinator once the visit has happened, which marks it delivered."""

    list_display = ["visit", "staff_reached", "recorded_at", "recorded_by"]
    search_fields = ["visit__enrolment__school__name", "notes"]
    list_select_related = ["visit__specialist", "visit__enrolment__school", "recorded_by"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ServiceActions, ReadOnly, admin.ModelAdmin):
    """Made by the school, answered by its coordinator; the admin can mark requests resolved, as its service."""

    list_display = ["visit", "requested_at", "requested_by", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["visit__enrolment__school__name", "reason"]
    list_select_related = ["visit__specialist", "visit__enrolment__school", "requested_by"]
    actions = ["resolve_selected"]

    @admin.action(permissions=["run_service"], description="Mark the selected requests resolved")
    def resolve_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda change_request: change_request_resolve(change_request=change_request, by=request.user),
            done="Resolved",
        )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ServiceActions, ReadOnly, admin.ModelAdmin):
    """Feeds can be seen and revoked here; their secret addresses are never stored, so never shown."""

    list_display = ["__str__", "created_at", "created_by", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["school__name", "specialist__full_name"]
    list_select_related = ["school", "specialist", "created_by"]
    exclude = ["token_hash"]
    actions = ["revoke_selected"]

    @admin.action(permissions=["run_service"], description="Revoke the selected calendar feeds")
    def revoke_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda feed: calendar_feed_revoke(school=feed.school, specialist=feed.specialist, by=request.user),
            done="Revoked",
        )


@admin.register(Reminder)
class ReminderAdmin(ReadOnly, admin.ModelAdmin):
    """The claim that stops a reminder being sent twice: deleting one would send it again."""

    list_display = ["kind", "subject", "recipient", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "sent_at"


@admin.register(Notice)
class NoticeAdmin(ReadOnly, admin.ModelAdmin):
    """What each person was told about a change to a visit, and when it went: deleting one would send it again."""

    list_display = ["visit", "change", "recipient", "created_at", "sent_at"]
    list_filter = ["change"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["visit__enrolment__school", "visit__specialist"]


@admin.register(OpenVisitsChange)
class OpenVisitsChangeAdmin(ReadOnly, admin.ModelAdmin):
    """Written by the visits' open-visits trigger and folded by beat (national progress counts overdue visits
    from them): read only here."""

    list_display = ["icb", "programme_year", "date", "visits"]
    list_filter = ["programme_year"]
    search_fields = ["icb__name"]
    list_select_related = ["icb", "programme_year"]


@admin.register(PlannerWeights)
class PlannerWeightsAdmin(admin.ModelAdmin):
    """The programme admin's weights for "Suggest visits": one row, edited here; deleting it restores the defaults."""

    def has_add_permission(self, request):
        return not PlannerWeights.objects.exists()
