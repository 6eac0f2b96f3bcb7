"""Demo data at national scale: every current ICB with its schools enrolled, specialists, sign-ins, and a year
of visits in every state, booked through the service's own scheduling rules.

Deterministic: the same seed and scale on the same day give the same schools, names, coordinates, dates, visits
and e-mail addresses (URNs and specialist ids included; other row ids and timestamps may differ). It builds on the
programme's own reference data (ICBs and local authorities), its words come from `data/` and its people from
Faker; it is for demonstrations and benchmarks, never for a live service: every demo account shares one
published password. Where its visits fall is decided by `specialists.rules.BookingCalendar` (see `visits.py`).
"""

import copy
import dataclasses
import datetime
import itertools
import random
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from icbs.models import ICB, CoordinatorMembership, ForumLeadMembership, LocalAuthority
from icbs.services import reference_data_load
from pins.accounts.models import StaffMembership, User
from pins.demo.funding import demo_funding
from pins.demo.visits import IcbVisits, PlannedVisit
from pins.demo.words import People, box, place, table, words
from pins.kernel.errors import RuleBroken
from pins.kernel.history import event_of
from schools.models import (
    BlackoutPeriod,
    ClosureDate,
    Cohort,
    Domain,
    Enrolment,
    ProgrammeYear,
    Rating,
    School,
    SchoolHoliday,
    SelfAssessment,
    SelfAssessmentRating,
    SencoMembership,
)
from schools.services import progress_changes_fold
from specialists.models import Capacity, Discipline, Outcome, Specialist, Unavailability, Visit
from specialists.rules import england_bank_holidays
from specialists.services import open_visits_fold
from specialists.services.counters import capacity_counters_recount, visit_counters_recount

# Printed by `make run` for anyone to read: the demo holds no secrets.
DEMO_PASSWORD = "pins-demo-password"
DFE_EMAIL = "dfe@example.org"
ADMIN_EMAIL = "admin@example.org"
SCHOOLS_PER_ICB = 40  # as in year 1 of the programme
AUTHORITIES_WITH_OWN_TERM_DATES = 2  # the first authority of the first two ICBs sets its own term dates
CONTINUING_SHARE = Decimal("0.75")  # 30 of every 40 schools continue from last year, 10 are new
QUOTA_DAYS = Decimal("5.0")
# Most schools have done their start self-assessment by the autumn; each asks for one to three disciplines.
ASSESSED_SHARE = 0.9
MAX_SCALE = 20  # England has about 16,800 primary schools: scale 10
BATCH_SIZE = 2000
# The history triggers paused while the demo writes visits and outcomes with their past events (pins.kernel.history).
PAUSED = ("history_insert", "history_update")
POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the inward code never uses C, I, K, M, O or V


def coordinator_email(*, icb: ICB) -> str:
    return f"coordinator.{icb.ods_code.lower()}@example.org"


def senco_email(*, urn: int) -> str:
    return f"senco.{urn}@example.org"


def specialist_email(*, specialist_id: int) -> str:
    return f"specialist.{specialist_id}@example.org"


def region_bounds() -> dict[str, tuple[int, int, int, int]]:
    """Where each region's schools lie, in OSGB36 metres: rough boxes drawn from the national grid."""
    return {row["region"]: box(row) for row in table("regions")}


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    programme_year: ProgrammeYear
    icbs: int
    schools: int
    closure_dates: int
    specialists: int
    unavailabilities: int
    users: int
    visits: int
    outcomes: int


def demo_programme_year(*, today: datetime.date) -> ProgrammeYear:
    """The programme year (unsaved) around a date: school years turn over on 1 August, run from 1 September
    and end on the third Friday of July. Seeded in the summer break, the year stretches to contain today."""
    first = today.year if today.month >= 8 else today.year - 1
    return ProgrammeYear(
        label=f"{first}-{(first + 1) % 100:02d}",
        starts_on=min(datetime.date(first, 9, 1), today),
        ends_on=max(_end_of_summer_term(first + 1), today),
        default_quota_days=QUOTA_DAYS,
    )


def demo_blackout_periods(*, programme_year: ProgrammeYear) -> list[BlackoutPeriod]:
    """National assessment weeks as they usually fall; the real dates are published each year."""
    year = programme_year.ends_on.year

    def monday_on_or_after(day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(days=-day.weekday() % 7)

    sats = monday_on_or_after(datetime.date(year, 5, 1)) + datetime.timedelta(weeks=1)
    multiplication = monday_on_or_after(datetime.date(year, 6, 1))
    phonics = monday_on_or_after(datetime.date(year, 6, 8))
    periods = [
        ("Key stage 2 SATs week (demo dates)", sats, sats + datetime.timedelta(days=3)),
        ("Year 4 multiplication tables check (demo dates)", multiplication, multiplication + _days(11)),
        ("Year 1 phonics screening check week (demo dates)", phonics, phonics + _days(4)),
    ]
    return [
        BlackoutPeriod(programme_year=programme_year, name=name, starts_on=starts_on, ends_on=ends_on)
        for name, starts_on, ends_on in periods
        if programme_year.contains(starts_on) and programme_year.contains(ends_on)
    ]


def demo_is_seeded() -> bool:
    return User.objects.with_email(DFE_EMAIL).exists()


@transaction.atomic
def demo_seed(
    *, seed: int = 1, scale: int = 1, password: str = DEMO_PASSWORD, icbs: Sequence[str] | None = None
) -> DemoSummary:
    """Build the demo for the programme year containing today: every current ICB with 40 x scale primary
    schools enrolled, 8 to 15 specialists, a coordinator, and a SENCO per school, all sharing one password.
    Each school has 2 to 5 days of visits spread through the year: delivered with an outcome, awaiting one,
    cancelled, confirmed or proposed, as their dates fall before or after today.
    `icbs` narrows it to some ICBs by ODS code, which is quicker to seed in tests.
    Refuses if the demo (or anything it would create) is already there."""
    if not 1 <= scale <= MAX_SCALE:
        raise RuleBroken(f"The scale must be between 1 and {MAX_SCALE}, not {scale}")
    if not password:
        raise RuleBroken("Give the demo a password")
    today = timezone.localdate()
    year = demo_programme_year(today=today)
    if ProgrammeYear.objects.filter(label=year.label).exists():
        raise RuleBroken(
            f"The programme year {year.label} already exists, so the demo has been seeded (or the year "
            "set up) already. Seed an empty database: for `make run`, delete .pgdata."
        )
    if not ICB.objects.exists():
        reference_data_load()
    current = ICB.objects.current(on=today).select_related("region").order_by("ods_code")
    if icbs is not None:
        current = current.filter(ods_code__in=icbs)
        if missing := set(icbs) - {icb.ods_code for icb in current}:
            raise RuleBroken(f"No current ICB has the ODS code {', '.join(sorted(missing))}")
    plan = _DemoPlan(seed=seed, scale=scale, year=year, icbs=list(current), now=timezone.now())
    plan.refuse_clashes()
    # One hash for every account: hashing each one would take minutes at national scale.
    summary = plan.write(password_hash=make_password(password))
    progress_changes_fold()  # the recount's many small changes, as one row per ICB, as beat would fold them
    open_visits_fold()
    return summary


def demo_sign_ins(*, password: str = DEMO_PASSWORD) -> list[str]:
    """The demo's sign-ins: one example of each role and the pattern for the rest."""
    lines = ["Demo sign-ins (every account shares the demo password):"]

    def sign_in(role: str, email: str, pattern: str = "") -> None:
        lines.append(f"  {role:<22}{email}")
        if pattern:
            lines.append(f"  {'':<22}{pattern}")

    sign_in("DfE programme staff", DFE_EMAIL)
    sign_in("Programme admin", f"{ADMIN_EMAIL} (also the Django admin at /admin/)")
    coordinators = CoordinatorMembership.objects.filter(user__email__startswith="coordinator.")
    # West Yorkshire's is the example when it is there: it has five whole authorities.
    coordinator = (
        coordinators.filter(icb__ods_code="QWO").select_related("user", "icb").first()
        or coordinators.select_related("user", "icb").order_by("icb__ods_code").first()
    )
    if coordinator:
        sign_in(
            "ICB coordinator",
            f"{coordinator.user.email} ({coordinator.icb.short_name})",
            "every ICB: coordinator.<ODS code in lower case>@example.org",
        )
        senco = (
            SencoMembership.objects.filter(user__email__startswith="senco.", school__icb=coordinator.icb)
            .select_related("user", "school")
            .order_by("school__name")
            .first()
        )
        if senco:
            sign_in("SENCO", f"{senco.user.email} ({senco.school.name})", "every school: senco.<URN>@example.org")
        specialist = (
            Specialist.objects.filter(icb=coordinator.icb, user__email__startswith="specialist.")
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if specialist:
            discipline = specialist.get_discipline_display().lower()
            sign_in(
                "Specialist",
                f"{specialist.user.email} ({specialist.full_name}, {discipline})",
                "every specialist: specialist.<id>@example.org",
            )
        lead = (
            ForumLeadMembership.objects.filter(forum__local_authorities__icb=coordinator.icb)
            .select_related("user", "forum")
            .order_by("user__email")
            .first()
        )
        if lead:
            sign_in(
                "Forum lead",
                f"{lead.user.email} ({lead.forum.name})",
                "every local authority's forum: forum.<DfE LA code>@example.org",
            )
    lines.append(f"Demo password: {password}")
    return lines


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def _batches(items: Sequence, size: int = BATCH_SIZE) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _weighted(rng: random.Random, rows: Sequence[dict[str, str]]) -> dict[str, str]:
    return rng.choices(rows, weights=[float(row["weight"]) for row in rows])[0]


def _end_of_summer_term(year: int) -> datetime.date:
    """The third Friday of July, when most schools break up."""
    july_first = datetime.date(year, 7, 1)
    return july_first + _days((4 - july_first.weekday()) % 7 + 14)


def demo_school_holidays(*, programme_year: ProgrammeYear) -> list[tuple[str, datetime.date, datetime.date]]:
    """The programme's default holidays, as English authorities usually set them (in 2026-27: 26 to 30 October,
    21 December to 1 January, 15 to 19 February, 29 March to 9 April, 31 May to 4 June); each authority and
    academy may set its own, and the scheduling rules keep visits out of them."""
    first, second = programme_year.starts_on.year, programme_year.ends_on.year
    october_31, late_may, february_13 = (
        datetime.date(first, 10, 31),
        datetime.date(second, 5, 31),
        datetime.date(second, 2, 13),
    )
    good_friday = _good_friday(programme_year)
    october = october_31 - _days(october_31.weekday())  # the last week of October
    february = february_13 + _days(-february_13.weekday() % 7)
    may = late_may - _days(late_may.weekday())  # the week of the late May bank holiday
    new_year = datetime.date(second, 1, 1)
    # Back on the first Monday after New Year's Day: the holiday ends on the weekday before it.
    back = new_year + _days(7 - new_year.weekday())
    breaks = [
        ("Summer holiday", programme_year.starts_on, datetime.date(first, 8, 31)),  # seeded in the summer
        ("Autumn half term", october, october + _days(4)),
        ("Christmas holiday", datetime.date(first, 12, 21), back - _days(3)),
        ("Spring half term", february, february + _days(4)),
        ("Easter holiday", good_friday + _days(3), good_friday + _days(14)),  # the fortnight after Easter
        ("Summer half term", may, may + _days(4)),
        ("Summer holiday", _end_of_summer_term(second) + _days(1), programme_year.ends_on),  # seeded in July
    ]
    return _within(programme_year, breaks)


def demo_authority_holidays(*, programme_year: ProgrammeYear) -> list[tuple[str, datetime.date, datetime.date]]:
    """Term dates an authority sets differently from the default: its Easter holiday around Good Friday, and a
    week earlier for its autumn half term (demo dates)."""
    replaced = {
        "Easter holiday": (_good_friday(programme_year) - _days(4), _good_friday(programme_year) + _days(7)),
    }
    breaks = []
    for name, starts_on, ends_on in demo_school_holidays(programme_year=programme_year):
        if name == "Autumn half term":
            starts_on, ends_on = starts_on - _days(7), ends_on - _days(7)
        breaks.append((name, *replaced.get(name, (starts_on, ends_on))))
    return _within(programme_year, breaks)


def _good_friday(programme_year: ProgrammeYear) -> datetime.date:
    first, second = programme_year.starts_on.year, programme_year.ends_on.year
    return next(
        day
        for year in (second, first)
        for day, name in england_bank_holidays(year).items()
        if name == "Good Friday" and programme_year.contains(day)
    )


def _within(programme_year: ProgrammeYear, breaks) -> list[tuple[str, datetime.date, datetime.date]]:
    return [
        (name, max(starts_on, programme_year.starts_on), min(ends_on, programme_year.ends_on))
        for name, starts_on, ends_on in breaks
        if starts_on <= programme_year.ends_on and ends_on >= programme_year.starts_on and starts_on <= ends_on
    ]


def _weekdays(first: datetime.date, last: datetime.date, *, closed: set[datetime.date]) -> list[datetime.date]:
    """Weekdays that are not bank holidays (the service's list) nor `closed`: when a school or a specialist
    would be at work, for placing INSET days, events and leave."""
    days = (first + _days(offset) for offset in range((last - first).days + 1))
    return [
        day for day in days if day.weekday() < 5 and day not in england_bank_holidays(day.year) and day not in closed
    ]


class _DemoPlan:
    """Everything the demo writes, generated in memory first so it can be checked and written in bulk."""

    def __init__(self, *, seed: int, scale: int, year: ProgrammeYear, icbs: list[ICB], now: datetime.datetime):
        self.seed, self.scale, self.year, self.icbs, self.now = seed, scale, year, icbs, now
        self.blackout_periods = demo_blackout_periods(programme_year=year)
        self.holidays = demo_school_holidays(programme_year=year)
        holiday_days = {
            starts_on + _days(offset)
            for _, starts_on, ends_on in self.holidays
            for offset in range((ends_on - starts_on).days + 1)
        }
        self.term = (max(year.starts_on, datetime.date(year.starts_on.year, 9, 1)), year.ends_on)
        self.school_days = _weekdays(*self.term, closed=holiday_days)
        self.working_days = _weekdays(year.starts_on, year.ends_on, closed=set())
        self.schools: list[School] = []
        self.enrolments: list[Enrolment] = []
        self.cohorts = {
            Enrolment.Support.CONTINUING: Cohort(programme_year=year, name="Continuing schools"),
            Enrolment.Support.NEW: Cohort(programme_year=year, name="New schools"),
        }
        self.closure_dates: list[ClosureDate] = []
        self.sencos: dict[int, str] = {}  # URN -> full name
        self.coordinators: dict[str, str] = {}  # ODS code -> full name
        self.specialists: list[Specialist] = []
        self.capacities: list[Capacity] = []
        self.unavailabilities: list[Unavailability] = []
        self.visits: list[PlannedVisit] = []
        self.self_assessments: list[tuple[Enrolment, list[str], dict]] = []  # (enrolment, wanted, ratings)
        self.staff_names: list[str] = []
        self.users: list[User] = []
        self._lineages = _lineages(icbs)
        self._authorities = self._authorities_by_icb()
        self.school_holidays = self._school_holidays()
        self._areas = {row["ods_code"]: row for row in table("icb_areas")}
        self._regions = region_bounds()
        self._establishment_numbers: dict[str, set[int]] = {}
        self._plan()

    def _authorities_by_icb(self) -> dict[str, list[LocalAuthority]]:
        """Each ICB's whole authorities; an ICB with none (QJG, QM7, QXU) uses the split authorities whose
        note names it or an ICB it succeeded."""
        authorities = list(LocalAuthority.objects.order_by("dfe_code"))
        by_icb = {}
        for icb in self.icbs:
            whole = [authority for authority in authorities if authority.icb_id == icb.pk]
            codes = "|".join(re.escape(code) for code in self._lineages[icb.ods_code])
            by_icb[icb.ods_code] = whole or [
                authority
                for authority in authorities
                if authority.icb_id is None and re.search(rf"\b({codes})\b", authority.note)
            ]
            if not by_icb[icb.ods_code]:
                raise RuleBroken(f"No local authority lies in {icb.ods_code}: load the reference data first")
        return by_icb

    def _school_holidays(self) -> list[SchoolHoliday]:
        """The year's default holidays, and their own term dates for the first authority of the first two ICBs
        (the rest follow the default)."""
        year = self.year
        rows = [
            SchoolHoliday(programme_year=year, name=name, starts_on=starts_on, ends_on=ends_on)
            for name, starts_on, ends_on in self.holidays
        ]
        own = {self._authorities[icb.ods_code][0] for icb in self.icbs[:AUTHORITIES_WITH_OWN_TERM_DATES]}
        for authority in sorted(own, key=lambda authority: authority.dfe_code):
            rows += [
                SchoolHoliday(
                    programme_year=year, local_authority=authority, name=name, starts_on=starts_on, ends_on=ends_on
                )
                for name, starts_on, ends_on in demo_authority_holidays(programme_year=year)
            ]
        return rows

    def _holidays_by_school(self, schools: list[School]) -> dict[int, list[SchoolHoliday]]:
        """Each school's holidays, as `schools.selectors.holidays_of_schools` would read them once written."""
        default = [holiday for holiday in self.school_holidays if holiday.local_authority is None]
        own: dict[int, list[SchoolHoliday]] = {}
        for holiday in self.school_holidays:
            if holiday.local_authority is not None:
                own.setdefault(holiday.local_authority.pk, []).append(holiday)
        return {school.urn: own.get(school.local_authority.pk, default) for school in schools}

    def _plan(self) -> None:
        per_icb = SCHOOLS_PER_ICB * self.scale
        # URNs are unique nationally, so they come from one draw rather than from each ICB's generator.
        urns = random.Random(f"pins-demo:{self.seed}:urns").sample(
            range(100_000, max(150_000, 100_000 + 3 * per_icb * len(self.icbs))), per_icb * len(self.icbs)
        )
        next_specialist_id = (Specialist.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        for number, icb in enumerate(self.icbs):
            # One generator per ICB: an ICB's schools do not change when another ICB merges or is added.
            rng = random.Random(f"pins-demo:{self.seed}:{icb.ods_code}")
            people = People(f"pins-demo:{self.seed}:{icb.ods_code}")
            self.coordinators[icb.ods_code] = people.name()
            schools, enrolments, specialists = len(self.schools), len(self.enrolments), len(self.specialists)
            closures, absences = len(self.closure_dates), len(self.unavailabilities)
            self._plan_schools(rng, people, icb=icb, urns=urns[number * per_icb : (number + 1) * per_icb])
            next_specialist_id = self._plan_specialists(rng, people, icb=icb, first_id=next_specialist_id)
            self._plan_self_assessments(
                random.Random(f"pins-demo:{self.seed}:{icb.ods_code}:self-assessments"),
                enrolments=self.enrolments[enrolments:],
                capacities=self.capacities[specialists:],
                specialists=self.specialists[specialists:],
            )
            closed: dict[int, list[ClosureDate]] = {}
            for closure in self.closure_dates[closures:]:
                closed.setdefault(closure.school_id, []).append(closure)
            # Visits have generators of their own, so that planning them changes nothing planned before them,
            # and their times another, so that the time of day seeding changes the times and nothing else.
            self.visits += IcbVisits(
                random.Random(f"pins-demo:{self.seed}:{icb.ods_code}:visits"),
                random.Random(f"pins-demo:{self.seed}:{icb.ods_code}:visit-times"),
                ods_code=icb.ods_code,
                term=self.term,
                now=self.now,
                blackouts=self.blackout_periods,
                enrolments=self.enrolments[enrolments:],
                closures=closed,
                holidays=self._holidays_by_school(self.schools[schools:]),
                specialists=self.specialists[specialists:],
                capacities=self.capacities[specialists:],
                absences=self.unavailabilities[absences:],
            ).visits
        staff = People(f"pins-demo:{self.seed}:staff")
        self.staff_names = [staff.name(), staff.name()]

    def _plan_schools(self, rng: random.Random, people: People, *, icb: ICB, urns: list[int]) -> None:
        authorities = self._authorities[icb.ods_code]
        weights = [_authority_weight(authority) for authority in authorities]
        area, bounds = self._area(icb), self._regions.get(icb.region.name)
        postcode_areas = self._postcode_areas(icb)
        kinds = {row["kind"]: row for row in table("school_kinds")}
        names: set[str] = set()
        continuing = set(rng.sample(urns, round(len(urns) * CONTINUING_SHARE)))
        for urn in urns:
            school_type = _weighted(rng, table("school_types"))
            name, kind = _school_name(rng, school_type=school_type["type"])
            for attempt in itertools.count():
                if name not in names:  # names repeat across England, but not within one ICB
                    break
                name, kind = _school_name(rng, school_type=school_type["type"])
                if attempt >= 5:  # as GIAS tells its many St Mary's apart
                    name = f"{name}, {place(rng)}"
            names.add(name)
            authority = rng.choices(authorities, weights=weights)[0]
            ages = kinds[kind]
            easting, northing = _point(rng, area=area, bounds=bounds)
            school = School(
                urn=urn,
                dfe_number=f"{authority.dfe_code}{self._establishment_number(rng, authority, school_type)}",
                name=name,
                local_authority=authority,
                icb=icb,
                phase="Primary",
                type=school_type["type"],
                status="Open",
                street=people.street(),
                town=place(rng),
                postcode=_postcode(rng, areas=postcode_areas),
                easting=easting,
                northing=northing,
                statutory_low_age=int(ages["low_age"]),
                statutory_high_age=int(ages["high_age"]),
                pupil_count=round(
                    rng.triangular(int(ages["fewest_pupils"]), int(ages["most_pupils"]), int(ages["usual_pupils"]))
                ),
                opened_on=_opened_on(rng, school_type=school_type["type"]),
            )
            self.schools.append(school)
            support = Enrolment.Support.CONTINUING if urn in continuing else Enrolment.Support.NEW
            self.enrolments.append(
                Enrolment(
                    school=school,
                    programme_year=self.year,
                    cohort=self.cohorts[support],
                    icb=icb,
                    support=support,
                    status=Enrolment.Status.ENROLLED,
                    quota_days=self.year.default_quota_days,
                )
            )
            self.sencos[urn] = people.name()
            self.closure_dates += self._closure_dates(rng, urn=urn)

    def _establishment_number(self, rng: random.Random, authority: LocalAuthority, school_type: dict) -> int:
        used = self._establishment_numbers.setdefault(authority.dfe_code, set())
        low, high = int(school_type["first_establishment_number"]), int(school_type["last_establishment_number"])
        drawn = rng.randint(low, high)
        # The next free number after the one drawn; any free primary number once the type's range is full.
        for number in itertools.chain(range(drawn, high + 1), range(low, drawn), range(2000, 10_000)):
            if number not in used:
                used.add(number)
                return number
        raise RuleBroken(f"{authority.name} has no establishment numbers left: seed a smaller scale")

    def _in_window(self, row: dict[str, str]) -> list[datetime.date]:
        """The school days between two (month, day) pairs of the school year."""

        def date(month: str, day: str) -> datetime.date:
            calendar_year = self.year.starts_on.year if int(month) >= 8 else self.year.ends_on.year
            return datetime.date(calendar_year, int(month), int(day))

        starts_on, ends_on = date(row["from_month"], row["from_day"]), date(row["to_month"], row["to_day"])
        return [day for day in self.school_days if starts_on <= day <= ends_on]

    def _run_from(self, days: list[datetime.date], day: datetime.date, count: int) -> list[datetime.date]:
        """`count` consecutive days of `days` from `day` (fewer at the end of the year)."""
        position = days.index(day)
        return days[position : position + count]

    def _closure_dates(self, rng: random.Random, *, urn: int) -> list[ClosureDate]:
        """The school's five INSET days (the first day or two of term, the rest spread through the year) and an
        event; its holidays are its term dates (`SchoolHoliday`), not closures."""
        closures = []
        first_days = self.school_days[: rng.choice((1, 2))]
        runs = [first_days]
        windows = [days for days in map(self._in_window, table("inset_windows")) if days]
        for days in rng.sample(windows, min(len(windows), 5 - len(first_days))):
            runs.append([rng.choice(days)])
        closures += [
            ClosureDate(
                school_id=urn,
                kind=ClosureDate.Kind.INSET,
                starts_on=run[0],
                ends_on=run[-1],
                description="INSET days" if len(run) > 1 else "INSET day",
            )
            for run in runs
        ]
        event = rng.choice(table("school_events"))
        if days := self._in_window(event):
            run = self._run_from(self.school_days, rng.choice(days), int(event["days"]))
            closures.append(
                ClosureDate(
                    school_id=urn,
                    kind=ClosureDate.Kind.EVENT,
                    starts_on=run[0],
                    ends_on=run[-1],
                    description=event["description"],
                )
            )
        return closures

    def _plan_specialists(self, rng: random.Random, people: People, *, icb: ICB, first_id: int) -> int:
        """8 to 15 specialists for every 40 schools, at least one of each discipline, so a larger scale keeps
        enough capacity for every school's days. Ids are given here, so that their e-mail addresses
        (specialist.<id>@example.org) are the same each time the demo is seeded."""
        count = rng.randint(8, 15) * self.scale
        weights = table("disciplines")
        disciplines = list(Discipline) + [Discipline(_weighted(rng, weights)["discipline"]) for _ in range(count - 6)]
        rng.shuffle(disciplines)
        authorities = self._authorities[icb.ods_code]
        authority_weights = [_authority_weight(authority) for authority in authorities]
        area, bounds = self._area(icb), self._regions.get(icb.region.name)
        postcode_areas = self._postcode_areas(icb)
        employers = table("employers")
        reasons = table("unavailability_reasons")
        for specialist_id, discipline in enumerate(disciplines, start=first_id):
            authority = rng.choices(authorities, weights=authority_weights)[0]
            easting, northing = _point(rng, area=area, bounds=bounds)
            employer = rng.choice([row["pattern"] for row in employers if row["discipline"] == discipline])
            specialist = Specialist(
                pk=specialist_id,
                full_name=people.name(),
                discipline=discipline,
                employer=employer.format(
                    area=_area_name(authority), council=_council_name(authority), place=place(rng)
                ),
                icb=icb,
                email=specialist_email(specialist_id=specialist_id),
                base_postcode=_postcode(rng, areas=postcode_areas),
                easting=easting,
                northing=northing,
            )
            self.specialists.append(specialist)
            self.capacities.append(
                Capacity(specialist_id=specialist_id, programme_year=self.year, days=Decimal(rng.randint(60, 120)) / 2)
            )
            for _ in range(rng.randint(0, 3)):
                reason = _weighted(rng, reasons)
                length = rng.randint(int(reason["shortest"]), int(reason["longest"]))
                run = self._run_from(self.working_days, rng.choice(self.working_days), length)
                self.unavailabilities.append(
                    Unavailability(
                        specialist_id=specialist_id, starts_on=run[0], ends_on=run[-1], reason=reason["reason"]
                    )
                )
        return first_id + count

    def _plan_self_assessments(
        self, rng: random.Random, *, enrolments: list[Enrolment], capacities: list[Capacity], specialists
    ) -> None:
        """A start self-assessment for most schools, rating each domain and asking for one to three disciplines.
        A cohort asks for what its ICB offers: each discipline is drawn in proportion to the days its specialists
        give. (Drawn uniformly, the ICBs' capacity would still allow 99.8% of the days left at asking schools in a
        requested discipline, against 100% so: bench/planner.py prints the bound.)"""
        offered: dict[str, Decimal] = {}
        for specialist, capacity in zip(specialists, capacities, strict=True):
            offered[specialist.discipline] = offered.get(specialist.discipline, Decimal(0)) + capacity.days
        disciplines = sorted(offered)
        for enrolment in enrolments:
            if rng.random() >= ASSESSED_SHARE:
                continue
            choices, weights, wanted = list(disciplines), [float(offered[d]) for d in disciplines], []
            for _ in range(rng.randint(1, 3)):
                picked = rng.choices(range(len(choices)), weights=weights)[0]
                wanted.append(choices.pop(picked))
                weights.pop(picked)
            ratings = {
                domain: rng.choice([Rating.NOT_STARTED, Rating.EMERGING, Rating.DEVELOPING]) for domain in Domain
            }
            self.self_assessments.append((enrolment, wanted, ratings))

    def _area(self, icb: ICB) -> tuple[int, int, int, int] | None:
        """The box an ICB's schools lie in; a successor covers its predecessors' boxes."""
        boxes = [box(self._areas[code]) for code in self._lineages[icb.ods_code] if code in self._areas]
        if not boxes:
            return self._regions.get(icb.region.name)
        west, south, east, north = zip(*boxes, strict=True)
        return min(west), min(south), max(east), max(north)

    def _postcode_areas(self, icb: ICB) -> tuple[str, ...]:
        codes = self._lineages[icb.ods_code]
        areas = [area for code in codes if code in self._areas for area in self._areas[code]["postcode_areas"].split()]
        return tuple(dict.fromkeys(areas)) or ("LS",)

    def _user(self, email: str, full_name: str, **flags) -> User:
        user = User(email=email, full_name=full_name, **flags)
        self.users.append(user)
        return user

    def refuse_clashes(self) -> None:
        """Refuse, rather than duplicate, when accounts or schools the demo would create already exist."""
        emails = [DFE_EMAIL, ADMIN_EMAIL]
        emails += [coordinator_email(icb=icb) for icb in self.icbs]
        emails += [senco_email(urn=school.urn) for school in self.schools]
        emails += [specialist.email for specialist in self.specialists]
        for batch in _batches(emails):
            if clash := User.objects.filter(email__in=batch).values_list("email", flat=True).first():
                raise RuleBroken(
                    f"The demo has been seeded already: an account for {clash} exists. "
                    "Seed an empty database: for `make run`, delete .pgdata."
                )
        for batch in _batches([school.urn for school in self.schools]):
            if clash := School.objects.filter(urn__in=batch).values_list("urn", flat=True).first():
                raise RuleBroken(f"A school with the URN {clash} exists already: seed the demo into an empty database")

    def write(self, *, password_hash: str) -> DemoSummary:
        year = self.year
        year.save()
        BlackoutPeriod.objects.bulk_create(self.blackout_periods)
        SchoolHoliday.objects.bulk_create(self.school_holidays)
        for cohort in self.cohorts.values():
            cohort.save()
        School.objects.bulk_create(self.schools, batch_size=BATCH_SIZE)
        Enrolment.objects.bulk_create(self.enrolments, batch_size=BATCH_SIZE)  # their counters recounted below
        ClosureDate.objects.bulk_create(self.closure_dates, batch_size=BATCH_SIZE)

        dfe = self._user(DFE_EMAIL, self.staff_names[0])
        admin = self._user(ADMIN_EMAIL, self.staff_names[1], is_staff=True, is_superuser=True)
        coordinators = {
            icb: self._user(coordinator_email(icb=icb), self.coordinators[icb.ods_code]) for icb in self.icbs
        }
        sencos = {urn: self._user(senco_email(urn=urn), name) for urn, name in self.sencos.items()}
        specialists = [self._user(specialist.email, specialist.full_name) for specialist in self.specialists]
        joined = timezone.now()
        for user in self.users:
            user.password, user.date_joined = password_hash, joined
        User.objects.bulk_create(self.users, batch_size=BATCH_SIZE)

        StaffMembership.objects.bulk_create(
            [
                StaffMembership(user=dfe, role=StaffMembership.Role.DFE_STAFF),
                StaffMembership(user=admin, role=StaffMembership.Role.PROGRAMME_ADMIN),
            ]
        )
        CoordinatorMembership.objects.bulk_create(
            CoordinatorMembership(user=user, icb=icb) for icb, user in coordinators.items()
        )
        SencoMembership.objects.bulk_create(
            (SencoMembership(user=user, school_id=urn) for urn, user in sencos.items()), batch_size=BATCH_SIZE
        )
        for specialist, user in zip(self.specialists, specialists, strict=True):
            specialist.user = user
        Specialist.objects.bulk_create(self.specialists, batch_size=BATCH_SIZE)
        # The ids were given above: move the id sequence past them, as loaddata does.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Specialist]):
                cursor.execute(sql)
        Capacity.objects.bulk_create(self.capacities, batch_size=BATCH_SIZE)
        Unavailability.objects.bulk_create(self.unavailabilities, batch_size=BATCH_SIZE)
        self._write_self_assessments(sencos=sencos)
        outcomes = self._write_visits(
            coordinators={icb.ods_code: user for icb, user in coordinators.items()},
            sencos=sencos,
            specialists={specialist.pk: user for specialist, user in zip(self.specialists, specialists, strict=True)},
        )
        # Written in bulk, so the counters are set from the visits by the services' own recount; the database's
        # checks refuse any quota or capacity overfilled.
        visit_counters_recount(enrolments=Enrolment.objects.filter(programme_year=year))
        capacity_counters_recount(capacities=Capacity.objects.filter(programme_year=year))
        demo_funding(
            icbs=self.icbs,
            year=year,
            coordinators={icb.ods_code: user for icb, user in coordinators.items()},
            password_hash=password_hash,
            today=timezone.localdate(self.now),
        )
        return DemoSummary(
            programme_year=year,
            icbs=len(self.icbs),
            schools=len(self.schools),
            closure_dates=len(self.closure_dates),
            specialists=len(self.specialists),
            unavailabilities=len(self.unavailabilities),
            users=len(self.users),
            visits=len(self.visits),
            outcomes=outcomes,
        )

    def _write_self_assessments(self, *, sencos: dict[int, User]) -> None:
        assessments = [
            SelfAssessment(
                enrolment=enrolment,
                stage=SelfAssessment.Stage.START,
                wanted_disciplines=wanted,
                completed_by=sencos[enrolment.school.urn],
            )
            for enrolment, wanted, _ in self.self_assessments
        ]
        SelfAssessment.objects.bulk_create(assessments, batch_size=BATCH_SIZE)
        SelfAssessmentRating.objects.bulk_create(
            (
                SelfAssessmentRating(assessment=assessment, domain=domain, rating=rating)
                for assessment, (_, _, ratings) in zip(assessments, self.self_assessments, strict=True)
                for domain, rating in ratings.items()
            ),
            batch_size=BATCH_SIZE,
        )

    def _write_visits(
        self,
        *,
        coordinators: dict[str, User],
        sencos: dict[int, User],
        specialists: dict[int, User],
    ) -> int:
        """Write the visits with their history (proposed, then confirmed, then delivered or cancelled, each by
        whoever did it) and their outcomes. Returns how many outcomes."""
        for planned in self.visits:
            visit, coordinator = planned.visit, coordinators[planned.ods_code]
            visit.enrolment_id, visit.created_by_id = visit.enrolment.pk, coordinator.pk
            if visit.confirmed_at:
                visit.confirmed_by_id = (sencos[planned.urn] if planned.confirmed_by_senco else coordinator).pk
            if visit.cancelled_at:
                visit.cancelled_by_id = coordinator.pk
        # The triggers would date every event now: the demo writes its visits' past events itself.
        paused = [f"specialists.{model}:{trigger}" for model in ("Visit", "Outcome") for trigger in PAUSED]
        with pgtrigger.ignore(*paused):
            outcomes = self._write_visits_and_events(coordinators=coordinators, sencos=sencos, specialists=specialists)
        return outcomes

    def _write_visits_and_events(
        self, *, coordinators: dict[str, User], sencos: dict[int, User], specialists: dict[int, User]
    ) -> int:
        Visit.objects.bulk_create([planned.visit for planned in self.visits], batch_size=BATCH_SIZE)

        created, changed, outcomes = [], [], []
        for planned in self.visits:
            visit, coordinator = planned.visit, coordinators[planned.ods_code]
            visit.created_at = planned.proposed_at  # auto_now_add wrote the time of seeding: see below
            proposed = _visit_as(
                visit,
                coordinator,
                planned.proposed_at,
                status=Visit.Status.PROPOSED,
                version=1,
                confirmed_at=None,
                confirmed_by_id=None,
                cancelled_at=None,
                cancelled_by_id=None,
                cancellation_reason="",
            )
            created.append(proposed)
            confirmer = sencos[planned.urn] if planned.confirmed_by_senco else coordinator
            if visit.confirmed_at and visit.status != Visit.Status.CONFIRMED:
                changed.append(
                    _visit_as(
                        proposed,
                        confirmer,
                        visit.confirmed_at,
                        status=Visit.Status.CONFIRMED,
                        version=2,
                        confirmed_at=visit.confirmed_at,
                        confirmed_by_id=visit.confirmed_by_id,
                    )
                )
            if visit.status == Visit.Status.CONFIRMED:
                changed.append(_visit_as(visit, confirmer, visit.confirmed_at))
            elif visit.status == Visit.Status.CANCELLED:
                changed.append(_visit_as(visit, coordinator, visit.cancelled_at))
            elif visit.status == Visit.Status.DELIVERED:
                recorder = specialists[visit.specialist_id] if planned.recorded_by_specialist else coordinator
                changed.append(_visit_as(visit, recorder, planned.recorded_at))
                outcome = planned.outcome
                outcome.visit, outcome.recorded_by = visit, recorder
                outcome._changed_by, outcome._changed_at = recorder, planned.recorded_at
                outcomes.append(outcome)
        VisitEvent = Visit.pgh_event_model
        VisitEvent.objects.bulk_create(
            [_event(state, "insert") for state in created] + [_event(state, "update") for state in changed],
            batch_size=BATCH_SIZE,
        )
        # Each visit created when it was proposed, as its first history event says.
        year_visits = Visit.objects.filter(enrolment__programme_year=self.year)
        first_events = (
            VisitEvent.objects.filter(pgh_obj=OuterRef("pk"), pgh_label="insert").order_by().values("pgh_created_at")
        )
        year_visits.update(created_at=Subquery(first_events[:1]))

        Outcome.objects.bulk_create(outcomes, batch_size=BATCH_SIZE)
        for outcome in outcomes:
            outcome.recorded_at = outcome._changed_at  # auto_now wrote the time of seeding: put right below
        Outcome.pgh_event_model.objects.bulk_create(
            [_event(outcome, "insert") for outcome in outcomes], batch_size=BATCH_SIZE
        )
        recorded = Outcome.pgh_event_model.objects.filter(pgh_obj=OuterRef("pk")).order_by().values("pgh_created_at")
        Outcome.objects.filter(visit__in=year_visits).update(recorded_at=Subquery(recorded[:1]))
        return len(outcomes)


def _visit_as(visit: Visit, by: User, at: datetime.datetime, **changes) -> Visit:
    """A copy of the visit as it stood after someone changed it: an event of its history."""
    state = copy.copy(visit)
    for field, value in changes.items():
        setattr(state, field, value)
    state._changed_by, state._changed_at = by, at
    return state


def _event(row, label: str):
    return event_of(row, label=label, at=row._changed_at, by=row._changed_by)


def _lineages(icbs: list[ICB]) -> dict[str, list[str]]:
    """Each ICB's ODS code and those of the ICBs it succeeded, however many mergers back."""
    predecessors: dict[int, list[ICB]] = {}
    for ended in ICB.objects.filter(successor__isnull=False):
        predecessors.setdefault(ended.successor_id, []).append(ended)

    def lineage(icb: ICB) -> list[str]:
        return [icb.ods_code, *(code for older in predecessors.get(icb.pk, []) for code in lineage(older))]

    return {icb.ods_code: lineage(icb) for icb in icbs}


def _point(
    rng: random.Random, *, area: tuple[int, int, int, int] | None, bounds: tuple[int, int, int, int] | None
) -> tuple[int, int]:
    """A grid reference in the area, more often near its middle, and never outside the region."""
    west, south, east, north = area or bounds or (140_000, 10_000, 655_000, 657_000)
    easting, northing = round(rng.triangular(west, east)), round(rng.triangular(south, north))
    if bounds:
        easting = min(max(easting, bounds[0]), bounds[2])
        northing = min(max(northing, bounds[1]), bounds[3])
    return easting, northing


def _postcode(rng: random.Random, *, areas: Sequence[str]) -> str:
    """A postcode of one of the areas, in a district in use (SO1 to SO13 were retired, HX stops at HX7)."""
    districts = {row["area"]: (int(row["first"]), int(row["last"])) for row in table("postcode_districts")}
    area = rng.choices(areas, weights=range(len(areas) * 2, 0, -2))[0]
    district = rng.randint(*districts.get(area, (1, 9)))
    letters = "".join(rng.choices(POSTCODE_INWARD_LETTERS, k=2))
    return f"{area}{district} {rng.randint(0, 9)}{letters}"


def _school_name(rng: random.Random, *, school_type: str) -> tuple[str, str]:
    """A name as GIAS spells them, from the type's patterns: {place}, {ce} and {rc} filled in."""
    patterns = [row for row in table("school_names") if row["type"] == school_type]
    row = _weighted(rng, patterns)
    name = row["pattern"].format(
        place=place(rng),
        ce=rng.choice(words("church_of_england_dedications")),
        rc=rng.choice(words("catholic_dedications")),
    )
    return name, row["kind"]


def _opened_on(rng: random.Random, *, school_type: str) -> datetime.date | None:
    """Academies open on conversion (the first of a month), free schools in September; GIAS gives no useful
    opening date for long-established maintained schools."""
    if school_type.startswith("Academy"):
        return datetime.date(rng.randint(2011, 2024), rng.randint(1, 12), 1)
    if school_type == "Free schools":
        return datetime.date(rng.randint(2012, 2022), 9, 1)
    return None


def _authority(authority: LocalAuthority) -> dict[str, str]:
    """What `data/local_authorities.csv` says of an authority the names and weights below do not fit."""
    return {row["dfe_code"]: row for row in table("local_authorities")}.get(authority.dfe_code, {})


def _authority_weight(authority: LocalAuthority) -> float:
    """Counties have more primary schools than unitary authorities or boroughs; the City of London and the
    Isles of Scilly have one each."""
    if weight := _authority(authority).get("weight"):
        return float(weight)
    return {"E10": 4.0, "E08": 2.0}.get(authority.ons_code[:3], 1.5)


def _area_name(authority: LocalAuthority) -> str:
    """'Bristol, City of' -> 'Bristol'."""
    return authority.name.split(", ")[0]


def _council_name(authority: LocalAuthority) -> str:
    if council := _authority(authority).get("council"):
        return council
    if authority.name.endswith(", City of"):
        return f"{_area_name(authority)} City Council"
    if authority.ons_code.startswith("E09"):
        return f"London Borough of {authority.name}"
    if authority.ons_code.startswith("E10"):
        return f"{authority.name} County Council"
    return f"{_area_name(authority)} Council"
