"""Exports for the programme's evaluation: each a table of one thing, with every column said once here, with
its meaning, so the header row and the data dictionary page cannot disagree.

A column marked free text holds what people wrote, and one marked person names someone by an id. An export
without personal data (`personal=False`, the evaluator's) leaves the free text out and gives each person a
pseudonymous id instead: the same person has the same one in every export and every download, and nothing in
the export leads back to them. In place of each free text it has a "reviewed" column: the text the programme
admin released after reading it (as written or redacted, pins.reporting.reviews), empty otherwise."""

import dataclasses
from collections.abc import Callable, Iterator

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pins.kernel.disciplines import Discipline
from pins.reporting.reviews import released_text
from schools.models import (
    Domain,
    Enrolment,
    ParentCarerMeeting,
    PupilVoiceActivity,
    SelfAssessment,
)
from specialists.models import Activity, Visit

ROWS_PER_FETCH = 2000


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    meaning: str
    value: Callable
    free_text: bool = False
    person: str = ""  # the kind of person an id stands for, such as "specialist"
    reviewed: bool = False  # the text released after review: in exports without personal data only


def pseudonym(kind: str, pk) -> str:
    """A stable id for a person that cannot be turned back into them without the service's secret key."""
    if pk in (None, ""):
        return ""
    return f"{kind[0].upper()}-{salted_hmac(f'pins.evaluation.{kind}', str(pk)).hexdigest()[:12]}"


@dataclasses.dataclass(frozen=True)
class EvaluationExport:
    kind: str
    title: str
    about: str
    columns: list[Column]
    rows_of_year: Callable  # (year, ICBs or None for all) -> iterable of objects, one a row

    def columns_shown(self, *, personal: bool = True) -> list[Column]:
        if personal:
            return [column for column in self.columns if not column.reviewed]
        return [column for column in self.columns if not column.free_text]

    def header(self, *, personal: bool = True) -> list[str]:
        return [column.header for column in self.columns_shown(personal=personal)]

    def rows(self, year, *, icbs=None, personal: bool = True) -> Iterator[list]:
        """The header, then a row for each item of the year (of those ICBs only, if given)."""
        columns = self.columns_shown(personal=personal)
        yield [column.header for column in columns]
        for item in self.rows_of_year(year, icbs):
            yield [
                pseudonym(column.person, column.value(item)) if column.person and not personal else column.value(item)
                for column in columns
            ]


def _school_columns(enrolment_of: Callable) -> list[Column]:
    """Where a row belongs: the same first columns in every table, so the tables join on URN and year."""
    return [
        Column("Programme year", "The programme year, such as 2026-27", lambda o: enrolment_of(o).programme_year.label),
        Column("Region", "The NHS England region of the ICB", lambda o: enrolment_of(o).icb.region.name),
        Column("ICB ODS code", "The ICB's ODS code, such as QWO", lambda o: enrolment_of(o).icb.ods_code),
        Column("ICB", "The ICB's name", lambda o: enrolment_of(o).icb.name),
        Column("School URN", "The school's unique reference number in GIAS", lambda o: enrolment_of(o).school_id),
        Column("School", "The school's name in GIAS", lambda o: enrolment_of(o).school.name),
    ]


_ENROLMENT_PLACE = ["enrolment__programme_year", "enrolment__icb__region", "enrolment__school"]


def _of_icbs(queryset, icbs, field="enrolment__icb__in"):
    return queryset if icbs is None else queryset.filter(**{field: icbs})


def _meetings(year, icbs):
    return (
        _of_icbs(ParentCarerMeeting.objects.filter(enrolment__programme_year=year), icbs)
        .annotate(notes_reviewed=released_text("meeting-notes", field="notes"))
        .select_related(*_ENROLMENT_PLACE)
        .order_by("enrolment__icb__ods_code", "enrolment__school_id", "held_on", "pk")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )


def _pupil_voice(year, icbs):
    return (
        _of_icbs(PupilVoiceActivity.objects.filter(enrolment__programme_year=year), icbs)
        .annotate(description_reviewed=released_text("pupil-voice", field="description"))
        .select_related(*_ENROLMENT_PLACE)
        .order_by("enrolment__icb__ods_code", "enrolment__school_id", "held_on", "pk")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )


def _enrolled(year, icbs):
    in_year = Q(school__forum_activities__happened_on__range=(year.starts_on, year.ends_on))
    return (
        _of_icbs(Enrolment.objects.filter(programme_year=year, status=Enrolment.Status.ENROLLED), icbs, "icb__in")
        .annotate(
            forum_activities=Count("school__forum_activities", filter=in_year),
            forum_parents_reached=Sum("school__forum_activities__parents_reached", filter=in_year),
        )
        .select_related("programme_year", "icb__region", "school__local_authority", "cohort")
        .order_by("icb__ods_code", "school_id")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )


def _assessed(year, icbs):
    """Each enrolment with a self-assessment, its start and end ratings fetched with it."""
    return (
        _of_icbs(Enrolment.objects.filter(programme_year=year), icbs, "icb__in")
        .filter(Exists(SelfAssessment.objects.filter(enrolment=OuterRef("pk"))))
        .select_related("programme_year", "icb__region", "school")
        .prefetch_related(Prefetch("self_assessments", queryset=SelfAssessment.objects.prefetch_related("ratings")))
        .order_by("icb__ods_code", "school_id")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )


def _ratings(enrolment, stage) -> dict[str, int]:
    for assessment in enrolment.self_assessments.all():
        if assessment.stage == stage:
            return {rating.domain: rating.rating for rating in assessment.ratings.all()}
    return {}


def _domain_columns() -> list[Column]:
    columns = []
    for value, label in Domain.choices:
        columns += [
            Column(
                f"{label}: start",
                f"The school's rating for {label.lower()} at the start, from 1 (not yet started) to 4 (embedded)",
                lambda e, v=value: _ratings(e, SelfAssessment.Stage.START).get(v, ""),
            ),
            Column(
                f"{label}: end",
                f"The school's rating for {label.lower()} at the end, on the same scale",
                lambda e, v=value: _ratings(e, SelfAssessment.Stage.END).get(v, ""),
            ),
            Column(
                f"{label}: change",
                "End minus start; empty unless both were rated",
                lambda e, v=value: _change(e, v),
            ),
        ]
    return columns


def _change(enrolment, domain) -> int | str:
    start = _ratings(enrolment, SelfAssessment.Stage.START).get(domain)
    end = _ratings(enrolment, SelfAssessment.Stage.END).get(domain)
    return "" if start is None or end is None else end - start


def _visits(year, icbs):
    return (
        _of_icbs(Visit.objects.filter(enrolment__programme_year=year), icbs)
        .annotate(
            outcome_notes_reviewed=released_text("outcome-notes", row="outcome__pk", field="outcome__notes"),
            cancellation_reason_reviewed=released_text("cancellation-reasons", field="cancellation_reason"),
            not_held_details_reviewed=released_text("not-held-details", field="not_held_details"),
        )
        .select_related(*_ENROLMENT_PLACE, "enrolment__school__local_authority", "specialist", "outcome")
        .order_by("pk")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )


def _outcome(visit):
    return getattr(visit, "outcome", None)


DISCIPLINES, ACTIVITIES = dict(Discipline.choices), dict(Activity.choices)


def _reviewed(header: str, value: Callable) -> Column:
    """The column of a free text as released to the evaluation after the programme admin read it."""
    return Column(
        f"{header} (reviewed)",
        f"The text of '{header}', as the programme admin released it for the evaluation after reading it: as "
        "written, or with names and details taken out; empty when not reviewed yet, kept out, or changed since",
        lambda item: value(item) or "",
        reviewed=True,
    )


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


EVALUATION_EXPORTS = {
    export.kind: export
    for export in [
        EvaluationExport(
            kind="visits",
            title="Visits",
            about=(
                "One row for each visit booked in the year, whatever became of it, with its outcome or why it was "
                "cancelled. Specialists appear by a number, not by name."
            ),
            columns=[
                *_school_columns(lambda v: v.enrolment),
                Column(
                    "Local authority", "The school's local authority", lambda v: v.enrolment.school.local_authority.name
                ),
                Column(
                    "Specialist ID",
                    "An id standing for the specialist, the same in every export; for evaluators a pseudonymous "
                    "one, such as S-3f9a0c21be47",
                    lambda v: v.specialist_id,
                    person="specialist",
                ),
                Column(
                    "Discipline",
                    "The specialist's discipline",
                    lambda v: DISCIPLINES.get(v.specialist.discipline, v.specialist.discipline),
                ),
                Column("Date", "The day of the visit (YYYY-MM-DD)", lambda v: v.date.isoformat()),
                Column("Session", "Morning, afternoon or full day", lambda v: v.get_session_display()),
                Column("Days", "The visit's length in days: 0.5 or 1", lambda v: float(v.days)),
                Column(
                    "Status",
                    "Proposed, Confirmed, Delivered (its outcome recorded) or Cancelled",
                    lambda v: v.get_status_display(),
                ),
                Column(
                    "Activities",
                    "What the specialist did, from the programme's list, separated by semicolons",
                    lambda v: "; ".join(ACTIVITIES.get(a, a) for a in _outcome(v).activities) if _outcome(v) else "",
                ),
                Column(
                    "Staff reached",
                    "How many of the school's staff the visit reached",
                    lambda v: _outcome(v).staff_reached if _outcome(v) else "",
                ),
                Column(
                    "Outcome notes",
                    "What the specialist wrote about the visit (free text)",
                    lambda v: _outcome(v).notes if _outcome(v) else "",
                    free_text=True,
                ),
                _reviewed("Outcome notes", lambda v: v.outcome_notes_reviewed),
                Column(
                    "Cancelled on",
                    "The day the visit was cancelled (YYYY-MM-DD); empty unless cancelled",
                    lambda v: timezone.localdate(v.cancelled_at).isoformat() if v.cancelled_at else "",
                ),
                Column(
                    "Cancellation reason",
                    "Why the visit was cancelled, as the person cancelling it wrote it (free text)",
                    lambda v: v.cancellation_reason,
                    free_text=True,
                ),
                _reviewed("Cancellation reason", lambda v: v.cancellation_reason_reviewed),
                Column(
                    "Did not happen reason",
                    "Why a visit that was booked did not take place, as the coordinator recorded it: the school was "
                    "closed, the specialist was ill, the school cancelled on the day, or another reason; empty "
                    "unless the visit did not take place",
                    lambda v: v.get_not_held_reason_display() if v.not_held_reason else "",
                ),
                Column(
                    "Did not happen details",
                    "What happened, when the reason was another one (free text)",
                    lambda v: v.not_held_details,
                    free_text=True,
                ),
                _reviewed("Did not happen details", lambda v: v.not_held_details_reviewed),
            ],
            rows_of_year=_visits,
        ),
        EvaluationExport(
            kind="parent-carer-meetings",
            title="Parent and carer meetings",
            about="One row for each meeting with parents and carers that a school recorded.",
            columns=[
                *_school_columns(lambda m: m.enrolment),
                Column("Held on", "The date of the meeting (YYYY-MM-DD)", lambda m: m.held_on.isoformat()),
                Column(
                    "Forum present",
                    "Whether the parent carer forum took part: yes or no",
                    lambda m: _yes_no(m.forum_present),
                ),
                Column("Number attending", "How many parents and carers came", lambda m: m.attendees),
                Column(
                    "Notes", "What the school wrote about the meeting (free text)", lambda m: m.notes, free_text=True
                ),
                _reviewed("Notes", lambda m: m.notes_reviewed),
            ],
            rows_of_year=_meetings,
        ),
        EvaluationExport(
            kind="pupil-voice",
            title="Pupil voice",
            about="One row for each activity a school recorded to hear its pupils' views.",
            columns=[
                *_school_columns(lambda a: a.enrolment),
                Column("Held on", "The date of the activity (YYYY-MM-DD)", lambda a: a.held_on.isoformat()),
                Column(
                    "Description",
                    "What the school wrote about the activity (free text)",
                    lambda a: a.description,
                    free_text=True,
                ),
                _reviewed("Description", lambda a: a.description_reviewed),
            ],
            rows_of_year=_pupil_voice,
        ),
        EvaluationExport(
            kind="self-assessment-change",
            title="Self-assessments, start and end",
            about=(
                "One row for each school with a self-assessment: each domain's rating at the start and at the end "
                "side by side, and the change between them."
            ),
            columns=[*_school_columns(lambda e: e), *_domain_columns()],
            rows_of_year=_assessed,
        ),
        EvaluationExport(
            kind="pupils",
            title="Pupils in enrolled schools",
            about="One row for each school enrolled in the year, with its number of pupils from GIAS.",
            columns=[
                *_school_columns(lambda e: e),
                Column("Local authority", "The school's local authority", lambda e: e.school.local_authority.name),
                Column("Cohort", "The group of schools it was enrolled with", lambda e: e.cohort.name),
                Column(
                    "Number of pupils",
                    "GIAS NumberOfPupils at the last import; empty where GIAS has none",
                    lambda e: "" if e.school.pupil_count is None else e.school.pupil_count,
                ),
                Column(
                    "Forum activities",
                    "Parent carer forum activities (paid from the forum's award) in the year that included the school",
                    lambda e: e.forum_activities,
                ),
                Column(
                    "Parents and carers reached by forum activities",
                    "Parents and carers the forum recorded as reached by those activities; an activity shared by "
                    "several schools counts for each",
                    lambda e: e.forum_parents_reached or 0,
                ),
            ],
            rows_of_year=_enrolled,
        ),
    ]
}
