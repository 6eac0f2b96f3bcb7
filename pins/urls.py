"""The project's URLs. Pages that combine several apps (an ICB's schools with their visits) are wired here,
in the one layer that knows every app."""

from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from pins import health, views
from pins.accounts.admin_sign_in import admin_sign_in
from pins.reporting import funding as reporting_funding
from pins.reporting import views as reporting_views
from schools import views as school_views
from specialists.views import calendars, leave, plan, schedule, uploads, visits
from specialists.views import icb as icb_pages
from specialists.views import schools as school_pages

# The admin signs people in through allauth, so its sign-in gets the same rate limits and MFA.
admin.site.login = admin_sign_in
admin.site.site_header = "PINS programme administration"
admin.site.site_title = "PINS programme"

icb_urls = (
    [
        path("icbs/", school_views.icb_list, name="list"),
        path("icbs/<str:ods_code>/", icb_pages.icb_overview, name="detail"),
    ],
    "icbs",
)
# A school's pages; those about its visits and closures are the scheduling context's (specialists.views).
school_urls = (
    [
        path("schools/<int:urn>/", school_pages.school_detail, name="detail"),
        path(
            "schools/<int:urn>/enrolments/<int:enrolment_id>/status/",
            school_views.change_enrolment_status,
            name="enrolment_status",
        ),
        path("schools/<int:urn>/self-assessment/", school_views.self_assessment, name="self_assessment"),
        path(
            "schools/<int:urn>/self-assessment/<str:stage>/",
            school_views.self_assessment_edit,
            name="self_assessment_edit",
        ),
        path("schools/<int:urn>/parent-carers/", school_views.parent_carers, name="parent_carers"),
        path("schools/<int:urn>/closures/", school_pages.closure_dates, name="closure_dates"),
        path(
            "schools/<int:urn>/closures/<int:closure_id>/remove/",
            school_pages.remove_closure_date,
            name="closure_date_remove",
        ),
        path("schools/<int:urn>/calendar/", calendars.school_calendar, name="calendar"),
        path("icbs/<str:ods_code>/schools/enrol/", school_views.enrol_schools, name="enrol"),
        path("icbs/<str:ods_code>/schools/upload/", school_views.upload_schools, name="upload"),
        path("programme/holidays/", school_views.programme_holidays, name="holidays"),
        path("programme/holidays/new/", school_views.programme_holiday_add, name="holiday_add"),
        path("programme/holidays/<int:holiday_id>/", school_views.programme_holiday_change, name="holiday_change"),
        path(
            "programme/holidays/<int:holiday_id>/remove/", school_views.programme_holiday_remove, name="holiday_remove"
        ),
        path("programme/years/", school_views.programme_years, name="programme_years"),
        path("programme/years/new/", school_views.programme_year_add_page, name="programme_year_add"),
        path("programme/years/<str:label>/", school_views.programme_year, name="programme_year"),
        path(
            "programme/years/<str:label>/change/",
            school_views.programme_year_change_page,
            name="programme_year_change",
        ),
        path(
            "programme/years/<str:label>/remove/",
            school_views.programme_year_remove_page,
            name="programme_year_remove",
        ),
        path("programme/years/<str:label>/cohorts/new/", school_views.cohort_add_page, name="cohort_add"),
        path(
            "programme/years/<str:label>/cohorts/<int:cohort_id>/",
            school_views.cohort_change_page,
            name="cohort_change",
        ),
        path(
            "programme/years/<str:label>/cohorts/<int:cohort_id>/remove/",
            school_views.cohort_remove_page,
            name="cohort_remove",
        ),
        path(
            "programme/years/<str:label>/blackouts/new/",
            school_views.blackout_period_add_page,
            name="blackout_period_add",
        ),
        path(
            "programme/years/<str:label>/blackouts/<int:period_id>/",
            school_views.blackout_period_change_page,
            name="blackout_period_change",
        ),
        path(
            "programme/years/<str:label>/blackouts/<int:period_id>/remove/",
            school_views.blackout_period_remove_page,
            name="blackout_period_remove",
        ),
        path("icbs/<str:ods_code>/term-dates/", school_views.icb_term_dates, name="icb_term_dates"),
        path(
            "icbs/<str:ods_code>/term-dates/<str:dfe_code>/upload/",
            school_views.upload_term_dates,
            name="term_dates_upload",
        ),
        path("schools/<int:urn>/term-dates/", school_views.school_term_dates, name="term_dates"),
        path(
            "schools/<int:urn>/term-dates/<int:holiday_id>/remove/",
            school_views.remove_school_term_date,
            name="term_date_remove",
        ),
    ],
    "schools",
)
visit_urls = (
    [
        path("icbs/<str:ods_code>/visits/new/", visits.allocate, name="allocate"),
        path("icbs/<str:ods_code>/visits/suggested/", plan.plan, name="plan"),
        path("icbs/<str:ods_code>/visits/suggested/booked/", plan.plan_result, name="plan_result"),
        path("icbs/<str:ods_code>/schedule/", schedule.icb_schedule, name="schedule"),
        path("visits/<int:visit_id>/", visits.visit_detail, name="detail"),
        path("visits/<int:visit_id>/confirm/", visits.confirm, name="confirm"),
        path("visits/<int:visit_id>/cancel/", visits.cancel, name="cancel"),
        path("visits/<int:visit_id>/reschedule/", visits.reschedule, name="reschedule"),
        path("visits/<int:visit_id>/outcome/", visits.record_outcome, name="outcome"),
        path("visits/<int:visit_id>/did-not-take-place/", visits.not_held, name="not_held"),
        path("visits/<int:visit_id>/decline/", visits.decline, name="decline"),
        path("visits/<int:visit_id>/change/", visits.request_change, name="request_change"),
        path(
            "visits/<int:visit_id>/change-requests/<int:change_request_id>/resolve/",
            visits.resolve_change_request,
            name="resolve_change_request",
        ),
    ],
    "visits",
)
specialist_urls = (
    [
        path("icbs/<str:ods_code>/specialists/", icb_pages.icb_specialists_page, name="icb"),
        path("icbs/<str:ods_code>/specialists/upload/", uploads.upload_specialists, name="upload"),
        path("specialists/<int:specialist_id>/", schedule.specialist_schedule, name="schedule"),
        path("specialists/<int:specialist_id>/calendar/", calendars.specialist_calendar, name="calendar"),
        path("specialists/<int:specialist_id>/leave/", leave.specialist_leave, name="leave"),
    ],
    "specialists",
)
calendar_urls = (
    [
        path("calendars/<str:token>.ics", calendars.feed, name="feed"),
        path("icbs/<str:ods_code>/access/calendars/", calendars.icb_calendars, name="icb"),
        path("icbs/<str:ods_code>/access/calendars/<int:feed_id>/stop/", calendars.stop_calendar_feed, name="stop"),
    ],
    "calendars",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", reporting_views.national_progress_page, name="progress"),
    path("progress/export/<str:kind>.<str:extension>", reporting_views.export, name="progress_export"),
    path("progress/trajectory/", reporting_views.trajectory_page, name="progress_trajectory"),
    path("progress/downloads/", reporting_views.downloads_page, name="progress_downloads"),
    path("progress/reviews/", reporting_views.free_text_reviews_page, name="progress_reviews"),
    path("search/", reporting_views.national_search_page, name="search"),
    path("guidance/", views.guidance, name="guidance"),
    path("progress/export/dictionary/", reporting_views.data_dictionary_page, name="progress_data_dictionary"),
    path("icbs/<str:ods_code>/reports/", reporting_views.icb_reports_page, name="progress_icb_reports"),
    path(
        "progress/icb/<str:ods_code>/export/<str:kind>.<str:extension>",
        reporting_views.icb_export,
        name="progress_icb_export",
    ),
    path("progress/funding/", reporting_funding.national_funding_page, name="progress_funding"),
    path(
        "progress/funding/export.<str:extension>",
        reporting_funding.national_funding_export,
        name="progress_funding_export",
    ),
    path("progress/funding/ledger.csv", reporting_funding.national_ledger_export, name="progress_funding_ledger"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("accounts/email/", views.email_address, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("", include(icb_urls)),
    path("", include(school_urls)),
    path("", include(visit_urls)),
    path("", include(specialist_urls)),
    path("", include(calendar_urls)),
    path("", include("pins.accounts.urls")),
    path("", include("icbs.urls")),
    path("admin/", admin.site.urls),
    path("healthz", HealthCheckView.as_view(checks=health.CHECKS), name="healthz"),
    path("healthz/workers", HealthCheckView.as_view(checks=health.WORKER_CHECKS), name="healthz_workers"),
]
