"""The demo's parent carer forum funding: a forum and lead per authority, a pot per ICB, awards that add up."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from icbs.models import Award, Claim, ForumActivity, ForumLeadMembership, FundingPot, LedgerEntry, ParentCarerForum
from pins.accounts.authorization import Permission, RequestAccess
from pins.demo.seed import demo_seed, demo_sign_ins
from tests.funding import assert_balances_match_ledger

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)


def test_the_demo_gives_each_authority_a_forum_and_each_icb_a_pot_with_awards_paid_through_claims():
    with time_machine.travel(TODAY):
        demo_seed(icbs=["QWO", "QOP"])
        assert timezone.localdate() == datetime.date(2026, 11, 25)

    assert ParentCarerForum.objects.count() == ForumLeadMembership.objects.count() >= 6
    assert set(FundingPot.objects.values_list("icb__ods_code", "financial_year")) == {("QWO", 2026), ("QOP", 2026)}
    assert Award.objects.filter(status=Award.Status.APPROVED).count() == 2
    assert Award.objects.filter(status=Award.Status.PROPOSED).count() == 2
    assert ForumActivity.objects.count() == 4
    assert Claim.objects.filter(status=Claim.Status.APPROVED).count() == LedgerEntry.objects.count() == 2
    assert_balances_match_ledger()
    lead = ForumLeadMembership.objects.filter(forum__awards__isnull=False).select_related("user").first()
    access = RequestAccess(lead.user)
    assert access.can(Permission.RECORD_FORUM_ACTIVITIES, award=access.awards().first())
    assert any("forum.<DfE LA code>@example.org" in line for line in demo_sign_ins())
