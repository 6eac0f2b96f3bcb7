"""The open visits by ICB and day that national progress counts overdue visits from: written by a trigger on the
visits whatever writes them, moved with an enrolment, folded without losing anything, with writers that never wait
on each other (docs/adr/0020)."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection, transaction

from schools.models import Enrolment
from specialists.models import OpenVisitsChange, Visit
from specialists.services import open_visits_fold
from tests.factories import EnrolmentFactory, SpecialistFactory, VisitFactory
from tests.specialists.conftest import assert_open_visits_match_visits, open_visits_kept

pytestmark = pytest.mark.django_db

DAYS = [datetime.date(2026, 10, 5) + datetime.timedelta(days=7 * week) for week in range(6)]


def _visits(world, enrolment, statuses, specialist=None):
    return [
        VisitFactory(enrolment=enrolment, specialist=specialist or world.specialist_a, date=day, status=status)
        for day, status in zip(DAYS, statuses, strict=False)
    ]


def test_visits_that_open_close_or_move_are_counted_whatever_writes_them(world):
    visits = _visits(world, world.enrolment_a, [Visit.Status.PROPOSED, Visit.Status.CONFIRMED, Visit.Status.DELIVERED])
    assert_open_visits_match_visits()

    Visit.objects.filter(pk=visits[0].pk).update(date=DAYS[4])  # moved
    Visit.objects.filter(pk=visits[1].pk).update(status=Visit.Status.DELIVERED)  # closed
    Visit.objects.filter(pk=visits[2].pk).update(status=Visit.Status.PROPOSED)  # opened again
    assert_open_visits_match_visits()

    Visit.objects.filter(pk=visits[0].pk).delete()
    assert_open_visits_match_visits()


def test_an_enrolment_that_moves_to_another_icb_takes_its_open_visits_with_it(world):
    _visits(world, world.enrolment_a, [Visit.Status.PROPOSED, Visit.Status.CONFIRMED, Visit.Status.DELIVERED])

    Enrolment.objects.filter(pk=world.enrolment_a.pk).update(icb=world.icb_b)

    assert_open_visits_match_visits()
    assert {icb for _, icb, _, _ in open_visits_kept()} >= {world.icb_b.pk}


def test_folding_keeps_what_the_rows_add_up_to_in_one_row_per_icb_and_day_and_drops_closed_days(world):
    visits = _visits(world, world.enrolment_a, [Visit.Status.PROPOSED] * 4)
    Visit.objects.filter(pk=visits[0].pk).update(status=Visit.Status.DELIVERED)
    before = open_visits_kept()

    open_visits_fold()

    assert open_visits_kept() == before
    rows = list(OpenVisitsChange.objects.values_list("programme_year", "icb", "date"))
    assert len(rows) == len(set(rows)) == len(before)
    assert not OpenVisitsChange.objects.filter(visits=0).exists()
    assert_open_visits_match_visits()


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_folds_and_visits_changing_at_once_lose_nothing(world):
    enrolments = [EnrolmentFactory(cohort=world.enrolment_a.cohort, icb=world.icb_a) for _ in range(3)]
    visits = [
        visit
        for enrolment in enrolments
        for visit in _visits(
            world, enrolment, [Visit.Status.PROPOSED] * 2, specialist=SpecialistFactory(icb=world.icb_a)
        )
    ]
    start, errors = threading.Barrier(5), []

    def run(call):
        try:
            start.wait(timeout=30)
            for _ in range(4):
                with transaction.atomic():
                    call()
        except Exception as error:  # anything else fails the test
            errors.append(error)
        finally:
            connection.close()

    def toggle(visit):
        def flip():
            current = Visit.objects.select_for_update().get(pk=visit.pk).status
            opened = Visit.Status.PROPOSED if current == Visit.Status.DELIVERED else Visit.Status.DELIVERED
            Visit.objects.filter(pk=visit.pk).update(status=opened)

        return flip

    threads = [threading.Thread(target=run, args=(open_visits_fold,)) for _ in range(2)]
    threads += [threading.Thread(target=run, args=(toggle(visit),)) for visit in visits[:3]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert not errors, errors
    assert_open_visits_match_visits()
