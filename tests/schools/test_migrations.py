"""The migrations that moved self-assessments and outcomes from JSON to rows and arrays, and the row history
from django-simple-history's records to the database's events, carry the data already written."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from schools.models import School, SelfAssessment
from specialists.models import Outcome
from tests.factories import EnrolmentFactory, UserFactory, VisitFactory

BEFORE = [("schools", "0006_enrolment_visit_counters"), ("specialists", "0005_mail_claims_and_feed_revoked_by")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_json_answers_and_history_records_written_before_are_carried_across():
    enrolment = EnrolmentFactory()
    visit = VisitFactory(enrolment=enrolment, date=datetime.date(2026, 10, 6))
    senco = UserFactory()
    try:
        old = _migrate(BEFORE)
        old.get_model("schools", "SelfAssessment").objects.create(
            enrolment_id=enrolment.pk,
            stage="start",
            ratings={"leadership": 2, "mental_health": 4, "happiness": 3},
            notes={"leadership": "New head", "readiness_to_learn": "Not rated"},
            wanted_disciplines=["mental_health", "astrology", "occupational_therapy", "mental_health"],
            completed_by_id=senco.pk,
        )
        old.get_model("specialists", "Outcome").objects.create(
            visit_id=visit.pk, activities=["staff_consultation", "juggling"], staff_reached=5
        )
        school = old.get_model("schools", "School").objects.get(pk=enrolment.school_id)
        old.get_model("schools", "HistoricalSchool").objects.create(
            **{field.attname: getattr(school, field.attname) for field in school._meta.concrete_fields},
            history_date=datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC),
            history_type="~",
            history_user_id=senco.pk,
            history_change_reason="Moved from ICB QWO to QOQ",
        )
    finally:
        _migrate(_latest())

    assessment = SelfAssessment.objects.get()
    assert [(rating.domain, rating.rating, rating.notes) for rating in assessment.ratings.order_by("domain")] == [
        ("leadership", 2, "New head"),
        ("mental_health", 4, ""),
    ]
    assert assessment.wanted_disciplines == ["mental_health", "occupational_therapy"]
    assert Outcome.objects.get().activities == ["staff_consultation"]
    [event] = School.objects.get(pk=enrolment.school_id).history_events.filter(pgh_label="update")
    assert event.pgh_created_at == datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)
    assert event.pgh_context == {"user": senco.pk, "reason": "Moved from ICB QWO to QOQ"}
    assert (event.name, event.icb_id) == (school.name, school.icb_id)


@pytest.mark.django_db(transaction=True)
def test_going_back_gives_the_answers_back_as_json():
    enrolment = EnrolmentFactory()
    SelfAssessment.objects.create(enrolment=enrolment, stage="end", wanted_disciplines=["specialist_teaching"])
    SelfAssessment.objects.get().ratings.create(domain="environment_and_communication", rating=1, notes="Loud")
    try:
        old = _migrate(BEFORE)
        assessment = old.get_model("schools", "SelfAssessment").objects.get()
        answers = assessment.ratings, assessment.notes, assessment.wanted_disciplines
    finally:
        _migrate(_latest())

    assert answers == (
        {"environment_and_communication": 1},
        {"environment_and_communication": "Loud"},
        ["specialist_teaching"],
    )
