"""National parent carer forum funding: figures from the ledger per region and ICB, exports, query counts."""

import csv
import datetime
import io
import uuid
import zipfile

import pytest
from django.urls import reverse

from icbs.funding import activity_record, payment_record, payment_reverse
from icbs.models import ForumActivity
from pins.reporting.funding import national_funding
from tests import factories
from tests.funding import award_for, enrolled_schools, forum_in, funding_of_icb_a, pot_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


def _activity(award, schools):
    return activity_record(
        award=award,
        kind=ForumActivity.Kind.TRAINING,
        schools=schools,
        parents_reached=5,
        happened_on=datetime.date(2026, 10, 1),
        by=None,
    )


@pytest.fixture
def figures(world):
    award = funding_of_icb_a(world)  # £10,000 pot, £1,000 awarded
    payment = payment_record(award=award, amount_pence=60_000, idempotency_key="a", by=None)
    payment_reverse(payment=payment, amount_pence=10_000, reason="Overpaid", by=None)
    _activity(award, [world.school_a])
    other = award_for(pot_for(world.icb_b, pounds=5_000), forum_in(world.icb_b), [world.school_b], pounds=2_000)
    payment_record(award=other, amount_pence=20_000, idempotency_key="b", by=None)
    return award


def test_national_funding_adds_up_each_icb_from_the_ledger(world, figures):
    funding = national_funding(type(world.icb_a).objects.all(), 2026)

    rows = {row.ods_code: row for row in funding.icbs}
    a, b = rows["QAA"], rows["QBB"]
    assert (a.pot, a.awarded, a.paid, a.schools_enrolled, a.schools_reached) == (1_000_000, 100_000, 50_000, 1, 1)
    assert (b.pot, b.awarded, b.paid, b.schools_reached) == (500_000, 200_000, 20_000, 0)
    assert a.reached_percent == 100
    assert (funding.nation.pot, funding.nation.awarded, funding.nation.paid) == (1_500_000, 300_000, 70_000)
    assert [region.name for region in funding.regions] == ["North East and Yorkshire"]


def test_dfe_sees_the_page_and_downloads_the_table_and_the_ledger(client, world, figures):
    client.force_login(world["dfe_staff"])

    page = client.get(reverse("progress_funding"))
    assert page.status_code == 200
    assert "£15,000.00" in page.text and "£700.00" in page.text
    table = b"".join(client.get(reverse("progress_funding_export", args=["csv"])).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(table.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Region", "ICB ODS code", "ICB"]
    assert [rows[1][1], *rows[1][3:7]] == ["QAA", "2026-27", "10000.0", "1000.0", "500.0"]
    ledger = b"".join(client.get(reverse("progress_funding_ledger")).streaming_content).decode()
    lines = list(csv.reader(io.StringIO(ledger.lstrip("\ufeff"))))
    assert [line[1] for line in lines[1:]] == ["Payment", "Reversal", "Payment"]
    assert lines[2][7] == "-100.0"
    assert client.get(reverse("progress_funding_export", args=["pdf"])).status_code == 404
    spreadsheet = client.get(reverse("progress_funding_export", args=["xlsx"]))
    assert spreadsheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert zipfile.ZipFile(io.BytesIO(b"".join(spreadsheet.streaming_content))).read("xl/worksheets/sheet1.xml")


def test_the_national_page_costs_the_same_queries_however_many_icbs(
    client, world, figures, django_assert_max_num_queries
):
    client.force_login(world["dfe_staff"])
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("progress_funding"))

    for _ in range(8):
        icb = factories.ICBFactory()
        award = award_for(pot_for(icb), forum_in(icb), enrolled_schools(icb, 2), pounds=100)
        payment_record(award=award, amount_pence=100, idempotency_key=uuid.uuid4().hex, by=None)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("progress_funding")).status_code == 200
