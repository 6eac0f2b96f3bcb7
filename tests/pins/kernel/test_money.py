import datetime

import pytest
from django import forms

from pins.kernel.forms import PoundsField
from pins.kernel.money import financial_year_dates, financial_year_label, financial_year_of, pounds


@pytest.mark.parametrize(
    ("pence", "text"),
    [(0, "£0.00"), (5, "£0.05"), (123450, "£1,234.50"), (100_000_000, "£1,000,000.00"), (-1200, "-£12.00")],
)
def test_pence_are_shown_as_pounds(pence, text):
    assert pounds(pence) == text


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 4, 1), 2026),
        (datetime.date(2027, 3, 31), 2026),
        (datetime.date(2026, 3, 31), 2025),
        (datetime.date(2026, 12, 25), 2026),
    ],
)
def test_the_financial_year_runs_april_to_march(day, year):
    assert financial_year_of(day) == year
    start, end = financial_year_dates(year)
    assert start <= day <= end


def test_a_financial_year_is_named_by_its_two_calendar_years():
    assert financial_year_label(2026) == "2026-27"
    assert financial_year_label(2099) == "2099-00"


class AmountForm(forms.Form):
    amount = PoundsField(label="Amount", most_pence=500_000)


@pytest.mark.parametrize(
    ("typed", "pence"), [("1250", 125_000), ("£1,250.50", 125_050), ("12.5", 1_250), (" 0.01 ", 1), ("5000", 500_000)]
)
def test_an_amount_in_pounds_is_read_as_pence(typed, pence):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Amount must be £0 or more"),
        ("0.001", "Amount must be in pounds and pence, with no fractions of a penny"),
        ("12.345", "Amount must be in pounds and pence, with no fractions of a penny"),
        ("twelve", "Amount must be an amount of money in pounds, like 1250 or 1,250.50"),
        ("1e5", "Amount must be an amount of money in pounds, like 1250 or 1,250.50"),
        ("5000.01", "Amount must be £5,000.00 or less: that is what remains"),
        ("99999999999999", "Amount must be £1,000,000,000.00 or less"),
        ("", "Enter the amount"),
    ],
)
def test_a_bad_amount_gets_a_clear_message(typed, message):
    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert form.errors["amount"] == [message]
