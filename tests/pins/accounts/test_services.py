"""Staff roles (DfE programme staff, programme admin) are given and taken away through a service, from the
command line, and every grant and removal is in the access history."""

import io

import pytest
from django.core.management import CommandError, call_command

from pins.accounts.authorization import Permission, RequestAccess
from pins.accounts.models import AccessEvent, StaffMembership
from pins.accounts.services import staff_role_grant, staff_role_remove
from pins.kernel.errors import RuleBroken
from tests import factories

pytestmark = pytest.mark.django_db


def _staff_role(*args):
    out = io.StringIO()
    call_command("staff_role", *args, stdout=out)
    return out.getvalue()


def test_granting_a_staff_role_gives_its_access_and_records_who_did_it():
    person, admin = factories.UserFactory(email="dfe.person@example.org"), factories.UserFactory()

    staff_role_grant(user=person, role=StaffMembership.Role.DFE_STAFF, by=admin)

    assert RequestAccess(person).can(Permission.VIEW_NATIONAL_PROGRESS)
    event = AccessEvent.objects.get()
    assert (event.action, event.role, event.email, event.actor, event.icb) == (
        "granted",
        "dfe_staff",
        "dfe.person@example.org",
        admin,
        None,
    )
    assert StaffMembership.objects.get().granted_by == admin


def test_a_role_someone_has_already_is_not_granted_twice():
    membership = factories.StaffMembershipFactory(role=StaffMembership.Role.PROGRAMME_ADMIN)

    with pytest.raises(RuleBroken, match="already has the Programme admin role"):
        staff_role_grant(user=membership.user, role=StaffMembership.Role.PROGRAMME_ADMIN, by=None)

    assert not AccessEvent.objects.exists()


def test_a_deactivated_account_is_given_no_role():
    person = factories.UserFactory(is_active=False)

    with pytest.raises(RuleBroken, match="deactivated"):
        staff_role_grant(user=person, role=StaffMembership.Role.DFE_STAFF, by=None)

    assert not StaffMembership.objects.exists()


def test_removing_a_staff_role_takes_its_access_away_and_records_it():
    membership = factories.StaffMembershipFactory(role=StaffMembership.Role.PROGRAMME_ADMIN)
    admin = factories.UserFactory()

    staff_role_remove(membership=membership, by=admin)

    assert not RequestAccess(membership.user).can(Permission.MANAGE_PROGRAMME)
    event = AccessEvent.objects.get()
    assert (event.action, event.role, event.email, event.actor) == (
        "removed",
        "programme_admin",
        membership.user.email,
        admin,
    )
    with pytest.raises(RuleBroken, match="already been removed"):
        staff_role_remove(membership=membership, by=admin)
    assert AccessEvent.objects.count() == 1


def test_the_command_grants_a_role_recording_who_ran_it():
    person = factories.UserFactory(email="new.admin@example.org")
    runner = factories.UserFactory(email="runner@example.org")

    said = _staff_role("grant", "New.Admin@example.org", "programme_admin", "--by", "runner@example.org")

    assert "new.admin@example.org now has the Programme admin role" in said
    assert StaffMembership.objects.get().user == person
    assert AccessEvent.objects.get(action="granted").actor == runner


def test_the_first_admin_is_granted_by_no_one():
    factories.UserFactory(email="first@example.org")

    _staff_role("grant", "first@example.org", "programme_admin")

    event = AccessEvent.objects.get()
    assert (event.role, event.actor) == ("programme_admin", None)
    assert "first@example.org\tprogramme_admin\tgranted" in _staff_role("list")
    assert "by the command line" in _staff_role("list")


def test_the_command_removes_a_role_and_records_it():
    membership = factories.StaffMembershipFactory(user__email="leaving@example.org")

    said = _staff_role("remove", "leaving@example.org", "dfe_staff")

    assert "no longer has the DfE programme staff role" in said
    assert not StaffMembership.objects.exists()
    assert AccessEvent.objects.get().email == membership.user.email


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grant", "nobody@example.org", "dfe_staff"], "No account has the e-mail address nobody@example.org"),
        (["grant", "someone@example.org", "dfe_staff", "--by", "ghost@example.org"], "ghost@example.org"),
        (["remove", "someone@example.org", "programme_admin"], "does not have the Programme admin role"),
        (["grant", "someone@example.org", "superuser"], "invalid choice"),
    ],
)
def test_the_command_says_what_is_wrong_and_changes_nothing(args, message):
    factories.UserFactory(email="someone@example.org")

    with pytest.raises(CommandError, match=message):
        _staff_role(*args)

    assert not StaffMembership.objects.exists()
    assert not AccessEvent.objects.exists()


def test_the_programme_admin_role_brings_the_django_admin_and_taking_it_away_removes_it():
    person = factories.UserFactory()

    membership = staff_role_grant(user=person, role=StaffMembership.Role.PROGRAMME_ADMIN, by=None)
    person.refresh_from_db()
    assert person.is_staff and person.is_superuser

    staff_role_remove(membership=membership, by=None)
    person.refresh_from_db()
    assert not person.is_staff and not person.is_superuser
    assert [event.action for event in AccessEvent.objects.order_by("at", "pk")] == ["granted", "removed"]


def test_dfe_staff_do_not_reach_the_django_admin():
    person = factories.UserFactory()

    staff_role_grant(user=person, role=StaffMembership.Role.DFE_STAFF, by=None)

    person.refresh_from_db()
    assert not person.is_staff and not person.is_superuser


def test_admin_access_cannot_be_given_on_the_user_admin_page(client):
    from tests.conftest import with_mfa

    admin_user = with_mfa(factories.UserFactory(is_staff=True, is_superuser=True))
    someone = factories.UserFactory(email="someone@example.org")
    client.force_login(admin_user)

    client.post(
        f"/admin/accounts/user/{someone.pk}/change/",
        {"email": someone.email, "full_name": "Someone", "is_active": "on", "is_staff": "on", "is_superuser": "on"},
    )

    someone.refresh_from_db()
    assert not someone.is_staff and not someone.is_superuser
