"""A primary programme enrols only open, state-funded mainstream schools with primary-age pupils: anything else is
refused with the reason, by the service and on the enrol page; the school page shows phase and type (issue 16)."""

import datetime

import pytest
from django.urls import reverse

from pins.kernel.errors import RuleBroken
from schools.models import Enrolment
from schools.services import enrolments_create
from tests.factories import SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

REFUSED = [
    ({"name": "St Chad's", "phase": "Secondary", "type": "Academy converter"}, "St Chad's is a secondary school"),
    ({"name": "Oak House", "type": "Other independent school"}, "Oak House is an independent school"),
    (
        {"name": "Mill Lane", "status": "Closed", "closed_on": datetime.date(2025, 8, 31)},
        "Mill Lane closed on 31 August 2025",
    ),
    ({"name": "Brook", "type": "Community special school"}, "Brook is a special school"),
]


def _school(world, **fields):
    return SchoolFactory(icb=world.icb_a, local_authority=world.school_a.local_authority, **fields)


@pytest.mark.parametrize(("fields", "reason"), REFUSED)
def test_the_service_refuses_a_school_that_does_not_fit_with_the_reason(world, fields, reason):
    school = _school(world, **fields)

    with pytest.raises(RuleBroken) as refused:
        enrolments_create(
            schools=[school],
            cohort=world.enrolment_a.cohort,
            icb=world.icb_a,
            support=Enrolment.Support.NEW,
            status=Enrolment.Status.ENROLLED,
            by=world["coordinator_a"],
        )

    assert reason in refused.value.message and refused.value.field == "schools"
    assert not Enrolment.objects.filter(school=school).exists()


def test_a_state_funded_primary_academy_is_enrolled(world):
    school = _school(world, phase="Primary", type="Academy sponsor led")

    [enrolment] = enrolments_create(
        schools=[school],
        cohort=world.enrolment_a.cohort,
        icb=world.icb_a,
        support=Enrolment.Support.NEW,
        status=Enrolment.Status.ENROLLED,
        by=world["coordinator_a"],
    )

    assert enrolment.school == school


@pytest.mark.parametrize(("fields", "reason"), REFUSED[:2])  # a closed school is not offered at all
def test_the_enrol_page_shows_the_reason(client, world, fields, reason):
    school = _school(world, **fields)
    client.force_login(world["coordinator_a"])

    response = client.post(
        reverse("schools:enrol", args=[world.icb_a.ods_code]),
        {"schools": [school.pk], "cohort": world.enrolment_a.cohort.pk, "support": "new", "status": "enrolled"},
    )

    assert response.status_code == 200 and "There is a problem" in response.text
    assert reason.replace("'", "&#x27;") in response.text
    assert not Enrolment.objects.filter(school=school).exists()


def test_the_school_page_shows_phase_and_type(client, world):
    client.force_login(world["coordinator_a"])

    page = client.get(reverse("schools:detail", args=[world.school_a.urn])).text

    assert "Primary · Community school" in page


def test_the_enrol_page_warns_before_an_icb_goes_over_its_target(client, world):
    year = world.enrolment_a.programme_year
    year.target_schools_per_icb = 2
    year.save(update_fields=["target_schools_per_icb"])
    schools = [_school(world, name=f"School {n}") for n in range(3)]
    client.force_login(world["coordinator_a"])
    url = reverse("schools:enrol", args=[world.icb_a.ods_code])
    chosen = {"schools": [school.pk for school in schools], "cohort": world.enrolment_a.cohort.pk}
    chosen |= {"support": "new", "status": "enrolled"}

    warned = client.post(url, chosen)
    assert warned.status_code == 200
    assert "This takes Alpha to 4 schools, 2 over its target of 2 for 2026-27" in warned.text
    assert "Enrol them anyway" in warned.text
    assert not Enrolment.objects.filter(school__in=schools).exists()

    response = client.post(url, {**chosen, "over_target": "confirmed"})

    assert response.status_code == 302
    assert Enrolment.objects.filter(school__in=schools).count() == 3


def test_one_field_says_new_or_continuing_a_school_enrolled_before_continues(client, world):
    from tests.factories import CohortFactory, EnrolmentFactory, ProgrammeYearFactory

    last_year = ProgrammeYearFactory(
        label="2025-26", starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 7, 17)
    )
    returning, newcomer = _school(world, name="Returning"), _school(world, name="Newcomer")
    EnrolmentFactory(
        school=returning, icb=world.icb_a, programme_year=last_year, cohort=CohortFactory(programme_year=last_year)
    )
    client.force_login(world["coordinator_a"])
    url = reverse("schools:enrol", args=[world.icb_a.ods_code])
    assert 'name="support"' not in client.get(url).text

    client.post(
        url, {"schools": [returning.pk, newcomer.pk], "cohort": world.enrolment_a.cohort.pk, "status": "enrolled"}
    )

    year = world.enrolment_a.programme_year
    assert Enrolment.objects.get(school=returning, programme_year=year).support == Enrolment.Support.CONTINUING
    assert Enrolment.objects.get(school=newcomer, programme_year=year).support == Enrolment.Support.NEW
    page = client.get(reverse("schools:detail", args=[returning.urn])).text
    assert "Enrolled in the New schools cohort, continuing from an earlier year" in page
