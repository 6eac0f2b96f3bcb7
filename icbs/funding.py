"""Parent carer forum funding, the writes (docs/adr/0017): pots, awards, activities, claims and the ledger.

Every limit is held twice: here, with a message for the person, under a row lock taken before anything is read
(the pot to approve an award, the award to pay, reverse or claim against it), and in the database by check
constraints on the counters kept under those locks (`pot_not_overspent`, `award_not_overpaid`). Concurrent
writers queue on the lock instead of racing; the ledger itself is only ever added to.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from icbs.models import (
    ICB,
    Award,
    Claim,
    ForumActivity,
    FundingPot,
    LedgerEntry,
    ParentCarerForum,
)
from pins.kernel.errors import RuleBroken
from pins.kernel.history import acting_as_by
from pins.kernel.money import pounds

ENROLLED = "enrolled"  # schools.Enrolment.Status.ENROLLED, named here so that icbs need not import schools


def _lock_pot(pot_id: int) -> FundingPot:
    return FundingPot.objects.select_for_update(of=("self",)).select_related("icb").get(pk=pot_id)


def _lock_award(award_id: int) -> Award:
    return Award.objects.select_for_update(of=("self",)).select_related("pot__icb", "forum").get(pk=award_id)


# Pots


@transaction.atomic
@acting_as_by
def pot_set(*, icb: ICB, financial_year: int, amount_pence: int, by) -> FundingPot:
    """Set an ICB's pot for a financial year, creating it if need be. It cannot go below what is already awarded."""
    if amount_pence < 0:
        raise RuleBroken("The pot must be £0 or more", field="amount")
    if not 2000 <= financial_year <= 2100:
        raise RuleBroken("Enter a financial year between 2000-01 and 2100-01", field="financial_year")
    # Insert-if-missing, then lock: two admins setting the same new pot queue on the one row.
    FundingPot.objects.bulk_create(
        [FundingPot(icb=icb, financial_year=financial_year, amount_pence=0)], ignore_conflicts=True
    )
    pot = FundingPot.objects.select_for_update().select_related("icb").get(icb=icb, financial_year=financial_year)
    if amount_pence < pot.awarded_pence:
        raise RuleBroken(
            f"The pot cannot be less than the {pounds(pot.awarded_pence)} already awarded from it", field="amount"
        )
    if pot.amount_pence != amount_pence:
        pot.amount_pence = amount_pence
        pot.save(update_fields=["amount_pence"])
    return pot


# Awards


@transaction.atomic
@acting_as_by
def award_propose(
    *, pot: FundingPot, forum: ParentCarerForum, schools: Iterable, purpose: str, amount_pence: int, by
) -> Award:
    """Propose an award from a pot to a forum of the pot's ICB, for work with schools enrolled in the ICB."""
    schools = list(schools)
    purpose = purpose.strip()
    if not ParentCarerForum.objects.in_icb(pot.icb).filter(pk=forum.pk).exists():
        raise RuleBroken(f"{forum.name} does not work in {pot.icb.short_name}", field="forum")
    if not schools:
        raise RuleBroken("Choose the schools the forum will work with", field="schools")
    enrolled = set(pot.icb.enrolments.filter(status=ENROLLED, school__in=schools).values_list("school_id", flat=True))
    if outside := [school for school in schools if school.pk not in enrolled]:
        raise RuleBroken(f"{outside[0].name} is not enrolled with {pot.icb.short_name}", field="schools")
    if not purpose:
        raise RuleBroken("Enter what the award is for", field="purpose")
    if amount_pence <= 0:
        raise RuleBroken("The amount must be more than £0", field="amount")
    if amount_pence > pot.amount_pence - pot.awarded_pence:
        raise RuleBroken(
            f"The amount must be {pounds(pot.amount_pence - pot.awarded_pence)} or less: that is what remains"
            " in the pot",
            field="amount",
        )
    award = Award.objects.create(pot=pot, forum=forum, purpose=purpose, amount_pence=amount_pence, created_by=by)
    award.schools.set(schools)
    return award


@transaction.atomic
@acting_as_by
def award_approve(*, award: Award, by) -> Award:
    """Approve a proposed award: its amount is taken from the pot, which it may not overspend."""
    pot = _lock_pot(award.pot_id)  # the pot first, always: every approval and cancellation queues on it
    award = _lock_award(award.pk)
    if award.status != Award.Status.PROPOSED:
        raise RuleBroken(f"This award is {award.get_status_display().lower()}: only a proposed award can be approved")
    remaining = pot.amount_pence - pot.awarded_pence
    if award.amount_pence > remaining:
        raise RuleBroken(
            f"The award of {pounds(award.amount_pence)} is more than the {pounds(remaining)} that remains in the"
            f" {pot.financial_year_label} pot"
        )
    FundingPot.objects.filter(pk=pot.pk).update(awarded_pence=F("awarded_pence") + award.amount_pence)
    award.status = Award.Status.APPROVED
    award.decided_at, award.decided_by = timezone.now(), by
    award.save(update_fields=["status", "decided_at", "decided_by"])
    return award


@transaction.atomic
@acting_as_by
def award_cancel(*, award: Award, reason: str, by) -> Award:
    """Cancel an award nothing is paid on (reverse its payments first); an approved award gives its amount back."""
    pot = _lock_pot(award.pot_id)
    award = _lock_award(award.pk)
    if award.status == Award.Status.CANCELLED:
        raise RuleBroken("This award is already cancelled")
    if award.paid_pence > 0:
        raise RuleBroken(f"{pounds(award.paid_pence)} has been paid on this award: reverse the payments first")
    if not reason.strip():
        raise RuleBroken("Enter why the award is cancelled", field="reason")
    if award.status == Award.Status.APPROVED:
        FundingPot.objects.filter(pk=pot.pk).update(awarded_pence=F("awarded_pence") - award.amount_pence)
    award.status = Award.Status.CANCELLED
    award.decided_at, award.decided_by, award.cancel_reason = timezone.now(), by, reason.strip()
    award.save(update_fields=["status", "decided_at", "decided_by", "cancel_reason"])
    return award


# The ledger


@transaction.atomic
@acting_as_by
def payment_record(*, award: Award, amount_pence: int, idempotency_key: str, by, note: str = "") -> LedgerEntry:
    """Pay a forum under an approved award, never above it. The same idempotency key again (a double click,
    a retried request) returns the payment it made the first time and pays nothing."""
    if not idempotency_key:
        raise RuleBroken("This payment has no key: open the page again and pay from there")
    if first := _payment_already_made(award, idempotency_key):
        return first
    award = _lock_award(award.pk)
    # A request with the same key may have committed while this one waited for the lock.
    if first := _payment_already_made(award, idempotency_key):
        return first
    if award.status != Award.Status.APPROVED:
        raise RuleBroken(f"This award is {award.get_status_display().lower()}: only an approved award can be paid")
    if amount_pence <= 0:
        raise RuleBroken("The amount must be more than £0", field="amount")
    remaining = award.amount_pence - award.paid_pence
    if amount_pence > remaining:
        raise RuleBroken(
            f"The amount must be {pounds(remaining)} or less: that is what remains to pay on the award", field="amount"
        )
    entry = LedgerEntry.objects.create(
        award=award,
        kind=LedgerEntry.Kind.PAYMENT,
        amount_pence=amount_pence,
        idempotency_key=idempotency_key,
        note=note.strip(),
        recorded_by=by,
    )
    Award.objects.filter(pk=award.pk).update(paid_pence=F("paid_pence") + amount_pence)
    return entry


def _payment_already_made(award: Award, idempotency_key: str) -> LedgerEntry | None:
    first = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if first is not None and first.award_id != award.pk:
        raise RuleBroken("This payment's key belongs to another award: open the page again and pay from there")
    return first


@transaction.atomic
@acting_as_by
def payment_reverse(
    *, payment: LedgerEntry, amount_pence: int | None = None, reason: str, by, idempotency_key: str | None = None
) -> LedgerEntry:
    """Undo a payment, in full or in part, with a reversal entry: never more than the payment less what is
    already reversed of it."""
    if idempotency_key and (first := LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()):
        return first
    award = _lock_award(payment.award_id)
    if idempotency_key and (first := LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()):
        return first
    if payment.kind != LedgerEntry.Kind.PAYMENT:
        raise RuleBroken("Only a payment can be reversed")
    if not reason.strip():
        raise RuleBroken("Enter why the payment is reversed", field="reason")
    reversed_already = payment.reversals.aggregate(total=Sum("amount_pence"))["total"] or 0
    left = payment.amount_pence - reversed_already
    amount_pence = left if amount_pence is None else amount_pence
    if left <= 0:
        raise RuleBroken("This payment has already been reversed in full")
    if amount_pence <= 0:
        raise RuleBroken("The amount must be more than £0", field="amount")
    if amount_pence > left:
        raise RuleBroken(
            f"The amount must be {pounds(left)} or less: that is what is left of the payment", field="amount"
        )
    entry = LedgerEntry.objects.create(
        award=award,
        kind=LedgerEntry.Kind.REVERSAL,
        amount_pence=amount_pence,
        reverses=payment,
        idempotency_key=idempotency_key or None,
        note=reason.strip(),
        recorded_by=by,
    )
    Award.objects.filter(pk=award.pk).update(paid_pence=F("paid_pence") - amount_pence)
    return entry


# What the forum did, and its claims


@transaction.atomic
@acting_as_by
def activity_record(
    *,
    award: Award,
    kind: ForumActivity.Kind,
    schools: Iterable,
    parents_reached: int,
    happened_on: datetime.date,
    by,
    description: str = "",
) -> ForumActivity:
    """Record what a forum did under its approved award, at some of the award's schools."""
    schools = list(schools)
    if award.status != Award.Status.APPROVED:
        raise RuleBroken("Activities can be recorded only against an approved award")
    if not schools:
        raise RuleBroken("Choose the schools involved", field="schools")
    award_schools = set(award.schools.values_list("pk", flat=True))
    if outside := [school for school in schools if school.pk not in award_schools]:
        raise RuleBroken(f"{outside[0].name} is not one of the award's schools", field="schools")
    if parents_reached < 0:
        raise RuleBroken("The number of parents and carers reached must be 0 or more", field="parents_reached")
    if happened_on > timezone.localdate():
        raise RuleBroken("The date must be today or in the past", field="happened_on")
    activity = ForumActivity.objects.create(
        award=award,
        kind=kind,
        parents_reached=parents_reached,
        happened_on=happened_on,
        description=description.strip(),
        recorded_by=by,
    )
    activity.schools.set(schools)
    return activity


@transaction.atomic
@acting_as_by
def claim_submit(*, award: Award, activities: Iterable[ForumActivity], amount_pence: int, by) -> Claim:
    """Claim payment for activities under an award; the claims waiting and the payments made stay within it."""
    award = _lock_award(award.pk)
    activities = list(activities)
    if award.status != Award.Status.APPROVED:
        raise RuleBroken("Claims can be made only against an approved award")
    if not activities:
        raise RuleBroken("Choose the activities the claim is for", field="activities")
    claimable = set(_claimable(award).values_list("pk", flat=True))
    if any(activity.pk not in claimable for activity in activities):
        raise RuleBroken("An activity chosen is already claimed, or belongs to another award", field="activities")
    if amount_pence <= 0:
        raise RuleBroken("The amount must be more than £0", field="amount")
    waiting = award.claims.filter(status=Claim.Status.SUBMITTED).aggregate(total=Sum("amount_pence"))["total"] or 0
    remaining = award.amount_pence - award.paid_pence - waiting
    if amount_pence > remaining:
        raise RuleBroken(
            f"The amount must be {pounds(max(remaining, 0))} or less: that is what remains of the award after its"
            " payments and the claims waiting",
            field="amount",
        )
    claim = Claim.objects.create(award=award, amount_pence=amount_pence, submitted_by=by)
    ForumActivity.objects.filter(pk__in=[activity.pk for activity in activities]).update(claim=claim)
    return claim


def _claimable(award: Award):
    """The award's activities in no claim, or in one returned to the forum."""
    return award.activities.filter(Q(claim__isnull=True) | Q(claim__status=Claim.Status.RETURNED))


@transaction.atomic
@acting_as_by
def claim_approve(*, claim: Claim, by) -> Claim:
    """Approve a claim: the payment due is recorded in the ledger, keyed by the claim so it is made once."""
    award = _lock_award(claim.award_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.SUBMITTED:
        raise RuleBroken(f"This claim is already {claim.get_status_display().lower()}")
    payment = payment_record(
        award=award,
        amount_pence=claim.amount_pence,
        idempotency_key=f"claim-{claim.pk}",
        by=by,
        note=f"Claim {claim.pk}",
    )
    claim.status, claim.payment = Claim.Status.APPROVED, payment
    claim.decided_at, claim.decided_by = timezone.now(), by
    claim.save(update_fields=["status", "payment", "decided_at", "decided_by"])
    return claim


@transaction.atomic
@acting_as_by
def claim_return(*, claim: Claim, reason: str, by) -> Claim:
    """Return a claim to the forum with a reason; its activities can go into another claim."""
    _lock_award(claim.award_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.SUBMITTED:
        raise RuleBroken(f"This claim is already {claim.get_status_display().lower()}")
    if not reason.strip():
        raise RuleBroken("Enter why the claim is returned", field="reason")
    claim.status, claim.return_reason = Claim.Status.RETURNED, reason.strip()
    claim.decided_at, claim.decided_by = timezone.now(), by
    claim.save(update_fields=["status", "return_reason", "decided_at", "decided_by"])
    return claim
