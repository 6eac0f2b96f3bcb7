from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from health_check.views import HealthCheckView

from pins import health, views

# The admin signs people in through allauth, so its sign-in gets the same rate limits and MFA.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "PINS programme administration"
admin.site.site_title = "PINS programme"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("accounts/email/", views.email_address, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("icbs/", include("icbs.urls")),
    path("schools/", include("schools.urls")),
    path("", include("pins.access_urls")),
    path("admin/", admin.site.urls),
    path("healthz", HealthCheckView.as_view(checks=health.CHECKS), name="healthz"),
]
