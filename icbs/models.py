import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class Region(models.Model):
    """One of the seven NHS England regions."""

    code = models.CharField("NHS England region code", max_length=3, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ICBQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """ICBs in existence on a date (today by default): started, and not yet ended by a merger."""
        on = on or datetime.date.today()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)


class ICB(models.Model):
    """An integrated care board. Dated: a merger ends it and names its successor, so history stays with it."""

    ods_code = models.CharField("ODS code", max_length=3, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    name = models.CharField(max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="icbs")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    successor = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessors")

    objects = ICBQuerySet.as_manager()

    class Meta:
        verbose_name = "ICB"
        verbose_name_plural = "ICBs"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(ods_code__regex=r"^[A-Z0-9]{3}$"), name="icb_ods_code_format"),
            models.CheckConstraint(
                condition=Q(ons_code="") | Q(ons_code__regex=r"^E54[0-9]{6}$"), name="icb_ons_code_format"
            ),
            models.UniqueConstraint(fields=["ons_code"], condition=~Q(ons_code=""), name="icb_ons_code_unique"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="icb_ends_after_it_starts",
            ),
            # A merger ends an ICB and names its successor together.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, successor__isnull=True)
                | Q(ended_on__isnull=False, successor__isnull=False),
                name="icb_ended_with_successor",
            ),
            models.CheckConstraint(condition=~Q(successor=models.F("pk")), name="icb_not_its_own_successor"),
        ]

    def __str__(self):
        return self.short_name

    @property
    def short_name(self) -> str:
        """'NHS West Yorkshire Integrated Care Board' -> 'West Yorkshire'."""
        name = self.name.removeprefix("NHS ").removesuffix(" Integrated Care Board")
        return name

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or datetime.date.today()
        return self.started_on <= on and (self.ended_on is None or self.ended_on > on)


class LocalAuthority(models.Model):
    """An upper-tier local authority (three-digit DfE code) and the ICB it lies in, where it lies in one."""

    dfe_code = models.CharField("DfE LA code", max_length=3, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    name = models.CharField(max_length=100)
    icb = models.ForeignKey(
        ICB,
        verbose_name="ICB",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_authorities",
        help_text="Empty where the authority is split between ICBs: its schools are placed by LSOA.",
    )
    note = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(dfe_code__regex=r"^[0-9]{3}$"), name="la_dfe_code_format"),
            models.CheckConstraint(
                condition=Q(ons_code="") | Q(ons_code__regex=r"^E[0-9]{8}$"), name="la_ons_code_format"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.dfe_code})"


class CoordinatorMembership(models.Model):
    """Someone who coordinates the programme for an ICB: enrols its schools, manages its specialists."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_memberships")
    icb = models.ForeignKey(ICB, verbose_name="ICB", on_delete=models.CASCADE, related_name="coordinators")
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["icb", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "icb"], name="coordinator_once_per_icb")]

    def __str__(self):
        return f"{self.user} coordinates {self.icb}"
