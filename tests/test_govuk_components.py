"""The GOV.UK page furniture is our own Django templates, held to the examples GOV.UK Frontend ships with each
component (`fixtures.json` in the npm package), so upgrading govuk-frontend fails here if its markup changes."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

COMPONENTS = Path(__file__).resolve().parents[1] / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "components"

TEMPLATES = {
    "skip-link": "includes/govuk/skip_link.html",
    "header": "includes/govuk/header.html",
    "service-navigation": "includes/govuk/service_navigation.html",
    "footer": "includes/govuk/footer.html",
}

# Fixtures for options our pages never use, so our templates do not render them.
NOT_RENDERED = {
    ("skip-link", "with focus"): "extra classes",
    ("skip-link", "html"): "HTML content; ours is text",
    ("skip-link", "classes"): "extra classes",
    ("skip-link", "attributes"): "extra attributes",
    ("header", "with product name"): "we name the service in the service navigation, as GOV.UK advises",
    ("header", "full width"): "container classes",
    ("header", "attributes"): "extra attributes",
    ("header", "classes"): "extra classes",
    ("service-navigation", "with HTML navigation items"): "HTML links; ours are text",
    ("service-navigation", "with non-link navigation items"): "every item of ours is a link",
    ("service-navigation", "with service name"): "our service name always links home",
    ("service-navigation", "with service name and navigation"): "an 'active' section item; we mark the current page",
    ("service-navigation", "inverse"): "extra classes",
    ("service-navigation", "with collapseNavigationOnMobile set to false"): "we keep the default for collapsing",
    ("service-navigation", "with a single navigation item and collapseNavigationOnMobile set to true"): (
        "we keep the default for collapsing"
    ),
    ("service-navigation", "attributes"): "extra attributes",
    ("service-navigation", "classes"): "extra classes",
    ("service-navigation", "with custom aria-label"): "we keep GOV.UK's landmark label",
    ("service-navigation", "with custom navigation toggle text"): "we keep the 'Menu' button text",
    ("service-navigation", "with custom navigation toggle label"): "we keep the 'Menu' button label",
    ("service-navigation", "with identical navigation toggle text and label"): "we keep the 'Menu' button text",
    ("service-navigation", "with custom navigation toggle text and navigation label"): "we keep the 'Menu' button text",
    ("service-navigation", "with custom navigation classes"): "extra classes",
    ("service-navigation", "with custom navigation ID"): "one navigation per page keeps GOV.UK's id",
    ("service-navigation", "with navigation having empty values"): "our navigation has no empty items",
    ("service-navigation", "with navigation having only empty values"): "our navigation has no empty items",
    ("service-navigation", "with navigation with an active item"): "an 'active' section item; we mark the current page",
    ("service-navigation", "with language navigation"): "slots",
    ("service-navigation", "with right-aligned language navigation"): "slots",
    ("service-navigation", "inverse with language navigation"): "slots",
    ("service-navigation", "with slotted content"): "slots",
    ("service-navigation", "with `inline` end slot"): "slots",
    ("footer", "with custom HTML content licence and copyright notice"): "we keep the Open Government Licence",
    ("footer", "with custom text content licence and copyright notice"): "we keep the Open Government Licence",
    ("footer", "with no content licence"): "we keep the Open Government Licence",
    ("footer", "with custom meta"): "free text under the support links",
    ("footer", "with only custom meta"): "free text under the support links",
    ("footer", "with meta links and meta content"): "free text under the support links",
    ("footer", "with only meta links"): "we keep the Open Government Licence",
    ("footer", "with default width navigation (one column)"): "footer navigation",
    ("footer", "with default width navigation (two columns)"): "footer navigation",
    ("footer", "with navigation"): "footer navigation",
    ("footer", "Full GDS example"): "footer navigation",
    ("footer", "Three equal columns"): "footer navigation",
    ("footer", "attributes"): "extra attributes",
    ("footer", "classes"): "extra classes",
    ("footer", "with container classes"): "container classes",
    ("footer", "with HTML passed as text content"): "we keep the Open Government Licence",
    ("footer", "with empty meta"): "a support links heading with no links; we always have links",
    ("footer", "with empty meta items"): "a support links heading with no links; we always have links",
    ("footer", "meta html as text"): "free text under the support links",
    ("footer", "with meta html"): "free text under the support links",
    ("footer", "with meta item attributes"): "extra attributes",
    ("footer", "with empty navigation"): "footer navigation",
    ("footer", "with navigation item attributes"): "footer navigation",
}


def _fixtures(component: str) -> list[dict]:
    return json.loads((COMPONENTS / component / "fixtures.json").read_text())["fixtures"]


def _only(options: dict, supported: set[str], where: str) -> dict:
    if unsupported := set(options) - supported:
        raise AssertionError(
            f"{where} uses {sorted(unsupported)}, which our template does not render: "
            "render it, or name the fixture in NOT_RENDERED with the reason"
        )
    return options


def _context(component: str, options: dict) -> dict:
    """The context our template takes for a fixture's options (GOV.UK's camelCase names, our snake_case)."""
    if component == "skip-link":
        _only(options, {"text", "href"}, component)
        return {"text": options["text"], "href": options.get("href")}
    if component == "header":
        _only(options, {"homepageUrl"}, component)
        return {"homepage_url": options.get("homepageUrl")}
    if component == "service-navigation":
        _only(options, {"serviceName", "serviceUrl", "navigation", "navigationLabel"}, component)
        for item in options.get("navigation", []):
            _only(item, {"text", "href", "current"}, "a navigation item")
        return {
            "service_name": options.get("serviceName"),
            "service_url": options.get("serviceUrl"),
            "navigation": options.get("navigation"),
            "navigation_label": options.get("navigationLabel"),
        }
    _only(options, {"meta"}, component)
    meta = _only(options.get("meta", {}), {"items", "visuallyHiddenTitle"}, "the footer's meta")
    for item in meta.get("items", []):
        _only(item, {"text", "href"}, "a footer meta item")
    return {"meta_links": meta.get("items"), "meta_heading": meta.get("visuallyHiddenTitle")}


class _Markup(HTMLParser):
    """HTML as one line per tag or text, whitespace collapsed and attributes sorted, so layout does not count."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []

    def handle_starttag(self, tag, attrs):
        written = [name if value is None else f'{name}="{" ".join(value.split())}"' for name, value in sorted(attrs)]
        self.lines.append(" ".join([f"<{tag}", *written]) + ">")

    def handle_endtag(self, tag):
        self.lines.append(f"</{tag}>")

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.lines.append(text)


def normalised(html: str) -> list[str]:
    markup = _Markup()
    markup.feed(html)
    markup.close()
    return markup.lines


RENDERED = [
    pytest.param(component, fixture, id=f"{component}: {fixture['name']}")
    for component in TEMPLATES
    for fixture in _fixtures(component)
    if (component, fixture["name"]) not in NOT_RENDERED
]


@pytest.mark.parametrize(("component", "fixture"), RENDERED)
def test_our_template_renders_govuk_frontends_markup(component, fixture):
    ours = render_to_string(TEMPLATES[component], _context(component, fixture["options"]))

    assert normalised(ours) == normalised(fixture["html"])


def test_every_fixture_left_out_still_exists_in_govuk_frontend():
    shipped = {(component, fixture["name"]) for component in TEMPLATES for fixture in _fixtures(component)}

    assert set(NOT_RENDERED) - shipped == set()


def test_the_fixtures_we_render_cover_how_our_layout_uses_each_component():
    rendered = {(component, fixture["name"]) for component, fixture in (param.values for param in RENDERED)}

    assert {
        ("skip-link", "custom href"),
        ("header", "custom homepage url"),
        ("service-navigation", "with navigation with a current item"),
        ("service-navigation", "with service link"),
        ("footer", "with meta"),
    } <= rendered


@pytest.mark.django_db
def test_signed_in_page_marks_the_current_page_and_links_the_support_pages(client, world):
    client.force_login(world["senco_a"])

    page = normalised(client.get(reverse("home")).text)

    assert '<a aria-current="page" class="govuk-service-navigation__link" href="/">' in page
    assert '<a class="govuk-service-navigation__link" href="/">' in page  # the service name
    assert f'<a class="govuk-service-navigation__link" href="{reverse("account_logout")}">' in page
    for support_page in ("accessibility", "privacy", "cookies"):
        assert f'<a class="govuk-footer__link" href="{reverse(support_page)}">' in page
    assert "© Crown copyright" in page and "Open Government Licence v3.0" in page
