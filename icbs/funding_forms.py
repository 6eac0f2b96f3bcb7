"""Forms for parent carer forum funding: amounts typed in pounds and kept in pence (pins.kernel.forms.PoundsField)."""

import uuid

from django import forms

from icbs.models import ICB, ForumActivity
from pins.kernel.forms import GovukDateField, PoundsField
from pins.kernel.money import financial_year_label


def _new_key() -> str:
    return uuid.uuid4().hex


class _Checkboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class AwardForm(forms.Form):
    forum = forms.ModelChoiceField(
        queryset=None,
        label="Parent carer forum",
        empty_label="Choose a forum",
        error_messages={"required": "Choose the forum", "invalid_choice": "Choose one of your ICB's forums"},
    )
    schools = _Checkboxes(
        queryset=None,
        label="Schools the forum will work with",
        error_messages={
            "required": "Choose the schools the forum will work with",
            "invalid_choice": "Choose schools enrolled with your ICB",
        },
    )
    purpose = forms.CharField(
        label="What the award is for",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter what the award is for"},
    )
    amount = PoundsField(label="Amount", help_text="In pounds, for example 2500 or 2,500.50", least_pence=1)

    def __init__(self, *args, forums, schools, most_pence: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = forums
        self.fields["schools"].queryset = schools
        self.fields["amount"].most_pence = most_pence


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason"},
    )


class PaymentForm(forms.Form):
    amount = PoundsField(label="Amount to pay", least_pence=1)
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)
    # Made when the page is shown and sent back with the form: the same request twice pays once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, initial=_new_key)

    def __init__(self, *args, most_pence: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].most_pence = most_pence


class ReversalForm(forms.Form):
    amount = PoundsField(
        label="Amount to reverse", least_pence=1, help_text="In pounds: all of what is left of the payment, or less"
    )
    reason = forms.CharField(
        label="Why the payment is reversed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the payment is reversed"},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, initial=_new_key)

    def __init__(self, *args, most_pence: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].most_pence = most_pence


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the forum did",
        choices=ForumActivity.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the forum did"},
    )
    schools = _Checkboxes(
        queryset=None,
        label="Schools involved",
        error_messages={"required": "Choose the schools involved", "invalid_choice": "Choose the award's schools"},
    )
    parents_reached = forms.IntegerField(
        label="Number of parents and carers reached",
        min_value=0,
        max_value=100_000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the number of parents and carers reached",
            "invalid": "The number of parents and carers reached must be a whole number, like 12",
            "min_value": "The number of parents and carers reached must be 0 or more",
            "max_value": "The number of parents and carers reached must be 100,000 or fewer",
        },
    )
    happened_on = GovukDateField(label="Date", help_text="For example, 27 3 2027")
    description = forms.CharField(
        label="What happened (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools


class ClaimForm(forms.Form):
    activities = _Checkboxes(
        queryset=None,
        label="Activities the claim is for",
        error_messages={
            "required": "Choose the activities the claim is for",
            "invalid_choice": "Choose activities not yet claimed",
        },
    )
    amount = PoundsField(label="Amount claimed", least_pence=1, help_text="In pounds, for example 450 or 450.50")

    def __init__(self, *args, activities, most_pence: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = activities
        self.fields["activities"].label_from_instance = lambda activity: (
            f"{activity.get_kind_display()}, {activity.happened_on:%-d %B %Y}, "
            f"{activity.parents_reached} parents and carers"
        )
        self.fields["amount"].most_pence = most_pence


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: record the payment due"), ("return", "Return it to the forum")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or return the claim"},
    )
    reason = forms.CharField(
        label="Reason for returning it",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you return it: the forum sees this",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the claim is returned")
        return data


class PotForm(forms.Form):
    icb = forms.ModelChoiceField(
        queryset=ICB.objects.none(),
        label="ICB",
        empty_label="Choose an ICB",
        to_field_name="ods_code",
        error_messages={"required": "Choose the ICB", "invalid_choice": "Choose one of the ICBs"},
    )
    financial_year = forms.TypedChoiceField(
        label="Financial year", coerce=int, error_messages={"required": "Choose the financial year"}
    )
    amount = PoundsField(label="Amount in the pot", help_text="In pounds, for example 25000")

    def __init__(self, *args, icbs, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = icbs
        self.fields["icb"].label_from_instance = lambda icb: icb.short_name
        self.fields["financial_year"].choices = [(year, financial_year_label(year)) for year in years]
