"""A coordinator downloads their own ICB's tables from a page of the ICB: each as CSV and Excel, each download
recorded, with what every column means; another ICB's coordinator cannot open it."""

import re

import pytest
from django.urls import reverse

from pins.accounts.models import DownloadRecord
from pins.reporting.evaluation import EVALUATION_EXPORTS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


def _links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', html)]


def test_the_icb_page_leads_to_the_reports(client, world):
    client.force_login(world["coordinator_a"])

    html = client.get(reverse("icbs:detail", args=["QAA"])).text

    assert reverse("progress_icb_reports", args=["QAA"]) in html


def test_a_coordinator_downloads_each_table_as_csv_and_excel_and_each_download_is_recorded(client, world):
    client.force_login(world["coordinator_a"])
    page = client.get(reverse("progress_icb_reports", args=["QAA"]))
    downloads = [link for link in _links(page.text) if "/export/" in link]

    assert page.status_code == 200
    assert len(downloads) == 2 * len(EVALUATION_EXPORTS)
    for kind in EVALUATION_EXPORTS:
        for extension in ("csv", "xlsx"):
            assert f"{reverse('progress_icb_export', args=['QAA', kind, extension])}?year=2026-27" in downloads
    for link in downloads:
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        b"".join(response.streaming_content)
    recorded = DownloadRecord.objects.filter(user=world["coordinator_a"])
    assert recorded.count() == len(downloads)
    assert {record.filename.split("-2026-27")[0] for record in recorded} == {
        f"pins-qaa-{k}" for k in EVALUATION_EXPORTS
    }
    assert all(record.personal for record in recorded)


def test_the_page_says_what_every_column_means(client, world):
    client.force_login(world["coordinator_a"])

    html = client.get(reverse("progress_icb_reports", args=["QAA"])).text

    assert 'id="dictionary"' in html
    for export in EVALUATION_EXPORTS.values():
        for column in export.columns_shown(personal=True):
            assert column.header in html
    assert "(reviewed)" not in html  # the evaluator's columns; the coordinator's tables have the notes themselves


@pytest.mark.parametrize("person", ["coordinator_b", "senco_a", "specialist_a"])
def test_nobody_else_of_the_icbs_opens_them(client, world, person):
    client.force_login(world[person])

    assert client.get(reverse("progress_icb_reports", args=["QAA"])).status_code == 404
    assert client.get(reverse("progress_icb_export", args=["QAA", "visits", "csv"])).status_code == 404


def test_the_reports_page_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["coordinator_a"])

    with django_assert_max_num_queries(8):
        assert client.get(reverse("progress_icb_reports", args=["QAA"])).status_code == 200
