from decimal import Decimal

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, IntegerRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone

from icbs.models import ICB
from pins.disciplines import Discipline
from pins.history import audited
from pins.units import DaysField, whole_half_days
from schools.models import POSTCODE_PATTERN, ProgrammeYear


class SpecialistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Specialist(models.Model):
    """A practitioner an ICB places in schools: an occupational therapist, a specialist teacher, and so on."""

    full_name = models.CharField(max_length=200)
    discipline = models.CharField(max_length=30, choices=Discipline.choices)
    employer = models.CharField(max_length=200, blank=True)
    icb = models.ForeignKey(ICB, verbose_name="ICB", on_delete=models.PROTECT, related_name="specialists")
    email = models.EmailField("e-mail address", unique=True)
    base_postcode = models.CharField(max_length=8, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        "pins.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="specialist",
        help_text="The account the specialist signs in with, once invited.",
    )

    objects = SpecialistQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["icb", "discipline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_postcode="") | Q(base_postcode__regex=POSTCODE_PATTERN),
                name="specialist_postcode_format",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_discipline_display()})"


class Capacity(models.Model):
    """How many days a specialist can give the programme in a programme year."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="capacities")
    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="capacities")
    days = DaysField("days of capacity", default=Decimal("0"))
    # The days of this year's visits not cancelled: kept with each booking, under the row's lock.
    allocated_days = DaysField(default=Decimal("0"), editable=False)

    class Meta:
        verbose_name_plural = "capacities"
        ordering = ["programme_year", "specialist"]
        constraints = [
            models.UniqueConstraint(fields=["specialist", "programme_year"], name="capacity_once_per_year"),
            whole_half_days("days", name="capacity_half_days"),
            whole_half_days("allocated_days", name="capacity_allocated_half_days"),
            models.CheckConstraint(condition=Q(allocated_days__lte=F("days")), name="capacity_not_exceeded"),
        ]

    def __str__(self):
        return f"{self.specialist.full_name}: {self.days} days in {self.programme_year}"


class Unavailability(models.Model):
    """A period a specialist cannot visit schools (leave, training, other work)."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="unavailabilities")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "unavailabilities"
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["specialist", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="unavailability_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        return f"{self.specialist.full_name} unavailable {self.starts_on} to {self.ends_on}"


class Session(models.TextChoices):
    """Which part of a day a visit takes. Each covers half-day slots: morning [0, 1), afternoon [1, 2)."""

    FULL_DAY = "full_day", "Full day"
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"


SESSION_SLOTS = {Session.FULL_DAY: (0, 2), Session.MORNING: (0, 1), Session.AFTERNOON: (1, 2)}
SESSION_DAYS = {
    Session.FULL_DAY: Decimal("1.0"),
    Session.MORNING: Decimal("0.5"),
    Session.AFTERNOON: Decimal("0.5"),
}


class VisitQuerySet(models.QuerySet):
    def booked(self):
        """Visits that take up a specialist's time and a school's days: everything but cancelled ones."""
        return self.exclude(status=Visit.Status.CANCELLED)


# Its timeline on the visit page: who proposed, confirmed, moved or cancelled it, with before and after.
@audited(exclude=["slot_start", "slot_end"])
class Visit(models.Model):
    """A specialist's visit to an enrolled school on a date: a full day, a morning or an afternoon."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    enrolment = models.ForeignKey("schools.Enrolment", on_delete=models.PROTECT, related_name="visits")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField()
    session = models.CharField(max_length=10, choices=Session.choices)
    slot_start = models.PositiveSmallIntegerField(editable=False)
    slot_end = models.PositiveSmallIntegerField(editable=False)
    days = DaysField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    purpose = models.TextField("purpose of the visit", blank=True)
    preparation = models.TextField("what the school should prepare", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancellation_reason = models.TextField(blank=True)
    # Raised on every change: calendar feeds publish it as SEQUENCE and reminders are claimed per version.
    version = models.PositiveIntegerField(default=1)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["date", "slot_start"]
        indexes = [
            models.Index(fields=["specialist", "date"]),
            models.Index(fields=["enrolment", "status"]),
            models.Index(fields=["date", "status"]),
        ]
        constraints = [
            # No specialist is booked twice for overlapping sessions.
            ExclusionConstraint(
                name="visit_no_specialist_double_booking",
                expressions=[
                    (F("specialist"), RangeOperators.EQUAL),
                    (F("date"), RangeOperators.EQUAL),
                    (
                        Func(
                            F("slot_start"),
                            F("slot_end"),
                            function="int4range",
                            output_field=IntegerRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=~Q(status="cancelled"),
            ),
            models.CheckConstraint(
                condition=Q(session="full_day", slot_start=0, slot_end=2, days=Decimal("1.0"))
                | Q(session="morning", slot_start=0, slot_end=1, days=Decimal("0.5"))
                | Q(session="afternoon", slot_start=1, slot_end=2, days=Decimal("0.5")),
                name="visit_slots_and_days_match_session",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="visit_cancelled_with_date",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False) | Q(status="cancelled"),
                name="visit_confirmed_by_someone",
            ),
        ]

    def __str__(self):
        school = self.enrolment.school.name
        return f"{self.specialist.full_name} at {school}, {self.date} ({self.get_session_display()})"

    @property
    def is_open(self) -> bool:
        """Still to happen or to be recorded: it can be confirmed, rescheduled or cancelled."""
        return self.status in {self.Status.PROPOSED, self.Status.CONFIRMED}


class Activity(models.TextChoices):
    WHOLE_SCHOOL_TRAINING = "whole_school_training", "Whole-school training"
    CLASSROOM_OBSERVATION = "classroom_observation", "Classroom observation"
    STAFF_CONSULTATION = "staff_consultation", "Staff consultation"
    PARENT_CARER_SESSION = "parent_carer_session", "Parent and carer session"
    RESOURCES_OR_PLANS = "resources_or_plans", "Resources or plans produced"


@audited()
class Outcome(models.Model):
    """What happened at a delivered visit: the programme's monitoring data."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="outcome")
    activities = ArrayField(models.CharField(max_length=30, choices=Activity.choices))
    staff_reached = models.PositiveIntegerField("number of staff reached")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(activities__contained_by=Activity.values), name="outcome_activities_known"
            ),
            models.CheckConstraint(condition=Q(activities__len__gte=1), name="outcome_has_an_activity"),
        ]

    def __str__(self):
        return f"Outcome of {self.visit}"

    def get_activities_display(self) -> list[str]:
        labels = dict(Activity.choices)
        return [labels.get(activity, activity) for activity in self.activities]


class ChangeRequest(models.Model):
    """A school asking its ICB to move or rethink a visit, with its reason."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="change_requests")
    reason = models.TextField()
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, related_name="+")
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            # A visit has at most one request waiting for an answer.
            models.UniqueConstraint(
                fields=["visit"], condition=Q(resolved_at__isnull=True), name="one_open_change_request"
            ),
        ]

    def __str__(self):
        return f"Change asked for {self.visit}"


class CalendarFeed(models.Model):
    """A secret address for a school's or a specialist's visits as an iCalendar feed. Only a hash of the
    token is kept; a new address revokes the old one."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey("pins.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, specialist__isnull=True)
                | Q(school__isnull=True, specialist__isnull=False),
                name="calendar_feed_for_a_school_or_a_specialist",
            ),
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="calendar_feed_revoked_by_only_when_revoked",
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(revoked_at__isnull=True, school__isnull=False), name="one_school_feed"
            ),
            models.UniqueConstraint(
                fields=["specialist"],
                condition=Q(revoked_at__isnull=True, specialist__isnull=False),
                name="one_specialist_feed",
            ),
        ]

    def __str__(self):
        return f"Calendar feed for {self.school or self.specialist}"


class Reminder(models.Model):
    """A reminder claimed before it is sent, so that a second sweep, a retry or a second worker sends nothing
    twice; `sent_at` stays empty until the mail server has taken it. `subject` names what it is about,
    including the visit's version, so a moved visit is reminded of again."""

    class Kind(models.TextChoices):
        VISIT_COMING_UP = "visit_coming_up", "Visit coming up"
        OUTCOME_OVERDUE = "outcome_overdue", "Outcome record overdue"
        DAYS_UNALLOCATED = "days_unallocated", "Days still to allocate"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=100, help_text="For example visit:123:v2, or icb:QWO:2026-W48")
    recipient = models.EmailField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "recipient"], name="reminder_sent_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient} ({self.subject})"
