"""Django forms rendered as GOV.UK Design System fields.

Every form in the project (ours, allauth's, django-filter's) renders through GovukFormRenderer, so a template
writes `{{ form }}` or `{{ form.field.as_field_group }}` and gets the GOV.UK label, hint, error message and
input classes, with the ids the error summary links to.
"""

import datetime

from django import forms
from django.forms.renderers import TemplatesSetting

from pins.kernel.money import NotAnAmount, pence_from_pounds, pounds, pounds_for_input

# GOV.UK class for each widget type (BoundField.widget_type), and its error modifier.
_INPUT_CLASSES = {
    "select": ("govuk-select", "govuk-select--error"),
    "nullbooleanselect": ("govuk-select", "govuk-select--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
}
_CHOICE_WIDGETS = {"radioselect", "checkboxselectmultiple", "checkbox"}


class GovukBoundField(forms.BoundField):
    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(self.hint_id)
            if self.errors:
                ids.append(self.error_id)
        return " ".join(ids)

    @property
    def error_target_id(self) -> str:
        """The element the error summary links to: the first radio, checkbox or date box, else the input."""
        if self.widget_type in {"radioselect", "checkboxselectmultiple"}:
            return f"{self.auto_id}_0"
        if isinstance(self.field.widget, GovukDateInput):
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id

    @property
    def uses_fieldset(self) -> bool:
        return self.widget_type in _CHOICE_WIDGETS - {"checkbox"} or self.use_fieldset

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK services validate on the server and show the error summary; the browser's own bubbles
        # would pre-empt it.
        attrs["required"] = False
        attrs["placeholder"] = False  # GOV.UK: placeholders are no substitute for labels and hints
        widget = widget or self.field.widget
        widget_type = self.widget_type
        if widget_type in _CHOICE_WIDGETS or self.is_hidden:
            return attrs
        base, error = _INPUT_CLASSES.get(widget_type, ("govuk-input", "govuk-input--error"))
        classes = [widget.attrs.get("class", ""), attrs.get("class", ""), base]
        if self.errors:
            classes.append(error)
        attrs["class"] = " ".join(c for c in classes if c)
        return attrs


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"
    bound_field_class = GovukBoundField


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year in three boxes."""

    template_name = "forms/govuk/date_input.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        widgets = {"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dict):  # as typed, when the form is shown again with an error
            return [value.get("day"), value.get("month"), value.get("year")]
        if value:
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = super().value_from_datadict(data, files, name)
        if not (day or month or year):
            return None
        return {"day": day, "month": month, "year": year}

    def format_value(self, value):
        if isinstance(value, dict):
            return [value.get("day"), value.get("month"), value.get("year")]
        return super().format_value(value)


class GovukDateField(forms.DateField):
    """A date typed as day, month and year, with the GOV.UK error messages for each way it can be wrong."""

    widget = GovukDateInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.label and "required" not in kwargs.get("error_messages", {}):
            self.error_messages["required"] = f"Enter the {self.label[0].lower()}{self.label[1:]}"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        parts = {key: (value.get(key) or "").strip() for key in ("day", "month", "year")}
        label = self.label or "Date"
        missing = [key for key, text in parts.items() if not text]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        if not all(text.isdigit() for text in parts.values()):
            raise forms.ValidationError(f"{label} must be a real date", code="invalid")
        if len(parts["year"]) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None


def show_rule_broken(form: forms.Form, error) -> None:
    """Put a service's RuleBroken on the form: on its field when it names one, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class PoundsField(forms.Field):
    """An amount typed in pounds ('1,250.50'), cleaned to whole pence (125050). Refuses negative amounts,
    fractions of a penny, text, and more than `most_pence` (what remains), each with its own message."""

    # A billion pounds: far above any pot, and well inside PostgreSQL's bigint.
    LARGEST_PENCE = 100_000_000_000

    def __init__(self, *args, most_pence: int | None = None, least_pence: int = 0, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}))
        super().__init__(*args, **kwargs)
        self.most_pence = most_pence
        self.least_pence = least_pence
        if self.label and "required" not in kwargs.get("error_messages", {}):
            self.error_messages["required"] = f"Enter the {self.label[0].lower()}{self.label[1:]}"

    def prepare_value(self, value):
        return pounds_for_input(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        if len(value) > 30:
            raise forms.ValidationError(
                f"{self.label or 'Amount'} is too long to be an amount of money", code="invalid"
            )
        label = self.label or "Amount"
        try:
            pence = pence_from_pounds(value, label=label)
        except NotAnAmount as problem:
            raise forms.ValidationError(str(problem), code="invalid") from None
        if pence > self.LARGEST_PENCE:
            raise forms.ValidationError(f"{label} must be {pounds(self.LARGEST_PENCE)} or less", code="max_value")
        if pence < self.least_pence:
            raise forms.ValidationError(f"{label} must be {pounds(self.least_pence)} or more", code="min_value")
        if self.most_pence is not None and pence > self.most_pence:
            raise forms.ValidationError(
                f"{label} must be {pounds(self.most_pence)} or less: that is what remains", code="too_much"
            )
        return pence
