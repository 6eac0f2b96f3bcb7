"""Visits as an iCalendar feed (RFC 5545) that schools and specialists subscribe to in their own calendars.

Each visit is one event with a stable UID, a SEQUENCE raised on every change (the visit's version) and
STATUS:CANCELLED once cancelled, in UK local time with the Europe/London VTIMEZONE.
"""

import datetime
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from specialists.models import Session, Visit

LONDON = zoneinfo.ZoneInfo("Europe/London")
# School hours for each session. Schools' days differ; these are the times calendars show, not rules.
SESSION_TIMES = {
    Session.FULL_DAY: (datetime.time(9, 0), datetime.time(15, 0)),
    Session.MORNING: (datetime.time(9, 0), datetime.time(12, 0)),
    Session.AFTERNOON: (datetime.time(13, 0), datetime.time(15, 0)),
}
STATUSES = {
    Visit.Status.PROPOSED: "TENTATIVE",
    Visit.Status.CONFIRMED: "CONFIRMED",
    Visit.Status.DELIVERED: "CONFIRMED",
    Visit.Status.CANCELLED: "CANCELLED",
    Visit.Status.NOT_HELD: "CANCELLED",
}


def visit_uid(visit: Visit) -> str:
    return f"visit-{visit.pk}@{urlsplit(settings.SITE_URL).hostname}"


def _event(visit: Visit, *, for_school: bool) -> Event:
    school, specialist = visit.enrolment.school, visit.specialist
    starts, ends = SESSION_TIMES[visit.session]
    event = Event()
    event.add("uid", visit_uid(visit))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datetime.datetime.combine(visit.date, starts, tzinfo=LONDON))
    event.add("dtend", datetime.datetime.combine(visit.date, ends, tzinfo=LONDON))
    event.add("sequence", visit.version - 1)
    event.add("status", STATUSES[visit.status])
    discipline = specialist.get_discipline_display().lower()
    if for_school:
        event.add("summary", f"PINS visit: {specialist.full_name} ({discipline})")
    else:
        event.add("summary", f"PINS visit: {school.name}")
    event.add(
        "location", ", ".join(part for part in (school.name, school.street, school.town, school.postcode) if part)
    )
    lines = [f"{visit.get_session_display()} visit by {specialist.full_name}, {discipline} ({specialist.email})."]
    if visit.purpose:
        lines.append(f"Purpose: {visit.purpose}")
    if visit.preparation:
        lines.append(f"To prepare: {visit.preparation}")
    if visit.status == Visit.Status.CANCELLED and visit.cancellation_reason:
        lines.append(f"Cancelled: {visit.cancellation_reason}")
    lines.append(settings.SITE_URL + reverse("visits:detail", args=[visit.pk]))
    event.add("description", "\n".join(lines))
    return event


def visits_calendar(*, name: str, visits: list[Visit], for_school: bool) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//PINS programme//Visits//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    dates = [visit.date for visit in visits] or [timezone.localdate()]
    calendar.add_component(
        Timezone.from_tzid(
            "Europe/London",
            first_date=min(dates) - datetime.timedelta(days=366),
            last_date=max(dates) + datetime.timedelta(days=366),
        )
    )
    for visit in visits:
        calendar.add_component(_event(visit, for_school=for_school))
    return calendar.to_ical()
