"""Invitations in bulk from a CSV file: all or nothing, every bad row reported, those who already have access or
an invitation waiting skipped and counted, each sent through the claimed, retried path."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pins.accounts import services
from pins.accounts.bulk_invitations import invitations_send_in_bulk
from pins.accounts.models import AccessEvent, Invitation
from tests.factories import SchoolFactory, SpecialistFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

HEADER = "email,role,school_urn,specialist_id\r\n"


def _send(world, text, *, may_invite_coordinators=True, dry_run=False):
    return invitations_send_in_bulk(
        data=(HEADER + text).encode(),
        icb=world.icb_a,
        by=world["coordinator_a"],
        may_invite_coordinators=may_invite_coordinators,
        dry_run=dry_run,
    )


def test_every_row_is_invited_and_those_with_access_are_skipped(world, django_capture_on_commit_callbacks):
    other_school = SchoolFactory(local_authority=world.school_a.local_authority, icb=world.icb_a)
    newcomer = SpecialistFactory(icb=world.icb_a, email="Sol@NHS.example.org")
    services.invitation_send(
        email="waiting@example.org",
        role=Invitation.Role.SENCO,
        icb=world.icb_a,
        school=other_school,
        by=world["coordinator_a"],
    )
    mail.outbox.clear()
    rows = (
        f"new.senco@example.org,senco,{world.school_a.urn},\r\n"
        f",specialist,,{newcomer.pk}\r\n"
        "colleague@icb.example.org,Coordinator,,\r\n"
        f"senco.a@example.org,senco,{world.school_a.urn},\r\n"  # already the SENCO
        f",specialist,,{world.specialist_a.pk}\r\n"  # already has an account
        f"waiting@example.org,senco,{other_school.urn},\r\n"  # an invitation waiting
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = _send(world, rows)

    assert report.ok and report.created == 3
    assert report.counts() == (
        "3 invitations sent, 3 skipped (2 people already had this access; 1 person already had an invitation waiting)"
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "colleague@icb.example.org",
        "new.senco@example.org",
        "sol@nhs.example.org",
    ]
    assert AccessEvent.objects.filter(action=AccessEvent.Action.INVITED).count() == 4


def test_a_file_with_bad_rows_sends_nothing_and_names_every_one(world, django_capture_on_commit_callbacks):
    elsewhere = SchoolFactory(icb=world.icb_b, local_authority=world.school_b.local_authority)
    rows = (
        f"good@example.org,senco,{world.school_a.urn},\r\nnot-an-address,senco,{{urn}},\r\n".format(
            urn=world.school_a.urn
        )
        + f"x@example.org,senco,{elsewhere.urn},\r\n"
        + "y@example.org,headteacher,,\r\n"
        + f",specialist,,{world.specialist_b.pk}\r\n"
        + f"good@example.org,senco,{world.school_a.urn},\r\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = _send(world, rows)

    assert [str(error) for error in report.errors] == [
        "line 3: email “not-an-address” is not an e-mail address",
        f"line 4: school_urn “{elsewhere.urn}” is not an open school of Alpha ICB",
        "line 5: role “headteacher” is not one of coordinator, senco, specialist",
        f"line 6: specialist_id “{world.specialist_b.pk}” is not an active specialist of Alpha ICB",
        "line 7: the same invitation is already on line 2",
    ]
    assert not Invitation.objects.exists() and not mail.outbox


def test_coordinators_are_invited_only_by_those_who_may(world):
    report = _send(world, "colleague@icb.example.org,coordinator,,\r\n", may_invite_coordinators=False)

    assert [str(error) for error in report.errors] == ["line 2: you cannot invite coordinators"]


def test_the_upload_page_checks_then_sends(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["coordinator_a"])
    url = reverse("access:invite_in_bulk", args=[world.icb_a.ods_code])
    content = (HEADER + f"new.senco@example.org,senco,{world.school_a.urn},\r\n").encode()

    checked = client.post(url, {"file": SimpleUploadedFile("i.csv", content), "dry_run": "on"})
    assert "1 invitation to send" in checked.text and not Invitation.objects.exists()
    bad = client.post(url, {"file": SimpleUploadedFile("i.csv", HEADER.encode() + b"x,senco,1,\r\n")})
    assert "There is a problem" in bad.text and "line 2: email “x” is not an e-mail address" in bad.text
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"file": SimpleUploadedFile("i.csv", content)}, follow=True)

    assert "Invitations imported: 1 invitation sent" in sent.text
    assert mail.outbox[0].to == ["new.senco@example.org"]


def test_another_icbs_coordinator_cannot_upload(client, world):
    client.force_login(world["coordinator_b"])

    assert client.get(reverse("access:invite_in_bulk", args=[world.icb_a.ods_code])).status_code == 404


def test_every_new_specialist_is_invited_once(client, world, django_capture_on_commit_callbacks):
    first = SpecialistFactory(icb=world.icb_a, email="first@nhs.example.org")
    SpecialistFactory(icb=world.icb_a, email="second@nhs.example.org")
    services.invitation_send(
        email="", role=Invitation.Role.SPECIALIST, icb=world.icb_a, specialist=first, by=world["coordinator_a"]
    )
    mail.outbox.clear()
    client.force_login(world["coordinator_a"])
    url = reverse("access:invite_every_new_specialist", args=[world.icb_a.ods_code])

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, follow=True).text

    assert "1 specialist invited, 2 skipped (1 already had an account; 1 already had an invitation waiting)" in page
    assert [message.to for message in mail.outbox] == [["second@nhs.example.org"]]
