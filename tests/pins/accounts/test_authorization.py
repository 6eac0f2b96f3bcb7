"""Scoping: querysets start from what the person may see."""

import datetime

import pytest
import time_machine

from pins.accounts.authorization import COORDINATOR, PREDECESSOR_READER, SENCO, Permission, RequestAccess
from pins.programme.mergers import icbs_merge
from tests.factories import CoordinatorMembershipFactory, EnrolmentFactory, SpecialistFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_sees_only_their_icb(world):
    access = RequestAccess(world["coordinator_a"])

    assert list(access.icbs()) == [world.icb_a]
    assert list(access.schools()) == [world.school_a]
    assert list(access.enrolments()) == [world.enrolment_a]
    assert set(access.specialists()) == {world.specialist_a}
    assert access.can(Permission.ALLOCATE_VISITS, icb=world.icb_a)
    assert not access.can(Permission.ALLOCATE_VISITS, icb=world.icb_b)
    assert not access.can(Permission.VIEW_SCHOOL, school=world.school_b)


def test_a_senco_sees_only_their_school(world):
    access = RequestAccess(world["senco_a"])

    assert list(access.icbs()) == []
    assert list(access.schools()) == [world.school_a]
    assert list(access.enrolments()) == [world.enrolment_a]
    assert list(access.specialists()) == []
    assert access.roles(school=world.school_a) == {SENCO}
    assert not access.can(Permission.VIEW_SCHOOL, school=world.school_b)
    assert not access.can(Permission.ALLOCATE_VISITS, icb=world.icb_a)


def test_a_specialist_sees_only_their_own_record(world):
    access = RequestAccess(world["specialist_a"])

    assert list(access.specialists()) == [world.specialist_a]
    assert list(access.schools()) == []
    assert access.can(Permission.RECORD_OUTCOMES, specialist=world.specialist_a)
    assert not access.can(Permission.RECORD_OUTCOMES, specialist=SpecialistFactory(icb=world.icb_a))


@pytest.mark.parametrize("role", ["dfe_staff", "programme_admin"])
def test_staff_read_everything_and_change_nothing_an_icb_does(world, role):
    access = RequestAccess(world[role])

    assert set(access.icbs()) == {world.icb_a, world.icb_b}
    assert set(access.schools()) == {world.school_a, world.school_b}
    assert access.can(Permission.VIEW_ICB, icb=world.icb_b)
    for permission in (Permission.ALLOCATE_VISITS, Permission.MANAGE_ICB_SCHOOLS, Permission.CONFIRM_VISITS):
        assert not access.can(permission, icb=world.icb_a)


def test_programme_admins_and_the_icbs_own_coordinators_manage_its_coordinators(world):
    assert RequestAccess(world["programme_admin"]).can(Permission.MANAGE_COORDINATORS, icb=world.icb_a)
    assert not RequestAccess(world["dfe_staff"]).can(Permission.MANAGE_COORDINATORS, icb=world.icb_a)
    assert RequestAccess(world["coordinator_a"]).can(Permission.MANAGE_COORDINATORS, icb=world.icb_a)
    assert not RequestAccess(world["coordinator_b"]).can(Permission.MANAGE_COORDINATORS, icb=world.icb_a)


def test_an_anonymous_visitor_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    access = RequestAccess(AnonymousUser())

    assert not access.icbs().exists() and not access.schools().exists() and not access.enrolments().exists()
    assert not access.has_any_role


@time_machine.travel(datetime.date(2026, 11, 25))
def test_after_a_merger_the_successors_coordinator_reads_the_predecessors_history(world):
    last_year = EnrolmentFactory(
        school=world.school_a,
        cohort__programme_year__label="2025-26",
        cohort__programme_year__starts_on=datetime.date(2025, 9, 1),
        cohort__programme_year__ends_on=datetime.date(2026, 3, 31),
    )
    successor = icbs_merge(
        predecessor_codes=[world.icb_a.ods_code, world.icb_b.ods_code],
        successor_code="QAB",
        successor_name="NHS Alpha and Beta Integrated Care Board",
        effective_on=datetime.date(2026, 4, 1),
    )
    new_coordinator = CoordinatorMembershipFactory(icb=successor).user
    access = RequestAccess(new_coordinator)

    assert set(access.icbs()) == {successor, world.icb_a, world.icb_b}
    assert last_year in access.enrolments()
    assert access.roles(icb=world.icb_a) == {PREDECESSOR_READER}
    assert access.roles(icb=successor) == {COORDINATOR}
    assert not access.can(Permission.ALLOCATE_VISITS, icb=world.icb_a)
