from django import forms

from pins.kernel.disciplines import Discipline
from pins.kernel.forms import GovukDateField
from schools.models import Domain, Enrolment, Rating


class EnrolSchoolsForm(forms.Form):
    schools = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Schools to enrol",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one school",
            "invalid_choice": "Choose schools from your ICB's list",
            "invalid_pk_value": "Choose schools from your ICB's list",
        },
    )
    cohort = forms.ModelChoiceField(
        queryset=None,
        label="Cohort",
        empty_label="Choose a cohort",
        error_messages={"required": "Choose the cohort", "invalid_choice": "Choose one of this year's cohorts"},
    )
    support = forms.ChoiceField(
        label="Support",
        choices=Enrolment.Support.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the schools are new or continuing"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[(Enrolment.Status.ENROLLED, "Enrolled"), (Enrolment.Status.INVITED, "Invited (not yet agreed)")],
        widget=forms.RadioSelect,
        initial=Enrolment.Status.ENROLLED,
        error_messages={"required": "Choose enrolled or invited"},
    )

    def __init__(self, *args, schools, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools
        self.fields["schools"].label_from_instance = lambda school: f"{school.name} (URN {school.urn})"
        self.fields["cohort"].queryset = cohorts


class EnrolmentStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Enrolment status",
        choices=Enrolment.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status"},
    )


class SelfAssessmentForm(forms.Form):
    """A rating and notes for each national domain, and the disciplines the school would most like."""

    wanted_disciplines = forms.MultipleChoiceField(
        label="Which specialists would help your school most?",
        help_text="Select all that apply.",
        choices=Discipline.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Domain.choices:
            self.fields[f"rating_{value}"] = forms.TypedChoiceField(
                label=label,
                choices=Rating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose how far your school has come in {label.lower()}",
                    "invalid_choice": f"Choose one of the ratings for {label.lower()}",
                },
            )
            self.fields[f"notes_{value}"] = forms.CharField(
                label=f"Notes on {label.lower()} (optional)",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
            )
        self.order_fields([name for value, _ in Domain.choices for name in (f"rating_{value}", f"notes_{value}")])

    def domains(self):
        """(rating field, notes field) for each domain, for the template."""
        return [(self[f"rating_{value}"], self[f"notes_{value}"]) for value, _ in Domain.choices]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "ratings": {value: data[f"rating_{value}"] for value, _ in Domain.choices},
            "notes": {value: data[f"notes_{value}"] for value, _ in Domain.choices},
            "wanted_disciplines": data["wanted_disciplines"],
        }

    @classmethod
    def initial_from(cls, assessment) -> dict:
        if assessment is None:
            return {}
        initial = {"wanted_disciplines": assessment.wanted_disciplines}
        for rating in assessment.ratings.all():
            initial[f"rating_{rating.domain}"] = rating.rating
            initial[f"notes_{rating.domain}"] = rating.notes
        return initial


class ParentCarerMeetingForm(forms.Form):
    held_on = GovukDateField(label="Date of the meeting", help_text="For example, 14 10 2026")
    forum_present = forms.TypedChoiceField(
        label="Was the parent carer forum there?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the parent carer forum was there"},
    )
    attendees = forms.IntegerField(
        label="How many parents and carers came?",
        min_value=0,
        max_value=2000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter how many parents and carers came",
            "invalid": "The number of parents and carers must be a whole number, like 15",
            "min_value": "The number of parents and carers must be 0 or more",
            "max_value": "The number of parents and carers must be 2,000 or fewer",
        },
    )
    notes = forms.CharField(
        label="What came up (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class PupilVoiceForm(forms.Form):
    held_on = GovukDateField(label="Date", help_text="For example, 14 10 2026")
    description = forms.CharField(
        label="What did pupils do or say?",
        help_text="For example, a school council session on quiet spaces. Do not name children.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Describe what the pupils did or said"},
    )


class SchoolHolidayForm(forms.Form):
    """A holiday of term dates: its name, first and last day."""

    name = forms.CharField(
        label="Name",
        help_text="For example, Christmas holiday or autumn half term",
        max_length=100,
        error_messages={
            "required": "Enter the holiday's name",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    starts_on = GovukDateField(label="First day", help_text="For example, 21 12 2026")
    ends_on = GovukDateField(label="Last day", help_text="For example, 1 1 2027")
