from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from pins.accounts.authorization import RequestAccess
from pins.accounts.mfa import second_factor_passed
from pins.accounts.services import download_record

# Pages anyone signed in may reach before setting up MFA: the set-up itself, signing out, and pages with
# no programme data.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/accessibility/", "/privacy/", "/cookies/", "/guidance/")


class AccessMiddleware:
    """Gives every request `request.access`: what its user may see and do (loaded lazily, once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = RequestAccess(request.user)
        return self.get_response(request)


class MfaRequiredMiddleware:
    """DfE staff, ICB coordinators and anyone who can reach the admin pass a second factor in this session
    before they reach any data page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and request.access.requires_mfa
            and not second_factor_passed(request)
        ):
            # Someone with an authenticator who signed in without it gives a code through allauth's
            # reauthentication step, which records the second factor in this session; others set one up.
            step = "mfa_reauthenticate" if is_mfa_enabled(request.user) else "mfa_activate_totp"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class AdminStaffOnlyMiddleware:
    """Someone signed in who may not use the admin is refused there; the admin would otherwise send them to its
    sign-in page, which sends them to the service's sign-in, which sends them back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_root = reverse("admin:index")
        if (
            request.user.is_authenticated
            and request.path.startswith(admin_root)
            and request.path != reverse("admin:login")
            and not admin.site.has_permission(request)
        ):
            raise PermissionDenied
        return self.get_response(request)


class DownloadRecordMiddleware:
    """Records every file a signed-in person downloads (a response sent as an attachment): who, what, when.
    A view that sends no personal data says so by setting `request.download_without_personal_data`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if response.status_code == 200 and disposition.startswith("attachment") and request.user.is_authenticated:
            download_record(
                path=request.get_full_path()[:500],
                filename=disposition.partition("filename=")[2].strip('"')[:200],
                personal=not getattr(request, "download_without_personal_data", False),
                by=request.user,
            )
        return response
