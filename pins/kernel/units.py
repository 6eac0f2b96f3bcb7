"""The programme's unit of time: days at half-day granularity.

Days are Decimals with one decimal place (a full day 1.0, a morning or afternoon 0.5), never floats.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models.functions import Round

HALF_DAY = Decimal("0.5")
FULL_DAY = Decimal("1.0")


def DaysField(verbose_name: str | None = None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", 5)
    kwargs.setdefault("decimal_places", 1)
    return models.DecimalField(verbose_name, **kwargs)


def whole_half_days(field: str, *, name: str, nullable: bool = False) -> models.CheckConstraint:
    """Every stored value is a whole number of half-days (0.5, 1.0, 1.5, ...), and not negative."""
    condition = models.Q(**{field: Round(models.F(field) * 2) / 2, f"{field}__gte": 0})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def is_whole_half_days(value: Decimal) -> bool:
    return value >= 0 and (value * 2) == (value * 2).to_integral_value()


def days_number(value: Decimal | None) -> str:
    """A number of days without trailing zeros: 5.0 -> "5", 4.5 -> "4.5"."""
    return f"{Decimal(value or 0).normalize():f}"


def format_days(value: Decimal | None) -> str:
    """5 -> "5 days", 0.5 -> "0.5 days", 1 -> "1 day"."""
    text = days_number(value)
    return f"{text} day" if text == "1" else f"{text} days"


def figure(value: Decimal | int | None) -> str:
    """A figure as GOV.UK style writes it: thousands separated by commas, days to the nearest half-day with a
    half as ".5" and no trailing zeros. 8410 -> "8,410", Decimal("2325.4") -> "2,325.5", 4.0 -> "4"."""
    halves = (Decimal(value or 0) * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    whole, half = divmod(abs(halves), 2)
    text = f"{'-' if halves < 0 else ''}{int(whole):,}"
    return f"{text}.5" if half else text
