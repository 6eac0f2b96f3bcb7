"""The demo: built through the service's own rules (`BookingCalendar` places every visit, the services' recount
writes every counter), deterministic, and its sign-ins work."""

import datetime
import hashlib
import io
import re
from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from icbs.models import ICB
from pins.accounts.models import User
from pins.demo.seed import DEMO_PASSWORD, demo_programme_year, demo_seed, demo_sign_ins
from schools.models import (
    BlackoutPeriod,
    ClosureDate,
    Enrolment,
    ProgrammeYear,
    School,
    SchoolHoliday,
    WeeklyDelivery,
)
from schools.selectors import default_holidays, holidays_of_schools
from specialists.models import Capacity, Outcome, Specialist, Unavailability, Visit
from specialists.rules import BookingCalendar, Problem, england_bank_holidays

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
WEDNESDAY = 2


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


def _by(rows, key) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


class TestEveryRuleHolds:
    """The national demo at scale 1, seeded once: what it shows, and that it keeps every rule the service keeps."""

    def test_every_icb_has_its_schools_specialists_and_visits_in_every_state(self, seeded):
        assert (seeded.icbs, seeded.schools) == (42, 1680)
        per_icb = ICB.objects.annotate(schools_count=Count("schools"))
        assert {icb.schools_count for icb in per_icb if icb.schools_count} == {40}
        assert Enrolment.objects.filter(status=Enrolment.Status.ENROLLED).count() == 1680
        assert set(Counter(Enrolment.objects.values_list("icb_id", "support")).values()) == {30, 10}
        assert all(8 <= count <= 15 for count in Counter(Specialist.objects.values_list("icb_id", flat=True)).values())
        assert Capacity.objects.count() == Specialist.objects.count() and Unavailability.objects.exists()
        # Each school's own calendar: five INSET days and an event, on top of its term dates.
        days_closed = defaultdict(Counter)
        for closure in ClosureDate.objects.all():
            days_closed[closure.school_id][closure.kind] += (closure.ends_on - closure.starts_on).days + 1
        assert len(days_closed) == 1680
        assert {closed["inset"] for closed in days_closed.values()} == {5}
        assert all(closed["event"] for closed in days_closed.values())
        # The default holidays, and two authorities' own term dates that differ from them.
        year = ProgrammeYear.objects.get()
        holidays = holidays_of_schools(schools=School.objects.all(), year=year)
        assert all(sum((h.ends_on - h.starts_on).days + 1 for h in each) >= 6 * 5 for each in holidays.values())
        authorities = set(SchoolHoliday.objects.exclude(local_authority=None).values_list("local_authority", flat=True))
        assert len(authorities) == 2
        assert {holiday.name for holiday in default_holidays(year=year)} >= {"Christmas holiday", "Easter holiday"}

        visits = list(Visit.objects.all())
        assert len(visits) == seeded.visits and seeded.outcomes == Outcome.objects.count()
        today = TODAY.date()
        assert {visit.status for visit in visits if visit.date >= today} == {"proposed", "confirmed"}
        # Every state a visit reaches by itself; a coordinator records that one did not take place, the demo does not.
        assert {visit.status for visit in visits if visit.date < today} == set(Visit.Status.values) - {"not_held"}
        assert {visit.date.month for visit in visits} == {9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7}
        assert set(Outcome.objects.values_list("visit_id", flat=True)) == {
            visit.pk for visit in visits if visit.status == Visit.Status.DELIVERED
        }

    def test_every_visit_passes_the_booking_calendar_as_of_the_day_it_was_proposed(self, seeded):
        """Every rule of `BookingCalendar`, asked as the allocation service asks, with the data loaded once: no
        weekend, bank holiday, blackout, school holiday or closure, specialist's absence or clash."""
        blackouts = list(BlackoutPeriod.objects.all())
        closures = _by(ClosureDate.objects.all(), lambda closure: closure.school_id)
        holidays = holidays_of_schools(schools=School.objects.all(), year=ProgrammeYear.objects.get())
        absences = _by(Unavailability.objects.all(), lambda absence: absence.specialist_id)
        visits = list(Visit.objects.select_related("enrolment__school", "enrolment__programme_year", "specialist"))
        booked = _by(
            [visit for visit in visits if visit.status != Visit.Status.CANCELLED], lambda visit: visit.specialist_id
        )
        for visit in visits:
            calendar = BookingCalendar.from_loaded(
                enrolment=visit.enrolment,
                specialist=visit.specialist,
                blackouts=blackouts,
                closures=closures[visit.enrolment.school_id],
                holidays=holidays[visit.enrolment.school_id],
                unavailable=absences[visit.specialist_id],
                # A cancelled visit's slot may be taken since: it clashes with nothing now.
                bookings=[]
                if visit.status == Visit.Status.CANCELLED
                else [other for other in booked[visit.specialist_id] if other != visit],
                today=timezone.localdate(visit.created_at),
            )
            assert calendar.problems(visit.date, visit.session) == [], visit
            # The rules as a SENCO knows them, asked directly: never a weekend or a bank holiday.
            assert visit.date.weekday() < 5 and visit.date not in england_bank_holidays(visit.date.year)

    def test_counters_are_a_recount_of_the_visits_within_every_quota_and_capacity(self, seeded):
        visits = list(Visit.objects.select_related("enrolment"))
        expected = defaultdict(Counter)
        weeks, capacities = Counter(), Counter()
        for visit in visits:
            counts = expected[visit.enrolment_id]
            if visit.status != Visit.Status.CANCELLED:
                counts["allocated_days"] += visit.days
                capacities[visit.specialist_id] += visit.days
            if visit.status == Visit.Status.CONFIRMED:
                counts["confirmed_days"] += visit.days
            if visit.status == Visit.Status.DELIVERED:
                counts["delivered_days"] += visit.days
                counts["visits_delivered"] += 1
                counts["outcomes_recorded"] += 1
                monday = visit.date - datetime.timedelta(days=visit.date.weekday())
                weeks[visit.enrolment.icb_id, monday] += visit.days
        for enrolment in Enrolment.objects.all():
            counts = expected[enrolment.pk]
            for counter in ("allocated_days", "confirmed_days", "delivered_days"):
                assert getattr(enrolment, counter) == counts[counter], (enrolment, counter)
            assert (enrolment.visits_delivered, enrolment.outcomes_recorded) == (
                counts["visits_delivered"],
                counts["outcomes_recorded"],
            )
            assert Decimal("2") <= enrolment.allocated_days <= enrolment.quota_days == Decimal("5")
        for capacity in Capacity.objects.all():
            assert capacity.allocated_days == capacities[capacity.specialist_id] <= capacity.days
        assert {(week.icb_id, week.week): week.delivered_days for week in WeeklyDelivery.objects.all()} == dict(weeks)

    def test_each_visit_has_a_timeline_of_who_did_what_when(self, seeded):
        history = _by(Visit.pgh_event_model.objects.order_by("pgh_created_at", "pgh_id"), lambda event: event.id)
        for visit in Visit.objects.all():
            first, *changes = history[visit.pk]
            assert (first.pgh_label, first.status, first.user_id) == ("insert", "proposed", visit.created_by_id)
            assert first.pgh_created_at == visit.created_at <= TODAY
            assert [event.version for event in history[visit.pk]] == list(range(1, visit.version + 1))
            assert all(event.pgh_label == "update" and event.pgh_created_at <= TODAY for event in changes)
            assert history[visit.pk][-1].status == visit.status

    def test_every_sign_in_listed_works_with_the_demo_password(self, seeded):
        lines = demo_sign_ins()
        assert f"Demo password: {DEMO_PASSWORD}" in lines
        emails = re.findall(r"\b[a-z0-9.]+@example\.org\b", "\n".join(lines))
        assert {"dfe@example.org", "admin@example.org", "coordinator.qwo@example.org"} <= set(emails)
        assert any(email.startswith("senco.") for email in emails)
        assert any(email.startswith("specialist.") for email in emails)
        for email in emails:
            assert authenticate(None, email=email, password=DEMO_PASSWORD) is not None, email
        assert authenticate(None, email="coordinator.qwo@example.org", password="not-the-password") is None
        # Every account follows a pattern the sign-ins print.
        patterns = r"dfe|admin|coordinator\.[a-z0-9]{3}|senco\.[0-9]{6}|specialist\.[0-9]+|forum\.[0-9]{3}"
        assert all(
            re.fullmatch(rf"({patterns})@example\.org", email) for email in User.objects.values_list("email", flat=True)
        )


def _demo_rows(**options) -> tuple[str, list[datetime.date]]:
    """A digest of the rows a seeding writes, and its visits' dates; rolled back after."""
    with time_machine.travel(TODAY), transaction.atomic():
        demo_seed(**options)
        rows = [
            *School.objects.order_by("urn").values_list(
                "urn", "name", "dfe_number", "type", "street", "town", "postcode", "easting", "northing", "pupil_count"
            ),
            *Enrolment.objects.order_by("school_id").values_list(
                "school_id", "support", "allocated_days", "confirmed_days", "delivered_days"
            ),
            *ClosureDate.objects.order_by("school_id", "starts_on", "kind").values_list(
                "school_id", "kind", "starts_on", "ends_on", "description"
            ),
            *Specialist.objects.order_by("pk").values_list("pk", "email", "full_name", "discipline", "employer"),
            *Capacity.objects.order_by("specialist_id").values_list("specialist_id", "days", "allocated_days"),
            *Unavailability.objects.order_by("specialist_id", "starts_on").values_list(
                "specialist_id", "starts_on", "ends_on", "reason"
            ),
            *User.objects.order_by("email").values_list("email", "full_name"),
            *Visit.objects.order_by("enrolment__school_id", "date", "slot_start", "status").values_list(
                "enrolment__school_id", "specialist_id", "date", "session", "status", "purpose", "preparation"
            ),
            *Outcome.objects.order_by("visit__enrolment__school_id", "visit__date").values_list(
                "visit__enrolment__school_id", "visit__date", "activities", "staff_reached", "notes"
            ),
        ]
        dates = list(Visit.objects.values_list("date", flat=True))
        transaction.set_rollback(True)
    return hashlib.sha256(repr(rows).encode()).hexdigest(), dates


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not():
    first, _ = _demo_rows(seed=7, icbs=["QWO", "QHM"])
    again, _ = _demo_rows(seed=7, icbs=["QWO", "QHM"])
    other, _ = _demo_rows(seed=8, icbs=["QWO", "QHM"])
    assert first == again
    assert other != first


def test_the_demo_places_its_visits_where_the_booking_calendar_says(monkeypatch):
    """The demo has no placement rule of its own: a rule added to `BookingCalendar` changes where it books."""
    _, dates = _demo_rows(seed=1, icbs=["QWO"])
    assert sum(day.weekday() == WEDNESDAY for day in dates) > 20

    problems = BookingCalendar.problems

    def closed_on_wednesdays(calendar, day, session):
        found = problems(calendar, day, session)
        return [*found, Problem("date", "No visits on Wednesdays")] if day.weekday() == WEDNESDAY else found

    monkeypatch.setattr(BookingCalendar, "problems", closed_on_wednesdays)
    _, dates = _demo_rows(seed=1, icbs=["QWO"])
    assert len(dates) > 40 * 2
    assert not [day for day in dates if day.weekday() == WEDNESDAY]


@pytest.mark.usefixtures("demo_installed")
def test_demo_setup_seeds_once_prints_the_sign_ins_and_seed_demo_refuses_a_second_seeding(settings):
    settings.DEBUG = True
    first, second = io.StringIO(), io.StringIO()
    with time_machine.travel(TODAY):
        call_command("demo_setup", stdout=first)
        call_command("demo_setup", stdout=second)
        with pytest.raises(CommandError, match="already"):
            call_command("seed_demo", "--seed", "2", stdout=io.StringIO())
    assert School.objects.count() == 1680
    assert "already seeded" in second.getvalue()
    for output in (first.getvalue(), second.getvalue()):
        assert f"Demo password: {DEMO_PASSWORD}" in output.splitlines()
        assert "coordinator.<ODS code" in output and "senco.<URN>@example.org" in output
        assert "specialist.<id>@example.org" in output


def test_the_demo_takes_the_password_given():
    with time_machine.travel(TODAY):
        demo_seed(icbs=["QOP"], password="another-demo-password")
    assert User.objects.get(email="dfe@example.org").check_password("another-demo-password")
    assert User.objects.values("password").distinct().count() == 1  # one hash for all


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


@pytest.mark.usefixtures("demo_installed")
@pytest.mark.parametrize("scale", ["0", "21"])
def test_seed_demo_refuses_a_scale_out_of_range(settings, scale):
    settings.DEBUG = True
    with time_machine.travel(TODAY), pytest.raises(CommandError, match="scale must be between 1 and 20"):
        call_command("seed_demo", "--scale", scale, stdout=io.StringIO())
    assert not ProgrammeYear.objects.exists()


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


def test_a_demo_seeded_in_the_summer_break_books_from_the_autumn_term_and_nothing_has_happened_yet():
    with time_machine.travel(datetime.datetime(2027, 8, 20, 9, tzinfo=LONDON)):
        year = demo_seed(icbs=["QWO"]).programme_year
        assert year.label == "2027-28" and year.contains(timezone.localdate())
    assert {blackout.starts_on.year for blackout in year.blackout_periods.all()} == {2028}
    assert Visit.objects.earliest("date").date >= datetime.date(2027, 9, 1)
    assert set(Visit.objects.values_list("status", flat=True)) == {"proposed", "confirmed"}
    assert not Outcome.objects.exists()
