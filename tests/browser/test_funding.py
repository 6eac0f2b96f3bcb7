"""Journey: a coordinator awards a forum money for three schools and approves it; the forum lead records two
activities and claims; the coordinator approves the claim; the coordinator's, the forum's and DfE's pages agree."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from playwright.sync_api import expect

from icbs.funding import pot_set
from icbs.models import Award, Claim, LedgerEntry
from pins.accounts.models import StaffMembership
from pins.kernel.money import financial_year_of
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in
from tests.factories import (
    CoordinatorMembershipFactory,
    EnrolmentFactory,
    ICBFactory,
    LocalAuthorityFactory,
    StaffMembershipFactory,
)
from tests.funding import assert_balances_match_ledger, forum_in, forum_lead

SCHOOLS = ["Oakfield Primary School", "Brook Infant School", "Hillside Junior School"]


@pytest.fixture
def people(current_year):
    icb = ICBFactory(ods_code="QWO", name="NHS West Yorkshire Integrated Care Board")
    authority = LocalAuthorityFactory(icb=icb, name="Kirklees")
    for name in SCHOOLS:
        EnrolmentFactory(cohort__programme_year=current_year, school__local_authority=authority, school__name=name)
    forum = forum_in(icb, name="Kirklees Parent Carer Forum", local_authority=authority)
    pot_set(icb=icb, financial_year=financial_year_of(timezone.localdate()), amount_pence=2_000_000, by=None)
    coordinator = CoordinatorMembershipFactory(icb=icb, user__email="coordinator@icb.example.org").user
    TOTP.activate(coordinator, generate_totp_secret())
    dfe = StaffMembershipFactory(role=StaffMembership.Role.DFE_STAFF, user__email="dfe@example.org").user
    TOTP.activate(dfe, generate_totp_secret())
    return {"coordinator": coordinator, "lead": forum_lead(forum, email="lead@kirklees-pcf.example.org"), "dfe": dfe}


def _another_window(browser):
    """A second person at their own computer: a browser window with its own sign-in."""
    return browser.new_context().new_page()


def when_they_open_their_icbs_forum_funding(page):
    page.locator("#main-content").get_by_role("link", name="West Yorkshire").click()
    assert_accessible(page)
    page.get_by_role("link", name="Parent carer forum funding").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Parent carer forum funding")
    assert_accessible(page)


def when_they_award_the_forum_money_for_three_schools(page, amount):
    page.get_by_role("link", name="Propose an award").click()
    assert_accessible(page)
    page.get_by_label("Parent carer forum").select_option(label="Kirklees Parent Carer Forum")
    for school in SCHOOLS:
        page.get_by_label(school).check()
    page.get_by_label("What the award is for").fill("Parent surveys and a parent group at each school")
    page.get_by_label("Amount").fill(amount)
    page.get_by_role("button", name="Propose the award").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Award to Kirklees Parent Carer Forum")
    assert_accessible(page)


def when_they_approve_it(page):
    page.get_by_role("button", name="Approve the award").click()
    expect(page.get_by_text("Award approved")).to_be_visible()
    assert_accessible(page)


def when_the_forum_lead_opens_the_award(page):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your forum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirklees Parent Carer Forum")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Parent surveys")).click()
    assert_accessible(page)


def when_they_record_an_activity(page, kind, school, parents):
    page.get_by_role("link", name="Record an activity").click()
    assert_accessible(page)
    page.get_by_label(kind).check()
    page.get_by_label(school).check()
    page.get_by_label("Number of parents and carers reached").fill(str(parents))
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the activity").click()
    expect(page.get_by_text("Activity recorded")).to_be_visible()
    assert_accessible(page)


def when_they_claim_for_both(page, amount):
    page.get_by_role("link", name="Make a claim").click()
    assert_accessible(page)
    for checkbox in page.get_by_role("checkbox").all():
        checkbox.check()
    page.get_by_label("Amount claimed").fill(amount)
    page.get_by_role("button", name="Send the claim").click()
    expect(page.get_by_text("Claim sent to the ICB")).to_be_visible()
    assert_accessible(page)


def when_the_coordinator_approves_the_claim(page):
    page.reload()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Kirklees Parent Carer Forum\W+claim")).click()
    assert_accessible(page)
    page.get_by_label("Approve: record the payment due").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Claim approved")).to_be_visible()
    assert_accessible(page)


def then_the_figures_read(page, figures):
    for figure, value in figures.items():
        expect(page.locator(f"[data-figure='{figure}']")).to_have_text(value)


def test_a_forum_is_awarded_money_claims_for_its_work_and_every_page_agrees(page, browser, live_server, people):
    given_they_sign_in(page, live_server, people["coordinator"])
    when_they_open_their_icbs_forum_funding(page)
    when_they_award_the_forum_money_for_three_schools(page, "3,000")
    when_they_approve_it(page)

    lead = _another_window(browser)
    given_they_sign_in(lead, live_server, people["lead"])
    when_the_forum_lead_opens_the_award(lead)
    when_they_record_an_activity(lead, "Parent survey", SCHOOLS[0], 31)
    when_they_record_an_activity(lead, "School-based parent group", SCHOOLS[1], 12)
    when_they_claim_for_both(lead, "1200")

    page.goto(f"{live_server.url}/icbs/QWO/funding/")
    when_the_coordinator_approves_the_claim(page)
    then_the_figures_read(page, {"amount": "£3,000.00", "paid": "£1,200.00"})

    page.goto(f"{live_server.url}/icbs/QWO/funding/")
    assert_accessible(page)
    then_the_figures_read(page, {"pot": "£20,000.00", "awarded": "£3,000.00", "paid": "£1,200.00"})
    lead.get_by_role("navigation", name="Menu").get_by_role("link", name="Your forum").click()
    assert_accessible(lead)
    then_the_figures_read(lead, {"awarded": "£3,000.00", "paid": "£1,200.00", "unpaid": "£1,800.00"})

    dfe = _another_window(browser)
    given_they_sign_in(dfe, live_server, people["dfe"])
    dfe.get_by_role("navigation", name="Menu").get_by_role("link", name="National progress").click()
    assert_accessible(dfe)
    dfe.get_by_role("link", name="Parent carer forum funding").click()
    assert_accessible(dfe)
    then_the_figures_read(dfe, {"pot": "£20,000.00", "awarded": "£3,000.00", "paid": "£1,200.00"})

    assert Award.objects.get().paid_pence == LedgerEntry.objects.get().amount_pence == 120_000
    assert Claim.objects.get().status == Claim.Status.APPROVED
    assert_balances_match_ledger()
