import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from icbs.models import ICB, CoordinatorMembership, LocalAuthority
from icbs.services import reference_data_load
from schools.models import Enrolment, School
from specialists.models import Specialist, Visit
from tests.factories import (
    CapacityFactory,
    CohortFactory,
    CoordinatorMembershipFactory,
    EnrolmentFactory,
    ProgrammeYearFactory,
    SchoolFactory,
    SpecialistFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

MERGER_DATE = datetime.date(2026, 4, 1)


@pytest.fixture
def east():
    """Norfolk and Waveney (QMM) and Suffolk and North East Essex (QJG), each with schools and a year of
    history, merging on 1 April 2026 (as they did)."""
    reference_data_load()
    norfolk, suffolk = ICB.objects.get(ods_code="QMM"), ICB.objects.get(ods_code="QJG")
    last_year = ProgrammeYearFactory(
        label="2025-26", starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 3, 31)
    )
    this_year = ProgrammeYearFactory(
        label="2026-27", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 7, 16)
    )
    norfolk_la = LocalAuthority.objects.get(dfe_code="926")  # Norfolk
    schools = {
        "norfolk": SchoolFactory(local_authority=norfolk_la, icb=norfolk),
        "suffolk": SchoolFactory(local_authority=LocalAuthority.objects.get(dfe_code="935"), icb=suffolk),
    }
    specialist = SpecialistFactory(icb=norfolk)
    for school in schools.values():
        for year in (last_year, this_year):
            enrolment = EnrolmentFactory(school=school, cohort=CohortFactory(programme_year=year))
            if year == last_year and school.icb == norfolk:
                CapacityFactory(specialist=specialist, programme_year=year)
                VisitFactory(enrolment=enrolment, specialist=specialist, date=datetime.date(2025, 11, 4))
    return {
        "norfolk": norfolk,
        "suffolk": suffolk,
        "schools": schools,
        "last_year": last_year,
        "this_year": this_year,
        "specialist": specialist,
        "coordinator": CoordinatorMembershipFactory(icb=suffolk).user,
    }


def _merge():
    call_command(
        "merge_icbs",
        "QMM",
        "QJG",
        "--into",
        "QZZ",
        "--name",
        "NHS Norfolk and Suffolk Integrated Care Board",
        "--from",
        "2026-04-01",
        stdout=None,
    )
    return ICB.objects.get(ods_code="QZZ")


@time_machine.travel(datetime.date(2026, 11, 25))
def test_merger_moves_current_schools_and_leaves_history_with_the_old_icbs(east):
    successor = _merge()

    assert successor.started_on == MERGER_DATE
    assert successor.region.name == "East of England"
    for old in (east["norfolk"], east["suffolk"]):
        old.refresh_from_db()
        assert old.ended_on == MERGER_DATE
        assert old.successor == successor
        assert not old.is_current(MERGER_DATE)
        assert old.is_current(MERGER_DATE - datetime.timedelta(days=1))
    assert set(School.objects.filter(icb=successor)) == set(east["schools"].values())
    # Last year's enrolments were delivered by the old ICBs and stay with them; this year's move.
    last_year = Enrolment.objects.filter(programme_year=east["last_year"])
    assert {(e.school_id, e.icb.ods_code) for e in last_year} == {
        (east["schools"]["norfolk"].pk, "QMM"),
        (east["schools"]["suffolk"].pk, "QJG"),
    }
    assert set(Enrolment.objects.filter(programme_year=east["this_year"]).values_list("icb", flat=True)) == {
        successor.pk
    }
    # Last year's visit was delivered by Norfolk and Waveney, and stays with it.
    [visit] = Visit.objects.all()
    assert visit.enrolment.icb.ods_code == "QMM"
    assert Specialist.objects.get(pk=east["specialist"].pk).icb == successor
    assert CoordinatorMembership.objects.get(user=east["coordinator"]).icb == successor
    assert LocalAuthority.objects.get(dfe_code="926").icb == successor
    assert set(ICB.objects.current(MERGER_DATE)) >= {successor}
    assert ICB.objects.current(MERGER_DATE).count() == 41


@time_machine.travel(datetime.date(2026, 11, 25))
def test_a_mergers_moves_are_in_the_history_of_each_school_and_enrolment_moved(east):
    successor = _merge()

    reason = "ICB merger into QZZ from 1 April 2026"
    for school in east["schools"].values():
        before, moved = school.history_events.order_by("pgh_id")
        assert (before.pgh_label, moved.pgh_label) == ("insert", "update")
        assert (before.icb_id, moved.icb_id) == (school.icb_id, successor.pk)
        assert moved.pgh_context == {"user": None, "reason": reason}
    this_year = Enrolment.objects.filter(programme_year=east["this_year"])
    assert {enrolment.history_events.latest("pgh_id").icb_id for enrolment in this_year} == {successor.pk}
    # Last year's enrolments stayed where they were: nothing happened to them.
    for enrolment in Enrolment.objects.filter(programme_year=east["last_year"]):
        assert [event.pgh_label for event in enrolment.history_events.all()] == ["insert"]


@time_machine.travel(datetime.date(2026, 11, 25))
def test_reloading_reference_data_after_a_merger_keeps_the_merger(east):
    successor = _merge()

    reference_data_load()

    assert ICB.objects.get(ods_code="QMM").successor == successor
    assert LocalAuthority.objects.get(dfe_code="926").icb == successor


@time_machine.travel(datetime.date(2026, 11, 25))
def test_a_coordinator_of_both_icbs_keeps_one_membership(east):
    both = UserFactory()
    CoordinatorMembershipFactory(user=both, icb=east["norfolk"])
    CoordinatorMembershipFactory(user=both, icb=east["suffolk"])

    successor = _merge()

    assert list(CoordinatorMembership.objects.filter(user=both).values_list("icb", flat=True)) == [successor.pk]


@time_machine.travel(datetime.date(2026, 11, 25))
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["QMM", "--into", "QZZ", "--name", "X", "--from", "2026-04-01"], "at least two ICBs"),
        (
            ["QMM", "QXX", "--into", "QZZ", "--name", "X", "--from", "2026-04-01"],
            "No ICB has the ODS code QXX",
        ),
        (["QMM", "QJG", "--into", "QWO", "--name", "X", "--from", "2026-04-01"], "QWO already exists"),
        (
            ["QMM", "QWO", "--into", "QZZ", "--name", "X", "--from", "2026-04-01"],
            "different NHS England regions",
        ),
        (["QMM", "QJG", "--into", "QZZ", "--name", "X", "--from", "2027-04-01"], "run it on or after"),
        (["QMM", "QJG", "--into", "Q-Z", "--name", "X", "--from", "2026-04-01"], "3 letters or digits"),
        (["QMM", "QJG", "--into", "QZZ", "--name", "X", "--from", "1 April"], "--from must be a date"),
    ],
)
def test_a_merger_that_cannot_happen_changes_nothing(east, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("merge_icbs", *arguments, stdout=None)

    assert ICB.objects.count() == 42
    assert not ICB.objects.filter(ended_on__isnull=False).exists()


@time_machine.travel(datetime.date(2026, 11, 25))
def test_an_ended_icb_cannot_merge_again(east):
    _merge()

    with pytest.raises(CommandError, match="already ended"):
        call_command("merge_icbs", "QMM", "QHG", "--into", "QYY", "--name", "X", "--from", "2026-05-01", stdout=None)
