"""Journey: DfE staff check the national rollout, narrow it to a region, open an ICB and download the figures."""

import csv
import io
import re
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from icbs.models import Region
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in
from tests.factories import EnrolmentFactory, ICBFactory, StaffMembershipFactory


@pytest.fixture
def rollout(current_year):
    london = Region.objects.create(name="London", code="Y56")
    north = Region.objects.create(name="North West", code="Y62")
    for name, region in (("North Central London", london), ("Greater Manchester", north)):
        icb = ICBFactory(name=f"NHS {name} Integrated Care Board", region=region)
        EnrolmentFactory(cohort__programme_year=current_year, school__local_authority__icb=icb)
    analyst = StaffMembershipFactory(user__email="analyst@education.gov.uk").user
    TOTP.activate(analyst, generate_totp_secret())
    return {"analyst": analyst, "year": current_year}


def _progress_table(page):
    return page.get_by_role("table").filter(has_text="Schools enrolled").first


def when_they_narrow_the_national_progress_to(page, region):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="National progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National progress")
    assert_accessible(page)
    page.get_by_label("Region").select_option(label=region)
    page.get_by_role("button", name="Apply").click()
    assert_accessible(page)


def then_the_table_lists_only(page, shown, hidden):
    expect(_progress_table(page)).to_contain_text(shown)
    expect(_progress_table(page)).not_to_contain_text(hidden)


def when_they_download_the_csv(page) -> tuple[str, Path]:
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    file = download.value
    return file.suggested_filename, Path(file.path())


def then_the_csv_holds_the_same_icbs(name, path, year, icbs):
    assert re.fullmatch(rf"pins-progress-{year.label}-\d{{4}}-\d{{2}}-\d{{2}}\.csv", name)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == icbs


def when_they_open_the_icbs_page(page, icb):
    page.get_by_role("link", name=icb).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schools, ")
    assert_accessible(page)


def then_they_can_read_it_but_not_allocate(page):
    expect(page.get_by_role("link", name="Allocate a visit")).to_have_count(0)


def test_dfe_staff_filter_to_a_region_open_an_icb_and_download_the_csv(page, live_server, rollout):
    given_they_sign_in(page, live_server, rollout["analyst"])
    when_they_narrow_the_national_progress_to(page, "London")
    then_the_table_lists_only(page, "North Central London", hidden="Greater Manchester")

    name, path = when_they_download_the_csv(page)
    then_the_csv_holds_the_same_icbs(name, path, rollout["year"], ["NHS North Central London Integrated Care Board"])

    when_they_open_the_icbs_page(page, "North Central London")
    then_they_can_read_it_but_not_allocate(page)
