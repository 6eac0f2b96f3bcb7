"""The options of a select, written in Python: Django's templates take several milliseconds to write an ICB's
hundreds of schools one option at a time, this a fraction of one. The markup is Django's own
(django/forms/widgets/select.html, select_option.html and attrs.html), character for character."""

import html

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _escaped(value) -> str:
    """What `{{ value }}` writes (conditional_escape, without the lazy-text wrapper that doubles its cost)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _written(value) -> str:
    """What `{{ value|stringformat:'s' }}` writes: the text, always escaped."""
    return html.escape(f"{value}")


def _attributes(attrs: dict) -> str:
    """What attrs.html writes: ` name` for true, ` name="value"` for anything else, nothing for false."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_written(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@register.filter
def select_options(optgroups) -> SafeString:
    """The <option>s of a select widget's `optgroups`, in their <optgroup>s when they have a name."""
    written = []
    for group_name, group_choices, _ in optgroups:
        if group_name:
            written.append(f'\n  <optgroup label="{_escaped(group_name)}">')
        written += [
            f'\n  <option value="{_written(option["value"])}"{_attributes(option["attrs"])}>'
            f"{_escaped(option['label'])}</option>\n"
            for option in group_choices
        ]
        if group_name:
            written.append("\n  </optgroup>")
    return mark_safe("".join(written))
