"""A visit's page tells the specialist what the school said it needs, who its SENCO is, and what earlier visits
there did, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from schools.models import Domain, SelfAssessment
from schools.services import self_assessment_save
from specialists.models import Session
from specialists.services import visit_record_outcome
from tests.factories import VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]


@pytest.fixture
def specialist(client, world):
    client.force_login(world["specialist_a"])
    return client


def _later_visit(world):
    return VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=datetime.date(2026, 12, 8))


def _delivered(world, day):
    visit = VisitFactory(enrolment=world.enrolment_a, specialist=world.specialist_a, date=day, session=Session.MORNING)
    visit_record_outcome(
        visit=visit, activities=["whole_school_training"], staff_reached=18, notes=f"Training on {day}", by=None
    )
    return visit


def test_the_page_shows_the_schools_needs_senco_and_earlier_outcomes(specialist, world):
    world["senco_a"].full_name = "Sally Senco"
    world["senco_a"].save()
    ratings = dict.fromkeys(Domain.values, 3) | {"environment_and_communication": 1}
    self_assessment_save(
        enrolment=world.enrolment_a,
        stage=SelfAssessment.Stage.START,
        ratings=ratings,
        notes={},
        wanted_disciplines=["occupational_therapy"],
        by=world["senco_a"],
    )
    _delivered(world, datetime.date(2026, 11, 10))

    page = specialist.get(reverse("visits:detail", args=[_later_visit(world).pk])).text

    assert "Sally Senco" in page and "senco.a@example.org" in page
    assert "Specialists it would most like: Occupational therapy" in page
    assert "Environment and Communication" in page or "Environment and communication" in page
    assert "whole-school training; 18 staff reached" in page and "Training on 2026-11-10" in page


def test_without_a_self_assessment_or_earlier_visits_it_says_so(specialist, world):
    page = specialist.get(reverse("visits:detail", args=[_later_visit(world).pk])).text

    assert "The school has not completed its starting self-assessment yet" in page
    assert "No earlier visit there has its outcome recorded" in page


@pytest.mark.parametrize("earlier", [1, 8])
def test_the_page_reads_a_fixed_number_of_queries(specialist, world, earlier, django_assert_max_num_queries):
    for week in range(earlier):
        _delivered(world, datetime.date(2026, 9, 9) + datetime.timedelta(weeks=week))
    url = reverse("visits:detail", args=[_later_visit(world).pk])
    specialist.get(url)
    with django_assert_max_num_queries(22):
        specialist.get(url)
