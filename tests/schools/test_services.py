"""A self-assessment's ratings as one row per domain and its wanted disciplines as an array, each held by the
database, and saved by its service with their history; and the progress rows folded, whatever runs at once."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F

from pins.kernel.errors import RuleBroken
from pins.reporting.progress import national_progress
from schools.models import Domain, Enrolment, ParentCarerMeeting, ProgressChange, SelfAssessment, SelfAssessmentRating
from schools.services import parent_carer_meeting_record, progress_changes_fold, self_assessment_save
from tests.factories import EnrolmentFactory
from tests.specialists.conftest import progress_kept, progress_of_enrolments

pytestmark = pytest.mark.django_db


# The bits of Enrolment.meeting_terms, in TERM_MONTHS order.
AUTUMN, SPRING, SUMMER = 1, 2, 4


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


def test_folding_keeps_what_the_progress_rows_add_up_to_in_one_row_per_icb_and_year(world):
    for _ in range(3):
        enrolment = EnrolmentFactory(cohort=world.enrolment_a.cohort, icb=world.icb_a)
        Enrolment.objects.filter(pk=enrolment.pk).update(allocated_days=Decimal("2.0"))
    before = progress_kept()

    progress_changes_fold()

    assert progress_kept() == before == progress_of_enrolments()
    rows = ProgressChange.objects.values_list("programme_year", "icb")
    assert len(rows) == len(set(rows))


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_a_school_s_figures_change_while_another_school_of_the_icb_is_mid_change(world):
    """Writers only insert progress rows, so two schools of one ICB changing at once never queue on a shared
    row: the second commits while the first is still open."""
    first, second = world.enrolment_a, EnrolmentFactory(cohort=world.enrolment_a.cohort, icb=world.icb_a)
    order, first_changed, errors = [], threading.Event(), []

    def change(enrolment, *, hold):
        try:
            with transaction.atomic():
                Enrolment.objects.filter(pk=enrolment.pk).update(allocated_days=F("allocated_days") + 1)
                if hold:
                    first_changed.set()
                    time.sleep(1)
                order.append(enrolment.pk)
        except Exception as error:  # anything else fails the test
            errors.append(error)
        finally:
            first_changed.set()
            connection.close()

    holder = threading.Thread(target=change, args=(first,), kwargs={"hold": True})
    holder.start()
    first_changed.wait(timeout=30)
    other = threading.Thread(target=change, args=(second,), kwargs={"hold": False})
    other.start()
    other.join(timeout=30)
    holder.join(timeout=30)
    close_old_connections()

    assert not errors, errors
    assert order == [second.pk, first.pk]
    assert progress_kept() == progress_of_enrolments()


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_folds_and_changes_at_once_lose_nothing(world):
    enrolments = [EnrolmentFactory(cohort=world.enrolment_a.cohort, icb=world.icb_a) for _ in range(4)]
    start, errors = threading.Barrier(6), []

    def run(call):
        try:
            start.wait(timeout=30)
            for _ in range(5):
                with transaction.atomic():
                    call()
        except Exception as error:  # anything else fails the test
            errors.append(error)
        finally:
            connection.close()

    def raise_one(enrolment):
        half_a_day_more = F("allocated_days") + Decimal("0.5")
        return lambda: Enrolment.objects.filter(pk=enrolment.pk).update(allocated_days=half_a_day_more)

    threads = [threading.Thread(target=run, args=(progress_changes_fold,)) for _ in range(2)]
    threads += [threading.Thread(target=run, args=(raise_one(enrolment),)) for enrolment in enrolments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert not errors, errors
    assert progress_kept() == progress_of_enrolments()
    assert Enrolment.objects.get(pk=enrolments[0].pk).allocated_days == Decimal("2.5")


def _meeting(enrolment, held_on):
    return parent_carer_meeting_record(
        enrolment=enrolment, held_on=held_on, forum_present=False, attendees=10, notes="", by=None
    )


def _terms(enrolment) -> int:
    return Enrolment.objects.get(pk=enrolment.pk).meeting_terms


@pytest.fixture
def in_the_summer_term(time_machine):
    """1 June 2027: meetings in every term of the 2026-27 year are in the past."""
    time_machine.move_to(datetime.datetime(2027, 6, 1, 10, tzinfo=datetime.UTC), tick=True)


def test_the_terms_with_a_meeting_follow_the_meetings_whatever_writes_them(world, in_the_summer_term):
    enrolment = world.enrolment_a
    first_autumn = _meeting(enrolment, datetime.date(2026, 10, 14))
    spring = _meeting(enrolment, datetime.date(2027, 2, 3))
    assert _terms(enrolment) == AUTUMN | SPRING

    second_autumn = _meeting(enrolment, datetime.date(2026, 12, 1))
    first_autumn.delete()
    assert _terms(enrolment) == AUTUMN | SPRING  # another autumn meeting still counts
    second_autumn.delete()
    assert _terms(enrolment) == SPRING

    ParentCarerMeeting.objects.filter(pk=spring.pk).update(held_on=datetime.date(2027, 5, 20))
    assert _terms(enrolment) == SUMMER
    ParentCarerMeeting.objects.filter(pk=spring.pk).update(enrolment=world.enrolment_b)
    assert (_terms(enrolment), _terms(world.enrolment_b)) == (0, SUMMER)
    assert progress_kept() == progress_of_enrolments()


def test_national_progress_counts_schools_behind_from_the_kept_terms(world):
    _meeting(world.enrolment_a, datetime.date(2026, 10, 14))
    year = world.enrolment_a.programme_year

    after_autumn = national_progress(year=year, on=datetime.date(2027, 1, 10))
    after_spring = national_progress(year=year, on=datetime.date(2027, 4, 10))

    assert {row.name: row.schools_behind_on_meetings for row in after_autumn.icbs} == {"Alpha": 0, "Beta": 1}
    assert {row.name: row.schools_behind_on_meetings for row in after_spring.icbs} == {"Alpha": 1, "Beta": 1}
    before_any_term_ended = national_progress(year=year, on=datetime.date(2026, 11, 25))
    assert before_any_term_ended.nation.schools_behind_on_meetings == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_two_meetings_recorded_at_once_for_one_school_both_count(world, in_the_summer_term):
    """Each trigger locks the school's enrolment before reading its meetings, so the second sees the first."""
    enrolment, start, errors = world.enrolment_a, threading.Barrier(2), []

    def record(held_on):
        try:
            start.wait(timeout=30)
            with transaction.atomic():
                _meeting(enrolment, held_on)
                time.sleep(0.2)  # both inserts are in before either commits
        except Exception as error:  # anything else fails the test
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=(held_on,))
        for held_on in (datetime.date(2026, 10, 14), datetime.date(2027, 2, 3))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert not errors, errors
    assert _terms(enrolment) == AUTUMN | SPRING
    assert progress_kept() == progress_of_enrolments()
