from django import forms

from schools.models import Enrolment


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
