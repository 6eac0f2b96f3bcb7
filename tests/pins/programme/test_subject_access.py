"""A subject access request: everything the service holds about one person, gathered into one file."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from schools.services import parent_carer_meeting_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


def test_everything_held_about_a_senco_goes_into_one_file(world, tmp_path):
    parent_carer_meeting_record(
        enrolment=world.enrolment_a,
        held_on=datetime.date(2026, 10, 8),
        forum_present=True,
        attendees=9,
        notes="Talked about transitions",
        by=world["senco_a"],
    )
    out = tmp_path / "senco.json"

    call_command("subject_access", "SENCO.A@example.org", out=str(out))

    held = json.loads(out.read_text())
    assert held["account"]["email"] == "senco.a@example.org"
    assert held["schools as SENCO"] == [{"school__name": "Alpha Primary School", "school__urn": world.school_a.urn}]
    assert held["parent and carer meetings recorded"][0]["notes"] == "Talked about transitions"


def test_a_specialist_gets_their_visits(world, tmp_path):
    out = tmp_path / "specialist.json"

    call_command("subject_access", "specialist.a@example.org", out=str(out))

    held = json.loads(out.read_text())
    assert held["specialist records"][0]["full_name"] == "Ada Alpha"
    assert [visit["date"] for visit in held["visits as a specialist"]] == ["2026-10-06"]


def test_someone_unknown_is_told_so(world, tmp_path):
    with pytest.raises(CommandError, match=r"holds nothing about nobody@example\.org"):
        call_command("subject_access", "nobody@example.org", out=str(tmp_path / "x.json"))


def test_the_programme_admin_gets_the_free_text_decisions_they_made(world, tmp_path):
    from pins.accounts.models import FreeTextReview

    FreeTextReview.objects.create(
        kind="meeting-notes",
        object_id=7,
        text_digest="0" * 32,
        decision=FreeTextReview.Decision.KEPT_OUT,
        about_date=datetime.date(2026, 10, 8),
        reviewed_by=world["programme_admin"],
    )
    out = tmp_path / "admin.json"

    call_command("subject_access", "admin@example.org", out=str(out))

    [decision] = json.loads(out.read_text())["free text reviewed for the evaluation"]
    assert (decision["kind"], decision["object_id"], decision["decision"]) == ("meeting-notes", 7, "kept_out")
