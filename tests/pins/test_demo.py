import datetime
import hashlib
import io
import itertools
import re
from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.test import override_settings
from django.utils import timezone

from icbs.models import ICB, CoordinatorMembership, LocalAuthority
from icbs.services import reference_data_load
from pins.accounts.models import StaffMembership, User
from pins.demo.seed import DEMO_PASSWORD, FIRST_NAMES, REGION_BOUNDS, _DemoPlan, demo_programme_year, demo_seed
from schools.models import (
    POSTCODE_PATTERN,
    BlackoutPeriod,
    ClosureDate,
    Enrolment,
    ProgrammeYear,
    School,
    SencoMembership,
)
from specialists.models import (
    SESSION_DAYS,
    SESSION_SLOTS,
    Activity,
    Capacity,
    Discipline,
    Outcome,
    Specialist,
    Unavailability,
    Visit,
)
from specialists.rules import BookingCalendar, england_bank_holidays

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
EASTER_2027 = datetime.date(2027, 3, 28)
MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
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
def demo_installed(settings):
    """The demo's commands, as `make run` has them: the demo app is installed only where the demo runs."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "pins.demo"]


def test_the_demo_commands_are_absent_from_the_service():
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for a class of tests that only read it, in a transaction rolled back after them
    (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Hashed as tests hash (tests/conftest.py), which a class-wide fixture comes before.
        with time_machine.travel(TODAY), override_settings(PASSWORD_HASHERS=[MD5_HASHER]):
            summary = demo_seed(seed=1, scale=1)
        yield summary
        transaction.set_rollback(True)


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
        *Visit.objects.order_by("enrolment__school_id", "date", "slot_start").values_list(
            "enrolment__school_id", "specialist__email", "date", "session", "status", "purpose", "preparation"
        ),
        *Outcome.objects.order_by("visit__enrolment__school_id", "visit__date").values_list(
            "visit__enrolment__school_id", "visit__date", "activities", "staff_reached", "notes"
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class TestTheDemoSeededOnce:
    """Tests that only read the demo share one seeding."""

    def test_every_current_icb_gets_40_enrolled_primary_schools(self, seeded):
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

    def test_schools_look_like_gias_primary_schools_of_their_icb(self, seeded):
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

    def test_schools_have_five_inset_days_on_working_days_and_an_event(self, seeded):
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

    def test_every_icb_has_8_to_15_specialists_of_every_discipline_with_capacity(self, seeded):
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

    def test_schools_have_visits_in_every_state_each_with_its_records(self, seeded):
        today, now = TODAY.date(), TODAY
        visits = list(Visit.objects.select_related("enrolment", "specialist"))
        statuses = Counter(visit.status for visit in visits)
        assert set(statuses) == set(Visit.Status.values)
        assert statuses[Visit.Status.DELIVERED] > 10 * statuses[Visit.Status.CANCELLED] > 0
        # Visits to come are proposed or confirmed; delivered and cancelled ones are past, and a few past ones still
        # wait for their outcome record.
        assert {visit.status for visit in visits if visit.date >= today} == {"proposed", "confirmed"}
        assert {visit.status for visit in visits if visit.date < today} == set(Visit.Status.values)
        awaiting = [visit for visit in visits if visit.date < today and visit.is_open]
        assert 0 < len(awaiting) < statuses[Visit.Status.DELIVERED] / 5

        coordinators = dict(CoordinatorMembership.objects.values_list("icb_id", "user_id"))
        sencos = dict(SencoMembership.objects.values_list("school_id", "user_id"))
        for visit in visits:
            coordinator = coordinators[visit.enrolment.icb_id]
            assert visit.created_by_id == coordinator and visit.created_at <= now
            assert visit.purpose and visit.specialist.icb_id == visit.enrolment.icb_id
            assert (visit.slot_start, visit.slot_end) == SESSION_SLOTS[visit.session]
            assert visit.days == SESSION_DAYS[visit.session]
            if visit.status == Visit.Status.CONFIRMED:
                assert visit.confirmed_at is not None
            if visit.confirmed_at:
                assert visit.confirmed_by_id in {sencos[visit.enrolment.school_id], coordinator}
                assert visit.created_at < visit.confirmed_at <= now
            if visit.status == Visit.Status.CANCELLED:
                assert visit.cancelled_by_id == coordinator and visit.cancellation_reason
                assert max(visit.created_at, visit.confirmed_at or visit.created_at) < visit.cancelled_at <= now
                assert timezone.localdate(visit.cancelled_at) <= visit.date
            else:
                assert (visit.cancelled_at, visit.cancelled_by_id, visit.cancellation_reason) == (None, None, "")

        # Every delivered visit, and only those, has its outcome: whole-school work, never a child's name.
        outcomes = {outcome.visit_id: outcome for outcome in Outcome.objects.all()}
        delivered = {visit.pk: visit for visit in visits if visit.status == Visit.Status.DELIVERED}
        assert set(outcomes) == set(delivered)
        names = re.compile(rf"\b({'|'.join(FIRST_NAMES)})\b")
        for visit_id, outcome in outcomes.items():
            visit = delivered[visit_id]
            assert 1 <= len(outcome.activities) == len(set(outcome.activities)) <= 3
            assert set(outcome.activities) <= set(Activity.values)
            assert 3 <= outcome.staff_reached <= 40
            assert outcome.notes and not names.search(outcome.notes) and not names.search(visit.purpose)
            assert outcome.recorded_by_id in {visit.specialist.user_id, coordinators[visit.enrolment.icb_id]}
            assert visit.date <= timezone.localdate(outcome.recorded_at) and outcome.recorded_at <= now
            [recorded] = outcome.history_events.all()
            assert (recorded.pgh_label, recorded.user_id) == ("insert", outcome.recorded_by_id)
            assert recorded.pgh_created_at == outcome.recorded_at

        # Each visit's history: proposed by the coordinator, then each change by whoever made it, one a version.
        history = defaultdict(list)
        for record in Visit.pgh_event_model.objects.order_by("pgh_created_at", "pgh_id"):
            history[record.id].append(record)
        assert set(history) == {visit.pk for visit in visits}
        for visit in visits:
            records = history[visit.pk]
            first, last = records[0], records[-1]
            assert (first.pgh_label, first.status, first.version) == ("insert", "proposed", 1)
            assert first.user_id == visit.created_by_id and first.pgh_created_at == visit.created_at
            assert len(records) == visit.version and (last.status, last.version) == (visit.status, visit.version)
            assert all(record.pgh_label == "update" for record in records[1:])
            if visit.status == Visit.Status.CANCELLED:
                assert (last.user_id, last.pgh_created_at) == (visit.cancelled_by_id, visit.cancelled_at)
            if visit.status == Visit.Status.DELIVERED:
                assert last.user_id == outcomes[visit.pk].recorded_by_id

    def test_visits_keep_every_scheduling_rule_quota_and_capacity(self, seeded):
        year = ProgrammeYear.objects.get()
        blackouts = list(BlackoutPeriod.objects.all())
        closures, absences = defaultdict(list), defaultdict(list)
        for closure in ClosureDate.objects.all():
            closures[closure.school_id].append(closure)
        for absence in Unavailability.objects.all():
            absences[absence.specialist_id].append(absence)
        sessions = defaultdict(list)  # (specialist, date) -> the slots of their visits not cancelled
        booked = {"enrolments": Counter(), "specialists": Counter()}
        visits = list(Visit.objects.select_related("enrolment__school").order_by("pk"))
        for visit in visits:
            day, school = visit.date, visit.enrolment.school
            assert year.contains(day) and day.weekday() < 5 and day not in england_bank_holidays(day.year), visit
            assert not any(period.starts_on <= day <= period.ends_on for period in blackouts), visit
            assert not any(closure.starts_on <= day <= closure.ends_on for closure in closures[school.urn]), visit
            assert not any(absence.starts_on <= day <= absence.ends_on for absence in absences[visit.specialist_id])
            assert school.icb_id == visit.enrolment.icb_id
            if visit.status != Visit.Status.CANCELLED:
                sessions[visit.specialist_id, day].append((visit.slot_start, visit.slot_end))
                booked["enrolments"][visit.enrolment_id] += visit.days
                booked["specialists"][visit.specialist_id] += visit.days
        for slots in sessions.values():
            slots.sort()
            assert all(end <= start for (_, end), (start, _) in itertools.pairwise(slots)), (
                "a specialist is booked twice"
            )
        # The service's own rules agree, for a sample of visits, on the day each was booked for.
        for visit in visits[:: len(visits) // 25]:
            calendar = BookingCalendar(
                enrolment=visit.enrolment,
                specialist=visit.specialist,
                start=visit.date,
                end=visit.date,
                ignoring=visit,
                today=visit.date,
            )
            assert calendar.problems(visit.date, visit.session) == [], visit

        # The counters are the days of the visits not cancelled, within every quota and capacity.
        for enrolment in Enrolment.objects.all():
            assert enrolment.allocated_days == booked["enrolments"][enrolment.pk]
            assert Decimal("2") <= enrolment.allocated_days <= enrolment.quota_days == Decimal("5")
        for capacity in Capacity.objects.all():
            assert capacity.allocated_days == booked["specialists"][capacity.specialist_id] <= capacity.days
        # Spread through the year: visits in every month of term, and most schools' in more than one term.
        assert {visit.date.month for visit in visits} == {9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7}
        terms = defaultdict(set)
        for visit in visits:
            term = "autumn" if visit.date.month >= 9 else "spring" if visit.date < EASTER_2027 else "summer"
            terms[visit.enrolment.school_id].add(term)
        assert sum(len(seen) > 1 for seen in terms.values()) > 0.9 * len(terms)

    def test_every_sign_in_pattern_has_an_account_sharing_the_demo_password(self, seeded):
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


def test_an_icbs_visits_do_not_change_when_another_icb_does():
    reference_data_load()
    with time_machine.travel(TODAY):
        now, today = timezone.now(), timezone.localdate()
    year = demo_programme_year(today=today)
    icbs = list(ICB.objects.current(on=today).select_related("region").order_by("ods_code"))

    def visits_in_west_yorkshire(icbs: list[ICB]) -> list[tuple]:
        plan = _DemoPlan(seed=1, scale=1, year=year, icbs=icbs, now=now)
        schools = {school.urn: school.name for school in plan.schools}
        specialists = {specialist.pk: specialist.full_name for specialist in plan.specialists}
        visits = [planned.visit for planned in plan.visits if planned.ods_code == "QWO"]
        urns = [planned.urn for planned in plan.visits if planned.ods_code == "QWO"]
        return [
            (schools[urn], specialists[visit.specialist_id], visit.date, visit.session, visit.status, visit.purpose)
            for urn, visit in zip(urns, visits, strict=True)
        ]

    visits = visits_in_west_yorkshire(icbs)
    assert len(visits) > 40 * 3
    assert visits_in_west_yorkshire([icb for icb in icbs if icb.ods_code != "QHM"]) == visits


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
@pytest.mark.usefixtures("demo_installed")
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


@pytest.mark.usefixtures("demo_installed")
def test_seed_demo_refuses_when_any_demo_account_exists(settings):
    settings.DEBUG = True
    User.objects.create_user("coordinator.qwo@example.org", "a-password-of-theirs")
    with time_machine.travel(TODAY), pytest.raises(CommandError, match=r"coordinator\.qwo@example\.org"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not School.objects.exists() and not ProgrammeYear.objects.exists()


@pytest.mark.usefixtures("demo_installed")
@pytest.mark.parametrize("command", ["seed_demo", "demo_setup"])
def test_demo_commands_refuse_without_debug(settings, command):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command(command, stdout=io.StringIO())
    assert not User.objects.exists()


@time_machine.travel(TODAY)
@pytest.mark.usefixtures("demo_installed")
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
    # Visits start with the autumn term, and none has happened yet.
    assert Visit.objects.earliest("date").date >= datetime.date(2027, 9, 1)
    assert set(Visit.objects.values_list("status", flat=True)) == {"proposed", "confirmed"}
    assert not Outcome.objects.exists()


@pytest.mark.usefixtures("demo_installed")
@pytest.mark.parametrize("scale", ["0", "21"])
def test_seed_demo_refuses_a_scale_out_of_range(settings, scale):
    settings.DEBUG = True
    with time_machine.travel(TODAY), pytest.raises(CommandError, match="scale must be between 1 and 20"):
        call_command("seed_demo", "--scale", scale, stdout=io.StringIO())
    assert not ProgrammeYear.objects.exists()
