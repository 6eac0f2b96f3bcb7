"""Browser tests: headless Debian chromium driven by Playwright, every page checked with axe-core."""

import datetime
import os
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.factories import ProgrammeYearFactory

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("PINS_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("PINS_REQUIRE_BROWSER_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists():
        return
    message = f"BROWSER TESTS NOT RUN: no chromium at {CHROMIUM} (make test installs Debian's chromium)"
    if REQUIRED:
        raise pytest.UsageError(message)
    print(f"\n{'!' * 100}\n{message}\n{'!' * 100}")
    skip = pytest.mark.skipif(True, reason=message)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


_axe = Axe()
_checked_urls: dict[int, set[str]] = {}


def assert_accessible(page):
    """Fail on any axe-core violation on the page as it stands, once it has loaded: a title can be read while the
    rest of the page is still arriving, and axe would judge half a page."""
    page.wait_for_load_state("load")
    results = _axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    _checked_urls.setdefault(id(page), set()).add(page.url)


@pytest.fixture
def page(page):
    """Playwright's page, which fails the test if it reached a page that was never checked with axe."""
    reached = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and reached.append(frame.url))
    yield page
    checked = _checked_urls.pop(id(page), set())
    unchecked = [url for url in reached if url not in checked]
    assert not unchecked, f"pages reached without an axe check: {unchecked}"


@pytest.fixture
def current_year(db):
    """A programme year around the real today (browser tests run in real time), with free dates ahead."""
    today = timezone.localdate()
    return ProgrammeYearFactory(
        label=f"{today.year}-{(today.year + 1) % 100:02d}",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=300),
    )


def security_code(secret: str) -> str:
    """The code an authenticator app with this secret shows now. In the last seconds of its 30-second window
    it waits for the next one, as a person would, so the code is still current when the server checks it."""
    if timezone.now().timestamp() % 30 > 27:
        time.sleep(30 - timezone.now().timestamp() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
