"""Coordinators and staff set up a second factor before any page with programme data; SENCOs and specialists
may choose."""

import pytest
from django.urls import reverse

from tests.factories import CoordinatorMembershipFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make_person", [CoordinatorMembershipFactory, StaffMembershipFactory])
def test_coordinators_and_staff_set_up_mfa_before_any_data_page(client, make_person, password):
    person = make_person().user
    client.post(reverse("account_login"), {"login": person.email, "password": password})

    for url in [reverse("home"), reverse("icbs:list"), reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa_activate_totp")), url

    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert "Activate" in setup.text and "govuk-template" in setup.text


def test_after_setting_up_mfa_the_coordinator_reaches_their_icb(client, world):
    client.force_login(world["coordinator_a"])  # the world's coordinators have an authenticator

    assert client.get(reverse("icbs:detail", args=[world.icb_a.ods_code])).status_code == 200


def test_sencos_and_specialists_may_choose_not_to_use_mfa(client, world):
    for person in (world["senco_a"], world["specialist_a"]):
        client.force_login(person)
        assert client.get(reverse("home")).status_code == 200


def test_mfa_can_be_switched_off_only_for_the_local_demo(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(CoordinatorMembershipFactory().user)

    assert client.get(reverse("home")).status_code == 200
