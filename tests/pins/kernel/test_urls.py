"""Addresses reversed once and remembered: the same address as Django's `reverse` and `{% url %}` give, every
time, however it is asked for."""

from decimal import Decimal

import pytest
from django.template import Context, Template, engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from pins.kernel.urls import _remembered, reverse_remembered


def test_a_remembered_address_is_the_one_reverse_gives():
    _remembered.cache_clear()
    first = reverse_remembered("icbs:detail", args=["QWO"])
    again = reverse_remembered("icbs:detail", args=["QWO"])

    assert first == again == reverse("icbs:detail", args=["QWO"])
    assert _remembered.cache_info().hits == 1
    by_name = {"visit_id": 7}
    assert reverse_remembered("visits:detail", kwargs=by_name) == reverse("visits:detail", kwargs=by_name)


def test_arguments_that_are_not_plain_are_reversed_afresh_and_not_remembered():
    _remembered.cache_clear()

    assert reverse_remembered("visits:detail", args=[Decimal("5")]) == reverse("visits:detail", args=[5])
    assert _remembered.cache_info().currsize == 0


def test_an_address_that_does_not_exist_is_still_an_error():
    with pytest.raises(NoReverseMatch):
        reverse_remembered("icbs:detail", args=["no", "such", "address"])


def test_the_url_tag_is_the_remembering_one_in_every_template_without_loading_it():
    rendered = Template("{% url 'icbs:detail' code %}|{% url 'visits:detail' 5 as link %}{{ link }}").render(
        Context({"code": "Q<A"})
    )

    escaped = reverse("icbs:detail", args=["Q<A"]).replace("<", "&lt;")
    assert rendered == f"{escaped}|{reverse('visits:detail', args=[5])}"
    assert "remembered_urls" in engines["django"].engine.builtins[-1]


def test_the_url_tag_with_as_gives_nothing_for_an_address_that_does_not_exist():
    assert Template("{% url 'nowhere' as link %}[{{ link }}]").render(Context()) == "[]"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nowhere' %}").render(Context())


def test_a_new_urlconf_forgets_what_was_remembered():
    reverse_remembered("icbs:detail", args=["QWO"])

    with override_settings(ROOT_URLCONF="tests.pins.kernel.other_urls"):
        assert reverse_remembered("elsewhere") == "/elsewhere/"
        with pytest.raises(NoReverseMatch):
            reverse_remembered("icbs:detail", args=["QWO"])

    assert reverse_remembered("icbs:detail", args=["QWO"]) == reverse("icbs:detail", args=["QWO"])
