"""The Django admin's sign-in page, which sends everyone to the service's own sign-in."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def admin_sign_in(request):
    """Django's own password form is never shown nor read: allauth's sign-in has the rate limits and the
    second factor, and a person already signed in cannot switch to another account behind it."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
