"""A visit: a specialist at an enrolled school on a date, for a full day, a morning or an afternoon."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import IntegerRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from pins.kernel.history import audited
from pins.kernel.units import DaysField
from specialists.models.open_visits import OPEN_VISITS_TRIGGERS
from specialists.models.specialist import Specialist


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


STATUS_COLOURS = {
    "proposed": "yellow",
    "confirmed": "blue",
    "delivered": "green",
    "cancelled": "grey",
    "not_held": "orange",
}


class VisitQuerySet(models.QuerySet):
    def booked(self):
        """Visits that take up a specialist's time and a school's days: everything but cancelled ones."""
        return self.exclude(status=Visit.Status.CANCELLED)

    def counted(self):
        """Visits whose days count against the school's quota and the specialist's capacity: those booked, but
        not one that did not take place and whose days were given back (docs/adr/0023)."""
        return self.booked().exclude(status=Visit.Status.NOT_HELD, days_given_back=True)

    def open(self):
        """Visits still to happen or to be recorded (proposed or confirmed): they can be confirmed, moved or
        cancelled, and their outcome is still to come."""
        return self.filter(status__in=Visit.OPEN_STATUSES)


# Its timeline on the visit page: who proposed, confirmed, moved or cancelled it, with before and after.
@audited(exclude=["slot_start", "slot_end"])
class Visit(models.Model):
    """A specialist's visit to an enrolled school on a date: a full day, a morning or an afternoon."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        NOT_HELD = "not_held", "Did not take place"

    class NotHeldReason(models.TextChoices):
        """Why a visit did not take place; the reason decides whether its days go back (docs/adr/0023)."""

        SCHOOL_CLOSED = "school_closed", "The school was closed"
        SPECIALIST_ILL = "specialist_ill", "The specialist was ill"
        CANCELLED_ON_THE_DAY = "cancelled_on_the_day", "The school cancelled on the day"
        OTHER = "other", "Another reason"

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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(blank=True)
    not_held_reason = models.CharField(
        "why it did not take place", max_length=30, choices=NotHeldReason.choices, blank=True
    )
    not_held_details = models.TextField("what happened", blank=True)
    not_held_at = models.DateTimeField(null=True, blank=True)
    not_held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A visit that did not take place either gives its days back to the school's quota and the specialist's
    # capacity, or keeps them counted, by its reason (docs/adr/0023); the recount reads this.
    days_given_back = models.BooleanField(default=False)
    # Raised on every change: calendar feeds publish it as SEQUENCE and reminders are claimed per version.
    version = models.PositiveIntegerField(default=1)

    # What "open" means everywhere: the queryset's open(), is_open, the services' locks and the reminders.
    OPEN_STATUSES = (Status.PROPOSED, Status.CONFIRMED)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["date", "slot_start"]
        indexes = [
            models.Index(fields=["specialist", "date"]),
            models.Index(fields=["enrolment", "status"]),
            models.Index(fields=["date", "status"]),
            # Visits still open, by date: the overdue ones (open, dated before today) are few, and national
            # progress counts them by ICB from this index alone.
            models.Index(
                fields=["date"],
                include=["enrolment"],
                condition=models.Q(status__in=["proposed", "confirmed"]),
                name="visit_open_by_date",
            ),
            # Visits that did not take place, by date: few anywhere, so an ICB's list of them, latest first, reads
            # these rather than walking every visit of the country by date.
            models.Index(
                fields=["date"],
                include=["enrolment"],
                condition=models.Q(status="not_held"),
                name="visit_not_held_by_date",
            ),
        ]
        # National progress counts overdue visits from the rows these write (OpenVisitsChange).
        triggers = list(OPEN_VISITS_TRIGGERS)
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
            # A visit that did not take place has its reason and when it was recorded; no other visit has either,
            # nor days given back.
            models.CheckConstraint(
                condition=(Q(status="not_held") & ~Q(not_held_reason="") & Q(not_held_at__isnull=False))
                | (~Q(status="not_held") & Q(not_held_reason="", not_held_at__isnull=True, days_given_back=False)),
                name="visit_not_held_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(not_held_reason="other") | ~Q(not_held_details=""),
                name="visit_not_held_other_explained",
            ),
        ]

    def __str__(self):
        school = self.enrolment.school.name
        return f"{self.specialist.full_name} at {school}, {self.date} ({self.get_session_display()})"

    @property
    def is_open(self) -> bool:
        """Still to happen or to be recorded: it can be confirmed, rescheduled or cancelled."""
        return self.status in self.OPEN_STATUSES

    @property
    def status_colour(self) -> str:
        """The GOV.UK tag colour its status is shown in, on every page that shows it."""
        return STATUS_COLOURS[self.status]

    @property
    def can_be_confirmed(self) -> bool:
        """Proposed and waiting for the school to agree (whoever may confirm it: see the authorization)."""
        return self.status == self.Status.PROPOSED

    @property
    def can_be_changed(self) -> bool:
        """It can be moved or cancelled, and the school can ask for either: only while it is open."""
        return self.is_open

    @property
    def is_delivered(self) -> bool:
        return self.status == self.Status.DELIVERED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_not_held(self) -> bool:
        return self.status == self.Status.NOT_HELD

    def can_be_marked_not_held(self, today) -> bool:
        """Still open once its date has come: it can be recorded as not having taken place."""
        return self.is_open and self.has_taken_place(today)

    def has_taken_place(self, today) -> bool:
        return self.date <= today

    def outcome_can_be_recorded(self, today) -> bool:
        """Once it has taken place, unless it was cancelled; a delivered visit's record can be corrected."""
        return not self.is_cancelled and not self.is_not_held and self.has_taken_place(today)
