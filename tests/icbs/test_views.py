"""The funding pages: what each role sees and may do, bad amounts refused with a message, and query counts."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icbs.funding import activity_record, claim_submit, payment_record
from icbs.models import Award, Claim, ForumActivity, FundingPot, LedgerEntry, ParentCarerForum
from tests.funding import (
    assert_balances_match_ledger,
    award_for,
    enrolled_schools,
    forum_in,
    forum_lead,
    funding_of_icb_a,
    pot_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def award_a(world):
    return funding_of_icb_a(world)


def _activity(award, school, parents=10):
    return activity_record(
        award=award,
        kind=ForumActivity.Kind.PARENT_SURVEY,
        schools=[school],
        parents_reached=parents,
        happened_on=datetime.date(2026, 10, 1),
        by=None,
    )


def test_the_coordinators_funding_page_shows_the_pot_from_the_ledger(client, world, award_a):
    payment_record(award=award_a, amount_pence=25_000, idempotency_key="k", by=None)
    claim = claim_submit(award=award_a, activities=[_activity(award_a, world.school_a)], amount_pence=100, by=None)
    client.force_login(world["coordinator_a"])

    page = client.get(reverse("funding:icb", args=[world.icb_a.ods_code]))

    assert page.status_code == 200
    for figure in ("£10,000.00", "£1,000.00", "£250.00", "£9,000.00", "Paid in part", "Alpha Parent Carer Forum"):
        assert figure in page.text
    assert f": claim {claim.pk}" in page.text


def test_a_coordinator_proposes_an_award_for_named_schools(client, world, award_a):
    client.force_login(world["coordinator_a"])
    response = client.post(
        reverse("funding:award_new", args=[world.icb_a.ods_code]),
        {"forum": award_a.forum.pk, "schools": [world.school_a.urn], "purpose": "Parent groups", "amount": "1,500.50"},
    )

    award = Award.objects.get(purpose="Parent groups")
    assert response.status_code == 302
    assert (award.amount_pence, award.status, list(award.schools.all())) == (150_050, "proposed", [world.school_a])

    client.post(reverse("funding:award_approve", args=[award.pk]))
    assert Award.objects.get(pk=award.pk).status == Award.Status.APPROVED


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-10", "Amount must be £0 or more"),
        ("10.005", "Amount must be in pounds and pence, with no fractions of a penny"),
        ("ten pounds", "Amount must be an amount of money in pounds, like 1250 or 1,250.50"),
        ("9000.01", "Amount must be £9,000.00 or less: that is what remains"),
    ],
)
def test_a_bad_award_amount_gets_a_clear_message_and_changes_nothing(client, world, award_a, amount, message):
    client.force_login(world["coordinator_a"])
    response = client.post(
        reverse("funding:award_new", args=[world.icb_a.ods_code]),
        {"forum": award_a.forum.pk, "schools": [world.school_a.urn], "purpose": "Groups", "amount": amount},
    )

    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert Award.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "Amount to pay must be £0 or more"),
        ("0.001", "no fractions of a penny"),
        ("abc", "must be an amount of money"),
        ("1000.01", "Amount to pay must be £1,000.00 or less: that is what remains"),
    ],
)
def test_a_bad_payment_gets_a_clear_message_and_pays_nothing(client, world, award_a, amount, message):
    client.force_login(world["coordinator_a"])
    response = client.post(
        reverse("funding:award_pay", args=[award_a.pk]), {"amount": amount, "idempotency_key": uuid.uuid4().hex}
    )

    assert response.status_code == 200
    assert message in response.text
    assert not LedgerEntry.objects.exists()


def test_sending_the_payment_form_twice_pays_once(client, world, award_a):
    client.force_login(world["coordinator_a"])
    page = client.get(reverse("funding:award_pay", args=[award_a.pk]))
    key = page.context["form"]["idempotency_key"].value()
    assert f'value="{key}"' in page.text

    for _ in range(2):
        response = client.post(
            reverse("funding:award_pay", args=[award_a.pk]), {"amount": "300", "idempotency_key": key}
        )
        assert response.status_code == 302

    assert LedgerEntry.objects.get().amount_pence == 30_000
    assert Award.objects.get(pk=award_a.pk).paid_pence == 30_000


def test_a_payment_is_undone_by_a_reversal(client, world, award_a):
    payment = payment_record(award=award_a, amount_pence=30_000, idempotency_key="k", by=None)
    client.force_login(world["coordinator_a"])
    url = reverse("funding:payment_reverse", args=[award_a.pk, payment.pk])

    too_much = client.post(url, {"amount": "300.01", "reason": "Wrong", "idempotency_key": "r1"})
    assert "Amount to reverse must be £300.00 or less" in too_much.text
    client.post(url, {"amount": "300", "reason": "Paid the wrong account", "idempotency_key": "r1"})

    assert Award.objects.get(pk=award_a.pk).paid_pence == 0
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL).get().reverses == payment
    assert_balances_match_ledger()


def test_the_forum_lead_records_activities_and_claims_and_the_coordinator_approves(client, world, award_a):
    lead = forum_lead(award_a.forum)
    client.force_login(lead)
    response = client.post(
        reverse("funding:activity_new", args=[award_a.pk]),
        {
            "kind": "parent_group",
            "schools": [world.school_a.urn],
            "parents_reached": "14",
            "happened_on_day": "3",
            "happened_on_month": "11",
            "happened_on_year": "2026",
        },
    )
    assert response.status_code == 302, response.text
    activity = ForumActivity.objects.get()
    response = client.post(
        reverse("funding:claim_new", args=[award_a.pk]), {"activities": [activity.pk], "amount": "400"}
    )
    assert response.status_code == 302, response.text
    claim = Claim.objects.get()
    assert client.get(reverse("funding:forum", args=[award_a.forum.pk])).status_code == 200
    client.logout()

    client.force_login(world["coordinator_a"])
    client.post(reverse("funding:claim", args=[claim.pk]), {"decision": "approve"})

    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.payment.amount_pence == 40_000
    assert_balances_match_ledger()


def test_a_claim_is_returned_with_a_reason(client, world, award_a):
    claim = claim_submit(award=award_a, activities=[_activity(award_a, world.school_a)], amount_pence=100, by=None)
    client.force_login(world["coordinator_a"])

    refused = client.post(reverse("funding:claim", args=[claim.pk]), {"decision": "return"})
    assert "Enter why the claim is returned" in refused.text
    client.post(reverse("funding:claim", args=[claim.pk]), {"decision": "return", "reason": "Name the schools"})

    claim.refresh_from_db()
    assert (claim.status, claim.return_reason) == (Claim.Status.RETURNED, "Name the schools")


def test_a_forum_lead_cannot_reach_another_forums_award(client, world, award_a):
    other = award_for(pot_for(world.icb_b), forum_in(world.icb_b), enrolled_schools(world.icb_b, 1))
    client.force_login(forum_lead(award_a.forum))

    for name in ("funding:award", "funding:activity_new", "funding:claim_new"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    response = client.post(reverse("funding:claim_new", args=[other.pk]), {"activities": [], "amount": "10"})
    assert response.status_code == 404
    assert client.get(reverse("funding:forum", args=[other.forum.pk])).status_code == 404
    assert client.get(reverse("funding:award", args=[award_a.pk])).status_code == 200
    assert not Claim.objects.exists()


def test_a_forum_lead_cannot_claim_more_than_remains(client, world, award_a):
    client.force_login(forum_lead(award_a.forum))
    activity = _activity(award_a, world.school_a)

    response = client.post(
        reverse("funding:claim_new", args=[award_a.pk]), {"activities": [activity.pk], "amount": "1000.01"}
    )

    assert "Amount claimed must be £1,000.00 or less" in response.text
    assert not Claim.objects.exists()


def test_the_school_page_shows_its_forum_and_what_it_did(client, world, award_a):
    _activity(award_a, world.school_a, parents=23)
    client.force_login(world["senco_a"])

    page = client.get(reverse("schools:detail", args=[world.school_a.urn]))

    assert "Parent carer forum" in page.text
    assert "Alpha Parent Carer Forum" in page.text
    assert "Parent survey" in page.text


def test_the_programme_admin_sets_a_pot_by_form_and_by_upload(client, world):
    client.force_login(world["programme_admin"])
    response = client.post(
        reverse("funding:pots"), {"icb": world.icb_b.ods_code, "financial_year": "2026", "amount": "20,000"}
    )
    assert response.status_code == 302
    assert FundingPot.objects.get(icb=world.icb_b).amount_pence == 2_000_000

    bad = SimpleUploadedFile("pots.csv", b"icb_ods_code,financial_year,amount\nQAA,2026-27,-5\nZZZ,2026,10\n")
    response = client.post(reverse("funding:pots_upload"), {"file": bad})
    assert "line 2: amount must be £0 or more" in response.text
    assert "line 3: no ICB has the ODS code" in response.text
    assert not FundingPot.objects.filter(icb=world.icb_a).exists()

    good = SimpleUploadedFile("pots.csv", b"icb_ods_code,financial_year,amount\nQAA,2026-27,12500\n")
    client.post(reverse("funding:pots_upload"), {"file": good})
    assert FundingPot.objects.get(icb=world.icb_a).amount_pence == 1_250_000


def test_the_programme_admin_uploads_forums(client, world):
    client.force_login(world["programme_admin"])
    code = world.school_a.local_authority.dfe_code
    upload = SimpleUploadedFile("forums.csv", f"name,local_authority_codes\nAlpha Forum,{code}\n,{code}\n".encode())

    response = client.post(reverse("funding:forums_upload"), {"file": upload})

    assert "line 3: name is empty" in response.text
    assert not ParentCarerForum.objects.exists()


def _busier(world, award, count):
    for _ in range(count):
        school = enrolled_schools(world.icb_a, 1)[0]
        more = award_for(award.pot, award.forum, [school, world.school_a], pounds=10)
        claim_submit(award=more, activities=[_activity(more, school)], amount_pence=100, by=None)
        payment_record(award=more, amount_pence=100, idempotency_key=uuid.uuid4().hex, by=None)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("coordinator_a", lambda w, award: reverse("funding:icb", args=[w.icb_a.ods_code])),
        ("coordinator_a", lambda w, award: reverse("funding:award", args=[award.pk])),
        ("lead", lambda w, award: reverse("funding:forum", args=[award.forum.pk])),
        ("programme_admin", lambda w, award: reverse("funding:pots")),
        ("senco_a", lambda w, award: reverse("schools:detail", args=[w.school_a.urn])),
    ],
)
def test_funding_pages_cost_the_same_queries_however_busy(
    client, world, award_a, django_assert_max_num_queries, who, url
):
    person = forum_lead(award_a.forum) if who == "lead" else world[who]
    client.force_login(person)
    _activity(award_a, world.school_a)
    payment_record(award=award_a, amount_pence=100, idempotency_key="first", by=None)
    with django_assert_max_num_queries(16) as small:
        assert client.get(url(world, award_a)).status_code == 200

    _busier(world, award_a, 12)
    for _ in range(12):
        _activity(award_a, world.school_a)
        payment_record(award=award_a, amount_pence=100, idempotency_key=uuid.uuid4().hex, by=None)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(world, award_a)).status_code == 200
