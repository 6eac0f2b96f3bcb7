"""The scheduling rules for a visit: when a specialist may visit a school.

`BookingCalendar` loads, in a few queries, everything that decides whether a date and session are free for a
specialist and a school, then answers for any date in its range. The allocation service asks it about one
date; the "next free dates" offer asks it about many.
"""

import dataclasses
import datetime
import functools

import holidays
from django.utils import timezone

from schools.models import BlackoutPeriod, ClosureDate, Enrolment, SchoolHoliday
from schools.selectors import holidays_of
from specialists.models import SESSION_SLOTS, Session, Specialist, Unavailability, Visit


@dataclasses.dataclass(frozen=True)
class Problem:
    field: str
    message: str


def long_date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _period(starts_on: datetime.date, ends_on: datetime.date) -> str:
    if starts_on == ends_on:
        return f"on {starts_on.day} {starts_on:%B %Y}"
    if starts_on.year != ends_on.year:
        return f"from {starts_on.day} {starts_on:%B %Y} to {ends_on.day} {ends_on:%B %Y}"
    return f"from {starts_on.day} {starts_on:%B} to {ends_on.day} {ends_on:%B %Y}"


@functools.cache
def england_bank_holidays(year: int) -> dict[datetime.date, str]:
    return dict(holidays.UK(subdiv="ENG", years=year).items())


class BookingCalendar:
    """What stands in the way of a visit by `specialist` to `enrolment`'s school, from `start` to `end`."""

    def __init__(
        self,
        *,
        enrolment: Enrolment,
        specialist: Specialist,
        start: datetime.date,
        end: datetime.date,
        ignoring: Visit | None = None,
        today: datetime.date | None = None,
    ):
        bookings = (
            Visit.objects.booked()
            .filter(specialist=specialist, date__range=(start, end))
            .select_related("enrolment__school", "specialist")
        )
        if ignoring is not None:
            bookings = bookings.exclude(pk=ignoring.pk)
        self._hold(
            enrolment=enrolment,
            specialist=specialist,
            blackouts=BlackoutPeriod.objects.filter(
                programme_year=enrolment.programme_year, starts_on__lte=end, ends_on__gte=start
            ),
            closures=ClosureDate.objects.filter(school=enrolment.school, starts_on__lte=end, ends_on__gte=start),
            holidays=holidays_of(school=enrolment.school, year=enrolment.programme_year),
            unavailable=Unavailability.objects.filter(specialist=specialist, starts_on__lte=end, ends_on__gte=start),
            bookings=bookings,
            today=today,
        )

    @classmethod
    def from_loaded(
        cls, *, enrolment, specialist, blackouts, closures, holidays, unavailable, bookings, today=None
    ) -> "BookingCalendar":
        """A calendar from data already loaded (the planner loads a whole ICB's at once); `holidays` are the
        school's in the year, as `schools.selectors.holidays_of_schools` gives them."""
        calendar = cls.__new__(cls)
        calendar._hold(
            enrolment=enrolment,
            specialist=specialist,
            blackouts=blackouts,
            closures=closures,
            holidays=holidays,
            unavailable=unavailable,
            bookings=bookings,
            today=today,
        )
        return calendar

    def _hold(self, *, enrolment, specialist, blackouts, closures, holidays, unavailable, bookings, today) -> None:
        self.today = today or timezone.localdate()
        self.enrolment = enrolment
        self.specialist = specialist
        self.year = enrolment.programme_year
        self.blackouts = list(blackouts)
        self.closures = list(closures)
        self.holidays: list[SchoolHoliday] = list(holidays)
        self.unavailable = list(unavailable)
        self.bookings: dict[datetime.date, list[Visit]] = {}
        for visit in bookings:
            self.bookings.setdefault(visit.date, []).append(visit)

    def problems(self, day: datetime.date, session: Session) -> list[Problem]:
        """Every rule the date and session break, each with its own message; empty if the visit fits."""
        found = []
        year = self.year
        if day < self.today:
            found.append(Problem("date", f"The date must be today or later: {long_date(day)} has passed"))
        if not year.contains(day):
            found.append(
                Problem(
                    "date",
                    f"The date must be in the {year} programme year, "
                    f"between {year.starts_on.day} {year.starts_on:%B %Y} and {year.ends_on.day} {year.ends_on:%B %Y}",
                )
            )
        if day.weekday() >= 5:
            found.append(Problem("date", f"The date must be a weekday: {long_date(day)} is a {day:%A}"))
        if holiday := england_bank_holidays(day.year).get(day):
            found.append(Problem("date", f"{long_date(day)} is a bank holiday ({holiday})"))
        for blackout in self.blackouts:
            if blackout.starts_on <= day <= blackout.ends_on:
                found.append(
                    Problem("date", f"{long_date(day)} is in {blackout.name}, when no visits are booked anywhere")
                )
        school = self.enrolment.school
        for holiday in self.holidays:
            if holiday.covers(day):
                found.append(Problem("date", holiday_message(school.name, holiday)))
        for closure in self.closures:
            if closure.starts_on <= day <= closure.ends_on:
                what = closure.description or closure.get_kind_display()
                found.append(
                    Problem(
                        "date",
                        f"{school.name} is closed {_period(closure.starts_on, closure.ends_on)} ({what})",
                    )
                )
        name = self.specialist.full_name
        for absence in self.unavailable:
            if absence.starts_on <= day <= absence.ends_on:
                why = f" ({absence.reason})" if absence.reason else ""
                found.append(
                    Problem("date", f"{name} is unavailable {_period(absence.starts_on, absence.ends_on)}{why}")
                )
        start, end = SESSION_SLOTS[session]
        for visit in self.bookings.get(day, []):
            if visit.slot_start < end and start < visit.slot_end:
                found.append(Problem("session", clash_message(visit)))
        return found

    def is_free(self, day: datetime.date, session: Session) -> bool:
        return not self.problems(day, session)


def holiday_message(school_name: str, holiday: SchoolHoliday) -> str:
    return f"{school_name} is on its {holiday.name} {_period(holiday.starts_on, holiday.ends_on)}"


def clash_message(visit: Visit) -> str:
    part = {
        Session.FULL_DAY: "all day",
        Session.MORNING: "in the morning",
        Session.AFTERNOON: "in the afternoon",
    }
    return (
        f"{visit.specialist.full_name} is already booked {part[visit.session]} on {long_date(visit.date)}, "
        f"at {visit.enrolment.school.name}"
    )


def next_free_dates(
    *, enrolment: Enrolment, specialist: Specialist, session: Session, after: datetime.date, count: int = 5
) -> list[datetime.date]:
    """The first dates after `after` on which the specialist can visit the school for the session."""
    year = enrolment.programme_year
    start = max(after + datetime.timedelta(days=1), year.starts_on)
    if start > year.ends_on:
        return []
    calendar = BookingCalendar(enrolment=enrolment, specialist=specialist, start=start, end=year.ends_on)
    free = []
    day = start
    while day <= year.ends_on and len(free) < count:
        if calendar.is_free(day, session):
            free.append(day)
        day += datetime.timedelta(days=1)
    return free
