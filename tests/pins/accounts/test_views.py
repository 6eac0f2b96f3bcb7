"""Invitations, accepting them, removing access, and the record of who did what."""

import datetime
import hashlib
import inspect
import re

import pytest
import time_machine
from celery.signals import task_prerun
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from icbs.models import CoordinatorMembership
from pins.accounts.models import AccessEvent, Invitation, User
from pins.accounts.services import invitation_email_send, invitation_for_token, invitation_send
from pins.accounts.tasks import send_invitation_email
from schools.models import SencoMembership
from tests.factories import PASSWORD, SchoolFactory, SpecialistFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-password-9"


def _invite_senco(client, world, capture_on_commit, email="new.senco@example.org", school=None):
    """A coordinator of ICB A invites a SENCO; returns the path of the link in the e-mail."""
    client.force_login(world["coordinator_a"])
    with capture_on_commit(execute=True):
        response = client.post(
            reverse("access:invite_senco", args=[world.icb_a.ods_code]),
            {"school": (school or world.school_a).urn, "email": email},
        )
    assert response.status_code == 302, response.text
    client.logout()
    return re.search(r"/invitations/\S+/", mail.outbox[-1].body).group(0)


def test_coordinator_invites_a_senco_who_sets_a_password_and_sees_their_school(
    client, world, django_capture_on_commit_callbacks
):
    path = _invite_senco(client, world, django_capture_on_commit_callbacks)

    assert mail.outbox[0].to == ["new.senco@example.org"]
    assert "School SENCO" in mail.outbox[0].subject
    page = client.get(path)
    assert "Accept your invitation" in page.text
    response = client.post(path, {"full_name": "Sam Senco", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user = User.objects.get(email="new.senco@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert SencoMembership.objects.filter(user=user, school=world.school_a).exists()
    assert client.get(reverse("schools:detail", args=[world.school_a.urn])).status_code == 200
    assert client.get(reverse("schools:detail", args=[world.school_b.urn])).status_code == 404
    granted = AccessEvent.objects.get(action=AccessEvent.Action.GRANTED)
    assert (granted.email, granted.school, granted.actor) == ("new.senco@example.org", world.school_a, user)
    invited = AccessEvent.objects.get(action=AccessEvent.Action.INVITED)
    assert invited.actor == world["coordinator_a"]


def test_an_invitation_link_works_once(client, world, django_capture_on_commit_callbacks):
    path = _invite_senco(client, world, django_capture_on_commit_callbacks)
    client.post(path, {"full_name": "Sam Senco", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    again = client.post(path, {"full_name": "Someone Else", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert again.status_code == 404
    assert "already been used" in again.text
    assert User.objects.filter(email="new.senco@example.org").count() == 1


def test_an_invitation_expires_after_seven_days(client, world, django_capture_on_commit_callbacks):
    path = _invite_senco(client, world, django_capture_on_commit_callbacks)

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7, minutes=1)):
        response = client.get(path)

    assert response.status_code == 404
    assert "expired" in response.text


def test_sending_again_replaces_the_earlier_link(client, world, django_capture_on_commit_callbacks):
    first = _invite_senco(client, world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    second = _invite_senco(client, world, django_capture_on_commit_callbacks)

    assert first != second
    assert "withdrawn or replaced" in client.get(first).text
    assert client.get(second).status_code == 200
    assert Invitation.objects.pending().count() == 1


def test_a_bad_password_is_refused_with_the_reason(client, world, django_capture_on_commit_callbacks):
    path = _invite_senco(client, world, django_capture_on_commit_callbacks)

    response = client.post(path, {"full_name": "Sam Senco", "password1": "password", "password2": "password"})

    assert response.status_code == 200
    assert "This password is too short" in response.text
    assert "govuk-error-summary" in response.text
    assert not User.objects.filter(email="new.senco@example.org").exists()


def test_someone_with_an_account_signs_in_and_accepts(client, world, django_capture_on_commit_callbacks):
    second_school = SchoolFactory(local_authority=world.school_a.local_authority)
    path = _invite_senco(
        client, world, django_capture_on_commit_callbacks, email=world["senco_a"].email, school=second_school
    )
    assert "You already have an account" in client.get(path).text

    client.force_login(world["senco_a"])
    response = client.post(path)

    assert response.status_code == 302
    assert SencoMembership.objects.filter(user=world["senco_a"], school=second_school).exists()


def test_an_invitation_cannot_be_taken_by_someone_else_signed_in(client, world, django_capture_on_commit_callbacks):
    path = _invite_senco(client, world, django_capture_on_commit_callbacks)
    client.force_login(world["coordinator_b"])

    client.post(path)

    assert not SencoMembership.objects.filter(user=world["coordinator_b"]).exists()
    assert Invitation.objects.pending().count() == 1


def test_inviting_someone_who_already_has_the_access_is_refused(client, world):
    client.force_login(world["coordinator_a"])

    response = client.post(
        reverse("access:invite_senco", args=[world.icb_a.ods_code]),
        {"school": world.school_a.urn, "email": world["senco_a"].email},
    )

    assert response.status_code == 200
    assert "already has this access" in response.text
    assert not Invitation.objects.exists()


def test_a_coordinator_cannot_invite_a_senco_for_another_icbs_school_by_editing_the_form(client, world):
    client.force_login(world["coordinator_a"])

    response = client.post(
        reverse("access:invite_senco", args=[world.icb_a.ods_code]),
        {"school": world.school_b.urn, "email": "intruder@example.org"},
    )

    assert response.status_code == 200
    assert "Choose one of your ICB" in response.text
    assert not Invitation.objects.exists()


def test_specialist_invitation_links_the_account_to_their_record(client, world, django_capture_on_commit_callbacks):
    specialist = SpecialistFactory(icb=world.icb_a, email="Sol.Specialist@nhs.example.org")
    client.force_login(world["coordinator_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("access:invite_specialist", args=[world.icb_a.ods_code]), {"specialist": specialist.pk})
    client.logout()
    link = re.search(r"/invitations/\S+/", mail.outbox[0].body).group(0)

    client.post(link, {"full_name": specialist.full_name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    specialist.refresh_from_db()
    assert mail.outbox[0].to == ["sol.specialist@nhs.example.org"]
    assert specialist.user.email == "sol.specialist@nhs.example.org"


def test_programme_admin_invites_a_coordinator(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["programme_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("access:invite_coordinator", args=[world.icb_a.ods_code]),
            {"email": "lead@icb.example.org"},
        )
    client.logout()
    link = re.search(r"/invitations/\S+/", mail.outbox[0].body).group(0)

    client.post(link, {"full_name": "Lee Lead", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert CoordinatorMembership.objects.filter(user__email="lead@icb.example.org", icb=world.icb_a).exists()


def test_removing_access_is_recorded_and_takes_effect(client, world):
    membership = SencoMembership.objects.get(user=world["senco_a"])
    client.force_login(world["coordinator_a"])

    response = client.post(reverse("access:remove_senco", args=[world.icb_a.ods_code, membership.pk]))

    assert response.status_code == 302
    assert not SencoMembership.objects.filter(pk=membership.pk).exists()
    event = AccessEvent.objects.get(action=AccessEvent.Action.REMOVED)
    assert (event.actor, event.email, event.school) == (
        world["coordinator_a"],
        world["senco_a"].email,
        world.school_a,
    )
    history = client.get(reverse("access:icb", args=[world.icb_a.ods_code])).text
    assert "Access removed" in history and world["senco_a"].email in history
    client.force_login(world["senco_a"])
    assert client.get(reverse("schools:detail", args=[world.school_a.urn])).status_code == 404


def test_the_invitation_email_is_sent_once_however_often_the_task_runs(world):
    invitation = invitation_send(
        email="once@example.org", role=Invitation.Role.SENCO, icb=world.icb_a, school=world.school_a, by=None
    )

    send_invitation_email(invitation.pk)
    send_invitation_email(invitation.pk)

    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None


def test_the_broker_carries_the_invitations_id_and_never_its_link(client, world, django_capture_on_commit_callbacks):
    queued = []

    def record(task=None, args=None, kwargs=None, **signal):
        if task.name == send_invitation_email.name:
            queued.append((list(args), kwargs))

    task_prerun.connect(record, weak=False)
    try:
        path = _invite_senco(client, world, django_capture_on_commit_callbacks)
    finally:
        task_prerun.disconnect(record)

    invitation = Invitation.objects.get()
    token = path.split("/")[-2]
    assert queued == [([invitation.pk], {})]
    assert list(inspect.signature(send_invitation_email.run).parameters) == ["invitation_id"]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())
    first = client.post(path, {"full_name": "Sam Senco", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    again = client.post(path, {"full_name": "Sam Senco", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert (first.status_code, again.status_code) == (302, 404)


def test_an_invitation_has_no_working_link_until_it_is_sent(world):
    invitation = invitation_send(
        email="later@example.org", role=Invitation.Role.SENCO, icb=world.icb_a, school=world.school_a, by=None
    )

    assert invitation.token_hash is None
    send_invitation_email(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.token_hash is not None


def test_a_failed_invitation_email_gives_its_claim_back_and_is_sent_by_the_retry(world, monkeypatch):
    invitation = invitation_send(
        email="retry@example.org", role=Invitation.Role.SENCO, icb=world.icb_a, school=world.school_a, by=None
    )
    real_send = mail.EmailMessage.send
    attempts = []

    def down_once(self, *args, **kwargs):
        attempts.append(self.to)
        if len(attempts) == 1:
            raise ConnectionError("mail server down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", down_once)

    with pytest.raises(ConnectionError):
        invitation_email_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert (invitation.email_claimed_at, invitation.email_sent_at) == (None, None)
    assert invitation_email_send(invitation_id=invitation.pk) is True
    assert len(mail.outbox) == 1
    link = re.search(r"/invitations/\S+/", mail.outbox[0].body).group(0)
    assert invitation_for_token(link.split("/")[-2]) == invitation


def test_an_invitation_claimed_by_a_worker_that_stopped_is_sent_after_the_lease(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC))
    invitation = invitation_send(
        email="stuck@example.org", role=Invitation.Role.SENCO, icb=world.icb_a, school=world.school_a, by=None
    )
    Invitation.objects.filter(pk=invitation.pk).update(email_claimed_at=timezone.now())

    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 14, tzinfo=datetime.UTC))
    assert invitation_email_send(invitation_id=invitation.pk) is False  # the worker may still be sending
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 16, tzinfo=datetime.UTC))
    assert invitation_email_send(invitation_id=invitation.pk) is True

    assert len(mail.outbox) == 1


def test_a_broker_outage_keeps_the_invitation_and_shows_it_unsent(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(send_invitation_email, "delay", broker_down)
    client.force_login(world["coordinator_a"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("access:invite_senco", args=[world.icb_a.ods_code]),
            {"school": world.school_a.urn, "email": "patient@example.org"},
        )

    assert len(callbacks) == 1  # queued on commit; the broker refused it and the page still succeeded
    assert response.status_code == 302
    assert Invitation.objects.pending().filter(email="patient@example.org").exists()
    assert "Not sent yet" in client.get(reverse("access:icb", args=[world.icb_a.ods_code])).text


def test_the_access_page_query_count_does_not_grow_with_people(client, world, django_assert_max_num_queries):
    client.force_login(world["coordinator_a"])
    url = reverse("access:icb", args=[world.icb_a.ods_code])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(15):
        school = SchoolFactory(local_authority=world.school_a.local_authority)
        SencoMembership.objects.create(user=User.objects.create_user(f"s{n}@example.org", PASSWORD), school=school)
        invitation_send(email=f"i{n}@example.org", role=Invitation.Role.SENCO, icb=world.icb_a, school=school, by=None)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.text.count('<tr class="govuk-table__row">') > 30


def test_withdrawing_an_invitation_asks_first_then_the_link_stops_working(
    client, world, django_capture_on_commit_callbacks
):
    link = _invite_senco(client, world, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(email="new.senco@example.org")
    client.force_login(world["coordinator_a"])
    url = reverse("access:withdraw_invitation", args=[world.icb_a.ods_code, invitation.pk])

    question = client.get(url)
    assert "Are you sure you want to withdraw the invitation for new.senco@example.org?" in question.text
    assert Invitation.objects.pending().filter(pk=invitation.pk).exists()  # asking changed nothing

    assert client.post(url).status_code == 302
    assert not Invitation.objects.pending().filter(pk=invitation.pk).exists()
    client.logout()
    assert "withdrawn or replaced" in client.get(link).text
