import functools

import django_filters
from django import forms
from django.db.models import Q
from django.utils.safestring import SafeString

from icbs.models import LocalAuthority
from schools.models import Enrolment
from specialists.models import Discipline
from specialists.selectors import without_discipline


class EnrolmentFilter(django_filters.FilterSet):
    """Finding schools on the ICB page: by name or URN, local authority, days left, a discipline not yet
    booked, and enrolment status; sortable."""

    REMAINING_CHOICES = [
        ("some", "Some days left to allocate"),
        ("none", "All days allocated"),
        ("untouched", "No days allocated yet"),
    ]

    q = django_filters.CharFilter(label="School name or URN", method="search")
    local_authority = django_filters.ModelChoiceFilter(
        field_name="school__local_authority", queryset=None, label="Local authority", empty_label="Any"
    )
    remaining = django_filters.ChoiceFilter(
        label="Days remaining", choices=REMAINING_CHOICES, method="filter_remaining", empty_label="Any"
    )
    missing_discipline = django_filters.ChoiceFilter(
        label="No visit yet from", choices=Discipline.choices, method="filter_missing", empty_label="Any discipline"
    )
    status = django_filters.ChoiceFilter(label="Enrolment status", choices=Enrolment.Status.choices, empty_label="Any")
    parent_carers = django_filters.ChoiceFilter(
        label="Parent carer meetings",
        choices=[("behind", "Behind: a term passed without a meeting"), ("up_to_date", "Up to date")],
        method="filter_parent_carers",
        empty_label="Any",
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=[
            ("school__name", "school"),
            ("remaining", "remaining"),
            ("allocated_days", "allocated"),
            ("school__local_authority__name", "local_authority"),
        ],
        field_labels={
            "school": "School name (A to Z)",
            "-school": "School name (Z to A)",
            "remaining": "Fewest days remaining",
            "-remaining": "Most days remaining",
            "allocated": "Fewest days allocated",
            "-allocated": "Most days allocated",
            "local_authority": "Local authority",
            "-local_authority": "Local authority (Z to A)",
        },
        empty_label="School name (A to Z)",
    )

    class Meta:
        model = Enrolment
        fields = ["q", "local_authority", "remaining", "missing_discipline", "status", "parent_carers"]

    def __init__(self, *args, local_authorities, local_authority_rows=None, **kwargs):
        """`local_authority_rows`, the (id, name, DfE code) of `local_authorities`, if read already."""
        super().__init__(*args, **kwargs)
        self.filters["local_authority"].queryset = local_authorities
        if local_authority_rows is None:
            local_authority_rows = local_authorities.values_list("pk", "name", "dfe_code")
        # Listed from rows of values, not model objects, as the form is on every visit to the ICB page.
        self._local_authority_choices = tuple(
            (pk, f"{name} ({dfe_code})") for pk, name, dfe_code in local_authority_rows
        )
        self.form.fields["local_authority"].widget.choices = [("", "Any"), *self._local_authority_choices]
        self.form.fields["q"].widget = forms.TextInput(attrs={"spellcheck": "false"})
        self.form.fields["local_authority"].error_messages["invalid_choice"] = "Choose a local authority from the list"
        for name in ("remaining", "missing_discipline", "status", "parent_carers", "sort"):
            self.form.fields[name].error_messages["invalid_choice"] = "Choose one of the options in the list"

    def form_html(self) -> SafeString:
        """The form as the page writes it. Unfilled, as on most visits to the ICB page, it depends only on the
        ICB's local authorities, so it is rendered once per process for each list of them: a few milliseconds
        saved on every visit."""
        if self.is_bound:
            return self.form.render()
        return _unfilled_form_html(self._local_authority_choices)

    def search(self, queryset, name, value):
        value = value.strip()
        if value.isdigit() and len(value) <= 6:
            return queryset.filter(Q(school__urn=int(value)) | Q(school__name__icontains=value))
        return queryset.filter(school__name__icontains=value)

    def filter_remaining(self, queryset, name, value):
        return {
            "some": queryset.filter(remaining__gt=0),
            "none": queryset.filter(remaining__lte=0),
            "untouched": queryset.filter(allocated_days=0),
        }[value]

    def filter_missing(self, queryset, name, value):
        return without_discipline(queryset, value)

    def filter_parent_carers(self, queryset, name, value):
        return queryset.filter(meetings_missing__gt=0) if value == "behind" else queryset.filter(meetings_missing=0)


@functools.lru_cache(maxsize=256)
def _unfilled_form_html(local_authority_choices: tuple[tuple[int, str], ...]) -> SafeString:
    unfilled = EnrolmentFilter(
        None, queryset=Enrolment.objects.none(), local_authorities=LocalAuthority.objects.none()
    ).form
    unfilled.fields["local_authority"].widget.choices = [("", "Any"), *local_authority_choices]
    return unfilled.render()
