"""A coordinator invites and removes fellow coordinators of their own ICB, recorded as access events; the last
coordinator of an ICB is never removed, and the page says why."""

import threading
import time

import pytest
from django.core import mail
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from icbs.models import CoordinatorMembership
from pins.accounts import services
from pins.accounts.models import AccessEvent, Invitation
from pins.kernel.errors import RuleBroken
from tests.factories import CoordinatorMembershipFactory

pytestmark = [pytest.mark.usefixtures("during_term")]


@pytest.mark.django_db
class TestFellowCoordinators:
    def test_a_coordinator_invites_a_colleague_to_their_own_icb(
        self, client, world, django_capture_on_commit_callbacks
    ):
        client.force_login(world["coordinator_a"])
        page = client.get(reverse("access:icb", args=[world.icb_a.ods_code])).text
        assert "Invite a coordinator" in page

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("access:invite_coordinator", args=[world.icb_a.ods_code]),
                {"email": "Colleague@ICB.example.org"},
            )

        assert response.status_code == 302
        invitation = Invitation.objects.get(email="colleague@icb.example.org")
        assert (invitation.role, invitation.icb, invitation.created_by) == (
            Invitation.Role.COORDINATOR,
            world.icb_a,
            world["coordinator_a"],
        )
        assert AccessEvent.objects.filter(
            action=AccessEvent.Action.INVITED, email="colleague@icb.example.org", actor=world["coordinator_a"]
        ).exists()
        assert mail.outbox[0].to == ["colleague@icb.example.org"]

    def test_a_coordinator_of_another_icb_cannot(self, client, world):
        client.force_login(world["coordinator_b"])

        response = client.post(
            reverse("access:invite_coordinator", args=[world.icb_a.ods_code]), {"email": "x@icb.example.org"}
        )

        assert response.status_code == 404 and not Invitation.objects.exists()

    def test_a_coordinator_removes_a_colleague_and_it_is_recorded(self, client, world):
        colleague = CoordinatorMembershipFactory(icb=world.icb_a, user__email="colleague@icb.example.org")
        client.force_login(world["coordinator_a"])
        url = reverse("access:remove_coordinator", args=[world.icb_a.ods_code, colleague.pk])
        assert "Remove colleague@icb.example.org's access?" in client.get(url).text

        response = client.post(url)

        assert response.status_code == 302
        assert not CoordinatorMembership.objects.filter(pk=colleague.pk).exists()
        event = AccessEvent.objects.get(action=AccessEvent.Action.REMOVED)
        assert (event.email, event.actor, event.role) == (
            "colleague@icb.example.org",
            world["coordinator_a"],
            Invitation.Role.COORDINATOR,
        )

    def test_the_last_coordinator_is_kept_and_the_page_says_why(self, client, world):
        membership = CoordinatorMembership.objects.get(user=world["coordinator_a"])
        url = reverse("access:remove_coordinator", args=[world.icb_a.ods_code, membership.pk])
        client.force_login(world["programme_admin"])

        page = client.get(url)
        response = client.post(url)

        assert page.status_code == 200 and "This coordinator cannot be removed" in page.text
        assert "is the only coordinator of Alpha ICB: invite another coordinator first" in page.text
        assert "Remove access" not in page.text
        assert response.status_code == 409
        assert CoordinatorMembership.objects.filter(pk=membership.pk).exists()
        assert not AccessEvent.objects.filter(action=AccessEvent.Action.REMOVED).exists()

    def test_the_service_refuses_the_last_one_too(self, world):
        membership = CoordinatorMembership.objects.get(user=world["coordinator_a"])

        with pytest.raises(RuleBroken, match="only coordinator of Alpha ICB"):
            services.coordinator_remove(membership=membership, by=world["programme_admin"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_two_coordinators_removing_each_other_at_once_leave_one():
    first = CoordinatorMembershipFactory(user__email="first@icb.example.org")
    second = CoordinatorMembershipFactory(icb=first.icb, user__email="second@icb.example.org")
    outcomes, errors, started = {}, [], threading.Event()

    def run(name, membership, by, hold):
        try:
            with transaction.atomic():
                try:
                    services.coordinator_remove(membership=membership, by=by)
                    outcomes[name] = "removed"
                except RuleBroken as rule:
                    outcomes[name] = rule.message
                if hold:
                    started.set()
                    time.sleep(0.5)
        except Exception as error:
            errors.append(error)
        finally:
            started.set()
            connection.close()

    holder = threading.Thread(target=run, args=("first", second, first.user, True))
    holder.start()
    started.wait(timeout=30)
    other = threading.Thread(target=run, args=("second", first, second.user, False))
    other.start()
    holder.join(timeout=30)
    other.join(timeout=30)
    close_old_connections()

    assert not errors, errors
    assert outcomes["first"] == "removed" and "is the only coordinator" in outcomes["second"]
    assert list(CoordinatorMembership.objects.values_list("user__email", flat=True)) == ["first@icb.example.org"]
