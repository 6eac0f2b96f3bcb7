from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from pins.authorization import Access

# Pages anyone signed in may reach before setting up MFA: the set-up itself, signing out, and pages with
# no programme data.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/accessibility/", "/privacy/", "/cookies/")


class AccessMiddleware:
    """Gives every request `request.access`: what its user may see and do (loaded lazily, once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = Access(request.user)
        return self.get_response(request)


class MfaRequiredMiddleware:
    """DfE staff and ICB coordinators set up two-factor authentication before they reach any data page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and request.access.requires_mfa
            and not _mfa_satisfied(request)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)


def _mfa_satisfied(request) -> bool:
    if is_mfa_enabled(request.user):
        return True
    # An identity provider that enforces MFA itself (DfE Sign-in, NHS identity) satisfies the requirement.
    records = get_authentication_records(request, request.user)
    trusted = {provider["id"] for provider in settings.OIDC_PROVIDERS if provider.get("enforces_mfa")}
    return any(record.get("method") == "socialaccount" and record.get("provider") in trusted for record in records)
