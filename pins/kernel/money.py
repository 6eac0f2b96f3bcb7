"""The programme's money: whole pence (integers), never floats, shown as pounds ("£1,234.50")."""

import datetime
import re

# "1234", "1,234", "1234.5", "1,234.50", with an optional pound sign: at most two decimal places.
_POUNDS = re.compile(r"^£?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]*))?$")


class NotAnAmount(ValueError):
    """Text that is not an amount of money in pounds and pence; the message is written for the person."""


def pence_from_pounds(text: str, *, label: str = "Amount") -> int:
    """'£1,234.50' -> 123450. Refuses negative amounts, fractions of a penny and anything that is not a number."""
    cleaned = (text or "").strip().replace(" ", "")
    if cleaned.startswith("-") or cleaned.startswith("£-"):
        raise NotAnAmount(f"{label} must be £0 or more")
    match = _POUNDS.match(cleaned)
    if match is None:
        raise NotAnAmount(f"{label} must be an amount of money in pounds, like 1250 or 1,250.50")
    fraction = (match["fraction"] or "").rstrip("0") if match["fraction"] is not None else ""
    if len(fraction) > 2:
        raise NotAnAmount(f"{label} must be in pounds and pence, with no fractions of a penny")
    whole = int(match["whole"].replace(",", ""))
    return whole * 100 + int(fraction.ljust(2, "0"))


def pounds(pence: int | None) -> str:
    """123450 -> '£1,234.50'; a negative amount as '-£12.00'."""
    pence = int(pence or 0)
    sign = "-" if pence < 0 else ""
    whole, rest = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{rest:02d}"


def pounds_for_input(pence: int | None) -> str:
    """123450 -> '1234.50': the value a pounds box shows, without the sign and separators."""
    if pence is None:
        return ""
    whole, rest = divmod(int(pence), 100)
    return f"{whole}.{rest:02d}"


def financial_year_of(date: datetime.date) -> int:
    """The financial year (April to March) a date falls in, named by the year it starts: 1 Mar 2027 -> 2026."""
    return date.year if date.month >= 4 else date.year - 1


def financial_year_label(start_year: int) -> str:
    """2026 -> '2026-27'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_dates(start_year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a financial year: 1 April to 31 March."""
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)
