"""Every model is in the Django admin, with a change list that costs the same queries for 2 rows or 8."""

import itertools

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)

FACTORIES = {
    "pins.user": factories.UserFactory,
    "pins.staffmembership": factories.StaffMembershipFactory,
    "icbs.region": lambda: factories.RegionFactory(name=f"Region {(n := next(_numbers))}", code=f"R{n:02d}"),
    "icbs.icb": factories.ICBFactory,
    "icbs.localauthority": factories.LocalAuthorityFactory,
    "icbs.coordinatormembership": factories.CoordinatorMembershipFactory,
    "schools.school": factories.SchoolFactory,
    "schools.programmeyear": lambda: factories.ProgrammeYearFactory(
        label=f"{(year := 2000 + next(_numbers))}-{(year + 1) % 100:02d}"
    ),
    "schools.cohort": lambda: factories.CohortFactory(name=f"Cohort {next(_numbers)}"),
    "schools.enrolment": factories.EnrolmentFactory,
    "schools.closuredate": factories.ClosureDateFactory,
    "schools.sencomembership": factories.SencoMembershipFactory,
    "specialists.specialist": factories.SpecialistFactory,
    "specialists.capacity": factories.CapacityFactory,
    "specialists.unavailability": factories.UnavailabilityFactory,
}


def test_every_model_has_an_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    ours = {label for label in registered if label.split(".")[0] in {"pins", "icbs", "schools", "specialists"}}

    assert ours == set(FACTORIES)


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_change_list_query_count_does_not_grow_with_rows(client, label):
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")
    make = FACTORIES[label]

    for _ in range(2):
        make()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(6):
        make()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


@pytest.mark.parametrize("label", sorted(FACTORIES))
def test_change_list_search_works(client, label):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    FACTORIES[label]()

    response = client.get(reverse(f"admin:{label.replace('.', '_')}_changelist"), {"q": "a"})

    assert response.status_code == 200
