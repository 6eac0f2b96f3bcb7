"""A page of a list and how long the list is, in one query: Django's paginator counts in a query of its own."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def with_list_total(rows: QuerySet, name: str) -> QuerySet:
    """`rows`, each annotated `name` with the number of rows in the whole list (a window count).

    The count is filtered on, which makes Django wrap the query in an outer one that sorts and slices. Without
    that, PostgreSQL 15 costs a LIMIT over a whole-list window as if it could stop after the first rows, and walks
    the visits' date index across every ICB instead of starting from the few rows asked for (87 ms against 7 ms
    for an ICB's unconfirmed visits at scale 10)."""
    return rows.annotate(**{name: Window(Count("pk"))}).filter(**{f"{name}__gt": 0})


def page_with_count(rows: QuerySet, *, per_page: int, number) -> Page:
    """The page numbered `number` (as typed in the address), its rows counting the whole list beside them (a
    window count). A number that is not a page gives the first page, one past the end the last, as
    Paginator.get_page does; only those cost more queries. (A list PostgreSQL plans badly under the LIMIT: see
    `with_list_total`, or give it an index of its own, as the visits that did not take place have.)"""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    page = list(rows.annotate(rows_in_list=Window(Count("pk")))[start : start + per_page])
    paginator = Paginator(rows, per_page)
    if not page and number > 1:
        return paginator.get_page(number)
    paginator.count = page[0].rows_in_list if page else 0  # a cached property, set from the window count
    return Page(page, number, paginator)
