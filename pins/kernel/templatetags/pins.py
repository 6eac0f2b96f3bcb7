from django import template

from pins.kernel.units import days_number, figure, format_days

register = template.Library()


@register.filter
def days(value) -> str:
    """5 -> "5 days", 0.5 -> "0.5 days", 1 -> "1 day"."""
    return format_days(value)


@register.filter(name="days_number")
def days_number_filter(value) -> str:
    """A number of days without trailing zeros: 5.0 -> "5", 4.5 -> "4.5"."""
    return days_number(value)


@register.filter(name="figure")
def figure_filter(value) -> str:
    """8410 -> "8,410"; 2325.4 days -> "2,325.5" (pins.kernel.units.figure)."""
    return figure(value)
