"""The programme admin's trajectory form: the shares of days expected by the end of a month."""

import datetime

from django import forms

from schools.models import ProgrammeYear


def months_of(year: ProgrammeYear) -> list[datetime.date]:
    months, month = [], year.starts_on.replace(day=1)
    while month <= year.ends_on:
        months.append(month)
        month = (month + datetime.timedelta(days=31)).replace(day=1)
    return months


class PlanMilestoneForm(forms.Form):
    month = forms.TypedChoiceField(
        label="By the end of",
        coerce=datetime.date.fromisoformat,
        error_messages={"required": "Choose a month", "invalid_choice": "Choose a month of the programme year"},
    )
    allocated_percent = forms.IntegerField(
        label="Share of days allocated (%)",
        min_value=0,
        max_value=100,
        help_text="For example 60",
        error_messages={
            "required": "Enter the share of days expected to be allocated",
            "invalid": "Enter the share allocated as a whole number, like 60",
            "min_value": "The share allocated must be 0 or more",
            "max_value": "The share allocated must be 100 or less",
        },
    )
    delivered_percent = forms.IntegerField(
        label="Share of days delivered (%)",
        min_value=0,
        max_value=100,
        help_text="For example 20",
        error_messages={
            "required": "Enter the share of days expected to be delivered",
            "invalid": "Enter the share delivered as a whole number, like 20",
            "min_value": "The share delivered must be 0 or more",
            "max_value": "The share delivered must be 100 or less",
        },
    )

    def __init__(self, *args, year: ProgrammeYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "Choose a month")] + [
            (month.isoformat(), f"{month:%B %Y}") for month in months_of(year)
        ]


class NationalSearchForm(forms.Form):
    q = forms.CharField(
        label="School, specialist or ICB",
        help_text="A school's name or 6-digit URN, a specialist's name, or an ICB's name or ODS code",
        min_length=2,
        max_length=100,
        error_messages={
            "required": "Enter a name, URN or ODS code to search for",
            "min_length": "Enter at least 2 characters",
            "max_length": "Enter 100 characters or fewer",
        },
    )


class FreeTextReviewForm(forms.Form):
    """The programme admin's decision on one note in the review queue."""

    decision = forms.ChoiceField(
        label="May this go to the evaluation?",
        choices=[
            ("approved", "Yes, as written"),
            ("redacted", "Yes, with names and details taken out"),
            ("kept_out", "No, keep it out"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this may go to the evaluation"},
    )
    redacted = forms.CharField(
        label="The text with names and details taken out",
        help_text="Only if you chose to take names and details out. Evaluators get this instead of the note.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    digest = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "redacted" and not cleaned.get("redacted", "").strip():
            self.add_error("redacted", "Enter the text with names and details taken out")
        return cleaned
