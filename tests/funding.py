"""Builders for parent carer forum funding in tests: a forum in an ICB, a pot, an award with schools."""

import itertools

from icbs.funding import award_approve, award_propose, pot_set
from icbs.models import Award, ForumLeadMembership, FundingPot, LedgerEntry, ParentCarerForum
from tests import factories

_names = itertools.count(1)


def forum_in(icb, *, name: str | None = None, local_authority=None) -> ParentCarerForum:
    """A forum covering an authority of the ICB (the given one, or a new one)."""
    forum = ParentCarerForum.objects.create(
        name=name or f"Test Parent Carer Forum {next(_names)}", email="hello@forum.example.org", phone="0113 496 0000"
    )
    forum.local_authorities.set([local_authority or factories.LocalAuthorityFactory(icb=icb)])
    return forum


def pot_for(icb, *, pounds: int = 10_000, financial_year: int = 2026, by=None) -> FundingPot:
    return pot_set(icb=icb, financial_year=financial_year, amount_pence=pounds * 100, by=by)


def enrolled_schools(icb, count: int) -> list:
    return [factories.EnrolmentFactory(school__local_authority__icb=icb).school for _ in range(count)]


def award_for(pot, forum, schools, *, pounds: int = 1_000, approved: bool = True, by=None) -> Award:
    award = award_propose(
        pot=pot, forum=forum, schools=schools, purpose="Survey parents at the schools", amount_pence=pounds * 100, by=by
    )
    return award_approve(award=award, by=by) if approved else award


def forum_lead(forum, **user):
    return ForumLeadMembership.objects.create(forum=forum, user=factories.UserFactory(**user)).user


def assert_balances_match_ledger() -> None:
    """Every counter equals what its rows say: a pot's awarded amount the sum of its approved awards, an award's
    paid amount its payments less its reversals."""
    for pot in FundingPot.objects.all():
        approved = sum(award.amount_pence for award in pot.awards.filter(status=Award.Status.APPROVED))
        assert pot.awarded_pence == approved, pot
        assert pot.awarded_pence <= pot.amount_pence
    for award in Award.objects.with_ledger_totals():
        assert award.paid_pence == award.paid_from_ledger == LedgerEntry.objects.filter(award=award).signed_total()
        assert 0 <= award.paid_pence <= award.amount_pence


def funding_of_icb_a(world) -> Award:
    """ICB A's forum, its 2026-27 pot and an approved award to the forum for school A, made once per world."""
    award = Award.objects.filter(pot__icb=world.icb_a).select_related("forum", "pot").first()
    if award is None:
        forum = forum_in(world.icb_a, name="Alpha Parent Carer Forum", local_authority=world.school_a.local_authority)
        award = award_for(pot_for(world.icb_a), forum, [world.school_a], by=world["coordinator_a"])
    return award


def claim_of_icb_a(world):
    """A claim waiting for ICB A's coordinator: one activity at school A under ICB A's award."""
    import datetime

    from icbs.funding import activity_record, claim_submit
    from icbs.models import ForumActivity

    award = funding_of_icb_a(world)
    activity = activity_record(
        award=award,
        kind=ForumActivity.Kind.PARENT_GROUP,
        schools=[world.school_a],
        parents_reached=9,
        happened_on=datetime.date(2026, 10, 5),
        by=None,
    )
    return claim_submit(award=award, activities=[activity], amount_pence=10_000, by=None)


def payment_of_icb_a(world) -> LedgerEntry:
    from icbs.funding import payment_record

    return payment_record(award=funding_of_icb_a(world), amount_pence=5_000, idempotency_key="matrix-payment", by=None)


def funding_state() -> dict:
    """Every funding row a refused request must leave as it was."""
    from icbs.models import Claim, ForumActivity

    return {
        "pots": list(FundingPot.objects.order_by("pk").values_list("pk", "amount_pence", "awarded_pence")),
        "awards": list(Award.objects.order_by("pk").values_list("pk", "status", "paid_pence")),
        "claims": list(Claim.objects.order_by("pk").values_list("pk", "status")),
        "ledger": LedgerEntry.objects.count(),
        "activities": ForumActivity.objects.count(),
        "forums": ParentCarerForum.objects.count(),
        "leads": ForumLeadMembership.objects.count(),
    }
