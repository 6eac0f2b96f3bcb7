"""The schedules show each school's holidays: shaded and labelled "Holiday" in the day's cell, from the school's
own layer of term dates, at no extra cost per row."""

import datetime
import re

import pytest
from django.urls import reverse

from schools.models import SchoolHoliday
from tests.factories import EnrolmentFactory, LocalAuthorityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

CHRISTMAS_WEEK = {"start": "2026-12-21", "view": "week"}


def _holiday(world, name, starts_on, ends_on, **layer):
    return SchoolHoliday.objects.create(
        programme_year=world.enrolment_a.programme_year, name=name, starts_on=starts_on, ends_on=ends_on, **layer
    )


def _row(html: str, school: str) -> str:
    return re.search(
        rf"<tr class=\"govuk-table__row\">\s*<th scope=\"row\"[^>]*><a[^>]*>{school}</a></th>(.*?)</tr>", html, re.S
    ).group(1)


def test_the_icb_schedule_labels_each_schools_holidays_from_its_own_layer(client, world):
    on_own = EnrolmentFactory(
        cohort=world.enrolment_a.cohort,
        school__local_authority=LocalAuthorityFactory(icb=world.icb_a),
        school__name="Academy Primary",
    )
    _holiday(world, "Christmas holiday", datetime.date(2026, 12, 21), datetime.date(2027, 1, 1))
    _holiday(world, "Short Christmas", datetime.date(2026, 12, 24), datetime.date(2026, 12, 31), school=on_own.school)
    client.force_login(world["coordinator_a"])

    html = client.get(reverse("visits:schedule", args=[world.icb_a.ods_code]), CHRISTMAS_WEEK).text

    default_row, own_row = _row(html, "Alpha Primary School"), _row(html, "Academy Primary")
    # Mon 21 to Fri 25 December: all five days for the default, Thursday and Friday for the academy.
    assert default_row.count('>Holiday<span class="govuk-visually-hidden">: Christmas holiday</span>') == 5
    assert own_row.count('>Holiday<span class="govuk-visually-hidden">: Short Christmas</span>') == 2
    assert own_row.count('pins-schedule__holiday"') == 2
    assert "Holiday marks a school's holiday" in html


def test_the_specialist_rows_are_not_shaded(client, world):
    _holiday(world, "Christmas holiday", datetime.date(2026, 12, 21), datetime.date(2027, 1, 1))
    client.force_login(world["coordinator_a"])

    html = client.get(
        reverse("visits:schedule", args=[world.icb_a.ods_code]), {**CHRISTMAS_WEEK, "rows": "specialists"}
    ).text

    assert 'pins-schedule__holiday"' not in html


def test_the_schedule_costs_the_same_queries_with_holidays_for_1_school_and_30(
    client, world, django_assert_max_num_queries
):
    _holiday(world, "Christmas holiday", datetime.date(2026, 12, 21), datetime.date(2027, 1, 1))
    client.force_login(world["coordinator_a"])
    url = reverse("visits:schedule", args=[world.icb_a.ods_code])
    with django_assert_max_num_queries(12) as few:
        client.get(url, CHRISTMAS_WEEK)
    for n in range(29):
        authority = LocalAuthorityFactory(icb=world.icb_a)
        enrolment = EnrolmentFactory(cohort=world.enrolment_a.cohort, school__local_authority=authority)
        if n % 2:
            _holiday(world, "Own", datetime.date(2026, 12, 22), datetime.date(2026, 12, 22), local_authority=authority)
        if n % 3 == 0:
            _holiday(
                world, "Academy", datetime.date(2026, 12, 23), datetime.date(2026, 12, 23), school=enrolment.school
            )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, CHRISTMAS_WEEK)

    # Alpha and the 10 schools on the default: 5 days each; 9 on their authority's and 10 on their own: 1 day each.
    assert response.text.count('pins-schedule__holiday"') == 11 * 5 + 9 + 10


def test_the_school_page_lists_its_holidays_coming_up(client, world):
    _holiday(world, "Autumn half term", datetime.date(2026, 10, 26), datetime.date(2026, 10, 30))
    _holiday(world, "Christmas holiday", datetime.date(2026, 12, 21), datetime.date(2027, 1, 1))
    client.force_login(world["senco_a"])

    html = client.get(reverse("schools:detail", args=[world.school_a.urn])).text

    assert "Holidays coming up" in html
    assert "Christmas holiday: 21 December 2026 to 1 January 2027" in html
    assert "Autumn half term" not in html  # it has passed (today is 25 November 2026)
