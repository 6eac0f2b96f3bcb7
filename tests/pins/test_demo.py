import datetime
import hashlib
import io
import re
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from icbs.models import ICB, CoordinatorMembership, LocalAuthority
from pins.demo import DEMO_PASSWORD, REGION_BOUNDS, demo_programme_year, demo_seed
from pins.models import StaffMembership, User
from schools.models import (
    POSTCODE_PATTERN,
    BlackoutPeriod,
    ClosureDate,
    Enrolment,
    ProgrammeYear,
    School,
    SencoMembership,
)
from specialists.models import Capacity, Discipline, Specialist, Unavailability

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
GIAS_PRIMARY_TYPES = {
    "Community school",
    "Academy converter",
    "Academy sponsor led",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "Free schools",
}


@pytest.fixture
def seeded():
    with time_machine.travel(TODAY):
        return demo_seed(seed=1, scale=1)


def _fingerprint() -> str:
    rows = [
        *School.objects.order_by("urn").values_list(
            "urn",
            "name",
            "dfe_number",
            "local_authority__dfe_code",
            "icb__ods_code",
            "type",
            "street",
            "town",
            "postcode",
            "easting",
            "northing",
            "pupil_count",
            "opened_on",
        ),
        *Enrolment.objects.order_by("school_id").values_list("school_id", "support", "cohort__name"),
        *ClosureDate.objects.order_by("school_id", "starts_on", "kind").values_list(
            "school_id", "kind", "starts_on", "ends_on", "description"
        ),
        *Specialist.objects.order_by("pk").values_list(
            "pk", "email", "full_name", "discipline", "employer", "icb__ods_code", "base_postcode", "easting"
        ),
        *Capacity.objects.order_by("specialist_id").values_list("specialist_id", "days"),
        *Unavailability.objects.order_by("specialist_id", "starts_on").values_list(
            "specialist_id", "starts_on", "ends_on", "reason"
        ),
        *User.objects.order_by("email").values_list("email", "full_name"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_every_current_icb_gets_40_enrolled_primary_schools(seeded):
    year = ProgrammeYear.objects.get()
    assert (year.label, year.starts_on, year.ends_on) == (
        "2026-27",
        datetime.date(2026, 9, 1),
        datetime.date(2027, 7, 16),
    )
    assert year.default_quota_days == Decimal("5.0")
    per_icb = ICB.objects.annotate(
        schools_count=Count("schools", distinct=True), enrolments_count=Count("enrolments", distinct=True)
    )
    assert per_icb.count() == 42
    assert {(icb.schools_count, icb.enrolments_count) for icb in per_icb} == {(40, 40)}

    enrolments = Enrolment.objects.filter(programme_year=year)
    assert enrolments.count() == 1680
    assert set(enrolments.values_list("status", "quota_days").distinct()) == {("enrolled", Decimal("5.0"))}
    assert not enrolments.exclude(icb=F("school__icb")).exists()
    # 30 continuing and 10 new schools in every ICB, each in its cohort.
    split = Counter(enrolments.values_list("icb__ods_code", "support", "cohort__name"))
    assert set(split.values()) == {30, 10}
    assert {(support, cohort) for _, support, cohort in split} == {
        ("continuing", "Continuing schools"),
        ("new", "New schools"),
    }
    assert {count for (_, support, _), count in split.items() if support == "continuing"} == {30}

    blackouts = BlackoutPeriod.objects.filter(programme_year=year)
    assert blackouts.count() >= 3
    for blackout in blackouts:
        assert "(demo dates)" in blackout.name
        assert year.contains(blackout.starts_on) and year.contains(blackout.ends_on)
    sats = blackouts.get(name__startswith="Key stage 2 SATs")
    assert sats.starts_on.month == 5 and sats.starts_on.weekday() == 0


def test_schools_look_like_gias_primary_schools_of_their_icb(seeded):
    schools = list(School.objects.select_related("local_authority", "icb__region"))
    assert len(schools) == len({school.urn for school in schools}) == 1680
    names_per_icb = Counter((school.icb.ods_code, school.name) for school in schools)
    assert max(names_per_icb.values()) == 1, "a name repeats within an ICB"
    assert len({school.dfe_number for school in schools}) == 1680
    for school in schools:
        assert 100000 <= school.urn <= 999999
        assert re.fullmatch(rf"{school.local_authority.dfe_code}[0-9]{{4}}", school.dfe_number)
        authority = school.local_authority
        assert authority.icb == school.icb or (
            authority.icb is None and re.search(rf"\b{school.icb.ods_code}\b", authority.note)
        ), f"{school} is in {authority}, not an authority of {school.icb.ods_code}"
        assert (school.phase, school.status) == ("Primary", "Open")
        assert school.type in GIAS_PRIMARY_TYPES
        assert re.search(r"(Primary|Infant|Junior|Nursery|Free) (School|Academy)|Academy$", school.name)
        assert 80 <= school.pupil_count <= 630
        assert re.fullmatch(POSTCODE_PATTERN, school.postcode)
        west, south, east, north = REGION_BOUNDS[school.icb.region.name]
        assert west <= school.easting <= east and south <= school.northing <= north, school
    # The three ICBs with no whole authority take their schools from the split ones naming them.
    split_authorities = set(LocalAuthority.objects.filter(icb__isnull=True).values_list("dfe_code", flat=True))
    for code in ("QJG", "QM7", "QXU"):
        used = {school.local_authority.dfe_code for school in schools if school.icb.ods_code == code}
        assert used and used <= split_authorities
    assert len({school.type for school in schools}) == len(GIAS_PRIMARY_TYPES)


def test_schools_have_five_inset_days_on_working_days_and_an_event(seeded):
    year = ProgrammeYear.objects.get()
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=[2026, 2027])
    inset_days = Counter()
    for closure in ClosureDate.objects.all():
        assert year.contains(closure.starts_on) and year.contains(closure.ends_on)
        assert closure.starts_on.weekday() < 5 and closure.starts_on not in bank_holidays
        if closure.kind == ClosureDate.Kind.INSET:
            assert closure.ends_on.weekday() < 5
            inset_days[closure.school_id] += (closure.ends_on - closure.starts_on).days + 1
    assert len(inset_days) == 1680
    assert set(inset_days.values()) == {5}
    assert ClosureDate.objects.filter(kind=ClosureDate.Kind.EVENT).values("school").distinct().count() == 1680


def test_every_icb_has_8_to_15_specialists_of_every_discipline_with_capacity(seeded):
    year = ProgrammeYear.objects.get()
    per_icb = Counter(Specialist.objects.values_list("icb__ods_code", flat=True))
    assert len(per_icb) == 42
    assert all(8 <= count <= 15 for count in per_icb.values())
    disciplines = Counter(Specialist.objects.values_list("icb__ods_code", "discipline"))
    assert {ods for ods, _ in disciplines} == set(per_icb)
    for ods in per_icb:
        assert {discipline for code, discipline in disciplines if code == ods} == set(Discipline.values)

    assert Capacity.objects.filter(programme_year=year).count() == Specialist.objects.count()
    for days in Capacity.objects.values_list("days", flat=True):
        assert Decimal("30") <= days <= Decimal("60") and (days * 2) % 1 == 0
    assert Unavailability.objects.exists()
    for period in Unavailability.objects.all():
        assert year.contains(period.starts_on) and period.ends_on >= period.starts_on
    for specialist in Specialist.objects.select_related("user"):
        assert specialist.email == f"specialist.{specialist.pk}@example.org" == specialist.user.email
        assert specialist.employer and re.fullmatch(POSTCODE_PATTERN, specialist.base_postcode)
        assert specialist.user.full_name == specialist.full_name


def test_every_sign_in_pattern_has_an_account_sharing_the_demo_password(seeded):
    dfe, admin = User.objects.get(email="dfe@example.org"), User.objects.get(email="admin@example.org")
    assert StaffMembership.objects.filter(user=dfe, role="dfe_staff").exists()
    assert StaffMembership.objects.filter(user=admin, role="programme_admin").exists()
    assert admin.is_staff and admin.is_superuser and not dfe.is_staff
    for icb in ICB.objects.all():
        assert CoordinatorMembership.objects.filter(
            icb=icb, user__email=f"coordinator.{icb.ods_code.lower()}@example.org"
        ).exists()
    sencos = SencoMembership.objects.select_related("user")
    assert sencos.count() == 1680
    assert all(membership.user.email == f"senco.{membership.school_id}@example.org" for membership in sencos)
    assert not User.objects.filter(full_name="").exists()

    coordinator = authenticate(None, email="coordinator.qwo@example.org", password=DEMO_PASSWORD)
    assert coordinator is not None and coordinator.coordinator_memberships.get().icb.ods_code == "QWO"
    assert authenticate(None, email="coordinator.qwo@example.org", password="not-the-password") is None
    # One hash for all: every account takes the same password.
    assert User.objects.values("password").distinct().count() == 1
    assert User.objects.get(email=f"senco.{sencos.first().school_id}@example.org").check_password(DEMO_PASSWORD)


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    fingerprints = []
    for seed in (7, 7, 8):
        with time_machine.travel(TODAY), transaction.atomic():
            demo_seed(seed=seed, scale=1)
            fingerprints.append(_fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[2] != fingerprints[0]


@time_machine.travel(TODAY)
def test_seed_demo_refuses_to_seed_twice(settings):
    settings.DEBUG = True
    output = io.StringIO()
    call_command("seed_demo", "--password", "another-demo-password", stdout=output)
    assert "Demo password: another-demo-password" in output.getvalue().splitlines()
    assert User.objects.get(email="dfe@example.org").check_password("another-demo-password")
    schools = School.objects.count()

    with pytest.raises(CommandError, match="already"):
        call_command("seed_demo", "--seed", "2", stdout=io.StringIO())
    assert School.objects.count() == schools == 1680


def test_seed_demo_refuses_when_any_demo_account_exists(settings):
    settings.DEBUG = True
    User.objects.create_user("coordinator.qwo@example.org", "a-password-of-theirs")
    with time_machine.travel(TODAY), pytest.raises(CommandError, match=r"coordinator\.qwo@example\.org"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not School.objects.exists() and not ProgrammeYear.objects.exists()


@pytest.mark.parametrize("command", ["seed_demo", "demo_setup"])
def test_demo_commands_refuse_without_debug(settings, command):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command(command, stdout=io.StringIO())
    assert not User.objects.exists()


@time_machine.travel(TODAY)
def test_demo_setup_seeds_once_and_prints_the_sign_ins_each_time(settings):
    settings.DEBUG = True
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_setup", stdout=first)
    fingerprint = _fingerprint()
    call_command("demo_setup", stdout=second)

    assert _fingerprint() == fingerprint
    assert School.objects.count() == 1680
    assert "already seeded" in second.getvalue()
    for output in (first.getvalue(), second.getvalue()):
        lines = output.splitlines()
        assert f"Demo password: {DEMO_PASSWORD}" in lines
        assert any("dfe@example.org" in line for line in lines)
        assert any("admin@example.org" in line for line in lines)
        assert any("coordinator.qwo@example.org" in line for line in lines)
        assert any("coordinator.<ODS code" in line for line in lines)
        assert re.search(r"senco\.[0-9]{6}@example\.org", output) and "senco.<URN>@example.org" in output
        assert re.search(r"specialist\.[0-9]+@example\.org", output)
        assert "specialist.<id>@example.org" in output


@pytest.mark.parametrize(
    ("now", "label", "starts_on", "ends_on"),
    [
        (TODAY, "2026-27", datetime.date(2026, 9, 1), datetime.date(2027, 7, 16)),
        (datetime.datetime(2027, 3, 10, 9, tzinfo=LONDON), "2026-27", datetime.date(2026, 9, 1), None),
        (datetime.datetime(2027, 7, 28, 9, tzinfo=LONDON), "2026-27", datetime.date(2026, 9, 1), None),
        (datetime.datetime(2027, 8, 20, 9, tzinfo=LONDON), "2027-28", None, datetime.date(2028, 7, 21)),
        (datetime.datetime(2027, 9, 1, 0, 30, tzinfo=LONDON), "2027-28", datetime.date(2027, 9, 1), None),
    ],
)
def test_the_demo_year_is_the_programme_year_containing_today(now, label, starts_on, ends_on):
    with time_machine.travel(now):
        today = timezone.localdate()
        year = demo_programme_year(today=today)
    assert year.label == label
    assert year.contains(today)
    assert starts_on is None or year.starts_on == starts_on
    assert ends_on is None or year.ends_on == ends_on


def test_a_demo_seeded_in_the_summer_break_covers_the_coming_year():
    with time_machine.travel(datetime.datetime(2027, 8, 20, 9, tzinfo=LONDON)):
        year = demo_seed(seed=1, scale=1).programme_year
        assert year.label == "2027-28" and year.contains(timezone.localdate())
    assert {blackout.starts_on.year for blackout in year.blackout_periods.all()} == {2028}
    assert not ClosureDate.objects.filter(starts_on__lt=datetime.date(2027, 9, 1)).exists()


@pytest.mark.parametrize("scale", ["0", "21"])
def test_seed_demo_refuses_a_scale_out_of_range(settings, scale):
    settings.DEBUG = True
    with time_machine.travel(TODAY), pytest.raises(CommandError, match="scale must be between 1 and 20"):
        call_command("seed_demo", "--scale", scale, stdout=io.StringIO())
    assert not ProgrammeYear.objects.exists()
