"""The optimiser behind "Suggest visits": CP-SAT plans how many half-days each specialist gives each school in
each term, then dates them from the slots `BookingCalendar` allows (docs/adr/0022).

Stage 1 counts: integer half-days and visits per (specialist, school, term), within each school's days left,
each specialist's capacity left and the free slots each has in each term, maximising `PlannerWeights`' score.
Stage 2 dates: each counted visit goes on a date and session that the school's and the specialist's calendars
both allow, spread through the term, and is re-checked against the full `BookingCalendar` with the plan's own
rows before it is kept. The greedy plan is the solver's starting point, and is kept whenever the optimiser's plan
does not score higher (the solver ran out of time, or dating lost what counting gained).
"""

import dataclasses
import datetime
import math
import time
from collections import defaultdict
from decimal import Decimal

from ortools.sat.python import cp_model

from pins.kernel.disciplines import Discipline
from pins.kernel.units import HALF_DAY
from schools.models import BlackoutPeriod, ClosureDate, SelfAssessment
from schools.selectors import holidays_of
from specialists.models import SESSION_DAYS, Capacity, PlannerWeights, Session, Unavailability, Visit
from specialists.rules import BookingCalendar

# The specialists of a discipline the model considers for a school, nearest first: the rest are too far away
# to win on travel, and leaving them out keeps the model small enough to solve in about a second.
NEAREST_PER_DISCIPLINE = 4
SOLVER_SEED = 1


@dataclasses.dataclass(frozen=True)
class Term:
    name: str
    first: datetime.date
    last: datetime.date


def terms_of(year, first_day: datetime.date) -> list[Term]:
    """The year's three terms from `first_day`: autumn to December, spring to March, summer from April (the
    Easter holidays fall about the turn of March, so the months are a fair split for every school's dates)."""
    start_year = year.starts_on.year
    bounds = [
        ("autumn", year.starts_on, datetime.date(start_year, 12, 31)),
        ("spring", datetime.date(start_year + 1, 1, 1), datetime.date(start_year + 1, 3, 31)),
        ("summer", datetime.date(start_year + 1, 4, 1), year.ends_on),
    ]
    return [Term(name, max(first, first_day), last) for name, first, last in bounds if last >= first_day]


PRACTITIONERS = {
    Discipline.OCCUPATIONAL_THERAPY: "occupational therapist",
    Discipline.SPEECH_AND_LANGUAGE_THERAPY: "speech and language therapist",
    Discipline.MENTAL_HEALTH: "mental health practitioner",
    Discipline.EDUCATIONAL_PSYCHOLOGY: "educational psychologist",
    Discipline.SPECIALIST_NURSING: "specialist nurse",
    Discipline.SPECIALIST_TEACHING: "specialist teacher",
}


def km_between(specialist, school) -> float:
    """Straight-line kilometres by easting and northing; unknown places count as 0 (nothing to weigh)."""
    if None in (specialist.easting, specialist.northing, school.easting, school.northing):
        return 0.0
    return math.hypot(specialist.easting - school.easting, specialist.northing - school.northing) / 1000


class Slots:
    """The (date, session) slots each school and each specialist has free, listed through `BookingCalendar`.

    Every rule is about the school alone or the specialist alone, so a slot is free for a pair exactly when it
    is free on the school's calendar (with no bookings or leave) and on the specialist's (with no holidays or
    closures). The pair's slots are only candidates: each dated row is re-checked with the full calendar."""

    def __init__(self, planner, specialists, enrolments):
        self.planner = planner
        self.days = []
        day = planner.first_day
        while day <= planner.year.ends_on:
            if day.weekday() < 5:
                self.days.append(day)
            day += datetime.timedelta(days=1)
        self.school = {e.pk: self._free(e, self._anyone(specialists), school_side=True) for e in enrolments}
        some_enrolment = enrolments[0] if enrolments else None
        self.specialist = {s.pk: self._free(some_enrolment, s, school_side=False) for s in specialists}

    @staticmethod
    def _anyone(specialists):
        return specialists[0] if specialists else None

    def _free(self, enrolment, specialist, *, school_side: bool) -> dict[datetime.date, set[Session]]:
        planner = self.planner
        if enrolment is None or specialist is None:
            return {}
        calendar = BookingCalendar.from_loaded(
            enrolment=enrolment,
            specialist=specialist,
            blackouts=planner.blackouts,
            closures=planner.closures[enrolment.school_id] if school_side else [],
            holidays=planner.holidays.get(enrolment.school_id, []) if school_side else [],
            unavailable=[] if school_side else planner.unavailable[specialist.pk],
            bookings=[] if school_side else planner.bookings[specialist.pk],
            today=planner.today,
        )
        free = {}
        for day in self.days:
            sessions = {session for session in Session if calendar.is_free(day, session)}
            if sessions:
                free[day] = sessions
        return free

    def joint(self, specialist_id, enrolment_id) -> dict[datetime.date, set[Session]]:
        mine, theirs = self.specialist[specialist_id], self.school[enrolment_id]
        return {day: mine[day] & theirs[day] for day in mine.keys() & theirs.keys() if mine[day] & theirs[day]}


def half_days_in(free: dict[datetime.date, set[Session]], term: Term) -> tuple[int, int]:
    """(half-days, dates) free within the term."""
    half_days = dates = 0
    for day, sessions in free.items():
        if term.first <= day <= term.last:
            dates += 1
            half_days += 2 if Session.FULL_DAY in sessions else len(sessions)
    return half_days, dates


@dataclasses.dataclass
class Counted:
    """Stage 1's answer: (full-day, half-day) visits per (specialist id, enrolment id), and each school's visits
    per (enrolment id, term index)."""

    visits: dict = dataclasses.field(default_factory=dict)
    in_term: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Counts:
    """Half-days and visits per (specialist id, enrolment id, term index)."""

    half_days: dict = dataclasses.field(default_factory=lambda: defaultdict(int))
    visits: dict = dataclasses.field(default_factory=lambda: defaultdict(int))

    @classmethod
    def of(cls, rows, terms) -> "Counts":
        counts = cls()
        for row in rows:
            key = (row.specialist.pk, row.enrolment.pk, term_index(terms, row.date))
            counts.half_days[key] += int(SESSION_DAYS[row.session] * 2)
            counts.visits[key] += 1
        return counts


def term_index(terms, day) -> int:
    for index, term in enumerate(terms):
        if term.first <= day <= term.last:
            return index
    return len(terms) - 1


@dataclasses.dataclass(frozen=True)
class PlanTotals:
    """A plan's measures, as the coordinator compares two plans and as bench/planner.py reports them."""

    days_planned: Decimal
    days_plannable: Decimal  # every enrolled school's days left to allocate (after the pinned rows)
    days_at_asking_schools: Decimal  # planned days at schools whose start self-assessment asked for disciplines
    days_requested: Decimal  # ... of which in a discipline the school asked for
    schools_asking: int  # schools with a request and planned days
    schools_without_request: int  # ... none of whose planned days is in a discipline it asked for
    visits: int
    km: float
    visits_by_term: tuple[tuple[str, int, int], ...]  # (term, visits, the term's share of school days left, %)
    utilisation_spread: float  # coefficient of variation of specialists' utilisation (lower is more even)

    @property
    def requested_share(self) -> float:
        return float(self.days_requested / self.days_at_asking_schools) if self.days_at_asking_schools else 1.0

    @property
    def km_per_visit(self) -> float:
        return self.km / self.visits if self.visits else 0.0

    def term_shares(self) -> list[tuple[str, float, int]]:
        """(term, share of the plan's visits %, share of school days left %)."""
        return [(name, 100 * visits / (self.visits or 1), share) for name, visits, share in self.visits_by_term]


class Scoring:
    """The objective, for the model and for any plan's rows, so the greedy's and the optimiser's compare."""

    def __init__(self, planner, weights: PlannerWeights, terms, slots: Slots):
        self.planner, self.weights, self.terms = planner, weights, terms
        self.enrolments = {e.pk: e for e in planner.enrolments}
        self.specialists = {s.pk: s for s in planner.specialists}
        # The ICB's school-days left in each term, as whole percentages of the year's rest: each term's share.
        open_days = [sum(half_days_in(free, term)[1] for free in slots.school.values()) for term in terms]
        total = sum(open_days) or 1
        self.term_share = [round(100 * days / total) for days in open_days]
        # Capacity and use in half-days (before the plan, after the pinned rows).
        self.capacity = {pk: int(days * 2) for pk, days in planner.capacity_days.items() if days > 0}
        self.used = {pk: int((planner.capacity_days[pk] - planner.capacity_left[pk]) * 2) for pk in self.capacity}
        self.km = {}
        self.remaining = {
            e.pk: int((e.quota_days - e.allocated_days - planner.planned_days[e.pk]) * 2) for e in planner.enrolments
        }
        # The ICB's mean utilisation, in whole percent, once every day that can be planned is.
        capacity = sum(self.capacity.values())
        plannable = sum(
            int((e.quota_days - e.allocated_days - planner.planned_days[e.pk]) * 2) for e in planner.enrolments
        )
        left = capacity - sum(self.used.values())
        self.mean_utilisation = (
            round(100 * (sum(self.used.values()) + min(plannable, left)) / capacity) if capacity else 0
        )

    def km_of(self, specialist_id, enrolment_id) -> int:
        key = (specialist_id, enrolment_id)
        if key not in self.km:
            self.km[key] = round(km_between(self.specialists[specialist_id], self.enrolments[enrolment_id].school))
        return self.km[key]

    def per_half_day(self, specialist_id, enrolment_id) -> int:
        weights, discipline = self.weights, self.specialists[specialist_id].discipline
        requested = discipline in self.planner.wanted.get(enrolment_id, ())
        return weights.half_day_planned + (weights.half_day_requested if requested else 0)

    def new_discipline(self, enrolment_id, discipline) -> int:
        """The bonus, once, for a first visit in a discipline the school has not had before."""
        if discipline in self.planner.seen_before[enrolment_id]:
            return 0
        requested = discipline in self.planner.wanted.get(enrolment_id, ())
        return self.weights.discipline_new + (self.weights.requested_discipline_new if requested else 0)

    def per_visit(self, specialist_id, enrolment_id) -> int:
        return -(self.weights.per_visit + self.weights.per_km_per_visit * self.km_of(specialist_id, enrolment_id))

    def utilisation_gap(self, used_by) -> int:
        """Sum over specialists of whole percentage points of utilisation away from the ICB's mean (rounded up)."""
        gap = 0
        for pk, own in self.capacity.items():
            difference = abs(100 * (self.used[pk] + used_by.get(pk, 0)) - self.mean_utilisation * own)
            gap += -(-difference // own)
        return gap

    def expected_visits(self, remaining) -> int:
        """The visits a plan of full days (and a half day where a school has one left) needs: the figure each
        term's share is taken of."""
        return sum((left + 1) // 2 for left in remaining.values())

    def totals(self, rows, unplanned_days: Decimal) -> PlanTotals:
        wanted = self.planner.wanted
        days_planned = sum((SESSION_DAYS[row.session] for row in rows), Decimal("0.0"))
        asking = [row for row in rows if wanted.get(row.enrolment.pk)]
        met = [row for row in asking if row.specialist.discipline in wanted[row.enrolment.pk]]
        schools_asking = {row.enrolment.pk for row in asking}
        visits_by_term = [0] * len(self.terms)
        used_by = defaultdict(int)
        for row in rows:
            visits_by_term[term_index(self.terms, row.date)] += 1
            used_by[row.specialist.pk] += int(SESSION_DAYS[row.session] * 2)
        utilisation = [(self.used[pk] + used_by[pk]) / own for pk, own in self.capacity.items()]
        mean = sum(utilisation) / len(utilisation) if utilisation else 0
        spread = math.sqrt(sum((u - mean) ** 2 for u in utilisation) / len(utilisation)) / mean if mean else 0.0
        return PlanTotals(
            days_planned=days_planned,
            days_plannable=days_planned + unplanned_days,
            days_at_asking_schools=sum((SESSION_DAYS[row.session] for row in asking), Decimal("0.0")),
            days_requested=sum((SESSION_DAYS[row.session] for row in met), Decimal("0.0")),
            schools_asking=len(schools_asking),
            schools_without_request=len(schools_asking - {row.enrolment.pk for row in met}),
            visits=len(rows),
            km=sum(km_between(row.specialist, row.enrolment.school) for row in rows),
            visits_by_term=tuple(
                (term.name, visits, share)
                for term, visits, share in zip(self.terms, visits_by_term, self.term_share, strict=True)
            ),
            utilisation_spread=spread,
        )

    def score(self, counts: Counts) -> int:
        """The objective of a plan's rows, as the model counts it."""
        weights, score = self.weights, 0
        used_by, terms_with_visit, disciplines = defaultdict(int), set(), set()
        visits_in_term = [0] * len(self.terms)
        for (specialist_id, enrolment_id, term), half_days in counts.half_days.items():
            visits = counts.visits[(specialist_id, enrolment_id, term)]
            score += half_days * self.per_half_day(specialist_id, enrolment_id)
            score += visits * self.per_visit(specialist_id, enrolment_id)
            used_by[specialist_id] += half_days
            terms_with_visit.add((enrolment_id, term))
            disciplines.add((enrolment_id, self.specialists[specialist_id].discipline))
            visits_in_term[term] += visits
        score += weights.term_with_visit * len(terms_with_visit)
        score += sum(self.new_discipline(enrolment_id, discipline) for enrolment_id, discipline in disciplines)
        expected = self.expected_visits(self.remaining)
        score -= weights.visit_above_term_share * sum(
            -(-max(0, 100 * visits - share * expected) // 100)
            for visits, share in zip(visits_in_term, self.term_share, strict=True)
        )
        return score - weights.utilisation_point_from_mean * self.utilisation_gap(used_by)


class Optimiser:
    """Plans the days a `_Planner` (loaded, pinned rows held) has left to plan; `greedy` is its plan's rows."""

    def __init__(self, planner, *, weights: PlannerWeights, deadline: float):
        """`deadline` is a `time.perf_counter()` reading by which the search must have stopped."""
        self.planner, self.weights, self.deadline = planner, weights, deadline
        self.terms = terms_of(planner.year, planner.first_day)
        self.remaining = {
            e.pk: int((e.quota_days - e.allocated_days - planner.planned_days[e.pk]) * 2) for e in planner.enrolments
        }
        self.enrolments = [e for e in planner.enrolments if self.remaining[e.pk] > 0]
        self.specialists = [s for s in planner.specialists if planner.capacity_left[s.pk] >= HALF_DAY]
        self.slots = Slots(planner, planner.specialists, self.enrolments)
        self.scoring = Scoring(planner, weights, self.terms, self.slots)
        self.status = "not solved"

    # Stage 1: how many half-days and visits per specialist, school and term.
    def candidates(self, greedy_rows) -> list[tuple[int, int]]:
        """(specialist, enrolment) pairs worth a variable: the nearest few of each discipline, and the greedy's."""
        pairs = {(row.specialist.pk, row.enrolment.pk) for row in greedy_rows if not row.pinned}
        by_discipline = defaultdict(list)
        for specialist in self.specialists:
            by_discipline[specialist.discipline].append(specialist)
        for enrolment in self.enrolments:
            for specialists in by_discipline.values():
                nearest = sorted(specialists, key=lambda s: (km_between(s, enrolment.school), s.full_name))
                pairs.update((s.pk, enrolment.pk) for s in nearest[:NEAREST_PER_DISCIPLINE])
        return sorted(pairs)

    def count(self, greedy_rows) -> "Counted | None":
        """Full-day and half-day visits per (specialist, school), and each school's visits per term."""
        planner, scoring, weights, terms = self.planner, self.scoring, self.weights, self.terms
        model = cp_model.CpModel()
        full, half = {}, {}
        for specialist_id, enrolment_id in self.candidates(greedy_rows):
            joint = self.slots.joint(specialist_id, enrolment_id)
            dates = len(joint)
            full_dates = sum(1 for sessions in joint.values() if Session.FULL_DAY in sessions)
            cap = min(self.remaining[enrolment_id], int(planner.capacity_left[specialist_id] * 2))
            if not dates or not cap:
                continue
            key = (specialist_id, enrolment_id)
            full[key] = model.new_int_var(0, min(cap // 2, full_dates), f"full{key}")
            # One half-day visit at most: two would be better as a full day.
            half[key] = model.new_bool_var(f"half{key}")
        if not full:
            return None

        def half_days(key):
            return 2 * full[key] + half[key]

        def visits(key):
            return full[key] + half[key]

        by_enrolment, by_specialist, by_discipline = defaultdict(list), defaultdict(list), defaultdict(list)
        for key in full:
            by_enrolment[key[1]].append(key)
            by_specialist[key[0]].append(key)
            by_discipline[(key[1], scoring.specialists[key[0]].discipline)].append(key)
        for enrolment_id, keys in by_enrolment.items():
            model.add(sum(half_days(key) for key in keys) <= self.remaining[enrolment_id])
        for specialist_id, keys in by_specialist.items():
            model.add(sum(half_days(key) for key in keys) <= int(planner.capacity_left[specialist_id] * 2))

        objective = [
            scoring.per_half_day(*key) * half_days(key) + scoring.per_visit(*key) * visits(key) for key in full
        ]
        # Disciplines new to a school, each counted once: a school that asked for nothing meets several.
        for (enrolment_id, discipline), keys in by_discipline.items():
            if bonus := scoring.new_discipline(enrolment_id, discipline):
                had = model.new_bool_var(f"new{enrolment_id}{discipline}")
                model.add(had <= sum(visits(key) for key in keys))
                objective.append(bonus * had)
        # Terms with a visit: as many as the school has visits, up to the terms it is open in (which visits go in
        # which term is decided after, with each term's share of the ICB's visits: see `share_among_terms`).
        for enrolment_id, keys in by_enrolment.items() if weights.term_with_visit else ():
            open_terms = sum(1 for term in terms if half_days_in(self.slots.school[enrolment_id], term)[1])
            covered = model.new_int_var(0, open_terms, f"terms{enrolment_id}")
            model.add(covered <= sum(visits(key) for key in keys))
            objective.append(weights.term_with_visit * covered)
        # Each specialist's utilisation, in percentage points away from the ICB's mean once every day that can be
        # planned is (a fixed figure: the mean of the plan's own utilisations makes the model much harder).
        for pk, own in scoring.capacity.items() if weights.utilisation_point_from_mean else ():
            gap = model.new_int_var(0, 100, f"gap{pk}")
            used = 100 * (scoring.used[pk] + sum(half_days(key) for key in by_specialist.get(pk, [])))
            model.add(own * gap >= used - scoring.mean_utilisation * own)
            model.add(own * gap >= scoring.mean_utilisation * own - used)
            objective.append(-weights.utilisation_point_from_mean * gap)
        model.maximize(sum(objective))

        hint = Counts.of([row for row in greedy_rows if not row.pinned], terms)
        hinted_full, hinted_half = defaultdict(int), defaultdict(int)
        for (specialist_id, enrolment_id, _), count in hint.half_days.items():
            hinted_full[(specialist_id, enrolment_id)] += count // 2
            hinted_half[(specialist_id, enrolment_id)] += count % 2
        for key in full:
            model.add_hint(full[key], hinted_full[key])
            model.add_hint(half[key], min(hinted_half[key], 1))

        self._complete_the_hint(model)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SOLVER_SEED
        # The linear relaxation's cuts prove these models optimal in about a second; the default search does not.
        solver.parameters.linearization_level = 2
        solver.parameters.max_time_in_seconds = self._seconds_left()
        status = solver.solve(model)
        self.status = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        counted = Counted()
        for key in full:
            if solver.value(full[key]) or solver.value(half[key]):
                counted.visits[key] = (solver.value(full[key]), solver.value(half[key]))
        self.share_among_terms(counted)
        return counted

    def _seconds_left(self) -> float:
        """Until the deadline, less a margin for dating the visits after (a tenth of a second for 40 schools)."""
        margin = 0.1 + 0.002 * len(self.enrolments)
        return max(0.0, self.deadline - time.perf_counter() - margin)

    def _complete_the_hint(self, model) -> None:
        """The greedy plan as a value for every variable, not just the counts: on a large ICB the solver does not
        find the rest by itself in time, and would return nothing."""
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.max_time_in_seconds = self._seconds_left()
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return
        variables = [model.get_int_var_from_proto_index(i) for i in range(len(model.proto.variables))]
        values = [solver.value(variable) for variable in variables]
        model.clear_hints()
        for variable, value in zip(variables, values, strict=True):
            model.add_hint(variable, value)

    def share_among_terms(self, counted: Counted) -> None:
        """Each school's visits among the terms: first one in each term it is open in, as far as its visits go
        (the term with most room below its share first), then each further visit in the term furthest below its
        share of the ICB's visits. Schools with fewest visits go first, as they have least to share."""
        terms, scoring = self.terms, self.scoring
        visits_of = defaultdict(int)
        for (_, enrolment_id), (full_days, half_days) in counted.visits.items():
            visits_of[enrolment_id] += full_days + half_days
        expected = scoring.expected_visits(self.remaining)
        target = [share * expected / 100 for share in scoring.term_share]
        in_term = [0] * len(terms)
        for enrolment_id in sorted(visits_of, key=lambda pk: (visits_of[pk], pk)):
            open_dates = [half_days_in(self.slots.school[enrolment_id], term)[1] for term in terms]
            given = [0] * len(terms)
            for _ in range(visits_of[enrolment_id]):
                room = [n for n in range(len(terms)) if given[n] < open_dates[n]]
                if not room:
                    break
                chosen = max(room, key=lambda n: (given[n] == 0, target[n] - in_term[n], -n))
                given[chosen] += 1
                in_term[chosen] += 1
            for number, count in enumerate(given):
                counted.in_term[(enrolment_id, number)] = count

    # Stage 2: dates for the counted visits.
    def date(self, counted: Counted) -> list:
        """Dated rows for the counts: each school's visits shared among the terms as counted, spread through each
        term, and re-checked with `BookingCalendar` against what is booked and what the plan holds. A visit with
        no date left is dropped and its days reported unplanned by the caller."""
        planner, terms = self.planner, self.terms
        by_school = defaultdict(list)
        for (specialist_id, enrolment_id), (full_days, half_days) in sorted(counted.visits.items()):
            by_school[enrolment_id] += [(specialist_id, Session.FULL_DAY)] * full_days
            by_school[enrolment_id] += [(specialist_id, Session.MORNING)] * half_days
        by_school_term = defaultdict(list)
        for enrolment_id, planned in by_school.items():
            in_terms = [n for n in range(len(terms)) for _ in range(counted.in_term.get((enrolment_id, n), 0))]
            for visit, term_number in zip(planned, in_terms, strict=False):
                by_school_term[(enrolment_id, term_number)].append(visit)
        enrolments = {e.pk: e for e in self.enrolments}
        specialists = {s.pk: s for s in planner.specialists}
        school_dates = defaultdict(set)
        rows = []
        # Schools with the fewest free dates are dated first, as they have the least room to move.
        order = sorted(by_school_term, key=lambda key: (len(self.slots.school[key[0]]), key))
        for enrolment_id, term_number in order:
            term, enrolment = terms[term_number], enrolments[enrolment_id]
            planned = by_school_term[(enrolment_id, term_number)]
            open_dates = sorted(day for day in self.slots.school[enrolment_id] if term.first <= day <= term.last)
            for number, (specialist_id, session) in enumerate(planned):
                target = open_dates[(2 * number + 1) * len(open_dates) // (2 * len(planned))]
                specialist = specialists[specialist_id]
                found = self._first_free(enrolment, specialist, session, target, term, school_dates[enrolment_id])
                if found is None:  # the term filled up while dating: any other term's free date will do
                    whole_year = Term(term.name, self.slots.days[0], self.slots.days[-1])
                    found = self._first_free(
                        enrolment, specialist, session, target, whole_year, school_dates[enrolment_id]
                    )
                if found is None:
                    continue
                day, session = found
                planner._hold(enrolment, specialist, day, session, specialist.discipline)
                school_dates[enrolment_id].add(day)
                rows.append((enrolment, specialist, day, session, self.note(enrolment, specialist, day)))
        return rows

    def note(self, enrolment, specialist, day) -> str:
        """Why this specialist and term: "nearest speech and language therapist with time in the spring term"."""
        same = sorted(
            (s for s in self.planner.specialists if s.discipline == specialist.discipline),
            key=lambda s: (km_between(s, enrolment.school), s.full_name),
        )
        rank = same.index(specialist)
        who = PRACTITIONERS.get(specialist.discipline, "specialist")
        term = self.terms[term_index(self.terms, day)].name
        km = round(km_between(specialist, enrolment.school))
        if None in (specialist.easting, specialist.northing, enrolment.school.easting, enrolment.school.northing):
            return f"{who} with time in the {term} term"
        if rank == 0:
            return f"nearest {who} ({km} km), with time in the {term} term"
        nearer = "the nearer one has" if rank == 1 else f"the {rank} nearer have"
        return f"{who} {km} km away, with time in the {term} term ({nearer} less time to spare)"

    def _first_free(self, enrolment, specialist, session, target, term, taken):
        calendar = self.planner.calendar_for(enrolment, specialist)
        joint = self.slots.joint(specialist.pk, enrolment.pk)
        in_term = sorted(
            (day for day in joint if term.first <= day <= term.last),
            key=lambda day: (day in taken, abs((day - target).days), day),
        )
        sessions = [Session.FULL_DAY] if session == Session.FULL_DAY else [Session.MORNING, Session.AFTERNOON]
        for day in in_term:
            for candidate in sessions:
                if candidate in joint[day] and calendar.is_free(day, candidate):
                    return day, candidate
        return None


@dataclasses.dataclass(frozen=True)
class RecommendedSlot:
    """A visit to suggest for one school on the allocation and reschedule forms, with why it ranks where it does."""

    specialist: object
    date: datetime.date
    session: Session
    why: str
    score: int


def recommended_slots(
    *,
    enrolment,
    today: datetime.date,
    session: Session | None = None,
    ignoring=None,
    count: int = 5,
    weights: PlannerWeights | None = None,
) -> list[RecommendedSlot]:
    """The best `count` (specialist, date, session) for the school by the planner's own scoring: for each of the
    ICB's specialists with capacity left and each term, the first date `BookingCalendar` allows. `session` is
    the visit's when rescheduling (`ignoring` it, so its own slot and days are free); otherwise a full day while
    the school has one left. A fixed handful of queries, whatever the ICB's size."""
    weights = weights or PlannerWeights.configured()
    year, school = enrolment.programme_year, enrolment.school
    first_day = max(today + datetime.timedelta(days=1), year.starts_on)
    terms = terms_of(year, first_day)
    if not terms:
        return []
    freed = ignoring.days if ignoring is not None else Decimal(0)
    left = enrolment.quota_days - enrolment.allocated_days + freed
    if session is None:
        session = Session.FULL_DAY if left >= 1 else Session.MORNING
    needed = SESSION_DAYS[session]
    if left < needed:
        return []
    capacities = list(
        Capacity.objects.filter(
            programme_year=year, specialist__icb_id=enrolment.icb_id, specialist__active=True
        ).select_related("specialist")
    )
    specialists = [capacity.specialist for capacity in capacities]
    bookings = Visit.objects.booked().filter(specialist__in=specialists, date__gte=first_day)
    if ignoring is not None:
        bookings = bookings.exclude(pk=ignoring.pk)
    booked = defaultdict(list)
    for visit in bookings.select_related("enrolment__school", "specialist"):
        booked[visit.specialist_id].append(visit)
    absences = defaultdict(list)
    for absence in Unavailability.objects.filter(specialist__in=specialists, ends_on__gte=first_day):
        absences[absence.specialist_id].append(absence)
    blackouts = list(BlackoutPeriod.objects.filter(programme_year=year))
    closures = list(ClosureDate.objects.filter(school=school, ends_on__gte=first_day))
    holidays = holidays_of(school=school, year=year)
    assessment = SelfAssessment.objects.filter(enrolment=enrolment, stage=SelfAssessment.Stage.START).first()
    wanted = set(assessment.wanted_disciplines) if assessment else set()
    had = Visit.objects.booked().filter(enrolment=enrolment)
    if ignoring is not None:
        had = had.exclude(pk=ignoring.pk)
    seen = set(had.values_list("specialist__discipline", flat=True))
    school_terms = {
        term_index(terms, visit.date) for visits in booked.values() for visit in visits if visit.enrolment == enrolment
    }

    # Utilisation in half-days, with the visit being moved given back.
    used = {c.specialist_id: int(c.allocated_days * 2) for c in capacities}
    if ignoring is not None and ignoring.specialist_id in used:
        used[ignoring.specialist_id] -= int(ignoring.days * 2)
    own = {c.specialist_id: int(c.days * 2) for c in capacities}
    everyone = sum(own.values())
    mean = 100 * sum(used.values()) / everyone if everyone else 0
    half_days = int(needed * 2)

    def gap(pk, extra=0) -> float:
        return abs(100 * (used[pk] + extra) / own[pk] - mean) if own[pk] else 0

    candidates = []
    for specialist in specialists:
        pk = specialist.pk
        if own[pk] - used[pk] < half_days:
            continue
        requested = specialist.discipline in wanted
        new = specialist.discipline not in seen
        km = km_between(specialist, school)
        base = (
            half_days * (weights.half_day_planned + (weights.half_day_requested if requested else 0))
            + (weights.discipline_new + (weights.requested_discipline_new if requested else 0) if new else 0)
            - weights.per_visit
            - weights.per_km_per_visit * round(km)
            - round(weights.utilisation_point_from_mean * (gap(pk, half_days) - gap(pk)))
        )
        calendar = BookingCalendar.from_loaded(
            enrolment=enrolment,
            specialist=specialist,
            blackouts=blackouts,
            closures=closures,
            holidays=holidays,
            unavailable=absences[pk],
            bookings=booked[pk],
            today=today,
        )
        sessions = [session] if session == Session.FULL_DAY else [Session.MORNING, Session.AFTERNOON]
        for number, term in enumerate(terms):
            found = _first_free_in(calendar, term, sessions)
            if found is None:
                continue
            day, chosen = found
            new_term = number not in school_terms
            score = base + (weights.term_with_visit if new_term else 0)
            candidates.append((score, day, specialist, chosen, requested, new, km, term, new_term))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2].full_name, c[3]))
    return [
        RecommendedSlot(specialist, day, chosen, _slot_why(specialist, requested, new, km, term, new_term), score)
        for score, day, specialist, chosen, requested, new, km, term, new_term in candidates[:count]
    ]


def _first_free_in(calendar, term: Term, sessions) -> tuple[datetime.date, Session] | None:
    day = term.first
    while day <= term.last:
        for session in sessions:
            if day.weekday() < 5 and calendar.is_free(day, session):
                return day, session
        day += datetime.timedelta(days=1)
    return None


def _slot_why(specialist, requested, new, km, term, new_term) -> str:
    discipline = specialist.get_discipline_display().lower()
    parts = ["asked for " + discipline if requested else ("new to the school" if new else f"more {discipline}")]
    parts.append(f"{km:.0f} km away" if km else "distance not known")
    parts.append(f"first free date in the {term.name} term" + (", a term with no visit yet" if new_term else ""))
    return "; ".join(parts)
