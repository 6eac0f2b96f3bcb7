"""Prepared reads (pins.kernel.prepared): the SQL is built once, the rows are the ORM's for the values given, and
a read whose SQL carries anything but its parameters is refused and runs through the ORM instead."""

import datetime
import threading

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pins.kernel.paging import page_with_count
from pins.kernel.prepared import PreparedQueryIsFixed, prepared_read
from schools.models import Enrolment, School, SencoMembership
from tests.factories import EnrolmentFactory, ICBFactory, SchoolFactory, SencoMembershipFactory

pytestmark = pytest.mark.django_db


@prepared_read
def _schools_in(*, icb_id: int) -> QuerySet[School]:
    return School.objects.filter(icb_id=icb_id).select_related("icb", "local_authority").order_by("name", "urn")


@prepared_read
def _enrolments(*, icb_id: int, only_new: bool, opened_before: datetime.date) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.filter(icb_id=icb_id, school__opened_on__lt=opened_before)
    if only_new:
        enrolments = enrolments.filter(support=Enrolment.Support.NEW)
    return enrolments.select_related("school").only("support", "school__name").order_by("school__name", "pk")


@prepared_read
def _named_like(*, text: str) -> QuerySet[School]:
    return School.objects.filter(name__contains=text).order_by("urn")


@prepared_read
def _granted_before_now(*, icb_id: int) -> QuerySet[SencoMembership]:
    return SencoMembership.objects.filter(school__icb_id=icb_id, granted_at__lte=timezone.now()).order_by("pk")


@prepared_read
def _schools_seen(*, icb_ids: frozenset[int], urns: frozenset[int]) -> QuerySet[School]:
    return School.objects.filter(Q(icb_id__in=icb_ids) | Q(urn__in=urns)).select_related("icb", "local_authority")


def _shown(schools) -> list[tuple]:
    return [(school.urn, school.name, school.icb.ods_code, school.local_authority.name) for school in schools]


@pytest.fixture
def two_icbs():
    icbs = ICBFactory(), ICBFactory()
    for icb in icbs:
        for _ in range(3):
            SchoolFactory(icb=icb)
    return icbs


def test_a_prepared_read_gives_the_rows_the_orm_gives_for_each_value(two_icbs):
    for icb in two_icbs:
        assert _shown(_schools_in(icb_id=icb.pk)) == _shown(_schools_in.bound(icb_id=icb.pk).built())
        assert {school.icb_id for school in _schools_in(icb_id=icb.pk)} == {icb.pk}


def test_after_its_first_call_a_read_runs_with_no_sql_compiled(two_icbs, monkeypatch):
    list(_schools_in(icb_id=two_icbs[0].pk))
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self) or as_sql(self, *a, **k))

    with CaptureQueriesContext(connection) as queries:
        rows = list(_schools_in(icb_id=two_icbs[1].pk))

    assert compiled == []
    assert len(queries) == 1 and len(rows) == 3
    assert str(two_icbs[1].pk) in queries[0]["sql"]


def test_a_bool_picks_a_shape_and_each_shape_is_right(two_icbs):
    icb = two_icbs[0]
    new, continuing = (
        EnrolmentFactory(school=SchoolFactory(icb=icb, opened_on=datetime.date(2000, 9, 1)), support=support)
        for support in (Enrolment.Support.NEW, Enrolment.Support.CONTINUING)
    )

    every = _enrolments(icb_id=icb.pk, only_new=False, opened_before=datetime.date(2001, 1, 1))
    only_new = _enrolments(icb_id=icb.pk, only_new=True, opened_before=datetime.date(2001, 1, 1))
    none_yet = _enrolments(icb_id=icb.pk, only_new=False, opened_before=datetime.date(2000, 9, 1))

    assert {enrolment.pk for enrolment in every} == {new.pk, continuing.pk}
    assert [enrolment.pk for enrolment in only_new] == [new.pk]
    assert list(none_yet) == []
    assert _enrolments.refusals == {}


def test_a_read_whose_sql_carries_more_than_its_parameters_is_refused_and_still_right(two_icbs):
    school = SchoolFactory(icb=two_icbs[0], name="Zebra Crossing Primary")
    membership = SencoMembershipFactory(school=school)

    assert [found.urn for found in _named_like(text="ebra Crossin")] == [school.urn]
    assert [found.pk for found in _granted_before_now(icb_id=two_icbs[0].pk)] == [membership.pk]
    assert "derived" in next(iter(_named_like.refusals.values()))
    assert _granted_before_now.refusals  # the time read inside the function is not a parameter


def test_a_prepared_queryset_cannot_be_narrowed_or_counted(two_icbs):
    schools = _schools_in(icb_id=two_icbs[0].pk)
    for narrowing in (lambda: schools.filter(name="x"), schools.count, schools.exists, lambda: schools[:1]):
        with pytest.raises(PreparedQueryIsFixed):
            narrowing()


def test_a_prepared_read_pages_as_the_orm_does(two_icbs):
    for _ in range(4):
        SchoolFactory(icb=two_icbs[0])  # 7 in all: pages of 3, 3 and 1
    for number in ("1", "2", "3", "4", "nonsense"):
        prepared = page_with_count(_schools_in.bound(icb_id=two_icbs[0].pk), per_page=3, number=number)
        orm = page_with_count(_schools_in.bound(icb_id=two_icbs[0].pk).built(), per_page=3, number=number)
        assert (_shown(prepared), prepared.number, prepared.paginator.count) == (
            _shown(orm),
            orm.number,
            orm.paginator.count,
        )


@pytest.mark.django_db(transaction=True)
def test_a_read_prepared_in_one_thread_runs_in_another():
    icb = ICBFactory()
    SchoolFactory(icb=icb)
    list(_schools_in(icb_id=icb.pk))
    found = []

    def read():
        found.extend(_shown(_schools_in(icb_id=icb.pk)))
        connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()

    assert found == _shown(_schools_in.bound(icb_id=icb.pk).built())


def test_a_set_of_values_is_read_as_the_orm_reads_it_whatever_its_members(two_icbs):
    first, second = two_icbs
    other = SchoolFactory()
    one_of_first = School.objects.filter(icb=first).first()
    for icb_ids, urns in [
        ({first.pk}, set()),
        ({second.pk}, {other.pk}),
        ({first.pk, second.pk}, {other.pk, one_of_first.pk}),  # a school in both
        (set(), {other.pk}),
        ({second.pk}, {one_of_first.pk}),  # the same sizes as an earlier call, other members
    ]:
        bound = _schools_seen.bound(icb_ids=frozenset(icb_ids), urns=frozenset(urns))
        assert sorted(_shown(bound.queryset())) == sorted(_shown(bound.built()))
    with CaptureQueriesContext(connection) as queries:
        assert list(_schools_seen(icb_ids=frozenset(), urns=frozenset())) == []
    assert len(queries) == 0  # nothing can match, as the ORM knows
    assert _schools_seen.refusals == {}


def test_parameters_must_be_keyword_only_and_of_a_known_kind():
    with pytest.raises(TypeError):
        prepared_read(lambda icb_id: School.objects.filter(icb_id=icb_id))

    def by_list(*, urns: list[int]):
        return School.objects.filter(urn__in=urns)

    with pytest.raises(TypeError):
        prepared_read(by_list)
