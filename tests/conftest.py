import copy
import dataclasses
import datetime
import os
from urllib.parse import urlsplit, urlunsplit

import django.test
import pytest
import time_machine
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest
from django.test import override_settings

from pins import preflight
from pins.accounts.models import StaffMembership
from pins.celery import app as celery_app
from tests import factories
from tests.factories import PASSWORD, UserFactory


def pytest_sessionstart(session):
    if found := preflight.problems():
        pytest.exit(found[0], returncode=3)
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        _a_cache_of_its_own(worker)


def _a_cache_of_its_own(worker: str) -> None:
    """Under pytest-xdist (make test runs the suite on both cores) each worker keeps its cache in a Redis database
    of its own, after the one the broker uses: clearing the cache between tests flushes that database, which must
    drop neither the other worker's rate-limit counts nor messages waiting for a Celery worker."""
    cache_settings = settings.CACHES["default"]
    if "redis" not in cache_settings["BACKEND"].lower():
        return
    location = urlsplit(cache_settings["LOCATION"])
    database = int(location.path.strip("/") or 0) + 1 + int(worker.removeprefix("gw"))
    cache_settings["LOCATION"] = urlunsplit(location._replace(path=f"/{database}"))


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process():
    """Tasks run in the test's own process; tests/pins/test_celery.py starts a real worker instead."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # The real hasher takes a fraction of a second by design; tests create many accounts, some for a whole class.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# 25 November 2026, in the autumn term of the 2026-27 programme year the factories make.
DURING_TERM = datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)


@pytest.fixture
def during_term(time_machine):
    """Today is 25 November 2026, in the autumn term of the 2026-27 programme year the factories make."""
    time_machine.move_to(DURING_TERM, tick=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached figures must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


class Client(django.test.Client):
    """Django's test client, whose `force_login` leaves the session as a real sign-in would: someone with an
    authenticator app has given a security code (`passed_mfa=False` leaves it out, as a password alone would)."""

    def force_login(self, user, backend=None, *, passed_mfa=True):
        super().force_login(user, backend)
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if passed_mfa and authenticator is not None:
            request = HttpRequest()
            request.session = self.session
            record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
            request.session.save()


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


def with_mfa(user):
    """Give a user an authenticator app, as if they had set up two-factor authentication."""
    TOTP.activate(user, generate_totp_secret())
    return user


@dataclasses.dataclass
class World:
    """Two ICBs, A and B, each with an enrolled school and a specialist, and a person in every role."""

    icb_a: object
    icb_b: object
    school_a: object
    school_b: object
    enrolment_a: object
    enrolment_b: object
    specialist_a: object
    specialist_b: object
    visit_a: object
    people: dict

    def __getitem__(self, role):
        return self.people[role]


@pytest.fixture
def world(request, db):
    """Two ICBs and a person in every role: built for this test, or a copy of its class's `world_per_class`."""
    if "world_per_class" in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(
            request.fixturenames
        ):
            pytest.fail("a transactional test commits: it cannot share its class's world")
        return copy.deepcopy(request.getfixturevalue("world_per_class"))
    return world_build()


@pytest.fixture(scope="class")
def world_per_class(django_db_setup, django_db_blocker):
    """One world for every test of a class that asks for it, as Django's `setUpTestData`: built once (during term)
    in a transaction each test's own transaction nests in, and rolled back after the class's last test. Each test
    gets a deep copy through `world`, and its savepoint is rolled back, so no test sees what another changed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(DURING_TERM, tick=False):
                shared = world_build()
        except BaseException as error:
            outer.__exit__(type(error), error, error.__traceback__)
            raise
    yield shared
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def world_build() -> World:
    icb_a = factories.ICBFactory(ods_code="QAA", name="NHS Alpha Integrated Care Board")
    icb_b = factories.ICBFactory(ods_code="QBB", name="NHS Beta Integrated Care Board")
    enrolment_a = factories.EnrolmentFactory(school__local_authority__icb=icb_a, school__name="Alpha Primary School")
    enrolment_b = factories.EnrolmentFactory(school__local_authority__icb=icb_b, school__name="Beta Primary School")
    specialist_a = factories.SpecialistFactory(icb=icb_a, full_name="Ada Alpha")
    specialist_b = factories.SpecialistFactory(icb=icb_b, full_name="Bea Beta")
    people = {
        "coordinator_a": with_mfa(
            factories.CoordinatorMembershipFactory(icb=icb_a, user__email="coord.a@example.org").user
        ),
        "coordinator_b": with_mfa(
            factories.CoordinatorMembershipFactory(icb=icb_b, user__email="coord.b@example.org").user
        ),
        "senco_a": factories.SencoMembershipFactory(school=enrolment_a.school, user__email="senco.a@example.org").user,
        "specialist_a": factories.UserFactory(email="specialist.a@example.org"),
        "dfe_staff": with_mfa(factories.StaffMembershipFactory(user__email="dfe@example.org").user),
        "evaluator": with_mfa(
            factories.StaffMembershipFactory(
                role=StaffMembership.Role.EVALUATOR, user__email="evaluator@example.org"
            ).user
        ),
        "programme_admin": with_mfa(
            factories.StaffMembershipFactory(
                role=StaffMembership.Role.PROGRAMME_ADMIN,
                user__email="admin@example.org",
                user__is_staff=True,
                user__is_superuser=True,
            ).user
        ),
    }
    specialist_a.user = people["specialist_a"]
    specialist_a.save(update_fields=["user"])
    for specialist in (specialist_a, specialist_b):
        factories.CapacityFactory(specialist=specialist, programme_year=enrolment_a.programme_year)
    visit_a = factories.VisitFactory(enrolment=enrolment_a, specialist=specialist_a)
    return World(
        icb_a=icb_a,
        icb_b=icb_b,
        school_a=enrolment_a.school,
        school_b=enrolment_b.school,
        enrolment_a=enrolment_a,
        enrolment_b=enrolment_b,
        specialist_a=specialist_a,
        specialist_b=specialist_b,
        visit_a=visit_a,
        people=people,
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, dropped at the end even if a connection opened by another thread (the live server's,
    a concurrency test's) is still idle in it: PostgreSQL refuses to drop a database in use, which would fail
    the last test of a run."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
