"""Exports for the evaluation: parent carer meetings, pupil voice, self-assessments start and end side by side,
pupils in enrolled schools and visits with why they were cancelled, each with a data dictionary."""

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from pins.accounts.models import StaffMembership
from pins.reporting.evaluation import EVALUATION_EXPORTS
from schools.models import Domain, School, SelfAssessment
from schools.services import parent_carer_meeting_record, pupil_voice_record, self_assessment_save
from specialists.services import visit_cancel
from specialists.services.not_held import visit_record_not_held
from tests.conftest import with_mfa
from tests.factories import StaffMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def staff(client):
    client.force_login(with_mfa(StaffMembershipFactory().user))
    return client


def _csv(staff, kind, **params):
    response = staff.get(reverse("progress_export", args=[kind, "csv"]), {"year": "2026-27", **params})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.fixture
def recorded(world):
    senco = world["senco_a"]
    parent_carer_meeting_record(
        enrolment=world.enrolment_a,
        held_on=datetime.date(2026, 10, 8),
        forum_present=True,
        attendees=14,
        notes="Parents asked about sensory breaks",
        by=senco,
    )
    pupil_voice_record(
        enrolment=world.enrolment_a, held_on=datetime.date(2026, 10, 9), description="School council survey", by=senco
    )
    start = dict.fromkeys(Domain.values, 1)
    self_assessment_save(
        enrolment=world.enrolment_a,
        stage=SelfAssessment.Stage.START,
        ratings=start,
        notes={},
        wanted_disciplines=[],
        by=senco,
    )
    self_assessment_save(
        enrolment=world.enrolment_a,
        stage=SelfAssessment.Stage.END,
        ratings={**start, Domain.MENTAL_HEALTH: 3},
        notes={},
        wanted_disciplines=[],
        by=senco,
    )
    self_assessment_save(
        enrolment=world.enrolment_b,
        stage=SelfAssessment.Stage.START,
        ratings=dict.fromkeys(Domain.values, 2),
        notes={},
        wanted_disciplines=[],
        by=senco,
    )
    return world


def test_parent_carer_meetings_export(staff, recorded):
    [meeting] = _csv(staff, "parent-carer-meetings")

    assert meeting["School URN"] == str(recorded.school_a.urn) and meeting["ICB ODS code"] == "QAA"
    assert (meeting["Held on"], meeting["Forum present"], meeting["Number attending"]) == ("2026-10-08", "yes", "14")
    assert meeting["Notes"] == "Parents asked about sensory breaks"


def test_pupil_voice_export(staff, recorded):
    [activity] = _csv(staff, "pupil-voice")

    assert (activity["School"], activity["Held on"], activity["Description"]) == (
        "Alpha Primary School",
        "2026-10-09",
        "School council survey",
    )


def test_self_assessments_start_and_end_side_by_side_with_the_change(staff, recorded):
    rows = {row["School"]: row for row in _csv(staff, "self-assessment-change")}

    alpha, beta = rows["Alpha Primary School"], rows["Beta Primary School"]
    assert (alpha["Mental health: start"], alpha["Mental health: end"], alpha["Mental health: change"]) == (
        "1",
        "3",
        "2",
    )
    assert alpha["Readiness to learn: change"] == "0"
    assert (beta["Mental health: start"], beta["Mental health: end"], beta["Mental health: change"]) == ("2", "", "")


def test_pupils_in_enrolled_schools_from_gias(staff, world):
    School.objects.filter(pk=world.school_a.pk).update(pupil_count=412)
    School.objects.filter(pk=world.school_b.pk).update(pupil_count=None)

    rows = {row["School"]: row["Number of pupils"] for row in _csv(staff, "pupils")}

    assert rows == {"Alpha Primary School": "412", "Beta Primary School": ""}


def test_visits_say_why_they_were_cancelled_and_keep_a_column_for_did_not_happen(staff, world):
    visit_cancel(visit=world.visit_a, reason="Staff illness at the school", by=world["coordinator_a"])

    [visit] = _csv(staff, "visits")

    assert (visit["Status"], visit["Cancelled on"], visit["Cancellation reason"]) == (
        "Cancelled",
        "2026-11-25",
        "Staff illness at the school",
    )
    assert visit["Did not happen reason"] == ""


def test_visits_that_did_not_take_place_say_why(staff, world):
    after = world.visit_a.date + datetime.timedelta(days=1)
    visit_record_not_held(
        visit=world.visit_a, reason="other", details="Flooded hall", by=world["coordinator_a"], today=after
    )

    [visit] = _csv(staff, "visits")

    assert (visit["Status"], visit["Did not happen reason"], visit["Did not happen details"]) == (
        "Did not take place",
        "Another reason",
        "Flooded hall",
    )


@pytest.mark.parametrize("kind", list(EVALUATION_EXPORTS))
def test_every_evaluation_export_comes_as_excel_too(staff, recorded, kind):
    response = staff.get(reverse("progress_export", args=[kind, "xlsx"]), {"year": "2026-27"})

    assert response["Content-Disposition"] == f'attachment; filename="pins-{kind}-2026-27-2026-11-25.xlsx"'
    sheet = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("xl/worksheets/sheet1.xml")
    assert b"Programme year" in sheet


def test_without_personal_data_the_notes_and_descriptions_are_left_out(recorded):
    year = recorded.enrolment_a.programme_year
    for export in EVALUATION_EXPORTS.values():
        written = "\n".join(",".join(str(value) for value in row) for row in export.rows(year, personal=False))
        assert "sensory breaks" not in written and "School council survey" not in written
        assert not {column.header for column in export.columns if column.free_text} & set(export.header(personal=False))


def test_the_data_dictionary_says_what_every_column_means(staff, recorded):
    html = staff.get(reverse("progress_data_dictionary")).text

    assert "Your exports carry no personal data" not in html
    for export in EVALUATION_EXPORTS.values():
        assert f'id="{export.kind}"' in html
        for column in export.columns:
            assert column.header in html and column.meaning.split(",")[0].replace("'", "&#x27;") in html
    assert "Did not happen reason" in html


def test_an_unknown_year_is_not_found(staff, world):
    response = staff.get(reverse("progress_export", args=["pupils", "csv"]), {"year": "1999-00"})

    assert response.status_code == 404


def test_exports_read_in_few_queries_whatever_their_size(staff, recorded, django_assert_max_num_queries):
    for kind in EVALUATION_EXPORTS:
        with django_assert_max_num_queries(20):
            _csv(staff, kind)


@pytest.fixture
def evaluator(client, world):
    user = with_mfa(StaffMembershipFactory(role=StaffMembership.Role.EVALUATOR, user__email="eval@example.org").user)
    client.force_login(user)
    return client


def _everything_written(client, kind, extension="csv"):
    response = client.get(reverse("progress_export", args=[kind, extension]), {"year": "2026-27"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if extension == "xlsx":
        workbook = zipfile.ZipFile(io.BytesIO(content))
        return "".join(workbook.read(name).decode() for name in workbook.namelist() if name.endswith(".xml"))
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_an_evaluators_exports_carry_no_email_name_or_free_text(evaluator, recorded, extension):
    from specialists.models import Outcome, Visit

    Visit.objects.filter(pk=recorded.visit_a.pk).update(status=Visit.Status.DELIVERED)
    Outcome.objects.create(
        visit=recorded.visit_a, activities=["staff_consultation"], staff_reached=3, notes="Met Mrs Jones about Sam"
    )
    people = [*recorded.people.values(), recorded.specialist_a, recorded.specialist_b]
    names = {getattr(person, "full_name", "") or person.get_full_name() for person in people} - {""}
    free_text = ["Met Mrs Jones about Sam", "sensory breaks", "School council survey"]

    for kind in [*EVALUATION_EXPORTS, "progress", "self-assessments"]:
        written = _everything_written(evaluator, kind, extension)
        assert "@" not in written, kind
        assert not [name for name in names if name in written], kind
        assert not [text for text in free_text if text in written], kind


def test_an_evaluator_sees_specialists_by_a_stable_pseudonymous_id(evaluator, world):
    first, again = (_everything_written(evaluator, "visits") for _ in range(2))

    [row] = list(csv.DictReader(io.StringIO(first)))
    assert row["Specialist ID"].startswith("S-") and row["Specialist ID"] != str(world.specialist_a.pk)
    assert first == again
    assert "Outcome notes" not in row and "Cancellation reason" not in row


def test_an_evaluator_reads_the_national_figures_but_no_icbs_pages(evaluator, world):
    assert evaluator.get(reverse("progress")).status_code == 200
    html = evaluator.get(reverse("progress_data_dictionary")).text
    assert "Your exports carry no personal data" in html and ">Outcome notes<" not in html
    assert ">Outcome notes (reviewed)<" in html
    assert evaluator.get(reverse("icbs:detail", args=[world.icb_a.ods_code])).status_code in {403, 404}
    assert evaluator.get(reverse("progress_icb_export", args=["QAA", "visits", "csv"])).status_code in {403, 404}


def test_a_coordinator_exports_their_own_icbs_tables_only(client, recorded):
    client.force_login(recorded["coordinator_a"])

    response = client.get(reverse("progress_icb_export", args=["QAA", "self-assessment-change", "csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert response["Content-Disposition"].startswith('attachment; filename="pins-qaa-self-assessment-change-2026-27')
    assert {row["ICB ODS code"] for row in rows} == {"QAA"}
    assert client.get(reverse("progress_icb_export", args=["QBB", "visits", "csv"])).status_code == 404
    assert client.get(reverse("progress_icb_export", args=["QAA", "astrology", "csv"])).status_code == 404
    assert client.get(reverse("progress")).status_code == 403


def test_every_download_is_recorded_and_listed_for_the_programme_admin(client, world, evaluator):
    from pins.accounts.models import DownloadRecord

    _everything_written(evaluator, "visits")
    client.force_login(world["dfe_staff"])
    b"".join(client.get(reverse("progress_export", args=["pupils", "xlsx"]), {"year": "2026-27"}).streaming_content)
    client.get(reverse("progress"))  # a page, not a download

    records = list(DownloadRecord.objects.order_by("pk"))
    assert [(r.user.email, r.filename, r.personal) for r in records] == [
        ("eval@example.org", "pins-visits-2026-27-2026-11-25.csv", False),
        ("dfe@example.org", "pins-pupils-2026-27-2026-11-25.xlsx", True),
    ]
    assert records[0].path == "/progress/export/visits.csv?year=2026-27"

    client.force_login(world["programme_admin"])
    html = client.get(reverse("progress_downloads")).text
    assert "2 downloads" in html and "eval@example.org" in html and "pins-pupils-2026-27-2026-11-25.xlsx" in html
    client.force_login(world["dfe_staff"])
    assert client.get(reverse("progress_downloads")).status_code == 403


@pytest.mark.parametrize("downloads", [3, 60])
def test_the_downloads_list_costs_the_same_queries_for_few_and_many(
    client, world, downloads, django_assert_max_num_queries
):
    from pins.accounts.services import download_record

    for n in range(downloads):
        download_record(
            path=f"/progress/export/visits.csv?n={n}", filename="f.csv", personal=True, by=world["dfe_staff"]
        )
    client.force_login(world["programme_admin"])

    with django_assert_max_num_queries(12):
        assert client.get(reverse("progress_downloads")).status_code == 200


def test_pupils_export_carries_the_forum_activities_at_each_school(staff, world):
    from icbs.funding import activity_record
    from icbs.models import ForumActivity
    from tests.funding import funding_of_icb_a

    award = funding_of_icb_a(world)
    for day, parents in ((datetime.date(2026, 10, 14), 12), (datetime.date(2026, 11, 4), 8)):
        activity_record(
            award=award,
            kind=ForumActivity.Kind.PARENT_GROUP,
            schools=[world.school_a],
            parents_reached=parents,
            happened_on=day,
            by=world["coordinator_a"],
        )

    rows = {row["School"]: row for row in _csv(staff, "pupils")}

    alpha, beta = rows["Alpha Primary School"], rows["Beta Primary School"]
    assert (alpha["Forum activities"], alpha["Parents and carers reached by forum activities"]) == ("2", "20")
    assert (beta["Forum activities"], beta["Parents and carers reached by forum activities"]) == ("0", "0")
