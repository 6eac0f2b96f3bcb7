"""Journey: DfE staff check the national rollout, narrow it to a region, open an ICB and download the figures."""

import csv
import io
import re
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from icbs.models import Region
from tests.browser.conftest import assert_accessible, security_code
from tests.factories import EnrolmentFactory, ICBFactory, StaffMembershipFactory


@pytest.fixture
def rollout(current_year):
    year = current_year
    london = Region.objects.create(name="London", code="Y56")
    north = Region.objects.create(name="North West", code="Y62")
    for name, region in (("North Central London", london), ("Greater Manchester", north)):
        icb = ICBFactory(name=f"NHS {name} Integrated Care Board", region=region)
        EnrolmentFactory(cohort__programme_year=year, school__local_authority__icb=icb)
    secret = generate_totp_secret()
    staff = StaffMembershipFactory(user__email="analyst@education.gov.uk").user
    TOTP.activate(staff, secret)
    return {"staff": staff, "secret": secret, "year": year}


def test_dfe_staff_filter_to_a_region_open_an_icb_and_download_the_csv(visit, page, rollout, password):
    # Given a DfE analyst signs in with their password and authenticator app
    visit("/")
    page.get_by_label("Email address").fill(rollout["staff"].email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)
    page.get_by_label("Security code").fill(security_code(rollout["secret"]))
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)

    # When they open the national progress and narrow it to London
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="National progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National progress")
    assert_accessible(page)
    page.get_by_label("Region").select_option(label="London")
    page.get_by_role("button", name="Apply").click()
    assert_accessible(page)
    table = page.get_by_role("table").filter(has_text="Schools enrolled").first
    expect(table).to_contain_text("North Central London")
    expect(table).not_to_contain_text("Greater Manchester")

    # And download the table as CSV
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    file = download.value
    assert re.fullmatch(rf"pins-progress-{rollout['year'].label}-\d{{4}}-\d{{2}}-\d{{2}}\.csv", file.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(file.path()).read_text(encoding="utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["NHS North Central London Integrated Care Board"]

    # And open the ICB's own page, which they can read but not change
    page.get_by_role("link", name="North Central London").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schools and specialists")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Allocate a visit")).to_have_count(0)
