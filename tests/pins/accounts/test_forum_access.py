"""The parent carer forum lead: invited by a coordinator, scoped to their own forum; who sees which funding."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from icbs.models import ForumLeadMembership
from pins.accounts.authorization import FORUM_LEAD, Permission, RequestAccess
from pins.accounts.models import AccessEvent
from tests.funding import award_for, enrolled_schools, forum_in, forum_lead, pot_for

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def two_forums(world):
    awards = {}
    for key, icb in (("a", world.icb_a), ("b", world.icb_b)):
        forum = forum_in(icb, name=f"Forum {key.upper()}")
        awards[key] = award_for(pot_for(icb), forum, enrolled_schools(icb, 2))
    return awards


def test_a_coordinator_invites_a_forum_lead_who_then_leads_that_forum(
    client, world, django_capture_on_commit_callbacks
):
    forum = forum_in(world.icb_a, name="Alpha Parent Carer Forum")
    client.force_login(world["coordinator_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("access:invite_forum_lead", args=[world.icb_a.ods_code]),
            {"forum": forum.pk, "email": "lead@forum.example.org"},
        )
    assert response.status_code == 302, response.text
    client.logout()
    link = re.search(r"/invitations/\S+/", mail.outbox[0].body).group(0)

    client.post(link, {"full_name": "Fran Forum", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    membership = ForumLeadMembership.objects.get()
    assert (membership.forum, membership.user.email, membership.granted_by) == (
        forum,
        "lead@forum.example.org",
        world["coordinator_a"],
    )


def test_a_coordinator_cannot_invite_a_lead_for_another_icbs_forum(client, world):
    other = forum_in(world.icb_b)
    client.force_login(world["coordinator_a"])

    response = client.post(
        reverse("access:invite_forum_lead", args=[world.icb_a.ods_code]), {"forum": other.pk, "email": "x@example.org"}
    )

    assert response.status_code == 200
    assert "Choose one of your ICB&#x27;s forums" in response.text


def test_a_forum_lead_sees_only_their_own_forums_awards(world, two_forums):
    lead = forum_lead(two_forums["a"].forum)
    access = RequestAccess(lead)

    assert list(access.awards()) == [two_forums["a"]]
    assert list(access.forums()) == [two_forums["a"].forum]
    assert access.roles(award=two_forums["a"]) == {FORUM_LEAD}
    assert access.can(Permission.RECORD_FORUM_ACTIVITIES, award=two_forums["a"])
    assert not access.can(Permission.RECORD_FORUM_ACTIVITIES, award=two_forums["b"])
    assert not access.can(Permission.MANAGE_FORUM_FUNDING, award=two_forums["a"])
    assert access.has_any_role


def test_coordinators_manage_their_icbs_funding_and_staff_read_all_of_it(world, two_forums):
    coordinator = RequestAccess(world["coordinator_a"])
    assert list(coordinator.awards()) == [two_forums["a"]]
    assert list(coordinator.forums()) == [two_forums["a"].forum]
    assert coordinator.can(Permission.MANAGE_FORUM_FUNDING, award=two_forums["a"])
    assert not coordinator.can(Permission.MANAGE_FORUM_FUNDING, award=two_forums["b"])
    assert not coordinator.can(Permission.SET_FUNDING_POTS)

    dfe = RequestAccess(world["dfe_staff"])
    assert set(dfe.awards()) == set(two_forums.values())
    assert dfe.can(Permission.VIEW_FORUM_FUNDING) and not dfe.can(Permission.MANAGE_FORUM_FUNDING)
    assert RequestAccess(world["programme_admin"]).can(Permission.SET_FUNDING_POTS)
    assert not RequestAccess(world["senco_a"]).awards().exists()


def test_a_coordinator_sees_their_forums_leads_and_removes_one(client, world):
    forum = forum_in(world.icb_a, name="Alpha Parent Carer Forum")
    lead = forum_lead(forum, email="lead@alpha-pcf.example.org")
    forum_lead(forum_in(world.icb_b, name="Beta Parent Carer Forum"), email="lead@beta-pcf.example.org")
    client.force_login(world["coordinator_a"])

    page = client.get(reverse("access:icb", args=[world.icb_a.ods_code]))
    assert "lead@alpha-pcf.example.org" in page.text
    assert "lead@beta-pcf.example.org" not in page.text
    membership = ForumLeadMembership.objects.get(user=lead)
    response = client.post(reverse("access:remove_forum_lead", args=[world.icb_a.ods_code, membership.pk]))

    assert response.status_code == 302
    assert not ForumLeadMembership.objects.filter(user=lead).exists()
    removed = AccessEvent.objects.get(action=AccessEvent.Action.REMOVED)
    assert (removed.role, removed.email, removed.actor, removed.icb) == (
        "forum_lead",
        "lead@alpha-pcf.example.org",
        world["coordinator_a"],
        world.icb_a,
    )
