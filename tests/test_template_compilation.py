"""Pages render from templates compiled once per process, never per request: compiling is what made every page slow."""

from collections import Counter

import pytest
from django.template import base
from django.urls import reverse

try:
    import jinja2
except ImportError:  # nothing in the project needs Jinja once the GOV.UK furniture is our own templates
    jinja2 = None

pytestmark = pytest.mark.django_db


@pytest.fixture
def compilations(monkeypatch):
    """Counts every Django template compiled, and every Jinja environment made or template compiled, by name."""
    counted = Counter()
    compile_nodelist = base.Template.compile_nodelist

    def counting_compile_nodelist(template):
        counted[f"django: {template.origin.name}"] += 1
        return compile_nodelist(template)

    monkeypatch.setattr(base.Template, "compile_nodelist", counting_compile_nodelist)
    if jinja2 is not None:
        environment_init = jinja2.Environment.__init__
        environment_compile = jinja2.Environment.compile

        def counting_init(environment, *args, **kwargs):
            counted["jinja: new environment"] += 1
            environment_init(environment, *args, **kwargs)

        def counting_compile(environment, source, name=None, *args, **kwargs):
            counted[f"jinja: {name or 'template from a string'}"] += 1
            return environment_compile(environment, source, name, *args, **kwargs)

        monkeypatch.setattr(jinja2.Environment, "__init__", counting_init)
        monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    return counted


def test_sign_in_page_compiles_no_template_after_the_first_request(client, compilations):
    client.get(reverse("account_login"))
    compilations.clear()

    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert "govuk-service-navigation" in response.text and "govuk-footer" in response.text
    assert dict(compilations) == {}


def test_signed_in_home_page_compiles_no_template_after_the_first_request(client, world, compilations):
    client.force_login(world["coordinator_a"])
    client.get(reverse("home"))
    compilations.clear()

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert 'aria-current="page"' in response.text
    assert dict(compilations) == {}
