"""A self-assessment's ratings as one row per domain and its wanted disciplines as an array, each held by the
database, and saved by its service with their history."""

import pytest
from django.db import IntegrityError, transaction

from pins.kernel.errors import RuleBroken
from schools.models import Domain, SelfAssessment, SelfAssessmentRating
from schools.services import self_assessment_save

pytestmark = pytest.mark.django_db


def _save(world, *, rating=3, by=None, **answers):
    return self_assessment_save(
        enrolment=world.enrolment_a,
        stage=SelfAssessment.Stage.START,
        ratings=answers.pop("ratings", dict.fromkeys(Domain.values, rating)),
        notes=answers.pop("notes", {}),
        wanted_disciplines=answers.pop("wanted_disciplines", []),
        by=by or world["senco_a"],
    )


def test_saving_again_updates_each_domains_rating_and_the_history_keeps_the_first(world):
    first = _save(world, rating=2, notes={"leadership": "  New head since September "})

    again = _save(world, rating=3, wanted_disciplines=["mental_health"])

    assert again.pk == first.pk
    assert [(label, rating, notes) for label, rating, notes in again.rated()][:2] == [
        ("Leadership, culture and values", 3, ""),
        ("Mental health", 3, ""),
    ]
    assert SelfAssessmentRating.objects.count() == len(Domain.values)
    leadership = again.ratings.get(domain="leadership")
    assert [(event.pgh_label, event.rating, event.notes) for event in leadership.history_events.order_by("pgh_id")] == [
        ("insert", 2, "New head since September"),
        ("update", 3, ""),
    ]
    assert {event.user_id for event in leadership.history_events.all()} == {world["senco_a"].pk}


def test_wanted_disciplines_are_kept_once_each_in_the_order_chosen(world):
    assessment = _save(world, wanted_disciplines=["mental_health", "occupational_therapy", "mental_health"])

    assessment.refresh_from_db()
    assert assessment.wanted_disciplines == ["mental_health", "occupational_therapy"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"wanted_disciplines": ["astrology"]}, "Not a specialist the programme places: astrology"),
        ({"rating": 5}, "Rate Leadership, culture and values, Mental health"),
    ],
)
def test_the_service_refuses_what_the_programme_does_not_know(world, answers, message):
    with pytest.raises(RuleBroken, match=message):
        _save(world, **answers)

    assert not SelfAssessment.objects.exists()


@pytest.mark.engine
@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"rating": 5}, "self_assessment_rating_on_the_scale"),
        ({"rating": 0}, "self_assessment_rating_on_the_scale"),
        ({"domain": "happiness"}, "self_assessment_rating_domain_known"),
        ({"domain": "mental_health"}, "self_assessment_rated_once_per_domain"),
    ],
)
def test_the_database_holds_each_rating_on_the_scale_in_a_known_domain_once(world, change, constraint):
    assessment = _save(world)
    leadership = assessment.ratings.get(domain="leadership")

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        SelfAssessmentRating.objects.filter(pk=leadership.pk).update(**change)


@pytest.mark.engine
def test_the_database_refuses_a_discipline_the_programme_does_not_place(world):
    assessment = _save(world)

    with pytest.raises(IntegrityError, match="self_assessment_wanted_disciplines_known"), transaction.atomic():
        SelfAssessment.objects.filter(pk=assessment.pk).update(wanted_disciplines=["mental_health", "astrology"])
