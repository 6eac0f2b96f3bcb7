"""A specialist an ICB places in schools, their capacity in each programme year, and their time away."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from icbs.models import ICB
from pins.kernel.disciplines import Discipline
from pins.kernel.units import DaysField, whole_half_days
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
        settings.AUTH_USER_MODEL,
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
