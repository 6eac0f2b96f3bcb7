"""Requests the service refuses before any view sees them: bodies too large to read, and addresses or form
values carrying control characters (a NUL byte reaches PostgreSQL as an error, a newline breaks a header).

Both answer with a GOV.UK error page and a 4xx, never a server error."""

import re

from django.conf import settings
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

# Any C0 control character or DEL: never part of a web address the service makes.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class RequestBodyLimitMiddleware:
    """Refuses a body larger than MAX_REQUEST_BODY_BYTES from its declared length, before anything reads
    it: a large upload is never written to disk only to be refused afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request, 400)
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return _refuse(request, 413)
        return self.get_response(request)


class MalformedRequestMiddleware:
    """Refuses a path, a query or a `next` address with control characters, and form values with a NUL byte
    (a text box may hold line breaks, never a NUL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path) or _any_control_character(request.GET):
            return _refuse(request, 400)
        if request.method == "POST" and (
            any("\x00" in value for value in _values(request.POST))
            or CONTROL_CHARACTERS.search(request.POST.get("next", ""))
        ):
            return _refuse(request, 400)
        return self.get_response(request)


def _values(query_dict):
    for key, values in query_dict.lists():
        yield key
        yield from values


def _any_control_character(query_dict) -> bool:
    return any(CONTROL_CHARACTERS.search(value) for value in _values(query_dict))


def _refuse(request, status: int):
    context = {"limit_megabytes": settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)}
    return render(request, f"{status}.html", context, status=status)


def next_address(request) -> str | None:
    """The form's `next` address when it is a safe place on this site to go back to, else None."""
    address = request.POST.get("next", "")
    if not address or CONTROL_CHARACTERS.search(address):
        return None
    if not url_has_allowed_host_and_scheme(address, allowed_hosts={request.get_host()}, require_https=False):
        return None
    return address
