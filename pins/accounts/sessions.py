"""A session's lifetimes: it ends after SESSION_COOKIE_AGE without activity, and however active, this long after
its sign-in, so a stolen or forgotten session cannot be kept alive for ever by activity.

The idle timeout is enforced here as well as by the session's expiry, because sessions are read from the cache
first (settings.SESSION_ENGINE) and a cache's expiry is only as good as the cache's clock."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

SIGNED_IN_AT = "pins_signed_in_at"
RENEWED_AT = "pins_renewed_at"
# Activity renews the idle timeout at most this often, so most requests save no session.
RENEW_AFTER_SECONDS = 60


@receiver(user_logged_in)
def _remember_when_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[RENEWED_AT] = time.time()


class SessionLifetimeMiddleware:
    """Signs out a session older than SESSION_ABSOLUTE_LIFETIME_SECONDS, one idle for longer than
    SESSION_COOKIE_AGE, or one with no sign-in time, and renews the idle timeout of a signed-in session at most
    once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            now = time.time()
            if signed_in_at is None or now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME_SECONDS:
                logout(request)
                messages.info(request, "You have been signed out because you signed in a long time ago")
                return redirect_to_login(request.get_full_path())
            renewed_at = request.session.get(RENEWED_AT, signed_in_at)
            if now - renewed_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, "You have been signed out because you had not done anything for a while")
                return redirect_to_login(request.get_full_path())
            if now - renewed_at >= RENEW_AFTER_SECONDS:
                request.session[RENEWED_AT] = time.time()  # a changed session is saved with a new expiry
        return self.get_response(request)
