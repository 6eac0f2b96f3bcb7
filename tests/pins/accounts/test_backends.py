"""The authentication backends read the signed-in person and their roles in one query, and a change to a role
counts from the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icbs.models import CoordinatorMembership
from pins.accounts.backends import AuthenticationBackend, ModelBackend

pytestmark = pytest.mark.django_db


def test_a_page_reads_the_person_and_their_roles_in_one_query(client, world):
    client.force_login(world["coordinator_a"])

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("icbs:detail", args=[world.icb_a.ods_code]))

    assert page.status_code == 200
    reading_roles = [query["sql"] for query in queries if "icbs_coordinatormembership" in query["sql"]]
    assert len(reading_roles) == 1 and "FROM accounts_user" in reading_roles[0]


def test_a_role_taken_away_counts_from_the_next_request(client, world):
    client.force_login(world["coordinator_a"])
    icb_page = reverse("icbs:detail", args=[world.icb_a.ods_code])
    assert client.get(icb_page).status_code == 200

    CoordinatorMembership.objects.filter(user=world["coordinator_a"]).delete()

    assert client.get(icb_page).status_code == 404


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_both_backends_give_no_one_for_a_deactivated_or_unknown_person(backend, world):
    person = world["coordinator_a"]
    loaded = backend().get_user(person.pk)
    assert loaded == person and loaded.memberships_coordinated[0][1] == world.icb_a.ods_code

    person.is_active = False
    person.save(update_fields=["is_active"])

    assert backend().get_user(person.pk) is None
    assert backend().get_user(person.pk + 10_000) is None
