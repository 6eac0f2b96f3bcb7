"""The GOV.UK date input: day, month and year boxes, with a message for each way a date can be wrong."""

import datetime

import pytest
from django import forms

from pins.kernel.forms import GovukDateField


class DateForm(forms.Form):
    date = GovukDateField(label="Date of the visit")


def _clean(day, month, year):
    form = DateForm({"date_day": day, "date_month": month, "date_year": year})
    return form.cleaned_data["date"] if form.is_valid() else form.errors["date"][0]


@pytest.mark.parametrize(
    ("day", "month", "year", "result"),
    [
        ("3", "11", "2026", datetime.date(2026, 11, 3)),
        (" 03 ", "11", "2026", datetime.date(2026, 11, 3)),
        ("", "11", "2026", "Date of the visit must include a day"),
        ("3", "", "", "Date of the visit must include a month and year"),
        ("31", "2", "2027", "Date of the visit must be a real date"),
        ("3", "November", "2026", "Date of the visit must be a real date"),
        ("3", "11", "26", "Year must include 4 numbers"),
        ("9" * 25, "1", "2027", "Date of the visit must be a real date"),
        ("", "", "", "Enter the date of the visit"),
    ],
)
def test_each_way_a_date_can_be_wrong_has_its_message(day, month, year, result):
    assert _clean(day, month, year) == result


def test_a_wrong_date_is_shown_again_as_typed():
    form = DateForm({"date_day": "31", "date_month": "2", "date_year": "2027"})

    html = str(form["date"])

    assert 'value="31"' in html and 'value="2"' in html and 'value="2027"' in html
    assert html.count("govuk-input--error") == 3
