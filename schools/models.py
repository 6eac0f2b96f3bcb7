import datetime
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from icbs.models import ICB, LocalAuthority
from pins.kernel.disciplines import Discipline
from pins.kernel.history import audited
from pins.kernel.units import DaysField, whole_half_days

POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"


class SchoolQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


# Every change to a school, its name and ICB above all, with who made it: an ICB's schools are its own.
@audited()
class School(models.Model):
    """A school as DfE's Get Information About Schools (GIAS) describes it; the URN is its natural key."""

    urn = models.PositiveIntegerField("URN", primary_key=True)
    dfe_number = models.CharField(
        "DfE number", max_length=7, help_text="LA code and establishment number (LAESTAB), e.g. 2013614"
    )
    name = models.CharField(max_length=200)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="schools")
    icb = models.ForeignKey(ICB, verbose_name="ICB", on_delete=models.PROTECT, related_name="schools")
    phase = models.CharField(max_length=50, blank=True)
    type = models.CharField("type of establishment", max_length=100, blank=True)
    status = models.CharField(max_length=50, blank=True)
    street = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    lsoa_code = models.CharField("LSOA code", max_length=9, blank=True)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    pupil_count = models.PositiveIntegerField("number of pupils", null=True, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["icb", "name"]), models.Index(fields=["local_authority"])]
        constraints = [
            models.CheckConstraint(condition=Q(urn__gte=100000, urn__lte=999999), name="school_urn_six_digits"),
            models.CheckConstraint(condition=Q(dfe_number__regex=r"^[0-9]{7}$"), name="school_dfe_number_format"),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=POSTCODE_PATTERN), name="school_postcode_format"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(opened_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="school_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.urn})"


class DateRange(models.Func):
    """PostgreSQL's daterange of two date columns, both days included."""

    function = "daterange"
    output_field = DateRangeField()

    def __init__(self, starts_on, ends_on, **extra):
        super().__init__(starts_on, ends_on, models.Value("[]"), **extra)


# Every change to a year, a cohort or a blackout period, with who made it: they shape every booking.
@audited()
class ProgrammeYear(models.Model):
    """A year of the programme, with its own dates, default quota and national blackout periods."""

    label = models.CharField(max_length=7, unique=True, help_text="For example 2025-26")
    starts_on = models.DateField()
    ends_on = models.DateField()
    default_quota_days = DaysField(default=Decimal("5.0"))
    target_schools_per_icb = models.PositiveIntegerField(
        "schools per ICB", default=40, help_text="The number of schools each ICB aims to support this year"
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(label__regex=r"^[0-9]{4}-[0-9]{2}$"), name="year_label_format"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="year_ends_after_it_starts"),
            whole_half_days("default_quota_days", name="year_default_quota_half_days"),
            models.CheckConstraint(condition=Q(default_quota_days__gt=0), name="year_default_quota_positive"),
            # No day belongs to two programme years.
            ExclusionConstraint(
                name="year_no_overlap",
                expressions=[(DateRange(F("starts_on"), F("ends_on")), RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self):
        return self.label

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@audited()
class BlackoutPeriod(models.Model):
    """Dates in a programme year when no visit is booked anywhere, such as national assessment weeks."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="blackout_periods")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="blackout_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%-d %b} to {self.ends_on:%-d %b %Y})"


@audited()
class PlanMilestone(models.Model):
    """The programme admin's trajectory for a year: the share of every ICB's days expected to be allocated and
    delivered by the end of a month. An ICB is behind plan when it is short of the last milestone passed."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="plan_milestones")
    month = models.DateField(help_text="The first day of the month; the shares are expected by its end")
    allocated_percent = models.PositiveSmallIntegerField("days allocated (%)")
    delivered_percent = models.PositiveSmallIntegerField("days delivered (%)")

    class Meta:
        ordering = ["programme_year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["programme_year", "month"], name="plan_milestone_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="plan_milestone_first_of_month"),
            models.CheckConstraint(condition=Q(allocated_percent__lte=100), name="plan_milestone_allocated_share"),
            models.CheckConstraint(
                condition=Q(delivered_percent__lte=F("allocated_percent")), name="plan_milestone_delivered_share"
            ),
        ]

    def __str__(self):
        shares = f"{self.allocated_percent}% allocated, {self.delivered_percent}% delivered"
        return f"By the end of {self.month:%B %Y}: {shares}"


@audited()
class Cohort(models.Model):
    """A group of schools in a programme year, such as the schools new to the programme that year."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=100)
    quota_days = DaysField(
        null=True, blank=True, help_text="Days per school in this cohort, if not the programme year's default"
    )

    class Meta:
        ordering = ["programme_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme_year", "name"], name="cohort_name_unique_in_year"),
            whole_half_days("quota_days", name="cohort_quota_half_days", nullable=True),
        ]

    def __str__(self):
        return f"{self.name} ({self.programme_year})"

    @property
    def default_quota_days(self) -> Decimal:
        return self.quota_days if self.quota_days is not None else self.programme_year.default_quota_days


# The programme asks for a parent and carer meeting every term. Schools set their own term dates, so a term
# here is a span of months: autumn (September to December), spring (January to March), summer (April to the
# end of the programme year). Each term is a bit of an enrolment's `meeting_terms`, in this order.
TERM_MONTHS = (("Autumn term", 9, 12), ("Spring term", 1, 3), ("Summer term", 4, 8))


def _meeting_term_bit_sql(date: str) -> str:
    """SQL for the bit of the term a date falls in."""
    cases = " ".join(
        f"WHEN extract(month FROM {date}) BETWEEN {first} AND {last} THEN {1 << index}"
        for index, (_, first, last) in enumerate(TERM_MONTHS)
    )
    return f"(CASE {cases} ELSE 0 END)"


# What the progress trigger writes for each change to an enrolled school's figures: the row's own values taken
# away (the old row, when it counted) and added (the new row, when it counts), in one row when both count for the
# same ICB and year. "Counts" means enrolled; an invited or withdrawn school adds nothing.
PROGRESS_COLUMNS = [
    ("schools", "1"),
    ("quota_days", "{row}.quota_days"),
    ("allocated_days", "{row}.allocated_days"),
    ("confirmed_days", "{row}.confirmed_days"),
    ("delivered_days", "{row}.delivered_days"),
    ("visits_delivered", "{row}.visits_delivered"),
    ("outcomes_recorded", "{row}.outcomes_recorded"),
    ("schools_visited", "({row}.visits_delivered > 0)::int"),
    # Schools with a parent and carer meeting in every term up to and including the autumn, spring or summer
    # one: terms end in order, so the schools behind are the schools less those met through the last ended term.
    ("schools_met_through_autumn", "(({row}.meeting_terms & 1) = 1)::int"),
    ("schools_met_through_spring", "(({row}.meeting_terms & 3) = 3)::int"),
    ("schools_met_through_summer", "(({row}.meeting_terms & 7) = 7)::int"),
]
# The column above for each number of terms ended: schools_met_through_autumn when one has, and so on.
MET_THROUGH_COLUMNS = [name for name, _ in PROGRESS_COLUMNS if name.startswith("schools_met_through_")]


def _progress_change_sql() -> str:
    columns = ", ".join(name for name, _ in PROGRESS_COLUMNS)

    added = ", ".join(value.format(row="NEW") for _, value in PROGRESS_COLUMNS)
    taken = ", ".join(f"-({value.format(row='OLD')})" for _, value in PROGRESS_COLUMNS)
    moved = ", ".join(f"({value.format(row='NEW')}) - ({value.format(row='OLD')})" for _, value in PROGRESS_COLUMNS)
    insert = f"INSERT INTO schools_progresschange (programme_year_id, icb_id, {columns}) VALUES"
    return f"""
        IF TG_OP = 'UPDATE' AND OLD.status = 'enrolled' AND NEW.status = 'enrolled'
                AND OLD.icb_id = NEW.icb_id AND OLD.programme_year_id = NEW.programme_year_id THEN
            {insert} (NEW.programme_year_id, NEW.icb_id, {moved});
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'enrolled' THEN
            {insert} (OLD.programme_year_id, OLD.icb_id, {taken});
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'enrolled' THEN
            {insert} (NEW.programme_year_id, NEW.icb_id, {added});
        END IF;
        RETURN NULL;
    """


# The enrolment fields whose change moves the progress figures: an update of any other writes nothing.
PROGRESS_FIELDS = [
    "status",
    "icb",
    "programme_year",
    "quota_days",
    "allocated_days",
    "confirmed_days",
    "delivered_days",
    "visits_delivered",
    "outcomes_recorded",
    "meeting_terms",
]


# What an enrolment's visits add up to, kept as they change; the row's history leaves them out.
COUNTERS = [
    "allocated_days",
    "confirmed_days",
    "delivered_days",
    "visits_delivered",
    "outcomes_recorded",
    "meeting_terms",
]


@audited(exclude=COUNTERS)
class Enrolment(models.Model):
    """A school taking part in a programme year, delivered by the ICB it belonged to that year."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ENROLLED = "enrolled", "Enrolled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Support(models.TextChoices):
        NEW = "new", "New to the programme"
        CONTINUING = "continuing", "Continuing support"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    icb = models.ForeignKey(
        ICB,
        verbose_name="ICB",
        on_delete=models.PROTECT,
        related_name="enrolments",
        help_text="The ICB that delivers this year's support; it stays with the ICB after a merger.",
    )
    support = models.CharField(max_length=10, choices=Support.choices, default=Support.NEW)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    quota_days = DaysField("quota of specialist days")
    # The days of visits not cancelled: kept with each booking, under the row's lock, never above the quota.
    allocated_days = DaysField(default=Decimal("0"), editable=False)
    # Kept by the visit services under the same lock, so progress reads them instead of summing visits.
    confirmed_days = DaysField(default=Decimal("0"), editable=False)
    delivered_days = DaysField(default=Decimal("0"), editable=False)
    visits_delivered = models.PositiveIntegerField(default=0, editable=False)
    outcomes_recorded = models.PositiveIntegerField(default=0, editable=False)
    meeting_terms = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="The terms with a parent and carer meeting, a bit a term (TERM_MONTHS), kept by a trigger on the "
        "meetings",
    )

    class Meta:
        ordering = ["programme_year", "school__name"]
        indexes = [models.Index(fields=["icb", "programme_year", "status"])]
        # National progress adds up what these write (ProgressChange), not every school's counters.
        triggers = [
            pgtrigger.Trigger(
                name="progress_on_insert_or_delete",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Delete,
                func=_progress_change_sql(),
            ),
            pgtrigger.Trigger(
                name="progress_on_update",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(*PROGRESS_FIELDS),
                func=_progress_change_sql(),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["school", "programme_year"], name="enrolment_once_per_year"),
            whole_half_days("quota_days", name="enrolment_quota_half_days"),
            whole_half_days("allocated_days", name="enrolment_allocated_half_days"),
            models.CheckConstraint(
                condition=Q(allocated_days__lte=F("quota_days")), name="enrolment_quota_not_exceeded"
            ),
            whole_half_days("confirmed_days", name="enrolment_confirmed_half_days"),
            whole_half_days("delivered_days", name="enrolment_delivered_half_days"),
            # Confirmed and delivered visits are among the booked ones.
            models.CheckConstraint(
                condition=Q(allocated_days__gte=F("confirmed_days") + F("delivered_days")),
                name="enrolment_confirmed_and_delivered_are_booked",
            ),
            # Each delivered visit is a half day or a full day.
            models.CheckConstraint(
                condition=Q(
                    delivered_days__gte=F("visits_delivered") * Decimal("0.5"),
                    delivered_days__lte=F("visits_delivered"),
                ),
                name="enrolment_delivered_days_match_visits",
            ),
            models.CheckConstraint(
                condition=Q(outcomes_recorded__lte=F("visits_delivered")),
                name="enrolment_outcomes_of_delivered_visits",
            ),
        ]

    def __str__(self):
        return f"{self.school.name} in {self.programme_year}"

    @property
    def remaining_days(self) -> Decimal:
        return self.quota_days - self.allocated_days

    @property
    def has_days_to_book(self) -> bool:
        """Enrolled, with days of its quota not yet booked: a visit can be allocated to it."""
        return self.status == self.Status.ENROLLED and self.remaining_days > 0


class ProgressChange(models.Model):
    """A change to what an ICB's enrolled schools add up to in a year, written by a trigger on enrolments for
    every insert, update and delete (bulk updates and merges included), and folded into one row per ICB and
    year every few minutes (`progress_changes_fold`). National progress adds up these few rows instead of
    every school's counters: inserts never wait on each other, so no booking queues behind another ICB's, or
    its own (docs/adr/0020)."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    icb = models.ForeignKey(ICB, verbose_name="ICB", on_delete=models.CASCADE, related_name="+")
    schools = models.IntegerField(default=0)
    quota_days = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal("0"))
    allocated_days = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal("0"))
    confirmed_days = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal("0"))
    delivered_days = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal("0"))
    visits_delivered = models.IntegerField(default=0)
    outcomes_recorded = models.IntegerField(default=0)
    schools_visited = models.IntegerField(default=0)
    schools_met_through_autumn = models.IntegerField(default=0)
    schools_met_through_spring = models.IntegerField(default=0)
    schools_met_through_summer = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["programme_year", "icb"])]

    def __str__(self):
        return f"{self.icb}: {self.schools:+} schools, {self.allocated_days:+} days allocated in {self.programme_year}"


class WeeklyDelivery(models.Model):
    """The days an ICB delivered in a week of a programme year, kept as each visit is marked delivered (a
    delivered visit never moves or changes again), so the national chart reads these instead of every visit."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    icb = models.ForeignKey(ICB, verbose_name="ICB", on_delete=models.PROTECT, related_name="+")
    week = models.DateField(help_text="The Monday the week starts")
    delivered_days = DaysField(default=Decimal("0"))

    class Meta:
        verbose_name_plural = "weekly deliveries"
        ordering = ["programme_year", "icb", "week"]
        constraints = [
            models.UniqueConstraint(fields=["programme_year", "icb", "week"], name="weekly_delivery_once_per_week"),
            models.CheckConstraint(condition=Q(week__iso_week_day=1), name="weekly_delivery_week_starts_monday"),
            whole_half_days("delivered_days", name="weekly_delivery_half_days"),
        ]

    def __str__(self):
        return f"{self.icb}: {self.delivered_days} days delivered in the week of {self.week}"


class ClosureDate(models.Model):
    """Days a school is closed or busy (INSET days, holidays, trips, events): no visit is booked on them."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET day"
        HOLIDAY = "holiday", "School holiday"
        EVENT = "event", "Trip or event"
        OTHER = "other", "Other"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closure_dates")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["school", "starts_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="closure_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.starts_on} to {self.ends_on}"


class SencoMembership(models.Model):
    """A school's special educational needs co-ordinator (SENCO), its contact for the programme."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="senco_memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="sencos")
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "SENCO membership"
        ordering = ["school", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="senco_once_per_school")]

    def __str__(self):
        return f"{self.user} is SENCO at {self.school.name}"


class Domain(models.TextChoices):
    """The domains of the programme's nationally agreed self-assessment."""

    LEADERSHIP = "leadership", "Leadership, culture and values"
    MENTAL_HEALTH = "mental_health", "Mental health"
    READINESS_TO_LEARN = "readiness_to_learn", "Readiness to learn"
    TEACHING_AND_LEARNING = "teaching_and_learning", "Teaching and learning"
    ENVIRONMENT_AND_COMMUNICATION = "environment_and_communication", "Environment and communication"


class Rating(models.IntegerChoices):
    """How far a school has come in a domain. The national tool's own scale is not public: this four-step
    scale is a default the programme can change."""

    NOT_STARTED = 1, "Not yet started"
    EMERGING = 2, "Emerging"
    DEVELOPING = 3, "Developing"
    EMBEDDED = 4, "Embedded"


@audited()
class SelfAssessment(models.Model):
    """The school's self-assessment at the start of its enrolment, and again at the end so change shows: a
    rating with notes for each domain (its `ratings`), and the specialists the school would most like."""

    class Stage(models.TextChoices):
        START = "start", "At the start"
        END = "end", "At the end"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="self_assessments")
    stage = models.CharField(max_length=5, choices=Stage.choices)
    wanted_disciplines = ArrayField(
        models.CharField(max_length=30, choices=Discipline.choices),
        default=list,
        blank=True,
        help_text="Disciplines the school would most like, each once",
    )
    completed_at = models.DateTimeField(auto_now=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["enrolment", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "stage"], name="self_assessment_once_per_stage"),
            models.CheckConstraint(
                condition=Q(wanted_disciplines__contained_by=Discipline.values),
                name="self_assessment_wanted_disciplines_known",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment}: self-assessment {self.get_stage_display().lower()}"

    def rated(self) -> list[tuple[str, int | None, str]]:
        """(domain label, rating, notes) for every domain, in the national order; prefetch `ratings` for many."""
        given = {rating.domain: rating for rating in self.ratings.all()}
        return [
            (label, given[value].rating, given[value].notes) if value in given else (label, None, "")
            for value, label in Domain.choices
        ]


@audited()
class SelfAssessmentRating(models.Model):
    """How far the school says it has come in one domain of its self-assessment, on the programme's scale."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    domain = models.CharField(max_length=30, choices=Domain.choices)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="self_assessment_rated_once_per_domain"),
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="self_assessment_rating_domain_known"),
            models.CheckConstraint(condition=Q(rating__in=Rating.values), name="self_assessment_rating_on_the_scale"),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.rating}"


def _meeting_terms_of(enrolment: str) -> str:
    # The row is locked first, so this statement's snapshot sees a meeting another transaction has just
    # committed for the same school, and two meetings recorded at once both count.
    return f"""
        PERFORM 1 FROM schools_enrolment WHERE id = {enrolment} FOR UPDATE;
        UPDATE schools_enrolment SET meeting_terms = held.terms
        FROM (
            SELECT coalesce(bit_or({_meeting_term_bit_sql("held_on")}), 0) AS terms
            FROM schools_parentcarermeeting WHERE enrolment_id = {enrolment}
        ) AS held
        WHERE id = {enrolment} AND meeting_terms <> held.terms;
    """


_MEETING_TERMS_SQL = f"""
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_meeting_terms_of("OLD.enrolment_id")}
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {_meeting_terms_of("NEW.enrolment_id")}
    END IF;
    RETURN NULL;
"""


class ParentCarerMeeting(models.Model):
    """A termly meeting the school holds with parents and carers, which the programme makes compulsory."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="parent_carer_meetings")
    held_on = models.DateField()
    forum_present = models.BooleanField("parent carer forum present")
    attendees = models.PositiveIntegerField("number attending")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on"]
        indexes = [models.Index(fields=["enrolment", "held_on"])]
        # The enrolment's `meeting_terms` follow its meetings, whatever writes them.
        triggers = [
            pgtrigger.Trigger(
                name="meeting_terms_on_insert_or_delete",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Delete,
                func=_MEETING_TERMS_SQL,
            ),
            pgtrigger.Trigger(
                name="meeting_terms_on_update",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("enrolment", "held_on"),
                func=_MEETING_TERMS_SQL,
            ),
        ]

    def __str__(self):
        return f"Parent and carer meeting at {self.enrolment.school.name} on {self.held_on}"


class PupilVoiceActivity(models.Model):
    """Something the school did to hear its pupils' views, which the programme makes compulsory."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="pupil_voice_activities")
    held_on = models.DateField()
    description = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "pupil voice activities"
        ordering = ["held_on"]

    def __str__(self):
        return f"Pupil voice at {self.enrolment.school.name} on {self.held_on}"


# Every change to a holiday, with who made it: term dates decide where no visit may go.
@audited()
class SchoolHoliday(models.Model):
    """A school holiday in a programme year (a half term, Christmas, Easter, summer), in one of three layers:
    the programme year's default (no authority, no school), a local authority's own term dates (replacing the
    default for its schools), or a school's own (an academy's, replacing its authority's and the default).
    A layer that has any holidays in the year replaces the one below it as a whole (docs/adr/0018)."""

    class Layer(models.TextChoices):
        DEFAULT = "default", "Programme default"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        SCHOOL = "school", "School"

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="school_holidays")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="school_holidays"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="holidays")
    name = models.CharField(max_length=100, help_text="For example Christmas holiday or autumn half term")
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")

    class Meta:
        ordering = ["programme_year", "starts_on"]
        indexes = [
            models.Index(fields=["programme_year", "local_authority"]),
            models.Index(fields=["programme_year", "school"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="school_holiday_ends_after_start"),
            models.CheckConstraint(
                condition=Q(local_authority__isnull=True) | Q(school__isnull=True),
                name="school_holiday_in_one_layer",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="school_holiday_named"),
            # No two holidays of one layer (the default, an authority's, a school's) overlap in a year.
            ExclusionConstraint(
                name="school_holiday_no_overlap_in_layer",
                expressions=[
                    (F("programme_year"), RangeOperators.EQUAL),
                    (Coalesce(F("local_authority"), models.Value(0)), RangeOperators.EQUAL),
                    (Coalesce(F("school"), models.Value(0)), RangeOperators.EQUAL),
                    (DateRange(F("starts_on"), F("ends_on")), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%-d %b %Y} to {self.ends_on:%-d %b %Y})"

    @property
    def layer(self) -> "SchoolHoliday.Layer":
        if self.school_id is not None:
            return self.Layer.SCHOOL
        if self.local_authority_id is not None:
            return self.Layer.LOCAL_AUTHORITY
        return self.Layer.DEFAULT

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on
