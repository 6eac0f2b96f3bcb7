"""Reads whose SQL the ORM builds once per process, not on every request (ADR 0024).

Under load a page spent about a third of its worker's time having the ORM build and compile the same SQL it built
on the last request, with only the values different. A prepared read is a function that returns a queryset from
its parameters; the first call for each shape compiles it twice, with two sets of stand-in values, and keeps the
SQL and where each parameter lands in it. Later calls run that SQL with the real values through Django's own
iterables, so rows come back as the same model instances, related rows and annotations as before.

    @prepared_read
    def sencos_of_icb(*, icb_id: int) -> QuerySet[SencoMembership]:
        return SencoMembership.objects.filter(school__icb_id=icb_id).order_by("school__name", "pk")

    sencos_of_icb(icb_id=icb.pk)             # a queryset to iterate, as the ORM's would read
    sencos_of_icb.bound(icb_id=icb.pk)       # for pins.kernel.paging.page_with_count, which pages it

Parameters are keyword-only and annotated: int, str, datetime.date and datetime.datetime are values in the SQL; a
frozenset of one of those is a set of values for IN (its size picks a shape: the function may test it for
emptiness, but must use its members only in IN); a bool or a Literal, or a value that is None, picks a shape (the
function may branch on them, and on nothing else); a frozen dataclass of these is its fields. A function must take
every value that changes from its parameters: whatever else it reads (today's date, a setting) is kept with the
SQL, and what the SQL's form depends on (how many terms have ended, say) must come in as a Literal. When the two
compilations show a value outside the parameters (the SQL differs, or a parameter reaches it changed, as `contains`
wraps it in %), the read is not prepared and every call runs through the ORM as usual: slower, never wrong.
`prepared_read.refusals` says which and why, and a test holds the service's reads to having none.

A prepared queryset is run as it is: narrowing, slicing or counting it raises, because it holds the stand-ins.
Shape what is needed inside the function, or ask `.bound(...).built()` for the ORM's own queryset.
"""

import copy
import dataclasses
import datetime
import functools
import inspect
import itertools
import threading
import types
import typing
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql import Query

# Beyond this many shapes of one read (pages of a list, say), further shapes run through the ORM uncached.
MOST_SHAPES = 64

# Two sets of stand-ins no row holds, told apart by value in the compiled parameters.
_STAND_INS = {
    int: (lambda n: 1_900_000_001 + n, lambda n: 1_800_000_001 + n),
    str: (lambda n: f"\x1fstand-in-a-{n}\x1f", lambda n: f"\x1fstand-in-b-{n}\x1f"),
    datetime.date: (
        lambda n: datetime.date(1901, 1, 1) + datetime.timedelta(days=n),
        lambda n: datetime.date(1903, 6, 1) + datetime.timedelta(days=n),
    ),
    datetime.datetime: (
        lambda n: datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=n),
        lambda n: datetime.datetime(1903, 6, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=n),
    ),
}
_SHAPE_KINDS = (bool,)


_EVERY_READ: list["PreparedRead"] = []
NOTHING_TO_READ = "nothing to read in this shape"


class PreparedQueryIsFixed(TypeError):
    """A prepared queryset was narrowed, sliced or counted: it holds stand-ins, not the real values."""


@dataclasses.dataclass(frozen=True)
class _Prepared:
    template: QuerySet  # the queryset built with the first stand-ins
    compiler: object  # its compiler after as_sql: what Django's iterables read besides the rows
    sql: str
    params: tuple
    # (position in params, parameter name, which member of a set, the type the ORM passed the value on as)
    slots: tuple[tuple[int, str, int | None, type], ...]


class _PreparedQuery(Query):
    """The template's query, answering with the kept SQL and this call's parameters."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        prepared, params = self.prepared_with
        compiler = copy.copy(prepared.compiler)
        compiler.query = self
        compiler.connection = connection if connection is not None else connections[using]
        compiler.using = using
        compiler.as_sql = lambda *args, **kwargs: (prepared.sql, params)
        return compiler

    def clone(self):
        raise PreparedQueryIsFixed(
            "A prepared read runs as it is: shape it inside its function, or use .bound(...).built()."
        )


def _kind_of(annotation, where: str):
    """The kind of a parameter (or of a field of one): an optional value's kind is its value's."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        others = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = others[0] if len(others) == 1 else None
    if annotation in (*_STAND_INS, *_SHAPE_KINDS) or typing.get_origin(annotation) is typing.Literal:
        return annotation
    if typing.get_origin(annotation) is frozenset and typing.get_args(annotation)[0] in _STAND_INS:
        return annotation
    raise TypeError(
        f"{where} must be int, str, date, datetime, bool or a Literal, a frozenset of one of the first four, or a "
        "dataclass of those"
    )


def _picks_shape(kind) -> bool:
    return kind in _SHAPE_KINDS or typing.get_origin(kind) is typing.Literal


class PreparedRead:
    def __init__(self, build: Callable[..., QuerySet]):
        functools.update_wrapper(self, build)
        self._build = build
        self._kinds: dict[str, type] = {}  # each value by its flat name: "scope.specialist_id" for a field
        self._groups: dict[str, tuple[type, tuple[str, ...]]] = {}  # dataclass parameters, with their fields
        hints = typing.get_type_hints(build)
        for name, parameter in inspect.signature(build).parameters.items():
            where = f"{build.__qualname__}: {name}"
            if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
                raise TypeError(f"{where} must be keyword-only")
            kind = hints.get(name)
            if dataclasses.is_dataclass(kind):
                fields = typing.get_type_hints(kind)
                self._groups[name] = (kind, tuple(field.name for field in dataclasses.fields(kind)))
                for field in self._groups[name][1]:
                    self._kinds[f"{name}.{field}"] = _kind_of(fields[field], f"{where}.{field}")
            else:
                self._kinds[name] = _kind_of(kind, where)
        self._parameters = frozenset(inspect.signature(build).parameters)
        self._prepared: dict[Hashable, _Prepared | str] = {}
        self._lock = threading.Lock()
        _EVERY_READ.append(self)

    def __call__(self, **values) -> QuerySet:
        return self.bound(**values).queryset()

    def bound(self, **values) -> "BoundRead":
        if values.keys() != self._parameters:
            raise TypeError(f"{self._build.__qualname__} takes {sorted(self._parameters)}, given {sorted(values)}")
        return BoundRead(self, values)

    @property
    def refusals(self) -> dict[Hashable, str]:
        """The shapes run through the ORM uncached, and why."""
        return {shape: why for shape, why in self._prepared.items() if isinstance(why, str) and why != NOTHING_TO_READ}

    def _flat(self, values: dict) -> dict:
        flat = {}
        for name, value in values.items():
            if name in self._groups:
                flat.update({f"{name}.{field}": getattr(value, field) for field in self._groups[name][1]})
            else:
                flat[name] = value
        return flat

    def _arguments(self, flat: dict) -> dict:
        arguments = {name: value for name, value in flat.items() if "." not in name}
        for name, (group, fields) in self._groups.items():
            arguments[name] = group(**{field: flat[f"{name}.{field}"] for field in fields})
        return arguments

    def _shape_of(self, flat: dict) -> tuple:
        """What picks the SQL: the bools, which values are None, and how many each set holds."""
        return tuple(
            (name, flat[name])
            if _picks_shape(kind) or flat[name] is None
            else ((name, len(flat[name])) if typing.get_origin(kind) is frozenset else name)
            for name, kind in self._kinds.items()
        )

    def _run(self, values: dict, shape_key: Hashable, shape: Callable[[QuerySet], QuerySet] | None) -> QuerySet:
        flat = self._flat(values)
        key = (self._shape_of(flat), shape_key)
        prepared = self._prepared.get(key)
        if prepared is None:
            with self._lock:
                if len(self._prepared) < MOST_SHAPES:
                    prepared = self._prepared[key] = self._prepare(flat, shape)
        if not isinstance(prepared, _Prepared):
            built = self._build(**values)
            return shape(built) if shape else built
        params = list(prepared.params)
        members = {
            name: sorted(flat[name])
            for name, kind in self._kinds.items()
            if typing.get_origin(kind) is frozenset and flat[name] is not None
        }
        for position, name, member, passed_as in prepared.slots:
            value = flat[name] if member is None else members[name][member]
            params[position] = value if type(value) is passed_as else passed_as(value)
        return _queryset_running(prepared, tuple(params))

    def _prepare(self, flat: dict, shape) -> "_Prepared | str":
        compiled = []
        for stand_in in (0, 1):
            named, arguments, made = {}, {}, itertools.count()
            for name, kind in self._kinds.items():
                if _picks_shape(kind) or flat[name] is None:
                    arguments[name] = flat[name]
                elif typing.get_origin(kind) is frozenset:  # each member a stand-in of its own, for IN
                    member_kind = typing.get_args(kind)[0]
                    members = [_STAND_INS[member_kind][stand_in](next(made)) for _ in flat[name]]
                    arguments[name] = frozenset(members)
                    named.update({value: (name, index, member_kind) for index, value in enumerate(members)})
                else:
                    arguments[name] = _STAND_INS[kind][stand_in](next(made))
                    named[arguments[name]] = (name, None, kind)
            queryset = self._build(**self._arguments(arguments))
            if shape:
                queryset = shape(queryset)
            compiler = queryset.query.get_compiler(using=queryset.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:  # IN an empty set, say: the ORM answers with no query at all
                return NOTHING_TO_READ
            compiled.append((queryset, compiler, sql, tuple(params), named))
        (template, compiler, sql, params, named), (_, _, other_sql, other_params, other_named) = compiled
        if sql != other_sql or len(params) != len(other_params):
            return "its SQL depends on a value that is not a parameter"
        slots = []
        for position, (value, other) in enumerate(zip(params, other_params, strict=True)):
            name, other_name = _stand_in_named(named, value), _stand_in_named(other_named, other)
            # A set's members may come out in another order in the second compilation: IN does not mind which.
            if name is not None and other_name is not None and other_name[0] == name[0]:
                # The value as the ORM passed it on (psycopg's Int4 for a member of IN, say), to pass ours on alike.
                slots.append((position, *name, type(value)))
            elif value != other or name is not None:
                return f"parameter {position + 1} of its SQL is derived from a value, not the value itself"
        return _Prepared(template=template, compiler=compiler, sql=sql, params=params, slots=tuple(slots))


def _stand_in_named(named: dict, value) -> tuple[str, int | None] | None:
    try:
        found = named.get(value)
    except TypeError:  # an unhashable parameter (a list, say) is no stand-in
        return None
    if found is None:
        return None
    name, member, kind = found
    # A stand-in passes on as itself or as a subclass of its kind (psycopg's Int4 is an int).
    return (name, member) if isinstance(value, kind) else None


@dataclasses.dataclass(frozen=True)
class BoundRead:
    """A prepared read with its values, to be shaped (paged, say) before it runs."""

    read: PreparedRead
    values: dict

    def queryset(self, shape_key: Hashable = None, shape: Callable[[QuerySet], QuerySet] | None = None) -> QuerySet:
        """The rows, `shape`d (for example sliced to a page), through SQL kept for this read and `shape_key`."""
        return self.read._run(self.values, shape_key, shape)

    def built(self) -> QuerySet:
        """The ORM's own queryset with these values, to narrow or count (compiled on this call)."""
        return self.read._build(**self.values)


def _queryset_running(prepared: _Prepared, params: tuple) -> QuerySet:
    template = prepared.template
    query = _PreparedQuery.__new__(_PreparedQuery)
    query.__dict__.update(template.query.__dict__)
    query.prepared_with = (prepared, params)
    # As QuerySet._clone, without cloning the query.
    queryset = template.__class__(model=template.model, query=query, using=template._db, hints=template._hints)
    queryset._sticky_filter = template._sticky_filter
    queryset._for_write = template._for_write
    queryset._prefetch_related_lookups = template._prefetch_related_lookups[:]
    queryset._known_related_objects = template._known_related_objects
    queryset._iterable_class = template._iterable_class
    queryset._fields = template._fields
    return queryset


def prepared_read(build: Callable[..., QuerySet]) -> PreparedRead:
    return PreparedRead(build)


def refused_reads() -> dict[str, dict[Hashable, str]]:
    """Every prepared read that has run a shape through the ORM uncached, by name, with the shapes and why."""
    return {f"{read.__module__}.{read.__qualname__}": read.refusals for read in _EVERY_READ if read.refusals}
