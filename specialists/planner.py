"""The auto-allocator: a proposed plan of visits for an ICB's schools that still have days to allocate.

It proposes; it never books. The coordinator accepts the rows they want, and each accepted row goes through
`visit_allocate`, so every rule lives in one place. The plan follows what each school asked for in its
self-assessment, fills in disciplines the school has not seen yet, keeps every scheduling rule (through
`BookingCalendar`), stays within every quota and capacity, and spreads each school's visits through the rest
of the year. It is greedy and deterministic, not an optimiser: the same data gives the same plan.
"""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from icbs.models import ICB
from pins.kernel.disciplines import Discipline
from pins.kernel.units import FULL_DAY, HALF_DAY
from schools.models import BlackoutPeriod, ClosureDate, Enrolment, ProgrammeYear, SelfAssessment
from schools.selectors import holidays_of_schools
from specialists.models import SESSION_DAYS, SESSION_SLOTS, Capacity, Session, Specialist, Unavailability, Visit
from specialists.rules import BookingCalendar

# How many days past a target date to look for a free one before trying another specialist.
SEARCH_DAYS = 30


REASONS = {
    "asked": "{school} asked for {discipline}",
    "new": "{school} has not had {discipline} yet",
    "more": "More {discipline} for {school}",
}


@dataclasses.dataclass(frozen=True)
class ProposedVisit:
    enrolment: Enrolment
    specialist: Specialist
    date: datetime.date
    session: Session
    reason: str  # a key of REASONS

    @property
    def why(self) -> str:
        discipline = self.specialist.get_discipline_display().lower()
        return REASONS[self.reason].format(school=self.enrolment.school.name, discipline=discipline)

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
    def __init__(self, *, icb: ICB, year: ProgrammeYear, today: datetime.date):
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
        self.capacity_left = {
            specialist_id: days - allocated
            for specialist_id, days, allocated in Capacity.objects.filter(
                programme_year=year, specialist__icb=icb, specialist__active=True
            ).values_list("specialist_id", "days", "allocated_days")
        }
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

    def _disciplines_for(self, enrolment: Enrolment) -> list[tuple[str, str]]:
        """The disciplines to offer the school, in order, each with its reason (a key of REASONS)."""
        labels = dict(Discipline.choices)
        seen = self.seen[enrolment.pk]
        wanted = [d for d in self.wanted.get(enrolment.pk, []) if d in labels]
        order = [(d, "asked") for d in wanted if d not in seen]
        order += [(d, "new") for d in labels if d not in wanted and d not in seen]
        order += [(d, "asked") for d in wanted if d in seen]
        return order or [(d, "more") for d in labels]

    def _free_slot(self, enrolment, specialist, sessions, target: datetime.date):
        """The first day from `target` (within SEARCH_DAYS) on which one of `sessions` is free, and that session."""
        calendar = BookingCalendar.from_loaded(
            enrolment=enrolment,
            specialist=specialist,
            blackouts=self.blackouts,
            closures=self.closures[enrolment.school_id],
            holidays=self.holidays[enrolment.school_id],
            unavailable=self.unavailable[specialist.pk],
            bookings=self.bookings[specialist.pk],
            today=self.today,
        )
        day = target
        last = min(target + datetime.timedelta(days=SEARCH_DAYS), self.year.ends_on)
        while day <= last:
            for session in sessions:
                if calendar.is_free(day, session):
                    return day, session
            day += datetime.timedelta(days=1)
        return None

    def plan(self) -> list[ProposedVisit]:
        proposals = []
        span = (self.year.ends_on - self.first_day).days
        if span < 0:
            return proposals
        for enrolment in self.enrolments:
            remaining = enrolment.quota_days - enrolment.allocated_days
            visits_needed = int(remaining) + (1 if remaining % 1 else 0)  # full days, then a half day
            disciplines = self._disciplines_for(enrolment)
            for number in range(visits_needed):
                target = self.first_day + datetime.timedelta(days=span * number // max(visits_needed, 1))
                # Each visit starts from the next discipline in the school's order, so its days are shared out.
                rotated = disciplines[number % len(disciplines) :] + disciplines
                proposal = self._place(enrolment, remaining, target, rotated)
                if proposal is None:
                    continue
                proposals.append(proposal)
                remaining -= SESSION_DAYS[proposal.session]
        return proposals

    def _place(self, enrolment, remaining: Decimal, target, disciplines) -> ProposedVisit | None:
        for discipline, reason in disciplines:
            candidates = sorted(
                (s for s in self.specialists if s.discipline == discipline and self.capacity_left[s.pk] >= HALF_DAY),
                key=lambda s: (-self.capacity_left[s.pk], s.full_name),
            )
            for specialist in candidates:
                full = remaining >= FULL_DAY and self.capacity_left[specialist.pk] >= FULL_DAY
                sessions = [Session.FULL_DAY] if full else [Session.MORNING, Session.AFTERNOON]
                found = self._free_slot(enrolment, specialist, sessions, target)
                if found is None:
                    continue
                day, session = found
                slot_start, slot_end = SESSION_SLOTS[session]
                planned = Visit(enrolment=enrolment, specialist=specialist, date=day, session=session)
                planned.slot_start, planned.slot_end, planned.days = slot_start, slot_end, SESSION_DAYS[session]
                self.bookings[specialist.pk].append(planned)
                self.capacity_left[specialist.pk] -= planned.days
                self.seen[enrolment.pk].add(discipline)
                return ProposedVisit(enrolment, specialist, day, session, reason)
        return None


def plan_visits(*, icb: ICB, year: ProgrammeYear, today: datetime.date | None = None) -> list[ProposedVisit]:
    """A plan for every enrolled school of the ICB with days left: a fixed handful of queries to load the
    ICB's calendars, then all the planning in memory."""
    return _Planner(icb=icb, year=year, today=today or timezone.localdate()).plan()
