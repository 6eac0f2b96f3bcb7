from django.contrib import admin

from specialists.models import Capacity, Specialist, Unavailability


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
