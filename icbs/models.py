import datetime

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pins.kernel.history import audited


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


# Parent carer forum funding (docs/adr/0017): forums, a pot per ICB and financial year, awards from a pot to a
# forum, what the forum did with it and claimed, and the money paid as a ledger that is never changed.


class ParentCarerForumQuerySet(models.QuerySet):
    def in_icb(self, icb: ICB):
        """Forums placed in an ICB: one of their authorities lies in it, or, for an authority split between ICBs,
        has schools placed in it."""
        split = LocalAuthority.objects.filter(icb__isnull=True, schools__icb=icb).values("pk")
        areas = ParentCarerForum.local_authorities.through.objects.filter(
            Q(localauthority__icb=icb) | Q(localauthority__in=split)
        )
        return self.filter(pk__in=areas.values("parentcarerforum_id"))


@audited()
class ParentCarerForum(models.Model):
    """A local parent carer forum: parents and carers of children with SEND, working with the ICB, the local
    authority and schools. It lies in the ICBs of the local authorities it covers."""

    name = models.CharField(max_length=200, unique=True)
    local_authorities = models.ManyToManyField(LocalAuthority, related_name="forums", verbose_name="local authorities")
    email = models.EmailField("contact e-mail address", blank=True)
    phone = models.CharField("contact telephone number", max_length=30, blank=True)

    objects = ParentCarerForumQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="forum_has_a_name")]

    def __str__(self):
        return self.name


class ForumLeadMembership(models.Model):
    """Someone who leads a parent carer forum's work in the programme: records its activities and claims."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_memberships")
    forum = models.ForeignKey(ParentCarerForum, on_delete=models.CASCADE, related_name="leads")
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["forum", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "forum"], name="forum_lead_once_per_forum")]

    def __str__(self):
        return f"{self.user} leads {self.forum}"


@audited(exclude=["awarded_pence"])
class FundingPot(models.Model):
    """The money an ICB has for parent carer forum work in a financial year (April to March), in pence."""

    icb = models.ForeignKey(ICB, verbose_name="ICB", on_delete=models.PROTECT, related_name="funding_pots")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2026 for 2026-27")
    amount_pence = models.BigIntegerField("amount")
    # The approved awards' amounts, kept by the award services under this row's lock: the check constraint
    # refuses an approval that would overspend the pot.
    awarded_pence = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-financial_year", "icb__name"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "financial_year"], name="pot_once_per_icb_and_year"),
            models.CheckConstraint(
                condition=Q(financial_year__gte=2000, financial_year__lte=2100), name="pot_financial_year_plausible"
            ),
            models.CheckConstraint(condition=Q(amount_pence__gte=0), name="pot_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(awarded_pence__gte=0, awarded_pence__lte=models.F("amount_pence")),
                name="pot_not_overspent",
            ),
        ]

    def __str__(self):
        return f"{self.icb.short_name} {self.financial_year_label}"

    @property
    def financial_year_label(self) -> str:
        return f"{self.financial_year}-{(self.financial_year + 1) % 100:02d}"

    @property
    def unawarded_pence(self) -> int:
        return self.amount_pence - self.awarded_pence


def signed_amount(prefix: str = "") -> models.Case:
    """A ledger entry's amount as it counts towards what is paid: a payment adds, a reversal takes away."""
    amount = models.F(f"{prefix}amount_pence")
    return models.Case(
        models.When(**{f"{prefix}kind": "reversal"}, then=amount * -1),
        default=amount,
        output_field=models.BigIntegerField(),
    )


class AwardQuerySet(models.QuerySet):
    def with_ledger_totals(self):
        """Each award with `paid_from_ledger`: its payments minus its reversals, summed from the ledger."""
        entries = LedgerEntry.objects.filter(award=models.OuterRef("pk")).order_by().values("award")
        total = entries.annotate(total=models.Sum(signed_amount())).values("total")
        return self.annotate(
            paid_from_ledger=models.functions.Coalesce(
                models.Subquery(total, output_field=models.BigIntegerField()), 0, output_field=models.BigIntegerField()
            )
        )


@audited(exclude=["paid_pence"])
class Award(models.Model):
    """Money from an ICB's pot to a forum, for work with named schools of the ICB. Its status is the decision
    (proposed, approved, cancelled); 'paid in part' and 'paid in full' follow from its ledger (`payment_status`)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        CANCELLED = "cancelled", "Cancelled"

    pot = models.ForeignKey(FundingPot, on_delete=models.PROTECT, related_name="awards")
    forum = models.ForeignKey(ParentCarerForum, on_delete=models.PROTECT, related_name="awards")
    schools = models.ManyToManyField("schools.School", related_name="forum_awards")
    purpose = models.TextField()
    amount_pence = models.BigIntegerField("amount")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Payments minus reversals, kept by the ledger services under this row's lock: the check constraint refuses
    # a payment above the award. The ledger is the record; a test recomputes this from it.
    paid_pence = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="award_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_pence__gte=0, paid_pence__lte=models.F("amount_pence")), name="award_not_overpaid"
            ),
            # Money goes out only on an approved award.
            models.CheckConstraint(condition=Q(paid_pence=0) | Q(status="approved"), name="award_paid_only_approved"),
            models.CheckConstraint(
                condition=Q(status="proposed", decided_at__isnull=True)
                | Q(~Q(status="proposed"), decided_at__isnull=False),
                name="award_decided_when_not_proposed",
            ),
            models.CheckConstraint(condition=~Q(purpose=""), name="award_has_a_purpose"),
        ]

    def __str__(self):
        return f"{self.forum}: {self.purpose[:60]}"

    @property
    def paid(self) -> int:
        """Payments minus reversals: from the ledger when the queryset summed it, else the counter kept with it."""
        return getattr(self, "paid_from_ledger", self.paid_pence)

    @property
    def unpaid_pence(self) -> int:
        return self.amount_pence - self.paid if self.status == self.Status.APPROVED else 0

    @property
    def payment_status(self) -> str:
        """The status a person reads: the decision, or for an approved award how much of it the ledger has paid."""
        if self.status == self.Status.APPROVED and self.paid > 0:
            return "Paid in full" if self.paid >= self.amount_pence else "Paid in part"
        return self.get_status_display()


@audited()
class ForumActivity(models.Model):
    """Something a forum did with its award: a survey, a parent group, training and so on, at named schools."""

    class Kind(models.TextChoices):
        PARENT_SURVEY = "parent_survey", "Parent survey"
        PARENT_GROUP = "parent_group", "School-based parent group"
        TRAINING = "training", "Training"
        ENGAGEMENT_WORKER = "engagement_worker", "Engagement-worker time"
        CO_PRODUCTION = "co_production", "Co-production event"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    schools = models.ManyToManyField("schools.School", related_name="forum_activities")
    parents_reached = models.PositiveIntegerField("number of parents and carers reached")
    happened_on = models.DateField("date")
    description = models.TextField(blank=True)
    claim = models.ForeignKey("Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="activities")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name_plural = "forum activities"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.happened_on}"


@audited()
class Claim(models.Model):
    """A forum's request to be paid for activities under its award. Approving it records the payment due in the
    ledger; returning it gives the forum a reason and frees its activities for another claim."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="claims")
    amount_pence = models.BigIntegerField("amount")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    payment = models.OneToOneField("LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="claim")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="submitted", decided_at__isnull=True, payment__isnull=True)
                | Q(status="approved", decided_at__isnull=False, payment__isnull=False)
                | Q(status="returned", decided_at__isnull=False, payment__isnull=True, return_reason__gt=""),
                name="claim_decision_consistent",
            ),
        ]

    def __str__(self):
        return f"Claim {self.pk} for {self.award}"


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Ledger entries are never changed: record a reversal")

    def delete(self):
        raise TypeError("Ledger entries are never deleted: record a reversal")

    def signed_total(self) -> int:
        """Payments minus reversals."""
        return self.aggregate(total=models.Sum(signed_amount()))["total"] or 0


@audited()
class LedgerEntry(models.Model):
    """Money paid to a forum under an award, or a reversal of such a payment. Written once, never changed or
    deleted (a database trigger refuses both): a mistake is undone by a reversal entry."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REVERSAL = "reversal", "Reversal"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount_pence = models.BigIntegerField("amount")
    # A payment's key, sent with the form that asks for it: a retried or double-clicked request finds the
    # payment already made instead of paying twice.
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals")
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="payment", idempotency_key__isnull=False, reverses__isnull=True)
                | Q(kind="reversal", reverses__isnull=False),
                name="ledger_payment_keyed_reversal_names_payment",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_entry_never_changes", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.amount_pence}p under award {self.award_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Ledger entries are never changed: record a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger entries are never deleted: record a reversal")

    @property
    def signed_pence(self) -> int:
        return -self.amount_pence if self.kind == self.Kind.REVERSAL else self.amount_pence
