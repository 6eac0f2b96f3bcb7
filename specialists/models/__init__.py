"""The scheduling context's models, one module per entity; imported here for Django and for `specialists.models`."""

from pins.kernel.disciplines import Discipline
from specialists.models.calendar_feed import CalendarFeed
from specialists.models.change_request import ChangeRequest
from specialists.models.notice import Notice
from specialists.models.open_visits import OpenVisitsChange
from specialists.models.outcome import Activity, Outcome
from specialists.models.planning import PlannerWeights
from specialists.models.reminder import Reminder
from specialists.models.specialist import Capacity, Specialist, SpecialistQuerySet, Unavailability
from specialists.models.visit import SESSION_DAYS, SESSION_SLOTS, Session, Visit, VisitQuerySet

__all__ = [
    "SESSION_DAYS",
    "SESSION_SLOTS",
    "Activity",
    "CalendarFeed",
    "Capacity",
    "ChangeRequest",
    "Discipline",
    "Notice",
    "OpenVisitsChange",
    "Outcome",
    "PlannerWeights",
    "Reminder",
    "Session",
    "Specialist",
    "SpecialistQuerySet",
    "Unavailability",
    "Visit",
    "VisitQuerySet",
]
