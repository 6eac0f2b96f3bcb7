"""The demo keeps production's guarantee: coordinators who book one specialist's slot at the same moment, each
signed in through their own browser session and sending the real allocation form to a multi-threaded server,
get exactly one booking and clear refusals, never a server error."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from django.urls import reverse

from specialists.models import Capacity, Visit
from tests.factories import PASSWORD, CapacityFactory, CoordinatorMembershipFactory, EnrolmentFactory, SpecialistFactory
from tests.specialists.conftest import TUESDAY

pytestmark = pytest.mark.engine

COORDINATORS = 12
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer in itself: the booking went through


class Browser:
    """One person's browser: their own cookies (session and CSRF) and the form token of the last page shown."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects()
        )
        self.csrf_token = ""

    def get(self, path: str) -> str:
        status, html = self._send(urllib.request.Request(self.base_url + path))
        assert status == 200, (path, status)
        self.csrf_token = CSRF_FIELD.search(html).group(1)
        return html

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields}).encode()
        return self._send(urllib.request.Request(self.base_url + path, data=body))

    def _send(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx and 5xx
            return answer.code, answer.read().decode()


@pytest.fixture
def demo_settings(settings):
    """What `make run` sets: debug on, no two-factor authentication."""
    settings.DEBUG = True
    settings.MFA_REQUIRED = False


def test_coordinators_booking_one_slot_at_once_get_one_booking_and_clear_refusals(demo_settings, live_server):
    first = EnrolmentFactory()
    enrolments = [first] + [
        EnrolmentFactory(cohort=first.cohort, school__local_authority=first.school.local_authority)
        for _ in range(COORDINATORS - 1)
    ]
    specialist = SpecialistFactory(icb=first.icb, full_name="Ada Lovelace")
    CapacityFactory(specialist=specialist, programme_year=first.programme_year, days=Decimal("40.0"))
    allocate = reverse("visits:allocate", args=[first.icb.ods_code])
    browsers = []
    for number in range(COORDINATORS):
        coordinator = CoordinatorMembershipFactory(icb=first.icb, user__email=f"coordinator{number}@example.org").user
        browser = Browser(live_server.url)
        browser.get(reverse("account_login"))
        status, _ = browser.post(reverse("account_login"), {"login": coordinator.email, "password": PASSWORD})
        assert status == 302, "the coordinator could not sign in"
        browser.get(allocate)
        browsers.append(browser)

    answers = []
    start = threading.Barrier(COORDINATORS)

    def book(browser, enrolment):
        fields = {
            "enrolment": enrolment.pk,
            "specialist": specialist.pk,
            "date_day": TUESDAY.day,
            "date_month": TUESDAY.month,
            "date_year": TUESDAY.year,
            "session": "morning",
        }
        start.wait()
        answers.append(browser.post(allocate, fields))

    threads = [threading.Thread(target=book, args=pair) for pair in zip(browsers, enrolments, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (COORDINATORS - 1) + [302], statuses
    for status, html in answers:
        if status == 200:
            assert '<div class="govuk-error-summary"' in html
            assert "Ada Lovelace is already booked in the morning on Tuesday 3 November 2026" in html
    assert Visit.objects.booked().count() == 1
    assert Capacity.objects.get().allocated_days == Decimal("0.5")
