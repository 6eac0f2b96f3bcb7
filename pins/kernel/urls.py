"""Addresses reversed once and remembered: `reverse` parses the URLconf's patterns on every call (about 30 µs),
and a list page links each of its rows, so the same page asks for the same addresses on every request.

An address depends only on the view's name, its arguments, the URLconf and the script prefix, so those are the
key. Only arguments of plain types are remembered (a model instance could print differently with the same key);
anything else is reversed afresh. The memory is bounded and cleared when a test swaps the URLconf.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

REMEMBERED = 16_384  # addresses; a few MB at most
_PLAIN = (int, str)


@functools.lru_cache(maxsize=REMEMBERED)
def _remembered(viewname, args, kwargs, current_app, urlconf, prefix) -> str:
    del prefix  # part of the key only: reverse reads it itself
    return reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def reverse_remembered(viewname: str, *, args=(), kwargs=None, current_app=None) -> str:
    """`django.urls.reverse`, remembered for arguments that are whole numbers or text."""
    kwargs = kwargs or {}
    values = (*args, *kwargs.values())
    if not isinstance(viewname, str) or not all(type(value) in _PLAIN for value in values):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _remembered(
        viewname, tuple(args), tuple(sorted(kwargs.items())), current_app, get_urlconf(), get_script_prefix()
    )


@receiver(setting_changed)
def _forget_on_new_urlconf(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _remembered.cache_clear()
