"""A session's absolute lifetime: however active, a session ends this long after its sign-in, so a stolen
or forgotten session cannot be kept alive for ever by activity (the idle timeout is Django's cookie age)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

SIGNED_IN_AT = "pins_signed_in_at"


@receiver(user_logged_in)
def _remember_when_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class SessionLifetimeMiddleware:
    """Signs out a session older than SESSION_ABSOLUTE_LIFETIME_SECONDS, or one with no sign-in time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME_SECONDS:
                logout(request)
                messages.info(request, "You have been signed out because you signed in a long time ago")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
