"""Every page of the service, opened in the browser by someone who may see it, passes axe and reflows to 320 CSS
pixels (WCAG 1.4.10).

The page list is not written here: it is the authorization rules' (`RULES` in tests/test_authorization_matrix.py,
which every URL pattern must have), and each page is opened by the first person those rules let see it. A new
page, or a new person in the rules, is visited here without editing this file."""

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible
from tests.browser.steps import given_they_sign_in
from tests.test_authorization_matrix import ADMIN_RULES, ROLES, RULES, person

pytestmark = pytest.mark.usefixtures("during_term")

# More states of some pages than the plain address shows: a bad filter, another layout, the free dates found.
STATES = {
    "icbs:detail": ["?status=nonsense"],
    "visits:schedule": ["?view=month&rows=specialists"],
    "visits:allocate": ["?enrolment={enrolment}&specialist={specialist}&session=morning&find=1"],
}
# allauth's own pages, restyled by our templates: their URL patterns are allauth's, so not in the rules.
NOT_IN_THE_RULES = {
    "anonymous": ["account_login", "account_reset_password", "account_reset_password_done", "account_signup"],
    "coordinator_a": ["account_change_password", "mfa_index"],
}
# For the containers' health checks, in django-health-check's own page, not the service's.
FOR_MACHINES = {"healthz", "healthz_workers"}
NARROWEST = 320  # CSS pixels: a 1280-pixel screen zoomed to 400%


def pages_by_person(world) -> dict[str, list[str]]:
    """Each address in the rules, with the first person (in the rules' order) whose GET the rules call a page."""
    found: dict[str, list[str]] = {role: [] for role in ROLES}
    for name, rule in {**RULES, "admin:index": ADMIN_RULES["admin:index"]}.items():
        role = next((role for role in ROLES if rule.get.get(role) == "page"), None)
        if role is None or name in FOR_MACHINES:
            continue
        path = rule.url(world) if rule.url else reverse(name)
        states = [
            state.format(enrolment=world.enrolment_a.pk, specialist=world.specialist_a.pk)
            for state in STATES.get(name, [])
        ]
        found[role] += [path, *(path + state for state in states)]
    for role, names in NOT_IN_THE_RULES.items():
        found[role] += [reverse(name) for name in names]
    return {role: paths for role, paths in found.items() if paths}


def then_the_page_reflows_to_320_pixels(page) -> None:
    """Nothing but a wide table scrolls sideways at 320 pixels: the page itself does not."""
    page.set_viewport_size({"width": NARROWEST, "height": 800})
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(element => !element.closest("table, .pins-schedule, pre"))
            .filter(element => element.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(element => element.tagName.toLowerCase() + (element.className ? "." + element.className : ""))"""
    )
    assert too_wide == [], f"{page.url} is wider than {NARROWEST} pixels: {too_wide[:5]}"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_every_page_in_the_rules_passes_axe_and_reflows(page, live_server, world):
    visited = 0
    for role, paths in pages_by_person(world).items():
        page.context.clear_cookies()
        if role != "anonymous":
            given_they_sign_in(page, live_server, person(world, role))
        for path in paths:
            answer = page.request.get(f"{live_server.url}{path}")
            assert answer.status == 200, f"the rules say {role} sees {path}: {answer.status}"
            if not answer.headers["content-type"].startswith("text/html"):
                continue  # a download (the exports), not a page
            page.goto(f"{live_server.url}{path}")
            assert "Sign in" not in page.title() or role == "anonymous", path
            assert_accessible(page)
            then_the_page_reflows_to_320_pixels(page)
            visited += 1

    assert visited >= len(RULES) // 2  # the rules give most of their URLs a page someone sees


def test_a_page_that_does_not_exist_an_unusable_invitation_and_a_refusal_pass_axe(page, live_server, world):
    for path in ["/no-such-page/", reverse("access:accept_invitation", args=["not-a-real-token"])]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
        then_the_page_reflows_to_320_pixels(page)

    given_they_sign_in(page, live_server, world["senco_a"])
    page.goto(f"{live_server.url}{reverse('visits:cancel', args=[world.visit_a.pk])}")

    assert page.title() == "You cannot do this – PINS programme"
    assert_accessible(page)
