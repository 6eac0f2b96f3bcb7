from django import template

from pins.kernel.money import financial_year_label, pounds

register = template.Library()


@register.filter(name="pounds")
def pounds_filter(pence) -> str:
    """Whole pence shown as pounds: 123450 -> "£1,234.50"."""
    return pounds(pence)


@register.filter(name="financial_year")
def financial_year_filter(start_year) -> str:
    """2026 -> "2026-27"."""
    return financial_year_label(int(start_year))
