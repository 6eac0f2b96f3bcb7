"""What an enrolment says of itself."""

from decimal import Decimal

import pytest

from schools.models import Enrolment, ProgressChange
from tests.factories import EnrolmentFactory
from tests.specialists.conftest import assert_progress_matches_enrolments

pytestmark = pytest.mark.django_db


def test_an_enrolment_has_days_to_book_while_enrolled_with_quota_left():
    enrolment = EnrolmentFactory(quota_days=Decimal("5.0"))
    assert enrolment.has_days_to_book
    enrolment.allocated_days = enrolment.quota_days
    assert not enrolment.has_days_to_book
    enrolment.allocated_days, enrolment.status = 0, enrolment.Status.WITHDRAWN
    assert not enrolment.has_days_to_book


def test_the_progress_rows_follow_every_change_to_an_enrolled_schools_figures(world):
    """The trigger sees every write, bulk updates included: what it wrote always adds up, per ICB and year, to
    the enrolled schools' own counters."""
    first, second = EnrolmentFactory(quota_days=Decimal("5.0")), EnrolmentFactory(quota_days=Decimal("4.0"))
    assert_progress_matches_enrolments()

    Enrolment.objects.filter(pk=first.pk).update(allocated_days=Decimal("3.5"), confirmed_days=Decimal("1.0"))
    Enrolment.objects.filter(pk=first.pk).update(delivered_days=Decimal("1.5"), visits_delivered=2)
    assert_progress_matches_enrolments()

    Enrolment.objects.filter(pk=second.pk).update(status=Enrolment.Status.WITHDRAWN)  # it stops counting
    assert_progress_matches_enrolments()
    Enrolment.objects.filter(pk=second.pk).update(status=Enrolment.Status.ENROLLED)
    Enrolment.objects.filter(pk__in=[first.pk, second.pk]).update(icb=world.icb_b)  # as a merger moves them
    assert_progress_matches_enrolments()

    Enrolment.objects.filter(pk=second.pk).delete()
    assert_progress_matches_enrolments()


def test_a_change_that_moves_no_figure_writes_no_progress_row(world):
    enrolment = EnrolmentFactory()
    written = ProgressChange.objects.count()

    Enrolment.objects.filter(pk=enrolment.pk).update(support=Enrolment.Support.CONTINUING)

    assert ProgressChange.objects.count() == written
