"""An ICB's visits for the demo year, booked as its coordinator would: each school's days spread through the year
with the ICB's own specialists, every date and session chosen by asking the service's own `BookingCalendar`.

The demo holds no scheduling rule of its own. It loads nothing either: it builds each calendar with
`BookingCalendar.from_loaded` from the rows it is about to write (holidays, closures, leave, blackouts and the
visits booked so far), as the planner does from an ICB's rows, and asks it as of the day the visit was proposed.
Its counters are written by the services' own recount (`specialists.services.counters`). It does not book
through `visit_allocate`: the demo writes a year's past as well as its future, and the service rightly refuses a
date before today.
"""

import dataclasses
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from pins.demo.words import VisitPurpose, table, visit_purposes, words
from schools.models import BlackoutPeriod, ClosureDate, Enrolment, SchoolHoliday
from specialists.models import (
    SESSION_DAYS,
    SESSION_SLOTS,
    Capacity,
    Outcome,
    Session,
    Specialist,
    Unavailability,
    Visit,
)
from specialists.rules import BookingCalendar

VISIT_HALF_DAYS = (4, 10)  # each school books 2 to 5 days, in half days
FULL_DAY_SHARE = 0.55  # of a school's visits, the rest being mornings or afternoons
CAPACITY_BOOKED_SHARE = Decimal("0.85")  # at large scales, schools share out this much of their ICB's capacity
OTHERS_ASKED = 3  # specialists asked besides the two who get to know a school
CANCELLED_SHARE = 0.07  # of past visits, each rearranged for a later date
CONFIRMED_SHARE_SOON, CONFIRMED_SHARE_LATER = 0.8, 0.3  # future visits, within four weeks and beyond


@dataclasses.dataclass
class PlannedVisit:
    """A visit, and what happened to it when; who did what is settled once their accounts are written."""

    visit: Visit
    urn: int
    ods_code: str
    purpose: VisitPurpose
    proposed_at: datetime.datetime | None = None
    confirmed_by_senco: bool = False
    recorded_at: datetime.datetime | None = None
    recorded_by_specialist: bool = False
    outcome: Outcome | None = None


@dataclasses.dataclass
class _SchoolVisits:
    enrolment: Enrolment
    preferred: list[Specialist]  # the specialists who get to know the school, asked first
    purposes: set[str] = dataclasses.field(default_factory=set)


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def _span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + _days(offset) for offset in range((last - first).days + 1)]


class IcbVisits:
    """An ICB's visits for the year, in memory until the demo writes them. A visit that fits on no date of its
    part of the year, nor of the whole term, is left out."""

    def __init__(
        self,
        rng: random.Random,
        clock: random.Random,
        *,
        ods_code: str,
        term: tuple[datetime.date, datetime.date],
        now: datetime.datetime,
        blackouts: list[BlackoutPeriod],
        enrolments: list[Enrolment],
        closures: dict[int, list[ClosureDate]],
        holidays: dict[int, list[SchoolHoliday]],
        specialists: list[Specialist],
        capacities: list[Capacity],
        absences: list[Unavailability],
    ):
        self.rng, self.clock, self.ods_code = rng, clock, ods_code
        self.zone = timezone.get_current_timezone()
        self.now = now.astimezone(self.zone)
        self.today = self.now.date()
        self.term = _span(*term)
        self.blackouts, self.closures, self.specialists = blackouts, closures, specialists
        self.holidays = holidays  # each school's term-date holidays, by URN
        # What is left to book, as the services' counters would say: the written counters are recounted.
        self.capacity_left = {capacity.specialist_id: capacity.days for capacity in capacities}
        self.quota_left = {enrolment.school_id: enrolment.quota_days for enrolment in enrolments}
        self.absences: dict[int, list[Unavailability]] = {specialist.pk: [] for specialist in specialists}
        for absence in absences:
            self.absences[absence.specialist_id].append(absence)
        self.bookings: dict[int, list[Visit]] = {specialist.pk: [] for specialist in specialists}
        self.visits: list[PlannedVisit] = []
        self._earliest = self._at(term[0] - _days(21), 9)  # proposed as early as the summer before
        self._plan(enrolments)

    def _plan(self, enrolments: list[Enrolment]) -> None:
        targets = [self.rng.randint(*VISIT_HALF_DAYS) for _ in enrolments]
        budget = int(sum(self.capacity_left.values()) * 2 * CAPACITY_BOOKED_SHARE)
        demand = sum(targets)
        if demand > budget:  # more schools than the specialists can see in full (large scales): share out
            targets = [max(1, round(target * budget / demand)) for target in targets]
        for enrolment, half_days in zip(enrolments, targets, strict=True):
            self._plan_school(enrolment, half_days)

    def _plan_school(self, enrolment: Enrolment, half_days: int) -> None:
        rng = self.rng
        full_days = []
        while half_days:
            full_day = half_days >= 2 and rng.random() < FULL_DAY_SHARE
            full_days.append(full_day)
            half_days -= 2 if full_day else 1
        school = _SchoolVisits(enrolment, preferred=rng.sample(self.specialists, 2))
        # One visit in each equal part of the year: spread out, as schools find easiest.
        term, parts = self.term, len(full_days)
        for number, full_day in enumerate(full_days):
            part = term[len(term) * number // parts : len(term) * (number + 1) // parts]
            sessions = [Session.FULL_DAY] if full_day else rng.sample([Session.MORNING, Session.AFTERNOON], 2)
            others = [other for other in rng.sample(self.specialists, OTHERS_ASKED) if other not in school.preferred]
            asked = [*school.preferred, *others]
            if planned := self._place(school, sessions, [part, term], asked, as_of=self._earliest.date()):
                self._settle(planned, school)

    def _place(
        self,
        school: _SchoolVisits,
        sessions: list[Session],
        pools: list[list[datetime.date]],
        asked: list[Specialist],
        *,
        as_of: datetime.date,
        purpose: VisitPurpose | None = None,
    ) -> PlannedVisit | None:
        """A date of each pool in turn, tried in a random order, that the calendar of one of the specialists
        asked allows (as it stood on `as_of`), and that their capacity and the school's quota have room for."""
        enrolment = school.enrolment
        calendars = [
            (
                specialist,
                BookingCalendar.from_loaded(
                    enrolment=enrolment,
                    specialist=specialist,
                    blackouts=self.blackouts,
                    closures=self.closures[enrolment.school_id],
                    holidays=self.holidays[enrolment.school_id],
                    unavailable=self.absences[specialist.pk],
                    bookings=self.bookings[specialist.pk],
                    today=as_of,
                ),
            )
            for specialist in asked
        ]
        quota_left = self.quota_left[enrolment.school_id]
        for pool in pools:
            for day in self.rng.sample(pool, len(pool)):  # in a random order: any free date as likely as another
                for specialist, calendar in calendars:
                    for session in sessions:
                        if SESSION_DAYS[session] > min(quota_left, self.capacity_left[specialist.pk]):
                            continue
                        if calendar.is_free(day, session):
                            return self._book(school, specialist, day, session, purpose)
        return None

    def _book(
        self,
        school: _SchoolVisits,
        specialist: Specialist,
        day: datetime.date,
        session: Session,
        purpose: VisitPurpose | None,
    ) -> PlannedVisit:
        rng, enrolment = self.rng, school.enrolment
        if purpose is None:
            purposes = visit_purposes()[specialist.discipline]
            purpose = rng.choice([entry for entry in purposes if entry.purpose not in school.purposes] or purposes)
            school.purposes.add(purpose.purpose)
        slot_start, slot_end = SESSION_SLOTS[session]
        visit = Visit(
            enrolment=enrolment,
            specialist=specialist,
            date=day,
            session=session,
            slot_start=slot_start,
            slot_end=slot_end,
            days=SESSION_DAYS[session],
            purpose=purpose.purpose,
            preparation=rng.choice(words("preparations")) if rng.random() < 0.5 else "",
        )
        self._taken(visit, +1)
        return PlannedVisit(visit=visit, urn=enrolment.school_id, ods_code=self.ods_code, purpose=purpose)

    def _taken(self, visit: Visit, sign: int) -> None:
        """What later calendars see: the visit in its specialist's bookings, its days out of what is left."""
        bookings = self.bookings[visit.specialist_id]
        if sign > 0:
            bookings.append(visit)
        else:
            bookings.remove(visit)
        self.capacity_left[visit.specialist_id] -= sign * visit.days
        self.quota_left[visit.enrolment.school_id] -= sign * visit.days

    def _settle(self, planned: PlannedVisit, school: _SchoolVisits, rearranging: PlannedVisit | None = None):
        """Bring the visit to the state its date calls for: past visits mostly delivered, a few awaiting their
        outcome record and some cancelled (and rearranged); future ones proposed or confirmed."""
        rng, visit, today = self.rng, planned.visit, self.today
        not_before = rearranging.visit.cancelled_at if rearranging else None
        planned.proposed_at = self._proposed_at(visit.date, not_before=not_before)
        self.visits.append(planned)
        if visit.date >= today:
            soon = (visit.date - today).days <= 28
            if rng.random() < (CONFIRMED_SHARE_SOON if soon else CONFIRMED_SHARE_LATER):
                self._confirm(planned)
        elif rearranging is None and rng.random() < CANCELLED_SHARE and (again := self._rearranged(planned, school)):
            # Cancelled only where it could be rearranged, so that the school keeps its days.
            if rng.random() < 0.5:
                self._confirm(planned)
            self._cancel(planned)
            self._settle(again, school, rearranging=planned)
        elif rng.random() < (0.4 if (today - visit.date).days <= 14 else 0.02):  # awaiting its outcome record
            if rng.random() < 0.7:
                self._confirm(planned)
        else:
            if rng.random() < 0.9:
                self._confirm(planned)
            self._deliver(planned)

    def _rearranged(self, cancelled: PlannedVisit, school: _SchoolVisits) -> PlannedVisit | None:
        """The visit booked again a few weeks later, with the same specialist if they are free, as the
        calendars stood on its day (it is cancelled on that day at the latest)."""
        visit = cancelled.visit
        later = [day for day in self.term if day >= visit.date + _days(5)]
        soon = [day for day in later if day <= visit.date + _days(42)]
        sessions = (
            [visit.session]
            if visit.session == Session.FULL_DAY
            else [visit.session, Session.AFTERNOON if visit.session == Session.MORNING else Session.MORNING]
        )
        asked = [visit.specialist, *(other for other in school.preferred if other != visit.specialist)]
        return self._place(school, sessions, [soon, later], asked, as_of=visit.date, purpose=cancelled.purpose)

    def _proposed_at(self, day: datetime.date, *, not_before: datetime.datetime | None) -> datetime.datetime:
        """Some weeks ahead, and never after now, nor before a visit it rearranges was cancelled."""
        earliest = not_before or self._earliest
        latest = min(self.now, self._at(day - _days(3), 17))
        usual = max(earliest, self._at(day - _days(56), 9))
        return _moment(self.clock, usual if usual < latest else earliest, latest)

    def _confirm(self, planned: PlannedVisit) -> None:
        visit = planned.visit
        latest = min(self.now, self._at(visit.date, 8), planned.proposed_at + _days(10))
        visit.status, visit.version = Visit.Status.CONFIRMED, 2
        visit.confirmed_at = _moment(self.clock, planned.proposed_at, latest)
        planned.confirmed_by_senco = self.rng.random() < 0.7

    def _cancel(self, planned: PlannedVisit) -> None:
        visit = planned.visit
        reasons = [
            row
            for row in table("cancellation_reasons")
            if not row["months"] or str(visit.date.month) in row["months"].split()
        ]
        row = self.rng.choice(reasons)
        last = visit.confirmed_at or planned.proposed_at
        if row["on_the_day"] == "yes":
            visit.cancelled_at = _moment(
                self.clock, max(last, self._at(visit.date, 6, 30)), self._at(visit.date, 8, 30)
            )
        else:
            visit.cancelled_at = _moment(self.clock, last, self._at(visit.date, 8))
        visit.status, visit.version, visit.cancellation_reason = (
            Visit.Status.CANCELLED,
            visit.version + 1,
            row["reason"],
        )
        self._taken(visit, -1)

    def _deliver(self, planned: PlannedVisit) -> None:
        rng, visit, purpose = self.rng, planned.visit, planned.purpose
        main, *others = purpose.activities
        extra = rng.sample(others, rng.randint(0, min(2, len(others))))
        follow_ups = words("outcome_follow_ups")
        follow_up = rng.choice(follow_ups) if rng.random() < 0.8 else ""
        planned.outcome = Outcome(
            activities=[activity for activity in purpose.activities if activity == main or activity in extra],
            staff_reached=rng.randint(*purpose.staff_reached),
            notes=f"{purpose.note} {follow_up}".strip(),
        )
        planned.recorded_by_specialist = rng.random() < 0.85
        last = visit.confirmed_at or planned.proposed_at
        latest = min(self.now, self._at(visit.date + _days(7), 18))
        planned.recorded_at = _moment(self.clock, max(last, self._at(visit.date, 15)), latest)
        visit.status, visit.version = Visit.Status.DELIVERED, visit.version + 1

    def _at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)


def _moment(rng: random.Random, after: datetime.datetime, before: datetime.datetime) -> datetime.datetime:
    """A time in office hours between two others (in the same time zone), or part-way between them when no
    office hours fit."""
    zone = after.tzinfo
    first, last = after.astimezone(zone).date(), before.astimezone(zone).date()
    day = first + _days(rng.randint(0, (last - first).days))
    day -= _days(max(0, day.weekday() - 4))  # a weekend's Friday
    moment = datetime.datetime(day.year, day.month, day.day, 8, 30, tzinfo=zone) + datetime.timedelta(
        minutes=rng.randint(0, 540)
    )
    if after < moment < before:
        return moment
    start, end = after.astimezone(datetime.UTC), before.astimezone(datetime.UTC)
    part_way = start + datetime.timedelta(seconds=int((end - start).total_seconds() * rng.uniform(0.1, 0.9)))
    return part_way.astimezone(zone)
