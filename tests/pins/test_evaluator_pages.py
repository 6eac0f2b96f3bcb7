"""The evaluator's pages have no dead ends: every link they are shown opens for them."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

MOST_PAGES = 100  # a bound, so that a page that links to ever new addresses fails rather than runs forever


def _links(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]*)"', html):
        href = href.replace("&amp;", "&")
        if href.startswith(("#", "mailto:")) or not href:
            continue
        address = urlsplit(urljoin(base, href))
        if address.netloc in ("", "testserver") and not address.path.startswith("/static/"):
            found.append(address.path + (f"?{address.query}" if address.query else ""))
    return found


def links_followed(client, start: str) -> dict[str, int]:
    """Every address reachable from `start` by following links, with the status it answered."""
    seen: dict[str, int] = {}
    waiting = deque([start])
    while waiting and len(seen) < MOST_PAGES:
        address = waiting.popleft()
        if address in seen:
            continue
        response = client.get(address)
        seen[address] = response.status_code
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            waiting.extend(link for link in _links(response.content.decode(), address) if link not in seen)
        elif response.status_code == 200:
            b"".join(response.streaming_content) if response.streaming else None
    return seen


def test_every_link_an_evaluator_is_shown_opens(client, world):
    client.force_login(world["evaluator"])

    seen = links_followed(client, reverse("home"))

    assert len(seen) < MOST_PAGES
    dead = {address: status for address, status in seen.items() if status >= 400}
    assert dead == {}
    for reached in ("progress", "progress_data_dictionary", "guidance"):
        assert any(address.startswith(reverse(reached)) for address in seen), reached
    assert any(address.startswith(reverse("progress_export", args=["visits", "csv"])) for address in seen)


def test_the_evaluator_reads_icb_names_on_national_progress_without_links_to_their_pages(client, world):
    client.force_login(world["evaluator"])

    html = client.get(reverse("progress")).text

    assert world.icb_a.short_name in html or world.icb_a.name in html
    assert reverse("icbs:detail", args=[world.icb_a.ods_code]) not in html
    assert reverse("search") not in html and reverse("progress_funding") not in html


def test_dfe_staff_still_reach_each_icb_from_national_progress(client, world):
    client.force_login(world["dfe_staff"])

    html = client.get(reverse("progress")).text

    assert reverse("icbs:detail", args=[world.icb_a.ods_code]) in html
    assert reverse("search") in html
