import datetime
import re
import threading
import uuid

import pytest
from django.db import IntegrityError, ProgrammingError, close_old_connections, connection, transaction

from icbs.funding import (
    activity_record,
    award_approve,
    award_cancel,
    award_propose,
    claim_approve,
    claim_return,
    claim_submit,
    payment_record,
    payment_reverse,
    pot_set,
)
from icbs.models import Award, Claim, ForumActivity, FundingPot, LedgerEntry, ParentCarerForum
from pins.kernel.errors import RuleBroken
from tests import factories
from tests.funding import assert_balances_match_ledger, award_for, enrolled_schools, forum_in, pot_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding(db):
    icb = factories.ICBFactory()
    coordinator = factories.CoordinatorMembershipFactory(icb=icb).user
    forum = forum_in(icb)
    schools = enrolled_schools(icb, 3)
    pot = pot_for(icb, pounds=10_000, by=coordinator)
    return {"icb": icb, "coordinator": coordinator, "forum": forum, "schools": schools, "pot": pot}


def _key() -> str:
    return str(uuid.uuid4())


# Pots


def test_a_pot_is_set_once_per_icb_and_year_and_changed_in_place(funding):
    pot = pot_set(icb=funding["icb"], financial_year=2026, amount_pence=2_000_000, by=funding["coordinator"])

    assert pot.pk == funding["pot"].pk
    assert FundingPot.objects.get().amount_pence == 2_000_000
    assert pot.financial_year_label == "2026-27"


def test_a_pot_cannot_go_below_what_is_awarded(funding):
    award_for(funding["pot"], funding["forum"], funding["schools"], pounds=6_000)

    with pytest.raises(RuleBroken, match=re.escape("cannot be less than the £6,000.00 already awarded")):
        pot_set(icb=funding["icb"], financial_year=2026, amount_pence=500_000, by=None)


@pytest.mark.engine
def test_the_database_refuses_an_overspent_pot(funding):
    with pytest.raises(IntegrityError, match="pot_not_overspent"), transaction.atomic():
        FundingPot.objects.filter(pk=funding["pot"].pk).update(awarded_pence=2_000_000)


# Awards


def test_an_award_is_proposed_for_enrolled_schools_of_the_icb_and_approved_from_the_pot(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=2_500, approved=False)
    assert (award.status, award.payment_status) == (Award.Status.PROPOSED, "Proposed")

    award_approve(award=award, by=funding["coordinator"])

    award.refresh_from_db()
    assert (award.status, award.decided_by) == (Award.Status.APPROVED, funding["coordinator"])
    assert FundingPot.objects.get().awarded_pence == 250_000
    assert_balances_match_ledger()


def test_an_award_is_refused_for_a_school_not_enrolled_with_the_icb(funding):
    elsewhere = enrolled_schools(factories.ICBFactory(), 1)[0]
    with pytest.raises(RuleBroken, match="is not enrolled with"):
        award_for(funding["pot"], funding["forum"], [*funding["schools"], elsewhere])
    assert not Award.objects.exists()


def test_an_award_is_refused_to_a_forum_of_another_icb(funding):
    other = forum_in(factories.ICBFactory())
    with pytest.raises(RuleBroken, match="does not work in"):
        award_for(funding["pot"], other, funding["schools"])


def test_a_forum_of_a_split_authority_works_in_the_icbs_its_schools_are_in(funding):
    split = factories.LocalAuthorityFactory(icb=None)
    factories.EnrolmentFactory(school__local_authority=split, school__icb=funding["icb"])
    forum = forum_in(None, local_authority=split)

    assert list(ParentCarerForum.objects.in_icb(funding["icb"]).filter(pk=forum.pk)) == [forum]
    assert not ParentCarerForum.objects.in_icb(factories.ICBFactory()).filter(pk=forum.pk).exists()


def test_approving_more_than_the_pot_holds_is_refused_and_changes_nothing(funding):
    award_for(funding["pot"], funding["forum"], funding["schools"], pounds=7_000)
    second = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=3_000, approved=False)
    award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1, approved=True)

    with pytest.raises(RuleBroken, match=re.escape("more than the £2,999.00 that remains")):
        award_approve(award=second, by=None)
    second.refresh_from_db()
    assert second.status == Award.Status.PROPOSED
    assert FundingPot.objects.get().awarded_pence == 700_100


def test_cancelling_an_approved_award_gives_its_amount_back_to_the_pot(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=4_000)

    award_cancel(award=award, reason="The forum withdrew", by=funding["coordinator"])

    assert FundingPot.objects.get().awarded_pence == 0
    assert Award.objects.get().status == Award.Status.CANCELLED
    with pytest.raises(RuleBroken, match="already cancelled"):
        award_cancel(award=award, reason="Again", by=None)


def test_an_award_with_money_paid_cannot_be_cancelled(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"])
    payment_record(award=award, amount_pence=100, idempotency_key=_key(), by=None)

    with pytest.raises(RuleBroken, match="reverse the payments first"):
        award_cancel(award=award, reason="Changed our minds", by=None)


# The ledger


def test_payments_make_an_award_paid_in_part_then_in_full(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)

    payment_record(award=award, amount_pence=40_000, idempotency_key=_key(), by=funding["coordinator"])
    assert Award.objects.with_ledger_totals().get().payment_status == "Paid in part"
    payment_record(award=award, amount_pence=60_000, idempotency_key=_key(), by=funding["coordinator"])
    assert Award.objects.with_ledger_totals().get().payment_status == "Paid in full"
    assert_balances_match_ledger()


def test_paying_more_than_remains_on_the_award_is_refused(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)
    payment_record(award=award, amount_pence=90_000, idempotency_key=_key(), by=None)

    with pytest.raises(RuleBroken, match=re.escape("£100.00 or less: that is what remains to pay")):
        payment_record(award=award, amount_pence=10_001, idempotency_key=_key(), by=None)
    assert LedgerEntry.objects.count() == 1


def test_a_proposed_award_cannot_be_paid(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], approved=False)
    with pytest.raises(RuleBroken, match="only an approved award can be paid"):
        payment_record(award=award, amount_pence=100, idempotency_key=_key(), by=None)


def test_a_retried_payment_returns_the_first_and_pays_nothing_more(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"])
    key = _key()

    first = payment_record(award=award, amount_pence=5_000, idempotency_key=key, by=None)
    again = payment_record(award=award, amount_pence=5_000, idempotency_key=key, by=None)

    assert again == first
    assert LedgerEntry.objects.count() == 1
    assert Award.objects.get().paid_pence == 5_000


def test_a_key_from_another_award_is_refused(funding):
    one = award_for(funding["pot"], funding["forum"], funding["schools"])
    two = award_for(funding["pot"], funding["forum"], funding["schools"])
    key = _key()
    payment_record(award=one, amount_pence=5_000, idempotency_key=key, by=None)

    with pytest.raises(RuleBroken, match="belongs to another award"):
        payment_record(award=two, amount_pence=5_000, idempotency_key=key, by=None)


def test_a_reversal_undoes_a_payment_but_never_more_than_was_paid(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"])
    payment = payment_record(award=award, amount_pence=5_000, idempotency_key=_key(), by=None)

    payment_reverse(payment=payment, amount_pence=2_000, reason="Paid the wrong account", by=funding["coordinator"])
    with pytest.raises(RuleBroken, match=re.escape("£30.00 or less: that is what is left of the payment")):
        payment_reverse(payment=payment, amount_pence=3_001, reason="Again", by=None)
    payment_reverse(payment=payment, reason="The rest", by=None)
    with pytest.raises(RuleBroken, match="already been reversed in full"):
        payment_reverse(payment=payment, reason="Once more", by=None)

    assert Award.objects.get().paid_pence == 0
    assert LedgerEntry.objects.count() == 3
    assert_balances_match_ledger()


def test_a_reversal_cannot_be_reversed(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"])
    payment = payment_record(award=award, amount_pence=5_000, idempotency_key=_key(), by=None)
    reversal = payment_reverse(payment=payment, reason="Wrong", by=None)
    with pytest.raises(RuleBroken, match="Only a payment can be reversed"):
        payment_reverse(payment=reversal, reason="Undo the undo", by=None)


@pytest.mark.engine
def test_the_database_refuses_to_change_or_delete_a_ledger_entry(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"])
    entry = payment_record(award=award, amount_pence=5_000, idempotency_key=_key(), by=None)

    with pytest.raises(TypeError, match="never changed"):
        entry.save()
    with pytest.raises(TypeError, match="never deleted"):
        entry.delete()
    with pytest.raises(TypeError, match="never changed"):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_pence=1)
    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {LedgerEntry._meta.db_table} SET amount_pence = 1 WHERE id = %s", [entry.pk])
    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {LedgerEntry._meta.db_table} WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get().amount_pence == 5_000


@pytest.mark.engine
def test_the_database_refuses_an_overpaid_award_and_a_payment_without_a_key(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=10)
    with pytest.raises(IntegrityError, match="award_not_overpaid"), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(paid_pence=1_001)
    with pytest.raises(IntegrityError, match="ledger_payment_keyed"), transaction.atomic():
        LedgerEntry.objects.create(award=award, kind=LedgerEntry.Kind.PAYMENT, amount_pence=1)
    with pytest.raises(IntegrityError, match="unique"), transaction.atomic():
        for _ in range(2):
            LedgerEntry.objects.create(award=award, kind=LedgerEntry.Kind.PAYMENT, amount_pence=1, idempotency_key="k")


def test_every_change_to_money_records_who_made_it(funding):
    coordinator = funding["coordinator"]
    award = award_for(funding["pot"], funding["forum"], funding["schools"], by=coordinator)
    payment = payment_record(award=award, amount_pence=5_000, idempotency_key=_key(), by=coordinator)

    assert {event.user_id for event in Award.objects.get().history_events.all()} == {coordinator.pk}
    assert [event.user_id for event in LedgerEntry.objects.get(pk=payment.pk).history_events.all()] == [coordinator.pk]
    assert {event.user_id for event in FundingPot.objects.get().history_events.all()} == {coordinator.pk}


# Activities and claims


def _activity(award, schools, *, parents=12, by=None):
    return activity_record(
        award=award,
        kind=ForumActivity.Kind.PARENT_SURVEY,
        schools=schools,
        parents_reached=parents,
        happened_on=datetime.date(2026, 10, 1),
        by=by,
    )


@pytest.mark.usefixtures("during_term")
def test_a_claim_for_activities_is_approved_into_a_payment(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)
    activities = [_activity(award, funding["schools"][:2]), _activity(award, funding["schools"][2:])]

    claim = claim_submit(award=award, activities=activities, amount_pence=30_000, by=None)
    claim = claim_approve(claim=claim, by=funding["coordinator"])

    assert claim.status == Claim.Status.APPROVED
    assert claim.payment.amount_pence == 30_000
    assert Award.objects.get().paid_pence == 30_000
    with pytest.raises(RuleBroken, match="already approved"):
        claim_approve(claim=claim, by=funding["coordinator"])
    assert LedgerEntry.objects.count() == 1
    assert_balances_match_ledger()


@pytest.mark.usefixtures("during_term")
def test_a_returned_claim_frees_its_activities_for_another(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)
    activity = _activity(award, funding["schools"])
    claim = claim_submit(award=award, activities=[activity], amount_pence=30_000, by=None)
    with pytest.raises(RuleBroken, match="already claimed"):
        claim_submit(award=award, activities=[activity], amount_pence=100, by=None)

    with pytest.raises(RuleBroken, match="Enter why"):
        claim_return(claim=claim, reason=" ", by=None)
    claim_return(claim=claim, reason="Give the number of parents at each school", by=None)

    again = claim_submit(award=award, activities=[activity], amount_pence=20_000, by=None)
    assert again.status == Claim.Status.SUBMITTED
    assert LedgerEntry.objects.count() == 0


@pytest.mark.usefixtures("during_term")
def test_claims_waiting_and_payments_stay_within_the_award(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)
    payment_record(award=award, amount_pence=50_000, idempotency_key=_key(), by=None)
    claim_submit(award=award, activities=[_activity(award, funding["schools"])], amount_pence=30_000, by=None)

    with pytest.raises(RuleBroken, match=re.escape("£200.00 or less")):
        claim_submit(award=award, activities=[_activity(award, funding["schools"])], amount_pence=20_001, by=None)


@pytest.mark.usefixtures("during_term")
def test_an_activity_is_only_at_the_awards_schools(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"][:1])
    with pytest.raises(RuleBroken, match="is not one of the award's schools"):
        _activity(award, funding["schools"][1:])


@pytest.mark.usefixtures("during_term")
def test_an_activity_of_another_award_cannot_be_claimed(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"])
    other = award_for(funding["pot"], funding["forum"], funding["schools"])
    with pytest.raises(RuleBroken, match="belongs to another award"):
        claim_submit(award=award, activities=[_activity(other, funding["schools"])], amount_pence=100, by=None)


# Many at once: real transactions, each in its own thread and connection, released together by a barrier.

ATTEMPTS = 24


def _race(calls: list) -> tuple[list, list[str]]:
    start = threading.Barrier(len(calls))
    done, refused, errors = [], [], []
    lock = threading.Lock()

    def attempt(call):
        try:
            start.wait()
            result = call()
            with lock:
                done.append(result)
        except RuleBroken as rule:
            with lock:
                refused.append(rule.message)
        except Exception as error:  # anything else is a failure of the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert not errors, errors
    return done, refused


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
class TestConcurrentMoney:
    def test_approvals_at_once_never_overspend_the_pot(self, funding):
        # £10,000 in the pot; 24 awards of £1,000 approved at the same moment: exactly ten fit.
        awards = [
            award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000, approved=False)
            for _ in range(ATTEMPTS)
        ]

        approved, refused = _race(
            [lambda award=award: award_approve(award=award, by=funding["coordinator"]) for award in awards]
        )

        assert (len(approved), len(refused)) == (10, ATTEMPTS - 10)
        assert all("that remains in the 2026-27 pot" in message for message in refused)
        pot = FundingPot.objects.get()
        assert pot.awarded_pence == pot.amount_pence == 1_000_000
        assert Award.objects.filter(status=Award.Status.APPROVED).count() == 10
        assert_balances_match_ledger()

    def test_payments_at_once_never_overpay_the_award(self, funding):
        # A £1,000 award; 24 payments of £150 at the same moment: six fit (£900), the rest are refused.
        award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)

        paid, refused = _race(
            [
                lambda: payment_record(award=award, amount_pence=15_000, idempotency_key=_key(), by=None)
                for _ in range(ATTEMPTS)
            ]
        )

        assert (len(paid), len(refused)) == (6, ATTEMPTS - 6)
        assert all("that is what remains to pay" in message for message in refused)
        assert Award.objects.get().paid_pence == 90_000
        assert LedgerEntry.objects.count() == 6
        assert_balances_match_ledger()

    def test_the_same_payment_sent_many_times_at_once_is_made_once(self, funding):
        award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)
        key = _key()

        paid, refused = _race(
            [
                lambda: payment_record(award=award, amount_pence=15_000, idempotency_key=key, by=None)
                for _ in range(ATTEMPTS)
            ]
        )

        assert (len(paid), refused) == (ATTEMPTS, [])
        assert {entry.pk for entry in paid} == {LedgerEntry.objects.get().pk}
        assert Award.objects.get().paid_pence == 15_000
        assert_balances_match_ledger()

    def test_a_claim_approved_by_many_at_once_is_paid_once(self, funding, during_term):
        award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)
        claim = claim_submit(
            award=award, activities=[_activity(award, funding["schools"])], amount_pence=30_000, by=None
        )

        approved, refused = _race([lambda: claim_approve(claim=claim, by=funding["coordinator"])] * ATTEMPTS)

        assert (len(approved), len(refused)) == (1, ATTEMPTS - 1)
        assert all(message == "This claim is already approved" for message in refused)
        assert LedgerEntry.objects.get().amount_pence == Award.objects.get().paid_pence == 30_000
        assert_balances_match_ledger()

    def test_setting_a_new_pot_many_times_at_once_makes_one(self, funding):
        icb = factories.ICBFactory()

        pots, refused = _race(
            [
                lambda amount=amount: pot_set(icb=icb, financial_year=2027, amount_pence=amount, by=None)
                for amount in range(ATTEMPTS)
            ]
        )

        assert (len(pots), refused) == (ATTEMPTS, [])
        assert len({pot.pk for pot in pots}) == 1
        assert FundingPot.objects.filter(icb=icb).count() == 1

    def test_reversals_at_once_never_undo_more_than_was_paid(self, funding):
        award = award_for(funding["pot"], funding["forum"], funding["schools"], pounds=1_000)
        payment = payment_record(award=award, amount_pence=50_000, idempotency_key=_key(), by=None)

        reversed_, refused = _race(
            [
                lambda: payment_reverse(payment=payment, amount_pence=10_000, reason="Wrong account", by=None)
                for _ in range(ATTEMPTS)
            ]
        )

        assert (len(reversed_), len(refused)) == (5, ATTEMPTS - 5)
        assert Award.objects.get().paid_pence == 0
        assert_balances_match_ledger()


# Every refusal, with its message and nothing written.


@pytest.mark.usefixtures("during_term")
def test_each_rule_refuses_with_a_message(funding):
    pot, forum, schools = funding["pot"], funding["forum"], funding["schools"]
    proposed = award_for(pot, forum, schools, approved=False)
    approved = award_for(pot, forum, schools)
    refusals = [
        (lambda: pot_set(icb=funding["icb"], financial_year=2026, amount_pence=-1, by=None), "£0 or more"),
        (lambda: pot_set(icb=funding["icb"], financial_year=1999, amount_pence=1, by=None), "financial year"),
        (
            lambda: award_propose(pot=pot, forum=forum, schools=[], purpose="x", amount_pence=1, by=None),
            "Choose the schools",
        ),
        (
            lambda: award_propose(pot=pot, forum=forum, schools=schools, purpose=" ", amount_pence=1, by=None),
            "Enter what the award is for",
        ),
        (
            lambda: award_propose(pot=pot, forum=forum, schools=schools, purpose="x", amount_pence=0, by=None),
            "more than £0",
        ),
        (
            lambda: award_propose(pot=pot, forum=forum, schools=schools, purpose="x", amount_pence=10**9, by=None),
            "that is what remains in the pot",
        ),
        (lambda: award_approve(award=approved, by=None), "only a proposed award can be approved"),
        (lambda: award_cancel(award=proposed, reason=" ", by=None), "Enter why the award is cancelled"),
        (lambda: payment_record(award=approved, amount_pence=1, idempotency_key="", by=None), "has no key"),
        (lambda: payment_record(award=approved, amount_pence=0, idempotency_key=_key(), by=None), "more than £0"),
        (
            lambda: activity_record(
                award=proposed,
                kind="training",
                schools=schools,
                parents_reached=1,
                happened_on=datetime.date(2026, 10, 1),
                by=None,
            ),
            "only against an approved award",
        ),
        (
            lambda: activity_record(
                award=approved,
                kind="training",
                schools=[],
                parents_reached=1,
                happened_on=datetime.date(2026, 10, 1),
                by=None,
            ),
            "Choose the schools involved",
        ),
        (
            lambda: activity_record(
                award=approved,
                kind="training",
                schools=schools,
                parents_reached=-1,
                happened_on=datetime.date(2026, 10, 1),
                by=None,
            ),
            "must be 0 or more",
        ),
        (
            lambda: activity_record(
                award=approved,
                kind="training",
                schools=schools,
                parents_reached=1,
                happened_on=datetime.date(2030, 1, 1),
                by=None,
            ),
            "today or in the past",
        ),
        (lambda: claim_submit(award=proposed, activities=[], amount_pence=1, by=None), "only against an approved"),
        (lambda: claim_submit(award=approved, activities=[], amount_pence=1, by=None), "Choose the activities"),
    ]
    for attempt, message in refusals:
        with pytest.raises(RuleBroken, match=re.escape(message)):
            attempt()
    assert not LedgerEntry.objects.exists()
    assert not ForumActivity.objects.exists()
    assert_balances_match_ledger()


@pytest.mark.usefixtures("during_term")
def test_a_claim_needs_an_amount_and_a_reversal_a_reason(funding):
    award = award_for(funding["pot"], funding["forum"], funding["schools"])
    activity = _activity(award, funding["schools"])
    with pytest.raises(RuleBroken, match="more than £0"):
        claim_submit(award=award, activities=[activity], amount_pence=0, by=None)
    payment = payment_record(award=award, amount_pence=100, idempotency_key=_key(), by=None)
    with pytest.raises(RuleBroken, match="Enter why the payment is reversed"):
        payment_reverse(payment=payment, reason="", by=None)
    with pytest.raises(RuleBroken, match="more than £0"):
        payment_reverse(payment=payment, amount_pence=0, reason="Wrong", by=None)
    key = _key()
    first = payment_reverse(payment=payment, amount_pence=50, reason="Wrong", by=None, idempotency_key=key)
    assert payment_reverse(payment=payment, amount_pence=50, reason="Wrong", by=None, idempotency_key=key) == first
    assert Award.objects.get(pk=award.pk).paid_pence == 50
