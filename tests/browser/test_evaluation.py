"""Journey: DfE staff narrow national progress to a region, read the totals, and download an evaluation export
whose figures match what the page says."""

import csv
import io
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from icbs.models import Region
from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in
from tests.factories import EnrolmentFactory, ICBFactory, StaffMembershipFactory


@pytest.fixture
def regions(current_year):
    london = Region.objects.create(name="London", code="Y56")
    north = Region.objects.create(name="North West", code="Y62")
    for name, region, schools in (
        ("North Central London", london, 2),
        ("South East London", london, 1),
        ("Greater Manchester", north, 4),
    ):
        icb = ICBFactory(name=f"NHS {name} Integrated Care Board", region=region)
        for n in range(schools):
            EnrolmentFactory(
                cohort__programme_year=current_year,
                school__local_authority__icb=icb,
                school__pupil_count=200 + n,
            )
    analyst = StaffMembershipFactory(user__email="analyst@education.gov.uk").user
    TOTP.activate(analyst, generate_totp_secret())
    return {"analyst": analyst, "year": current_year}


def when_they_narrow_the_national_progress_to(page, region):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="National progress").click()
    assert_accessible(page)
    page.get_by_label("Region").select_option(label=region)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", level=2, name=f"{region}: 2 ICBs")).to_be_visible()
    assert_accessible(page)


def then_the_totals_read(page, *, schools_enrolled: int, target: int) -> None:
    expect(page.locator('[data-figure="schools-enrolled"]')).to_have_text(str(schools_enrolled))
    expect(page.locator('[data-figure="target-schools"]')).to_have_text(str(target))


def when_they_download(page, link_name) -> Path:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name, exact=True).first.click()
    return Path(download.value.path())


def then_the_export_has_the_same_schools(path: Path, *, region: str, schools: int) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len([row for row in rows if row["Region"] == region]) == schools
    assert all(row["Number of pupils"] for row in rows)


def then_the_table_download_adds_up_to_the_page(path: Path, *, schools: int, target: int) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert sum(int(row["Schools enrolled"]) for row in rows) == schools
    assert sum(int(row["Target schools"]) for row in rows) == target


def test_dfe_staff_read_a_regions_totals_and_the_exports_match(page, live_server, regions):
    given_they_sign_in(page, live_server, regions["analyst"])
    when_they_narrow_the_national_progress_to(page, "London")
    then_the_totals_read(page, schools_enrolled=3, target=80)

    pupils = when_they_download(page, "CSV of pupils in enrolled schools")
    then_the_export_has_the_same_schools(pupils, region="London", schools=3)
    table = when_they_download(page, "CSV")
    then_the_table_download_adds_up_to_the_page(table, schools=3, target=80)
