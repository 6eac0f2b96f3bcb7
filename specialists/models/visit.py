"""A visit: a specialist at an enrolled school on a date, for a full day, a morning or an afternoon."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import IntegerRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from pins.kernel.history import audited
from pins.kernel.units import DaysField
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


STATUS_COLOURS = {"proposed": "yellow", "confirmed": "blue", "delivered": "green", "cancelled": "grey"}


class VisitQuerySet(models.QuerySet):
    def booked(self):
        """Visits that take up a specialist's time and a school's days: everything but cancelled ones."""
        return self.exclude(status=Visit.Status.CANCELLED)

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

    def has_taken_place(self, today) -> bool:
        return self.date <= today

    def outcome_can_be_recorded(self, today) -> bool:
        """Once it has taken place, unless it was cancelled; a delivered visit's record can be corrected."""
        return not self.is_cancelled and self.has_taken_place(today)
