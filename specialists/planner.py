"""The auto-allocator: a proposed plan of visits for an ICB's schools that still have days to allocate.

It proposes; it never books. The coordinator accepts the rows they want, and each accepted row goes through
`visit_allocate`, so every rule lives in one place. The plan follows what each school asked for in its
self-assessment, fills in disciplines the school has not seen yet, keeps every scheduling rule (through
`BookingCalendar`), stays within every quota and capacity, and spreads each school's visits through the rest
of the year. It is greedy and deterministic, not an optimiser: the same data gives the same plan.
"""

import copy
import dataclasses
import datetime
import time
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from icbs.models import ICB
from pins.kernel.disciplines import Discipline
from pins.kernel.units import FULL_DAY, HALF_DAY
from schools.models import BlackoutPeriod, ClosureDate, Enrolment, ProgrammeYear, SelfAssessment
from schools.selectors import holidays_of_schools
from specialists.models import (
    SESSION_DAYS,
    SESSION_SLOTS,
    Capacity,
    PlannerWeights,
    Session,
    Specialist,
    Unavailability,
    Visit,
)
from specialists.optimiser import Counts, Optimiser, PlanTotals
from specialists.rules import BookingCalendar

# How many days past a target date to look for a free one before trying another specialist.
SEARCH_DAYS = 30


REASONS = {
    "asked": "{school} asked for {discipline}",
    "new": "{school} has not had {discipline} yet",
    "more": "More {discipline} for {school}",
    "chosen": "The coordinator chose {discipline} for {school}",
}

# Why a day could not be planned: the coordinator reads these beside the plan.
NO_CAPACITY = "no_capacity"
NO_DATE = "no_date"


def purpose_for_school(discipline: str) -> str:
    """What the school reads as the visit's purpose; the planner's reason is for the coordinator only."""
    return f"{Discipline(discipline).label}: whole-school support"


@dataclasses.dataclass(frozen=True)
class UnplannedDays:
    """Days of a school's quota the plan could not place, and why."""

    enrolment: Enrolment
    days: Decimal
    cause: str  # NO_CAPACITY or NO_DATE
    disciplines: tuple[str, ...]  # the disciplines tried, as labels
    year_ends_on: datetime.date

    @property
    def why(self) -> str:
        tried = _listed(self.disciplines)
        if self.cause == NO_CAPACITY:
            return f"No capacity left in {tried}: no specialist has a half day to give"
        return (
            f"No free date before the year ends on {self.year_ends_on.day} {self.year_ends_on:%B %Y} "
            f"for a specialist with days left in {tried}"
        )


def _listed(words) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words) or "any discipline"
    return ", ".join(words[:-1]) + " or " + words[-1]


@dataclasses.dataclass
class Plan:
    """A proposed plan: its rows (pinned rows first), and the days it could not place. Iterates as its rows."""

    visits: list
    unplanned: list[UnplannedDays] = dataclasses.field(default_factory=list)
    # The plan's measures and the greedy plan's, side by side for the coordinator (the optimiser fills them).
    totals: "PlanTotals | None" = None
    greedy_totals: "PlanTotals | None" = None
    method: str = "greedy"  # which planner's rows these are: "optimiser" or "greedy"
    solver_status: str = ""  # how the optimiser's search ended (OPTIMAL, FEASIBLE, UNKNOWN), when it ran

    def __iter__(self):
        return iter(self.visits)

    def __len__(self) -> int:
        return len(self.visits)

    def __getitem__(self, index):
        return self.visits[index]

    @property
    def unplanned_days(self) -> Decimal:
        return sum((row.days for row in self.unplanned), Decimal("0.0"))


@dataclasses.dataclass(frozen=True)
class ProposedVisit:
    enrolment: Enrolment
    specialist: Specialist
    date: datetime.date
    session: Session
    reason: str  # a key of REASONS
    pinned: bool = False
    note: str = ""  # why this specialist and term, when the optimiser chose them

    @property
    def purpose(self) -> str:
        return purpose_for_school(self.specialist.discipline)

    @property
    def why(self) -> str:
        discipline = self.specialist.get_discipline_display().lower()
        why = REASONS[self.reason].format(school=self.enrolment.school.name, discipline=discipline)
        return f"{why}; {self.note}" if self.note else why

    @property
    def token(self) -> str:
        """The row as one form value: what the coordinator's ticked box sends back."""
        return f"{self.enrolment.pk}:{self.specialist.pk}:{self.date.isoformat()}:{self.session}:{self.reason}"


def proposal_from_token(token: str, *, enrolments: dict, specialists: dict) -> ProposedVisit | None:
    """A row sent back by the coordinator, if it names the ICB's own enrolment and specialist; else None."""
    try:
        enrolment_id, specialist_id, day, session, reason = token.split(":")
        enrolment, specialist = enrolments[int(enrolment_id)], specialists[int(specialist_id)]
        if reason not in REASONS:
            return None
        return ProposedVisit(enrolment, specialist, datetime.date.fromisoformat(day), Session(session), reason)
    except (ValueError, KeyError):
        return None


class _Planner:
    def __init__(self, *, icb: ICB, year: ProgrammeYear, today: datetime.date, pinned=()):
        self.year, self.today = year, today
        self.first_day = max(today + datetime.timedelta(days=1), year.starts_on)
        self.enrolments = list(
            Enrolment.objects.filter(
                icb=icb,
                programme_year=year,
                status=Enrolment.Status.ENROLLED,
                allocated_days__lt=F("quota_days"),
            )
            .select_related("school", "programme_year")
            .order_by(F("allocated_days") - F("quota_days"), "school__name")
        )
        self.wanted = {
            assessment.enrolment_id: assessment.wanted_disciplines
            for assessment in SelfAssessment.objects.filter(
                enrolment__in=self.enrolments, stage=SelfAssessment.Stage.START
            )
        }
        self.seen = defaultdict(set)
        for enrolment_id, discipline in (
            Visit.objects.booked()
            .filter(enrolment__in=self.enrolments)
            .values_list("enrolment_id", "specialist__discipline")
        ):
            self.seen[enrolment_id].add(discipline)
        capacities = list(
            Capacity.objects.filter(programme_year=year, specialist__icb=icb, specialist__active=True).values_list(
                "specialist_id", "days", "allocated_days"
            )
        )
        self.capacity_days = {specialist_id: days for specialist_id, days, _ in capacities}
        self.capacity_left = {specialist_id: days - allocated for specialist_id, days, allocated in capacities}
        self.specialists = list(Specialist.objects.filter(pk__in=self.capacity_left).order_by("full_name"))
        self.blackouts = list(BlackoutPeriod.objects.filter(programme_year=year))
        self.closures = defaultdict(list)
        for closure in ClosureDate.objects.filter(school__enrolments__in=self.enrolments, ends_on__gte=self.first_day):
            self.closures[closure.school_id].append(closure)
        self.holidays = holidays_of_schools(schools=[enrolment.school for enrolment in self.enrolments], year=year)
        self.unavailable = defaultdict(list)
        for absence in Unavailability.objects.filter(specialist__in=self.specialists, ends_on__gte=self.first_day):
            self.unavailable[absence.specialist_id].append(absence)
        # Existing bookings, then the plan's own rows as it grows, so the plan never clashes with itself.
        self.bookings = defaultdict(list)
        for visit in (
            Visit.objects.booked()
            .filter(specialist__in=self.specialists, date__gte=self.first_day)
            .select_related("enrolment__school", "specialist")
        ):
            self.bookings[visit.specialist_id].append(visit)
        self.unplanned: list[UnplannedDays] = []
        self.pinned = []
        self.planned_days = defaultdict(Decimal)
        for row in pinned:
            self._hold(row.enrolment, row.specialist, row.date, row.session, row.specialist.discipline)
            self.planned_days[row.enrolment.pk] += SESSION_DAYS[row.session]
            self.pinned.append(dataclasses.replace(row, pinned=True))
        # What each school has had or will have before this plan's own rows: a discipline "new" to it is not here.
        self.seen_before = {pk: frozenset(disciplines) for pk, disciplines in self.seen.items()}
        self.seen_before = defaultdict(frozenset, self.seen_before)

    def fork(self) -> "_Planner":
        """A copy to plan on, sharing what was loaded but with its own diary, capacities and plan."""
        twin = copy.copy(self)
        twin.capacity_left = dict(self.capacity_left)
        twin.bookings = defaultdict(list, {pk: list(visits) for pk, visits in self.bookings.items()})
        twin.seen = defaultdict(set, {pk: set(disciplines) for pk, disciplines in self.seen.items()})
        twin.planned_days = defaultdict(Decimal, self.planned_days)
        twin.unplanned = []
        return twin

    def _hold(self, enrolment, specialist, day, session, discipline) -> None:
        """Count a planned row against the specialist's diary and capacity, so later rows plan around it."""
        slot_start, slot_end = SESSION_SLOTS[session]
        planned = Visit(enrolment=enrolment, specialist=specialist, date=day, session=session)
        planned.slot_start, planned.slot_end, planned.days = slot_start, slot_end, SESSION_DAYS[session]
        self.bookings[specialist.pk].append(planned)
        if specialist.pk in self.capacity_left:
            self.capacity_left[specialist.pk] -= planned.days
        self.seen[enrolment.pk].add(discipline)

    def calendar_for(self, enrolment: Enrolment, specialist: Specialist) -> BookingCalendar:
        """The booking rules for this school and specialist, from what the planner loaded."""
        return BookingCalendar.from_loaded(
            enrolment=enrolment,
            specialist=specialist,
            blackouts=self.blackouts,
            closures=self.closures[enrolment.school_id],
            holidays=self.holidays[enrolment.school_id],
            unavailable=self.unavailable[specialist.pk],
            bookings=self.bookings[specialist.pk],
            today=self.today,
        )

    def problems(self, row: "ProposedVisit") -> list[str]:
        """Every rule a row (one the coordinator edited or pinned) breaks, against what is booked and held."""
        if row.enrolment.school_id not in self.holidays:
            return [f"{row.enrolment.school.name} has no days left to allocate"]
        calendar = self.calendar_for(row.enrolment, row.specialist)
        return [problem.message for problem in calendar.problems(row.date, row.session)]

    def reason_for(self, enrolment: Enrolment, discipline: str) -> str:
        """Why a discipline for the school, as a key of REASONS."""
        if discipline in self.wanted.get(enrolment.pk, ()):
            return "asked"
        return "more" if discipline in self.seen_before[enrolment.pk] else "new"

    def _disciplines_for(self, enrolment: Enrolment) -> list[tuple[str, str]]:
        """The disciplines to offer the school, in order, each with its reason (a key of REASONS)."""
        labels = dict(Discipline.choices)
        seen = self.seen[enrolment.pk]
        wanted = [d for d in self.wanted.get(enrolment.pk, []) if d in labels]
        order = [(d, "asked") for d in wanted if d not in seen]
        order += [(d, "new") for d in labels if d not in wanted and d not in seen]
        order += [(d, "asked") for d in wanted if d in seen]
        return order or [(d, "more") for d in labels]

    def _free_slot(self, enrolment, specialist, sessions, target: datetime.date, days: int = SEARCH_DAYS):
        """The first day from `target` (within `days`) on which one of `sessions` is free, and that session."""
        calendar = self.calendar_for(enrolment, specialist)
        day = target
        last = min(target + datetime.timedelta(days=days), self.year.ends_on)
        while day <= last:
            for session in sessions:
                if calendar.is_free(day, session):
                    return day, session
            day += datetime.timedelta(days=1)
        return None

    def plan(self) -> Plan:
        proposals = list(self.pinned)
        span = (self.year.ends_on - self.first_day).days
        for enrolment in self.enrolments:
            remaining = enrolment.quota_days - enrolment.allocated_days - self.planned_days[enrolment.pk]
            if remaining <= 0:
                continue
            disciplines = self._disciplines_for(enrolment)
            if span < 0:
                self._give_up(enrolment, remaining, disciplines)
                continue
            visits_needed = int(remaining) + (1 if remaining % 1 else 0)  # full days, then a half day
            for number in range(visits_needed):
                target = self.first_day + datetime.timedelta(days=span * number // max(visits_needed, 1))
                # Each visit starts from the next discipline in the school's order, so its days are shared out.
                rotated = disciplines[number % len(disciplines) :] + disciplines
                proposal = self._place(enrolment, remaining, target, rotated)
                if proposal is None:
                    # Nothing near the target: any free date to the end of the year will do.
                    proposal = self._place(enrolment, remaining, self.first_day, rotated, days=span)
                if proposal is None:
                    self._give_up(enrolment, remaining, disciplines)
                    break
                proposals.append(proposal)
                remaining -= SESSION_DAYS[proposal.session]
        return Plan(proposals, self.unplanned)

    def _give_up(self, enrolment, remaining: Decimal, disciplines) -> None:
        """Record the school's days left unplanned, with the cause a coordinator can act on."""
        tried = list(dict.fromkeys(discipline for discipline, _ in disciplines))
        has_capacity = any(s.discipline in tried and self.capacity_left[s.pk] >= HALF_DAY for s in self.specialists)
        labels = dict(Discipline.choices)
        self.unplanned.append(
            UnplannedDays(
                enrolment=enrolment,
                days=remaining,
                cause=NO_DATE if has_capacity else NO_CAPACITY,
                disciplines=tuple(labels[d].lower() for d in tried),
                year_ends_on=self.year.ends_on,
            )
        )

    def _place(self, enrolment, remaining: Decimal, target, disciplines, days=SEARCH_DAYS) -> ProposedVisit | None:
        for discipline, reason in disciplines:
            candidates = sorted(
                (s for s in self.specialists if s.discipline == discipline and self.capacity_left[s.pk] >= HALF_DAY),
                key=lambda s: (-self.capacity_left[s.pk], s.full_name),
            )
            for specialist in candidates:
                full = remaining >= FULL_DAY and self.capacity_left[specialist.pk] >= FULL_DAY
                sessions = [Session.FULL_DAY] if full else [Session.MORNING, Session.AFTERNOON]
                found = self._free_slot(enrolment, specialist, sessions, target, days)
                if found is None:
                    continue
                day, session = found
                self._hold(enrolment, specialist, day, session, discipline)
                return ProposedVisit(enrolment, specialist, day, session, reason)
        return None


def plan_visits(
    *,
    icb: ICB,
    year: ProgrammeYear,
    today: datetime.date | None = None,
    pinned=(),
    optimise: bool = True,
    weights: "PlannerWeights | None" = None,
    seconds: float | None = None,
) -> Plan:
    """A plan for every enrolled school of the ICB with days left, keeping the `pinned` rows (the coordinator's,
    checked first with `pinned_problems`): a fixed handful of queries to load the ICB's calendars, then all the
    planning in memory. The optimiser plans unless `optimise` is off; it is given `seconds` (the
    PINS_PLANNER_SECONDS setting) and keeps the greedy plan when it finds nothing better."""
    planner = _Planner(icb=icb, year=year, today=today or timezone.localdate(), pinned=pinned)
    if not optimise:
        return planner.plan()
    return _optimised(
        planner,
        weights=weights or PlannerWeights.configured(),
        seconds=settings.PINS_PLANNER_SECONDS if seconds is None else seconds,
    )


def _optimised(planner: _Planner, *, weights: "PlannerWeights", seconds: float) -> Plan:
    deadline = time.perf_counter() + seconds
    greedy = planner.fork().plan()
    optimiser = Optimiser(planner, weights=weights, deadline=deadline)
    counts = optimiser.count(greedy.visits)
    scoring = optimiser.scoring
    greedy_rows = [row for row in greedy if not row.pinned]
    greedy.totals = greedy.greedy_totals = scoring.totals(greedy_rows, greedy.unplanned_days)
    greedy.solver_status = optimiser.status
    if counts is None:
        return greedy
    rows = [
        ProposedVisit(
            enrolment, specialist, day, session, planner.reason_for(enrolment, specialist.discipline), note=note
        )
        for enrolment, specialist, day, session, note in optimiser.date(counts)
    ]
    planned = defaultdict(Decimal)
    for row in rows:
        planned[row.enrolment.pk] += SESSION_DAYS[row.session]
    for enrolment in planner.enrolments:
        left = enrolment.quota_days - enrolment.allocated_days - planner.planned_days[enrolment.pk]
        if left - planned[enrolment.pk] > 0:
            planner._give_up(enrolment, left - planned[enrolment.pk], planner._disciplines_for(enrolment))
    unplanned_days = sum((row.days for row in planner.unplanned), Decimal("0.0"))
    if scoring.score(Counts.of(rows, optimiser.terms)) < scoring.score(Counts.of(greedy_rows, optimiser.terms)):
        return greedy
    return Plan(
        list(planner.pinned) + rows,
        planner.unplanned,
        totals=scoring.totals(rows, unplanned_days),
        greedy_totals=greedy.greedy_totals,
        method="optimiser",
        solver_status=optimiser.status,
    )


def pinned_problems(
    *, icb: ICB, year: ProgrammeYear, rows, today: datetime.date | None = None
) -> list[tuple["ProposedVisit", str]]:
    """Each rule the coordinator's kept rows break, against the bookings and against each other, as (row, message)."""
    planner = _Planner(icb=icb, year=year, today=today or timezone.localdate())
    found = []
    for row in rows:
        found += [(row, message) for message in planner.problems(row)]
        planner._hold(row.enrolment, row.specialist, row.date, row.session, row.specialist.discipline)
    return found
