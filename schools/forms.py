from decimal import Decimal

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
        help_text="For example, new schools or schools continuing from an earlier year",
        empty_label="Choose a cohort",
        error_messages={"required": "Choose the cohort", "invalid_choice": "Choose one of this year's cohorts"},
    )
    # "New or continuing" is not asked: the cohort says it, and the service records whether each school
    # was enrolled in an earlier year (issue 16: "Cohort" and "Support" repeated each other).
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


# Programme set-up (issue 16): the shape of the input; the rules are the services'.


def _days_field(label: str, *, required: bool, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the days per school, for example 5",
            "invalid": "Enter the days as a number, in half days, for example 5 or 5.5",
            "min_value": "Enter at least half a day",
            "max_digits": "Enter fewer than 1,000 days",
            "max_decimal_places": "Enter the days in half days, for example 5 or 5.5",
            "max_whole_digits": "Enter fewer than 1,000 days",
        },
    )


class ProgrammeYearForm(forms.Form):
    """A programme year: its label, dates, each ICB's target and each school's default days."""

    label = forms.CharField(
        label="Programme year",
        help_text="Its first year and the next one's last two digits, for example 2027-28",
        max_length=7,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the programme year, for example 2027-28",
            "max_length": "Enter it as 2027-28",
        },
    )
    starts_on = GovukDateField(label="First day", help_text="For example, 1 9 2027")
    ends_on = GovukDateField(label="Last day", help_text="For example, 16 7 2028")
    target_schools_per_icb = forms.IntegerField(
        label="Target schools per ICB",
        help_text="The number of schools each ICB aims to support this year",
        min_value=0,
        max_value=10000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the target number of schools per ICB",
            "invalid": "Enter the target as a whole number, for example 40",
            "min_value": "Enter the target as 0 or more",
            "max_value": "Enter a target of 10,000 schools or fewer",
        },
    )
    default_quota_days = _days_field(
        "Default days per school",
        required=True,
        help_text="In half days, for example 5. Schools already enrolled keep the days they were given",
    )


class CohortForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="For example, New schools or Continuing schools",
        max_length=100,
        error_messages={
            "required": "Enter the cohort's name",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    quota_days = _days_field(
        "Days per school (optional)",
        required=False,
        help_text="In half days. Leave it empty to give the year's default",
    )


class BlackoutPeriodForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="For example, Key stage 2 SATs week",
        max_length=100,
        error_messages={
            "required": "Enter the blackout period's name",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    starts_on = GovukDateField(label="First day", help_text="For example, 10 5 2027")
    ends_on = GovukDateField(label="Last day", help_text="For example, 14 5 2027")
