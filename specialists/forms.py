import dataclasses
import datetime

from django import forms

from pins.kernel.disciplines import Discipline
from pins.kernel.forms import GovukDateField
from pins.kernel.units import days_number, format_days
from schools.models import ClosureDate
from specialists.models import Activity, Session, Visit
from specialists.planner import ProposedVisit, proposal_from_token


class AllocateVisitForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        queryset=None,
        label="School",
        empty_label="Choose a school",
        error_messages={
            "required": "Choose the school",
            "invalid_choice": "Choose one of your ICB's enrolled schools with days left to allocate",
        },
    )
    specialist = forms.ModelChoiceField(
        queryset=None,
        label="Specialist",
        empty_label="Choose a specialist",
        error_messages={"required": "Choose the specialist", "invalid_choice": "Choose one of your ICB's specialists"},
    )
    date = GovukDateField(
        label="Date of the visit",
        help_text="For example, 3 11 2026",
        required=False,  # not needed to look up free dates; checked in clean() when booking
    )
    session = forms.ChoiceField(
        label="Session",
        choices=Session.choices,
        widget=forms.RadioSelect,
        initial=Session.FULL_DAY,
        error_messages={"required": "Choose a full day, a morning or an afternoon"},
    )
    purpose = forms.CharField(
        label="Purpose of the visit (optional)",
        help_text="For example, a sensory audit of the reception classrooms, or staff training on regulation.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    preparation = forms.CharField(
        label="What the school should prepare (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, enrolments, specialists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["specialist"].queryset = specialists
        # The lists are drawn from rows of values, not model objects: an ICB has hundreds of schools.
        schools = enrolments.values_list("pk", "school__name", "quota_days", "allocated_days")
        self.fields["enrolment"].widget.choices = [("", "Choose a school")] + [
            (pk, f"{name} ({days_number(quota - allocated)} of {format_days(quota)} left)")
            for pk, name, quota, allocated in schools
        ]
        disciplines = dict(Discipline.choices)
        self.fields["specialist"].widget.choices = [("", "Choose a specialist")] + [
            (pk, f"{name}, {disciplines[discipline].lower()}")
            for pk, name, discipline in specialists.values_list("pk", "full_name", "discipline")
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("date") and "date" not in self.errors:
            self.add_error("date", "Enter the date of the visit")
        return cleaned


class FreeDatesForm(forms.Form):
    """The allocation form's inputs read from the query string, to offer the next free dates."""

    enrolment = forms.IntegerField()
    specialist = forms.IntegerField()
    session = forms.ChoiceField(choices=Session.choices, required=False)


class RescheduleVisitForm(forms.Form):
    date = GovukDateField(label="New date", help_text="For example, 3 11 2026")
    session = forms.ChoiceField(
        label="Session",
        choices=Session.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a full day, a morning or an afternoon"},
    )
    specialist = forms.ModelChoiceField(
        queryset=None,
        label="Specialist",
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your ICB's active specialists"},
    )

    def __init__(self, *args, specialists=None, **kwargs):
        super().__init__(*args, **kwargs)
        if specialists is None:
            del self.fields["specialist"]
            return
        self.fields["specialist"].queryset = specialists
        disciplines = dict(Discipline.choices)
        self.fields["specialist"].widget.choices = [
            (pk, f"{name}, {disciplines[discipline].lower()}")
            for pk, name, discipline in specialists.values_list("pk", "full_name", "discipline")
        ]


class CancelVisitForm(forms.Form):
    reason = forms.CharField(
        label="Why is the visit cancelled?",
        help_text="The school and the specialist will see this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the visit is cancelled"},
    )


class OutcomeForm(forms.Form):
    activities = forms.MultipleChoiceField(
        label="What happened at the visit?",
        help_text="Select all that apply.",
        choices=Activity.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one activity"},
    )
    staff_reached = forms.IntegerField(
        label="Number of staff reached",
        min_value=0,
        max_value=1000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter the number of staff reached",
            "invalid": "Number of staff reached must be a whole number, like 12",
            "min_value": "Number of staff reached must be 0 or more",
            "max_value": "Number of staff reached must be 1,000 or fewer",
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="What was covered, what the school will do next. Do not name children.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )


class ChangeRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why does the visit need to change?",
        help_text="For example, the date clashes with a school trip. Your ICB's coordinator will get in touch.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why the visit needs to change"},
    )


class ClosureDateForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=ClosureDate.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of closure it is"},
    )
    starts_on = GovukDateField(label="First day", help_text="For example, 4 1 2027")
    ends_on = GovukDateField(
        label="Last day (if more than one day)", help_text="Leave empty for a single day.", required=False
    )
    description = forms.CharField(label="Description (optional)", required=False, max_length=200)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and not cleaned.get("ends_on") and "ends_on" not in self.errors:
            cleaned["ends_on"] = cleaned["starts_on"]
        return cleaned


@dataclasses.dataclass
class PlanRow:
    """A row of the suggested plan as the coordinator left it: `key` names its fields in the form (the row as
    first proposed), `proposal` holds their edits, `book` and `pin` their ticks."""

    key: str
    proposal: ProposedVisit
    book: bool = True
    pin: bool = False


def _date_typed(text: str) -> datetime.date | None:
    """A date as the page shows it (3/12/2026) or as a browser's date box sends it (2026-12-03)."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def plan_rows(data, *, enrolments: dict, specialists: dict) -> tuple[list[PlanRow], list[str]]:
    """The plan's rows from the page's form, with the coordinator's edits, and a message for each bad one.
    Every row must name the ICB's own enrolment and specialist: a row that does not is refused whole."""
    keys = list(dict.fromkeys(data.getlist("row") + data.getlist("visit") + data.getlist("pin")))
    booked, pinned = set(data.getlist("visit")), set(data.getlist("pin"))
    rows, problems = [], []
    for key in keys:
        proposal = proposal_from_token(key, enrolments=enrolments, specialists=specialists)
        if proposal is None:
            return [], ["The plan was changed: make a new one"]
        school = proposal.enrolment.school.name
        changes = {}
        if (typed := data.get(f"date-{key}")) is not None:
            day = _date_typed(typed)
            if day is None:
                problems.append(f"Enter the date of the visit to {school} as a date, like 3/12/2026")
            else:
                changes["date"] = day
        if (session := data.get(f"session-{key}")) is not None:
            if session in Session.values:
                changes["session"] = Session(session)
            else:
                problems.append(f"Choose a full day, a morning or an afternoon for the visit to {school}")
        if (specialist_id := data.get(f"specialist-{key}")) is not None:
            specialist = specialists.get(int(specialist_id)) if specialist_id.isdigit() else None
            if specialist is None:
                problems.append(f"Choose one of your ICB's specialists for the visit to {school}")
            else:
                changes["specialist"] = specialist
                if specialist.discipline != proposal.specialist.discipline:
                    changes["reason"] = "chosen"
        rows.append(PlanRow(key, dataclasses.replace(proposal, **changes), key in booked, key in pinned))
    return rows, problems


class NotHeldForm(forms.Form):
    """Why a visit did not take place."""

    reason = forms.ChoiceField(
        label="Why did the visit not take place?",
        choices=Visit.NotHeldReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the visit did not take place"},
    )
    details = forms.CharField(
        label="What happened (needed for another reason)",
        help_text="The school and the specialist will see this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == Visit.NotHeldReason.OTHER and not cleaned.get("details", "").strip():
            self.add_error("details", "Enter what happened")
        return cleaned


class LeaveForm(forms.Form):
    """A period a specialist cannot visit schools."""

    starts_on = GovukDateField(label="First day", help_text="For example, 14 12 2026")
    ends_on = GovukDateField(
        label="Last day (if more than one day)", help_text="Leave empty for a single day.", required=False
    )
    reason = forms.CharField(
        label="Reason (optional)",
        help_text="For example, annual leave or training. Schools do not see this.",
        required=False,
        max_length=200,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and not cleaned.get("ends_on") and "ends_on" not in self.errors:
            cleaned["ends_on"] = cleaned["starts_on"]
        return cleaned


class DeclineVisitForm(forms.Form):
    reason = forms.CharField(
        label="Why can you not make this visit?",
        help_text="Your coordinator will see this and find another date or specialist.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why you cannot make the visit"},
    )
