"""Row history kept by the database: triggers (django-pghistory) copy every insert, update and delete of an
audited row into its event table, bulk updates and raw SQL included, with who did it (docs/adr/0013)."""

import dataclasses
import datetime
import functools

import pghistory
import pghistory.models
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.text import capfirst

# pghistory's own columns on every event table, which are not the row's fields.
EVENT_FIELDS = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context", "pgh_context_id"}


class HistoryEvent(pghistory.models.Event):
    """One change to an audited row: the row as it stood after it (before it, for a delete)."""

    # The triggers stamp the time of the change; a default rather than auto_now_add lets the demo write
    # past events with their own dates.
    pgh_created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def user_id(self) -> int | None:
        """Who made the change: the context's user, set by the request or by the service's `by`."""
        return (self.pgh_context or {}).get("user")


def audited(*, fields: list[str] | None = None, exclude: list[str] | None = None):
    """Keep the row history of a model in `<Model>Event`: a trigger for each insert, update (of a tracked
    field) and delete, each carrying the context (who, and the page or the operation) in the event row."""

    def track(model):
        return pghistory.track(
            pghistory.InsertEvent(trigger_name="history_insert"),
            pghistory.UpdateEvent(trigger_name="history_update"),
            pghistory.DeleteEvent(trigger_name="history_delete"),
            fields=fields,
            exclude=exclude,
            base_model=HistoryEvent,
            context_field=pghistory.ContextJSONField(),
            model_name=f"{model.__name__}Event",
        )(model)

    return track


def acting(by, **why) -> pghistory.context:
    """The history context of a service's writes: who (its `by`, None for the service itself) and why."""
    return pghistory.context(user=by.pk if by is not None else None, **why)


def acting_as_by(service):
    """A service whose writes go into the row history as made by its `by`, in a request or not."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        with acting(kwargs["by"]):
            return service(*args, **kwargs)

    return run


def event_of(row, *, label: str, at: datetime.datetime, by) -> HistoryEvent:
    """The event the triggers would write for `row` as it stands, dated `at` and made by `by`: for history
    written by hand while the triggers are paused, as the demo does for its past."""
    event_model = row.pgh_event_model
    tracked = {field.name for field in type(row)._meta.concrete_fields}
    values = {
        field.attname: getattr(row, field.attname)
        for field in event_model._meta.concrete_fields
        if field.name in tracked and field.name not in EVENT_FIELDS
    }
    context = {"user": by.pk if by is not None else None}
    return event_model(pgh_obj_id=row.pk, pgh_label=label, pgh_created_at=at, pgh_context=context, **values)


@dataclasses.dataclass
class Change:
    field: str
    before: str
    after: str


@dataclasses.dataclass
class Entry:
    """A line of a row's history: when, who, what happened and what changed."""

    at: datetime.datetime
    who: str
    what: str
    changes: list[Change]
    reason: str = ""


WHAT = {"insert": "Added", "update": "Changed", "delete": "Deleted"}


def shown(event, field: models.Field) -> str:
    """A field's value in an event as a page shows it: the label of a choice, a date in words."""
    value = getattr(event, field.attname)
    if field.is_relation and value is not None:
        try:
            return str(getattr(event, field.name))
        except ObjectDoesNotExist:  # event tables keep ids of rows since deleted
            return str(value)
    if field.choices and not isinstance(value, list):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%-d %B %Y, %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%A} {value.day} {value:%B %Y}"
    if isinstance(value, list):
        labels = dict(field.base_field.flatchoices) if field.base_field.choices else {}
        return ", ".join(str(labels.get(item, item)) for item in value) or "–"
    return "–" if value in (None, "") else str(value)


def with_who(events: models.QuerySet) -> models.QuerySet:
    """Events with `who` made each change, the person's name, in the same query (None for the service)."""
    person = get_user_model().objects.filter(
        pk=Cast(KeyTextTransform("user", OuterRef("pgh_context")), models.BigIntegerField())
    )
    name = Coalesce(NullIf("full_name", Value("")), "email", output_field=models.CharField())
    return events.annotate(who=Subquery(person.annotate(name=name).values("name")[:1]))


def users_of(events) -> dict[int, str]:
    """The names of the people who made these changes, in one query."""
    ids = {event.user_id for event in events if event.user_id is not None}
    return {user.pk: user.get_full_name() for user in get_user_model().objects.filter(pk__in=ids)}


def timeline(events, *, skip: set[str] = frozenset()) -> list[Entry]:
    """A row's events, oldest first, each with the fields that changed since the one before."""
    events = sorted(events, key=lambda event: (event.pgh_created_at, event.pgh_id))
    names = users_of(events)
    entries, previous = [], None
    for event in events:
        row_key = event.pgh_tracked_model._meta.pk.name
        fields = [field for field in event._meta.concrete_fields if field.name not in EVENT_FIELDS | skip | {row_key}]
        changes = [
            Change(capfirst(field.verbose_name), shown(previous, field) if previous else "–", shown(event, field))
            for field in fields
            if event.pgh_label != "delete"
            and (previous is None or getattr(previous, field.attname) != getattr(event, field.attname))
        ]
        who = names.get(event.user_id, "The PINS programme service")
        what = WHAT.get(event.pgh_label, event.pgh_label)
        entries.append(Entry(event.pgh_created_at, who, what, changes, (event.pgh_context or {}).get("reason", "")))
        previous = event
    return entries
