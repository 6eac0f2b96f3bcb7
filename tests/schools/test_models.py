"""What an enrolment says of itself."""

from decimal import Decimal

import pytest

from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_an_enrolment_has_days_to_book_while_enrolled_with_quota_left():
    enrolment = EnrolmentFactory(quota_days=Decimal("5.0"))
    assert enrolment.has_days_to_book
    enrolment.allocated_days = enrolment.quota_days
    assert not enrolment.has_days_to_book
    enrolment.allocated_days, enrolment.status = 0, enrolment.Status.WITHDRAWN
    assert not enrolment.has_days_to_book
