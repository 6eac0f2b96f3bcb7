"""The national progress table's choices: the programme year, a region, only ICBs behind plan, and the order."""

import django_filters
from django import forms

from icbs.models import ICB, Region
from pins.kernel.prepared import prepared_read
from schools.models import ProgrammeYear

SORTS = {
    "name": ("ICB name", lambda row: row.name, False),
    "delivered": ("Share of days delivered (lowest first)", lambda row: row.delivered_percent or 0, False),
    "allocated": ("Share of days allocated (lowest first)", lambda row: row.allocated_percent or 0, False),
    "enrolled": ("Schools enrolled (fewest first)", lambda row: row.schools_enrolled, False),
    "first_visit": ("Share of schools visited (lowest first)", lambda row: row.first_visit_percent or 0, False),
}


class ProgressFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(label="Programme year", method="keep", empty_label=None)
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label="Region", empty_label="All regions")
    behind = django_filters.BooleanFilter(label="Only ICBs behind plan", method="keep", widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=[(key, label) for key, (label, _, _) in SORTS.items()], method="keep", empty_label=None
    )

    class Meta:
        model = ICB
        fields = ["year", "region", "behind", "sort"]

    def __init__(self, *args, years: list[ProgrammeYear], **kwargs):
        """`years`: every programme year, the latest first, read once by the view for the choice and the year shown."""
        super().__init__(*args, **kwargs)
        labels = [year.label for year in years]
        self.filters["year"].extra["choices"] = [(label, label) for label in labels]
        self.form.fields["year"].choices = [(label, label) for label in labels]
        self.form.fields["region"].widget.choices = [("", "All regions"), *_region_choices()]
        self.form.fields["region"].error_messages["invalid_choice"] = "Choose a region from the list"
        self.form.fields["year"].error_messages["invalid_choice"] = "Choose a programme year from the list"
        self.form.fields["sort"].error_messages["invalid_choice"] = "Choose one of the ways to sort"

    def keep(self, queryset, name, value):
        return queryset  # read by the view


@prepared_read
def _region_choices():
    return Region.objects.values_list("pk", "name")
